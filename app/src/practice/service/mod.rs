//! The rules and the database work of practice accounts. Every function takes the already
//! parsed input and the state; the handlers turn the outcomes into pages and redirects.

pub mod checks;
pub mod login;
pub mod mail;
pub mod profile;
pub mod registration;
pub mod reset;
