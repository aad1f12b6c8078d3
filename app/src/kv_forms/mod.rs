//! KV-Antrag: the documents a practice needs for its Kassenärztliche Vereinigung before billing
//! video consultations. So far the operator's self-disclosure per Anlage 31b BMV-Ä, driven by the
//! one list of requirements that also feeds the README's compliance section.

#[cfg(feature = "ssr")]
pub mod handlers;
pub mod requirements;
#[cfg(feature = "ssr")]
pub mod self_disclosure;
