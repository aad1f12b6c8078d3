//! The practice's public information page (issue 11): its short name in the address
//! (`/praxen/<short_name>`, unique), whether it is online, the practice's own introduction, and
//! whether invitations link the patient guide.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_practice::Practice;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Column {
    ShortName,
    PublicPageEnabled,
    PublicIntro,
    GuideInInvitation,
}

const INDEX: &str = "idx_practice_short_name";

fn columns() -> [ColumnDef; 4] {
    [
        string_len_null(Column::ShortName, 40),
        boolean(Column::PublicPageEnabled).default(false).to_owned(),
        text_null(Column::PublicIntro),
        boolean(Column::GuideInInvitation).default(true).to_owned(),
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
        // Several practices without a short name are fine (NULLs are distinct in both engines).
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Practice::Table)
                    .col(Column::ShortName)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Practice::Table).to_owned())
            .await?;
        for column in [
            Column::ShortName,
            Column::PublicPageEnabled,
            Column::PublicIntro,
            Column::GuideInInvitation,
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
