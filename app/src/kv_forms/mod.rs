//! KV-Antrag: the documents a practice needs for its Kassenärztliche Vereinigung before billing
//! video consultations. The per-KV form (notification or application) and the operator's
//! "Bestätigung Videosprechstunde" come from [`documents`], the self-disclosure per Anlage 31b
//! from [`self_disclosure`], driven by the one list of requirements in [`requirements`] that
//! also feeds the README's compliance section; what each KV asks lives in [`kvs`].

#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod kvs;
pub mod pages;
pub mod requirements;
#[cfg(feature = "ssr")]
pub mod self_disclosure;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
