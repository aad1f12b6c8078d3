//! Appointments (issue 5): video appointments with their access code hash, the practice's
//! calendar settings, and attachments (the `.ics`) for queued e-mails.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_practice::Practice;
use crate::m20261123_000002_create_accounts::{EmailOutbox, PracticeUser};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            integer(PracticeCalendar::DefaultDurationMinutes)
                .default(50)
                .to_owned(),
            boolean(PracticeCalendar::RemindersEnabled)
                .default(true)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Practice::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            string_len_null(OutboxAttachment::AttachmentName, 100),
            string_len_null(OutboxAttachment::AttachmentType, 100),
            text_null(OutboxAttachment::AttachmentBody),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(EmailOutbox::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Appointment::Table)
                    .if_not_exists()
                    .col(uuid(Appointment::Id).primary_key())
                    .col(uuid(Appointment::PracticeId))
                    // No cascade: a doctor with appointments cannot silently disappear.
                    .col(uuid(Appointment::DoctorId))
                    .col(string_len(Appointment::PatientName, 200))
                    .col(string_len(Appointment::PatientEmail, 254))
                    .col(timestamp_with_time_zone(Appointment::StartsAt))
                    .col(timestamp_with_time_zone(Appointment::EndsAt))
                    .col(integer(Appointment::DurationMinutes))
                    .col(string_len_null(Appointment::Note, 1000))
                    .col(string_len_uniq(Appointment::CodeHash, 64))
                    .col(string_len(Appointment::Status, 16))
                    .col(integer(Appointment::Sequence))
                    .col(timestamp_with_time_zone_null(Appointment::ReminderSentAt))
                    .col(timestamp_with_time_zone(Appointment::CreatedAt))
                    .col(timestamp_with_time_zone(Appointment::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Appointment::Table, Appointment::PracticeId)
                            .to(Practice::Table, Practice::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Appointment::Table, Appointment::DoctorId)
                            .to(PracticeUser::Table, PracticeUser::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_appointment_practice_start")
                    .table(Appointment::Table)
                    .col(Appointment::PracticeId)
                    .col(Appointment::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_appointment_doctor_start")
                    .table(Appointment::Table)
                    .col(Appointment::DoctorId)
                    .col(Appointment::StartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Appointment::Table).to_owned())
            .await?;
        for column in [
            OutboxAttachment::AttachmentName,
            OutboxAttachment::AttachmentType,
            OutboxAttachment::AttachmentBody,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(EmailOutbox::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            PracticeCalendar::DefaultDurationMinutes,
            PracticeCalendar::RemindersEnabled,
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

#[derive(DeriveIden, Clone, Copy)]
enum PracticeCalendar {
    DefaultDurationMinutes,
    RemindersEnabled,
}

/// Column names as stored (`attachment_name`, …).
#[derive(DeriveIden, Clone, Copy)]
#[allow(clippy::enum_variant_names)]
enum OutboxAttachment {
    AttachmentName,
    AttachmentType,
    AttachmentBody,
}

#[derive(DeriveIden)]
pub enum Appointment {
    Table,
    Id,
    PracticeId,
    DoctorId,
    PatientName,
    PatientEmail,
    StartsAt,
    EndsAt,
    DurationMinutes,
    Note,
    CodeHash,
    Status,
    Sequence,
    ReminderSentAt,
    CreatedAt,
    UpdatedAt,
}
