//! The role of a further person in a consultation (issue 25), shared by the calendar (who is
//! invited), the waiting room's list and the call.

use serde::{Deserialize, Serialize};

/// Why a further person takes part in a consultation (issue 25). Stored in
/// `appointment_guest.role` as its snake-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))",
        rename_all = "snake_case"
    )
)]
#[serde(rename_all = "snake_case")]
pub enum GuestRole {
    /// Dolmetscher/in
    Interpreter,
    /// Angehörige/r
    Relative,
    /// Betreuer/in
    Carer,
    /// Kollegin/Kollege
    Colleague,
    /// Sonstige
    Other,
}

impl GuestRole {
    /// Every role, in the order the form offers them.
    pub const ALL: [GuestRole; 5] = [
        GuestRole::Interpreter,
        GuestRole::Relative,
        GuestRole::Carer,
        GuestRole::Colleague,
        GuestRole::Other,
    ];

    /// The form's value and the stored name.
    pub fn code(self) -> &'static str {
        match self {
            GuestRole::Interpreter => "interpreter",
            GuestRole::Relative => "relative",
            GuestRole::Carer => "carer",
            GuestRole::Colleague => "colleague",
            GuestRole::Other => "other",
        }
    }

    /// The role as chosen in the form (`None` for anything else).
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == value.trim())
    }

    /// Fluent key of its German name ("Dolmetscher/in", …).
    pub fn label_key(self) -> &'static str {
        match self {
            GuestRole::Interpreter => "guest-role-interpreter",
            GuestRole::Relative => "guest-role-relative",
            GuestRole::Carer => "guest-role-carer",
            GuestRole::Colleague => "guest-role-colleague",
            GuestRole::Other => "guest-role-other",
        }
    }
}
