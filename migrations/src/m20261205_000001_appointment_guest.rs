//! Issue 25: further people invited to an appointment (interpreter, relative, carer,
//! colleague), each with an own access code and e-mail. Deleted with their appointment.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000003_create_appointments::Appointment;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum AppointmentGuest {
    Table,
    Id,
    AppointmentId,
    PracticeId,
    Name,
    Email,
    Role,
    CodeHash,
    CodeHashVersion,
    Sequence,
    UninvitedAt,
    EnteredName,
    ArrivedAt,
    AdmittedAt,
    RemovedAt,
    EntryValidAfter,
    DoctorNote,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppointmentGuest::Table)
                    .if_not_exists()
                    .col(uuid(AppointmentGuest::Id).primary_key())
                    .col(uuid(AppointmentGuest::AppointmentId))
                    .col(uuid(AppointmentGuest::PracticeId))
                    .col(string_len(AppointmentGuest::Name, 200))
                    .col(string_len(AppointmentGuest::Email, 254))
                    // interpreter | relative | carer | colleague | other
                    .col(string_len(AppointmentGuest::Role, 16))
                    // Keyed hash as for the patient's code; a guest's code finds only the guest.
                    .col(string_len_uniq(AppointmentGuest::CodeHash, 64))
                    .col(integer(AppointmentGuest::CodeHashVersion))
                    // iCalendar SEQUENCE of the last e-mail to this guest.
                    .col(integer(AppointmentGuest::Sequence))
                    .col(timestamp_with_time_zone_null(AppointmentGuest::UninvitedAt))
                    // The guest's own stay, as the appointment's columns for the patient.
                    .col(string_len_null(AppointmentGuest::EnteredName, 200))
                    .col(timestamp_with_time_zone_null(AppointmentGuest::ArrivedAt))
                    .col(timestamp_with_time_zone_null(AppointmentGuest::AdmittedAt))
                    .col(timestamp_with_time_zone_null(AppointmentGuest::RemovedAt))
                    .col(timestamp_with_time_zone_null(
                        AppointmentGuest::EntryValidAfter,
                    ))
                    .col(string_len_null(AppointmentGuest::DoctorNote, 1000))
                    .col(timestamp_with_time_zone(AppointmentGuest::CreatedAt))
                    .col(timestamp_with_time_zone(AppointmentGuest::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppointmentGuest::Table, AppointmentGuest::AppointmentId)
                            .to(Appointment::Table, Appointment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_appointment_guest_appointment")
                    .table(AppointmentGuest::Table)
                    .col(AppointmentGuest::AppointmentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AppointmentGuest::Table).to_owned())
            .await
    }
}
