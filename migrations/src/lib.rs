//! Database schema changes, one file per change, applied in order at server start-up.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_practice;
mod m20261123_000002_create_accounts;
mod m20261123_000003_create_appointments;
mod m20261123_000004_create_availability;
mod m20261123_000005_create_waiting_room;
mod m20261123_000006_create_call_times;
mod m20261201_000001_create_consent;
mod m20261201_000002_contract_cancellation;
mod m20261201_000003_public_page;
mod m20261201_000004_retired_short_name;
mod m20261203_000020_code_hash_version;
mod m20261203_000030_appointment_removed;
mod m20261205_000001_appointment_guest;
mod m20261205_000010_instances;
mod m20261207_000001_calendar_version;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_practice::Migration),
            Box::new(m20261123_000002_create_accounts::Migration),
            Box::new(m20261123_000003_create_appointments::Migration),
            Box::new(m20261123_000004_create_availability::Migration),
            Box::new(m20261123_000005_create_waiting_room::Migration),
            Box::new(m20261123_000006_create_call_times::Migration),
            Box::new(m20261201_000001_create_consent::Migration),
            Box::new(m20261201_000002_contract_cancellation::Migration),
            Box::new(m20261201_000003_public_page::Migration),
            Box::new(m20261201_000004_retired_short_name::Migration),
            Box::new(m20261203_000020_code_hash_version::Migration),
            Box::new(m20261203_000030_appointment_removed::Migration),
            Box::new(m20261205_000001_appointment_guest::Migration),
            Box::new(m20261205_000010_instances::Migration),
            Box::new(m20261207_000001_calendar_version::Migration),
        ]
    }
}
