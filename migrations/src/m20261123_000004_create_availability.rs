//! Practice availability (issue 5): weekly opening hours and blocked periods (holidays,
//! vacation). Booking outside them needs an explicit confirmation.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_practice::Practice;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OpeningHours::Table)
                    .if_not_exists()
                    .col(uuid(OpeningHours::Id).primary_key())
                    .col(uuid(OpeningHours::PracticeId))
                    // 0 = Monday … 6 = Sunday.
                    .col(small_integer(OpeningHours::Weekday))
                    // Minutes after midnight, Berlin wall-clock time.
                    .col(small_integer(OpeningHours::OpensMinute))
                    .col(small_integer(OpeningHours::ClosesMinute))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OpeningHours::Table, OpeningHours::PracticeId)
                            .to(Practice::Table, Practice::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_opening_hours_practice")
                    .table(OpeningHours::Table)
                    .col(OpeningHours::PracticeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BlockedPeriod::Table)
                    .if_not_exists()
                    .col(uuid(BlockedPeriod::Id).primary_key())
                    .col(uuid(BlockedPeriod::PracticeId))
                    .col(date(BlockedPeriod::FirstDay))
                    .col(date(BlockedPeriod::LastDay))
                    .col(string_len_null(BlockedPeriod::Reason, 100))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BlockedPeriod::Table, BlockedPeriod::PracticeId)
                            .to(Practice::Table, Practice::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_blocked_period_practice")
                    .table(BlockedPeriod::Table)
                    .col(BlockedPeriod::PracticeId)
                    .col(BlockedPeriod::FirstDay)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BlockedPeriod::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OpeningHours::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum OpeningHours {
    Table,
    Id,
    PracticeId,
    Weekday,
    OpensMinute,
    ClosesMinute,
}

#[derive(DeriveIden)]
pub enum BlockedPeriod {
    Table,
    Id,
    PracticeId,
    FirstDay,
    LastDay,
    Reason,
}
