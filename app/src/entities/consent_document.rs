//! One uploaded page or file of a consent, as a sealed box for the practice's public key.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub consent_id: Uuid,
    pub practice_id: Uuid,
    pub appointment_id: Option<Uuid>,
    pub uploaded_by: UploadedBy,
    /// Ciphertext only: the server has no key to open it.
    pub sealed: Vec<u8>,
    pub size_bytes: i64,
    pub created_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentDocument")
            .field("id", &self.id)
            .field("consent_id", &self.consent_id)
            .field("size_bytes", &self.size_bytes)
            .finish_non_exhaustive()
    }
}

/// Who uploaded a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(16))"
)]
pub enum UploadedBy {
    #[sea_orm(string_value = "patient")]
    Patient,
    #[sea_orm(string_value = "practice")]
    Practice,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use super::UploadedBy;
    use sea_orm::{ActiveEnum, Iterable};

    #[test]
    fn every_uploader_is_stored_as_before() {
        let table = [
            (UploadedBy::Patient, "patient"),
            (UploadedBy::Practice, "practice"),
        ];
        assert_eq!(
            UploadedBy::iter().count(),
            table.len(),
            "every variant is in the table"
        );
        for (by, stored) in table {
            assert_eq!(by.to_value(), stored);
            assert_eq!(UploadedBy::try_from_value(&stored.to_owned()).unwrap(), by);
        }
    }
}
