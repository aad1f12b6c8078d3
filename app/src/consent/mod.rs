//! Einverständniserklärung: the patient's written consent to video treatment. The PDF template,
//! documents encrypted in the patient's browser for the practice, and the practice's review.

#[cfg(feature = "hydrate")]
mod browser_io;
pub mod components;
/// The browser's encryption (crate `consent-crypto`), in the browser bundles only.
#[cfg(feature = "hydrate")]
pub use consent_crypto as crypto;
/// The formats both sides know (crate `consent-format`).
pub use consent_format::{document, wrapped_key};
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod islands;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod template;
pub mod types;
