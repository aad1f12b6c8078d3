//! The practice's contract: cancellation with three months' notice to the end of a quarter,
//! revocation during the notice period, and the deletion of all data when it ends.

#[cfg(feature = "ssr")]
pub mod notice;
