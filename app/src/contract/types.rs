//! What the Vertrag page shows, shared by server and browser.

use crate::practice::types::Plan;
use serde::{Deserialize, Serialize};

/// Whether the contract runs or ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContractState {
    Running,
    /// Cancelled on `cancelled_on`; everything is deleted at the end of `last_day` (German
    /// dates, e.g. "31.03.2027").
    Cancelled {
        cancelled_on: String,
        last_day: String,
    },
}

/// The contract as the owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractView {
    pub plan: Plan,
    pub started_on: String,
    pub state: ContractState,
    /// The last day if the contract were cancelled now.
    pub would_end_on: String,
}
