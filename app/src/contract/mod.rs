//! The practice's contract: cancellation with three months' notice to the end of a quarter,
//! revocation during the notice period, and the deletion of all data when it ends.

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod notice;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
