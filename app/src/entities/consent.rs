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
    /// `uploaded` (to check), `confirmed` or `withdrawn`.
    pub status: String,
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

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
