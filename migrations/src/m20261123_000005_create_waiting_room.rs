//! The waiting room (issue 6): what the patient typed as their name, when they arrived, when
//! the doctor let them in and when the consultation ended, the doctor's short message, and
//! since when the patient's entry is valid (a removal ends earlier patient sessions).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000003_create_appointments::Appointment;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WaitingRoom {
    EnteredName,
    ArrivedAt,
    AdmittedAt,
    FinishedAt,
    DoctorNote,
    EntryValidAfter,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            string_len_null(WaitingRoom::EnteredName, 200),
            timestamp_with_time_zone_null(WaitingRoom::ArrivedAt),
            timestamp_with_time_zone_null(WaitingRoom::AdmittedAt),
            timestamp_with_time_zone_null(WaitingRoom::FinishedAt),
            string_len_null(WaitingRoom::DoctorNote, 200),
            timestamp_with_time_zone_null(WaitingRoom::EntryValidAfter),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Appointment::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            WaitingRoom::EnteredName,
            WaitingRoom::ArrivedAt,
            WaitingRoom::AdmittedAt,
            WaitingRoom::FinishedAt,
            WaitingRoom::DoctorNote,
            WaitingRoom::EntryValidAfter,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Appointment::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
