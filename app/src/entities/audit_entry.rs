//! One line of the practice's audit log: who (a practice member, or the patient when
//! `actor_id` is `None`) did what to which consent or document, and when. No names, no content.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub practice_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub action: Action,
    pub subject_id: Option<Uuid>,
    pub at: DateTimeUtc,
}

/// What was done; each has a Fluent label `audit-<stored value>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(40))"
)]
pub enum Action {
    /// The practice's key pair was set up.
    #[sea_orm(string_value = "key-created")]
    KeyCreated,
    /// The passphrase was changed (the private key wrapped again).
    #[sea_orm(string_value = "key-rewrapped")]
    KeyRewrapped,
    /// A member fetched the wrapped private key.
    #[sea_orm(string_value = "key-fetched")]
    KeyFetched,
    /// A document was uploaded.
    #[sea_orm(string_value = "document-uploaded")]
    DocumentUploaded,
    /// A member opened a document.
    #[sea_orm(string_value = "document-viewed")]
    DocumentViewed,
    /// A document was deleted.
    #[sea_orm(string_value = "document-deleted")]
    DocumentDeleted,
    /// The consent was confirmed.
    #[sea_orm(string_value = "consent-confirmed")]
    ConsentConfirmed,
    /// A consent on paper was entered.
    #[sea_orm(string_value = "consent-paper")]
    ConsentPaper,
    /// A withdrawal was entered.
    #[sea_orm(string_value = "consent-withdrawn")]
    ConsentWithdrawn,
    /// The consent was deleted.
    #[sea_orm(string_value = "consent-deleted")]
    ConsentDeleted,
    /// A doctor let the patient in without a confirmed consent.
    #[sea_orm(string_value = "admitted-without-consent")]
    AdmittedWithoutConsent,
    /// A doctor let a further person (interpreter, relative, …) into the consultation.
    #[sea_orm(string_value = "guest-admitted")]
    GuestAdmitted,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use super::Action;
    use sea_orm::{ActiveEnum, Iterable};

    #[test]
    fn every_action_is_stored_as_before_and_has_a_label() {
        let table = [
            (Action::KeyCreated, "key-created"),
            (Action::KeyRewrapped, "key-rewrapped"),
            (Action::KeyFetched, "key-fetched"),
            (Action::DocumentUploaded, "document-uploaded"),
            (Action::DocumentViewed, "document-viewed"),
            (Action::DocumentDeleted, "document-deleted"),
            (Action::ConsentConfirmed, "consent-confirmed"),
            (Action::ConsentPaper, "consent-paper"),
            (Action::ConsentWithdrawn, "consent-withdrawn"),
            (Action::ConsentDeleted, "consent-deleted"),
            (Action::AdmittedWithoutConsent, "admitted-without-consent"),
            (Action::GuestAdmitted, "guest-admitted"),
        ];
        assert_eq!(
            Action::iter().count(),
            table.len(),
            "every variant is in the table"
        );
        let labels = include_str!("../../locales/de/consent.ftl");
        for (action, stored) in table {
            assert_eq!(action.to_value(), stored);
            assert_eq!(Action::try_from_value(&stored.to_owned()).unwrap(), action);
            assert!(
                labels.contains(&format!("\naudit-{stored} =")),
                "audit-{stored} has a label"
            );
        }
    }
}
