//! The signalling socket (`/signal`), shared by the waiting room and the call: the typed
//! protocol, the server's relay between the two seats of a call, and the browser's end.

pub mod types;

#[cfg(feature = "ssr")]
pub mod relay;

#[cfg(feature = "hydrate")]
pub mod client;
