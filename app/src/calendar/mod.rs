//! The practice's appointment calendar: video appointments with a personal access code for the
//! patient, invitation/change/cancellation e-mails with an `.ics`, week view.

pub mod cards;
mod guest_section;
pub mod pages;
pub mod server_fns;
pub mod types;

#[cfg(feature = "ssr")]
pub mod access_code;
#[cfg(feature = "ssr")]
pub mod availability;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod guests;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod ics;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod view;
