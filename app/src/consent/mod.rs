//! Einverständniserklärung: the patient's written consent to video treatment. The PDF template,
//! documents encrypted in the patient's browser for the practice, and the practice's review.

#[cfg(feature = "hydrate")]
mod browser_io;
pub mod components;
#[cfg(any(feature = "hydrate", feature = "crypto"))]
pub mod crypto;
pub mod document;
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
pub mod wrapped_key;
