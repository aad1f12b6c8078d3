//! The consultation itself: the typed signalling protocol shared by browser and server, the
//! server's relay between the two seats of a call, and the WebRTC call in the browser.

pub mod doctor;
pub mod screen;
pub mod types;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod ice;
#[cfg(feature = "ssr")]
pub mod relay;

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "hydrate")]
pub mod media;
#[cfg(feature = "hydrate")]
pub mod peer;
