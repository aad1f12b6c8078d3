//! Database rows as sea-orm entities (server only). Never used as form or wire types: forms
//! parse into the validated newtypes of their domain, wire types live in `<domain>/types.rs`.

pub mod account_token;
pub mod appointment;
pub mod appointment_guest;
pub mod audit_entry;
pub mod blocked_period;
pub mod consent;
pub mod consent_document;
pub mod email_outbox;
pub mod login_throttle;
pub mod opening_hours;
pub mod practice;
pub mod practice_key;
pub mod practice_user;
pub mod recovery_code;
pub mod retired_short_name;
