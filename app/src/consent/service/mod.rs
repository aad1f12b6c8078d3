//! The rules of consent (server side): storing sealed documents, the practice's review (confirm,
//! paper, withdrawal, deletion), the key pair's wraps, and the audit log of every access. This
//! code handles ciphertext only; it has no key and no path to plaintext.

pub mod access;
pub mod audit;
pub mod documents;
pub mod error;
pub mod keys;
pub mod overview;
pub mod review;
pub mod status;
