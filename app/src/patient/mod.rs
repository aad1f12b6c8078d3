//! The patient's side: the entry page (full name and access code; it issues the pass of
//! `appointment::pass` that keeps the place), and the room page with the automatic tech test
//! and the online waiting room.

pub mod code_link;
pub mod pages;
pub mod room;
pub mod server_fns;
pub mod types;

#[cfg(feature = "ssr")]
pub mod entry;
#[cfg(feature = "ssr")]
pub mod handlers;
