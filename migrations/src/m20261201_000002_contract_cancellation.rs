//! Contract cancellation (issue 10): when the practice cancelled, the contract's last day, the
//! instant all its data is deleted, and which reminder e-mails went out. All empty while the
//! contract runs; a revocation empties them again.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_practice::Practice;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cancellation {
    CancelledAt,
    ContractEndsOn,
    DeletionAt,
    ReminderMonthSentAt,
    ReminderWeekSentAt,
}

fn columns() -> [ColumnDef; 5] {
    [
        timestamp_with_time_zone_null(Cancellation::CancelledAt),
        date_null(Cancellation::ContractEndsOn),
        timestamp_with_time_zone_null(Cancellation::DeletionAt),
        timestamp_with_time_zone_null(Cancellation::ReminderMonthSentAt),
        timestamp_with_time_zone_null(Cancellation::ReminderWeekSentAt),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for mut column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Practice::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_practice_deletion_at")
                    .table(Practice::Table)
                    .col(Cancellation::DeletionAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_practice_deletion_at")
                    .table(Practice::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Cancellation::CancelledAt,
            Cancellation::ContractEndsOn,
            Cancellation::DeletionAt,
            Cancellation::ReminderMonthSentAt,
            Cancellation::ReminderWeekSentAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Practice::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
