//! A patient's consent to video treatment with one practice (Einverständniserklärung), valid
//! until withdrawn. Matched to appointments by e-mail and name (`patient_key`).

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub practice_id: Uuid,
    pub patient_key: String,
    pub patient_name: String,
    pub patient_email: String,
    pub status: Status,
    pub paper_received_on: Option<Date>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub confirmed_by: Option<Uuid>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Patient data stays out of logs and panics.
        f.debug_struct("Consent")
            .field("id", &self.id)
            .field("practice_id", &self.practice_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What a consent row records; a patient without a row has none
/// ([`crate::consent::types::ConsentStatus::Missing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(16))"
)]
pub enum Status {
    /// Uploaded by the patient (or the practice); nobody has checked it yet.
    #[sea_orm(string_value = "uploaded")]
    Uploaded,
    /// Checked by the practice, or received on paper.
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    /// The patient withdrew it; a new upload starts again.
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

impl From<Status> for crate::consent::types::ConsentStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Uploaded => Self::ToCheck,
            Status::Confirmed => Self::Confirmed,
            Status::Withdrawn => Self::Withdrawn,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use super::Status;
    use crate::consent::types::ConsentStatus;
    use sea_orm::{ActiveEnum, Iterable};

    #[test]
    fn every_status_is_stored_as_before() {
        let table = [
            (Status::Uploaded, "uploaded", ConsentStatus::ToCheck),
            (Status::Confirmed, "confirmed", ConsentStatus::Confirmed),
            (Status::Withdrawn, "withdrawn", ConsentStatus::Withdrawn),
        ];
        assert_eq!(
            Status::iter().count(),
            table.len(),
            "every variant is in the table"
        );
        for (status, stored, shown) in table {
            assert_eq!(status.to_value(), stored);
            assert_eq!(Status::try_from_value(&stored.to_owned()).unwrap(), status);
            assert_eq!(ConsentStatus::from(status), shown);
        }
        assert!(Status::try_from_value(&"missing".to_owned()).is_err());
    }
}
