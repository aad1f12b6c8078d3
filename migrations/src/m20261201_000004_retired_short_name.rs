//! Short names a practice gave up (renamed or cleared): another practice may not take them for
//! a year, so posters, QR codes and website links already out there do not lead patients to a
//! different practice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RetiredShortName {
    Table,
    ShortName,
    PracticeId,
    RetiredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RetiredShortName::Table)
                    .col(string_len(RetiredShortName::ShortName, 40).primary_key())
                    .col(uuid(RetiredShortName::PracticeId))
                    .col(timestamp_with_time_zone(RetiredShortName::RetiredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_retired_short_name_practice")
                    .table(RetiredShortName::Table)
                    .col(RetiredShortName::PracticeId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RetiredShortName::Table).to_owned())
            .await
    }
}
