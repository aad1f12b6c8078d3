//! The online waiting room: patients wait, the practice sees them live, lets them in, sends
//! short notes. Server side: the rules, the live registry and the signalling socket.

#[cfg(feature = "ssr")]
pub mod rooms;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod socket;
