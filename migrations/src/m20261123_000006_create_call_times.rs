//! The call (issue 7): when the doctor first let the patient in. With `finished_at` it gives
//! the consultation's start and end; sending the patient back to the waiting room clears
//! `admitted_at` but keeps this.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000003_create_appointments::Appointment;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CallTimes {
    CallStartedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Appointment::Table)
                    .add_column(timestamp_with_time_zone_null(CallTimes::CallStartedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Appointment::Table)
                    .drop_column(CallTimes::CallStartedAt)
                    .to_owned(),
            )
            .await
    }
}
