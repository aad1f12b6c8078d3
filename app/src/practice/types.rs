//! Types that cross the wire between the practice pages and the server.

use serde::{Deserialize, Serialize};

/// What a person may do in a practice. Stored in `practice_user.role` as its snake-case name.
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
pub enum Role {
    /// Registered the practice: holds calls and manages data, billing, contract and team.
    Owner,
    /// Arzt/Ärztin or Psychotherapeut/in: holds calls.
    Doctor,
    /// Praxisteam: manages the calendar only.
    Team,
}

impl Role {
    /// Stable id, as stored in the database and sent by the invitation form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Doctor => "doctor",
            Role::Team => "team",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "doctor" => Some(Role::Doctor),
            "team" => Some(Role::Team),
            _ => None,
        }
    }

    /// Fluent key of the role's German name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Owner => "role-owner",
            Role::Doctor => "role-doctor",
            Role::Team => "role-team",
        }
    }

    /// Whether the role manages practice data, billing, contract and team.
    pub fn manages_practice(self) -> bool {
        self == Role::Owner
    }

    /// Holds video consultations: sees the waiting room and admits patients.
    pub fn holds_calls(self) -> bool {
        matches!(self, Role::Owner | Role::Doctor)
    }
}

/// The logged-in person as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub display_name: String,
    pub practice_name: String,
    pub role: Role,
    pub totp_enabled: bool,
    /// Minutes of inactivity after which the session ends (for the warning).
    pub idle_minutes: i64,
    /// The contract's last day (German date) once it is cancelled: a banner on every page.
    pub contract_ends_on: Option<String>,
}

/// The Stammdaten form's current values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stammdaten {
    pub practice_name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub kv_region: String,
    pub bsnr: String,
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub specialty: String,
    pub lanr: String,
    pub email: String,
}

/// The Rechnungsdaten form's current values (IBAN shown masked, never sent back in full).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rechnungsdaten {
    pub billing_name: String,
    pub billing_street: String,
    pub billing_postcode: String,
    pub billing_city: String,
    pub account_holder: String,
    pub iban_masked: Option<String>,
}

/// One row of the team list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// The member's id, for the remove button.
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub invitation_pending: bool,
    pub totp_enabled: bool,
}

/// The second-factor page: either the setup in progress or the current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorView {
    pub enabled: bool,
    /// QR code (inline SVG) and the secret to type in, while setting up.
    pub setup: Option<TotpSetup>,
    pub recovery_codes_left: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    pub qr_svg: String,
    /// Base32 secret in groups of four for manual entry.
    pub secret_grouped: String,
}

/// The practice's plan. Stored in `practice.plan` as its snake-case name; the free basic plan is
/// the only one so far.
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
pub enum Plan {
    /// Basis (kostenlos).
    Basis,
}

impl Plan {
    /// Fluent key of the plan's German name.
    pub fn label_key(self) -> &'static str {
        match self {
            Plan::Basis => "plan-basis",
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{Plan, Role};
    use sea_orm::{ActiveEnum, Iterable};

    #[test]
    fn every_role_is_stored_as_before() {
        let table = [
            (Role::Owner, "owner"),
            (Role::Doctor, "doctor"),
            (Role::Team, "team"),
        ];
        assert_eq!(
            Role::iter().count(),
            table.len(),
            "every variant is in the table"
        );
        for (role, stored) in table {
            assert_eq!(role.to_value(), stored);
            assert_eq!(role.as_str(), stored, "the form's value is the stored one");
            assert_eq!(Role::try_from_value(&stored.to_owned()).unwrap(), role);
            assert_eq!(Role::parse(stored), Some(role));
        }
        assert!(Role::try_from_value(&"admin".to_owned()).is_err());
    }

    #[test]
    fn every_plan_is_stored_as_before() {
        // "basis" is also the column's default in the migration.
        let table = [(Plan::Basis, "basis")];
        assert_eq!(
            Plan::iter().count(),
            table.len(),
            "every variant is in the table"
        );
        for (plan, stored) in table {
            assert_eq!(plan.to_value(), stored);
            assert_eq!(Plan::try_from_value(&stored.to_owned()).unwrap(), plan);
            assert_eq!(plan.label_key(), format!("plan-{stored}"));
        }
        assert!(Plan::try_from_value(&"premium".to_owned()).is_err());
    }
}
