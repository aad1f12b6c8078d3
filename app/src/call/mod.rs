//! The consultation itself: the typed signalling protocol shared by browser and server. The
//! WebRTC call in the browser follows in issue 7.

pub mod types;

#[cfg(feature = "ssr")]
pub mod ice;

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "hydrate")]
pub mod media;
