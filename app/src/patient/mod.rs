//! The patient's side: the entry page with full name and access code. The tech test and the
//! waiting room follow (issue 6); today the page says whether the code opens the room now.

pub mod pages;

#[cfg(feature = "ssr")]
pub mod entry;
#[cfg(feature = "ssr")]
pub mod handlers;
