//! The practice's key pair for patient documents: the public key in clear, the private key only
//! wrapped (by the practice passphrase, and separately by the recovery code). The server cannot
//! unwrap either.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub practice_id: Uuid,
    pub public_key: String,
    /// JSON [`crate::consent::wrapped_key::WrappedKey`].
    pub passphrase_wrap: String,
    /// JSON [`crate::consent::wrapped_key::WrappedKey`].
    pub recovery_wrap: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
