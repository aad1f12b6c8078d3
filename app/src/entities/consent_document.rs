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
    /// `patient` or `practice`.
    pub uploaded_by: String,
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

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
