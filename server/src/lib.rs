//! The Sprechzimmer server: configuration, start-up, database, security middleware and the
//! HTTP endpoints outside Leptos (health). `main.rs` only calls into this library.

pub mod assets;
pub mod bus;
pub mod code_secret;
pub mod config;
pub mod db;
pub mod health;
pub mod memory;
pub mod page_scripts;
pub mod security;
pub mod serve;
pub mod session;
pub mod startup;
pub mod telemetry;
pub mod turn;
pub mod turn_tcp;
pub mod write_limit;
