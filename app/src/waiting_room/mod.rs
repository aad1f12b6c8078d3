//! The online waiting room: patients wait, the practice sees them live, lets them in, sends
//! short notes. The doctor's live panel is an island; the rules, the live registry and the
//! signalling socket are on the server.

pub mod pages;
pub mod panel;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod closed;
#[cfg(feature = "ssr")]
pub mod delivery;
#[cfg(feature = "ssr")]
pub mod guests;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod handshake;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod rooms;
#[cfg(feature = "ssr")]
pub mod roster_feed;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod socket;
#[cfg(feature = "ssr")]
pub mod view_slot;
