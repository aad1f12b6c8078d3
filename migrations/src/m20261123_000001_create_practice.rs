//! The practice: the tenant every later table (users, appointments, consent, contract) hangs on.
//! Issue-by-issue migrations add its Stammdaten columns.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Practice::Table)
                    .if_not_exists()
                    .col(uuid(Practice::Id).primary_key())
                    .col(string_len(Practice::Name, 200))
                    .col(timestamp_with_time_zone(Practice::CreatedAt))
                    .col(timestamp_with_time_zone(Practice::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Practice::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Practice {
    Table,
    Id,
    Name,
    CreatedAt,
    UpdatedAt,
}
