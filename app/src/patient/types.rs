//! What the patient's room page gets from the server.

use serde::{Deserialize, Serialize};

pub use crate::signalling::types::IceServer;

/// The room behind a valid patient pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRoomInfo {
    pub practice_name: String,
    /// "Montag, 23. November 2026, 10:00 Uhr".
    pub appointment_time: String,
    /// Already in the waiting room before (a reload): straight back, no tech test.
    pub resume: bool,
    /// Admitted already: the call page.
    pub in_call: bool,
    /// A further person's room (issue 25): they leave the call, they do not end it.
    #[serde(default)]
    pub guest: bool,
    /// The servers the network check gathers candidates with.
    pub ice_servers: Vec<IceServer>,
}
