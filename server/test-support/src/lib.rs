//! Support code shared by the server's integration tests (`tests/api`) and its load
//! benchmarks (`examples/`): a native WebRTC peer (alone, or one per pair of a group call's pages) and the benchmarks'
//! client helpers. Dev-only:
//! no crate that ships depends on it.

pub mod load;
pub mod mesh;
pub mod native_peer;
