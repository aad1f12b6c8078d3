//! Issue 26: several server instances on one PostgreSQL. Each instance announces itself in
//! `server_instance` (a heartbeat every few seconds), marks which patients have a socket open
//! on it in `room_presence` and which call seats its pages hold in `call_seat`; news too large
//! for a notification waits in `bus_message`; the timed jobs' rounds are noted in `job_lease`.
//! SQLite (one instance) has the tables too but uses none of them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServerInstance {
    Table,
    Id,
    SeenAt,
}

#[derive(DeriveIden)]
enum RoomPresence {
    Table,
    InstanceId,
    AppointmentId,
    PracticeId,
    Connections,
    LostAt,
}

#[derive(DeriveIden)]
enum CallSeat {
    Table,
    AppointmentId,
    Participant,
    Page,
    InstanceId,
    Ticket,
    Card,
    JoinedAt,
}

#[derive(DeriveIden)]
enum BusMessage {
    Table,
    Id,
    Payload,
    CreatedAt,
}

#[derive(DeriveIden)]
enum JobLease {
    Table,
    Name,
    Holder,
    Until,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServerInstance::Table)
                    .if_not_exists()
                    .col(uuid(ServerInstance::Id).primary_key())
                    .col(timestamp_with_time_zone(ServerInstance::SeenAt))
                    .to_owned(),
            )
            .await?;
        // No foreign keys: a row goes with its instance's lease, and a patient's row is only
        // "this socket is open here" (the appointment may be deleted meanwhile).
        manager
            .create_table(
                Table::create()
                    .table(RoomPresence::Table)
                    .if_not_exists()
                    .col(uuid(RoomPresence::InstanceId))
                    .col(uuid(RoomPresence::AppointmentId))
                    .col(uuid(RoomPresence::PracticeId))
                    .col(integer(RoomPresence::Connections))
                    .col(timestamp_with_time_zone_null(RoomPresence::LostAt))
                    .primary_key(
                        Index::create()
                            .col(RoomPresence::InstanceId)
                            .col(RoomPresence::AppointmentId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_room_presence_practice")
                    .table(RoomPresence::Table)
                    .col(RoomPresence::PracticeId)
                    .to_owned(),
            )
            .await?;
        // One row per seat of a running call: who may sit is decided here (the appointment's
        // row locked while a page takes a seat).
        manager
            .create_table(
                Table::create()
                    .table(CallSeat::Table)
                    .if_not_exists()
                    .col(uuid(CallSeat::AppointmentId))
                    .col(string_len(CallSeat::Participant, 64))
                    .col(string_len(CallSeat::Page, 64))
                    .col(uuid(CallSeat::InstanceId))
                    .col(big_integer(CallSeat::Ticket))
                    // Names under the pictures (the booked and the typed name, the role).
                    .col(text(CallSeat::Card))
                    .col(timestamp_with_time_zone(CallSeat::JoinedAt))
                    .primary_key(
                        Index::create()
                            .col(CallSeat::AppointmentId)
                            .col(CallSeat::Participant),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BusMessage::Table)
                    .if_not_exists()
                    .col(uuid(BusMessage::Id).primary_key())
                    .col(text(BusMessage::Payload))
                    .col(timestamp_with_time_zone(BusMessage::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobLease::Table)
                    .if_not_exists()
                    .col(string_len(JobLease::Name, 64).primary_key())
                    .col(uuid_null(JobLease::Holder))
                    .col(timestamp_with_time_zone(JobLease::Until))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            JobLease::Table.into_iden(),
            BusMessage::Table.into_iden(),
            CallSeat::Table.into_iden(),
            RoomPresence::Table.into_iden(),
            ServerInstance::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
