//! Access codes are stored as HMAC-SHA256 with a server secret (issue 22), no longer as bare
//! SHA-256. A migration cannot compute the new hashes (it has no code and no secret), so each
//! row says which kind it holds: 0 = bare SHA-256 (rows from before), 1 = keyed. The patient
//! entry still accepts a version-0 row and rewrites it as version 1 on its first successful
//! use; rows nobody uses go with their appointment (three months after it at the latest).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000003_create_appointments::Appointment;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Column {
    CodeHashVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Appointment::Table)
                    .add_column(integer(Column::CodeHashVersion).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Appointment::Table)
                    .drop_column(Column::CodeHashVersion)
                    .to_owned(),
            )
            .await
    }
}
