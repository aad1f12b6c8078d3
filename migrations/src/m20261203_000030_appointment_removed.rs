//! Issue 22, point 14: when the practice removed the patient from the waiting room. While set,
//! the access code no longer opens the room; a new invitation (new code) clears it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000003_create_appointments::Appointment;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Removal {
    RemovedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Appointment::Table)
                    .add_column(timestamp_with_time_zone_null(Removal::RemovedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Appointment::Table)
                    .drop_column(Removal::RemovedAt)
                    .to_owned(),
            )
            .await
    }
}
