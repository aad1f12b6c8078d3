//! The consultation itself: the call screen both sides see, the doctor's call island, the
//! WebRTC connection in the browser and the STUN/TURN addresses the server hands out. What the
//! browsers say through the server is [`crate::signalling`].

pub mod doctor;
pub mod negotiation;
pub mod screen;
pub mod stats;
pub mod types;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod ice;

#[cfg(feature = "hydrate")]
pub mod media;
#[cfg(feature = "hydrate")]
pub mod peer;
