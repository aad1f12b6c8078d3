//! A person who logs in for a practice: owner, Arzt/Therapeut or Praxisteam.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub practice_id: Uuid,
    /// Lower-cased address, unique across all practices (the login name).
    #[sea_orm(unique)]
    pub email_normalized: String,
    /// The address as typed, used to write to the person.
    pub email: String,
    /// argon2id PHC string; `None` until an invited member has chosen a password.
    pub password_hash: Option<String>,
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub specialty: String,
    pub lanr: Option<String>,
    pub role: crate::practice::types::Role,
    pub email_verified_at: Option<DateTimeUtc>,
    /// Base32 TOTP secret once the second factor is on.
    pub totp_secret: Option<String>,
    /// Secret shown as QR code but not yet confirmed with a code.
    pub totp_pending_secret: Option<String>,
    /// Last accepted TOTP time step (no code is accepted twice).
    pub totp_last_step: Option<i64>,
    /// Sessions that logged in before this instant are no longer valid (password reset).
    pub sessions_valid_after: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

// Secrets and personal data stay out of logs, also by accident through `{:?}`.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PracticeUser")
            .field("id", &self.id)
            .field("practice_id", &self.practice_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::practice::Entity",
        from = "Column::PracticeId",
        to = "super::practice::Column::Id",
        on_delete = "Cascade"
    )]
    Practice,
}

impl Related<super::practice::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Practice.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
