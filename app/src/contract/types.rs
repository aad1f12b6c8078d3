//! What the Vertrag page shows, shared by server and browser.

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

/// The contract as the owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractView {
    pub plan: Plan,
    pub started_on: String,
    pub state: ContractState,
    /// The last day if the contract were cancelled now.
    pub would_end_on: String,
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::Plan;
    use sea_orm::{ActiveEnum, Iterable};

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
