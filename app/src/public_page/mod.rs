//! The practice's public information page for patients (`/praxen/<short name>`): requirements,
//! data security and how a video consultation works, with the practice's own introduction, a
//! link snippet and a QR code for its website and waiting room.

#[cfg(feature = "ssr")]
pub mod guide;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod short_name;
pub mod types;

/// The practice's own introduction: at most this many characters (the form says so too).
pub const MAX_INTRO_CHARS: usize = 2000;
/// What the short-name field takes: spelt-out umlauts and dropped punctuation change the
/// length before `short_name::MAX_LEN` is checked.
pub const SHORT_NAME_MAX_TYPED: usize = 60;
