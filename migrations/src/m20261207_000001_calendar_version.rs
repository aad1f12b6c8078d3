//! Issue 24, point 5: `practice.calendar_version` counts every change to what the calendar
//! week and the live list show — the practice's appointments, their further persons, consents,
//! opening hours, blocked days and its people's names. Database triggers keep it, so no write
//! path can forget it and every instance sharing the database sees it; the server keeps a
//! practice's week and today's list while the number stays the same. On PostgreSQL the count
//! happens at commit (deferred constraint triggers), in the same transaction as the change.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_practice::Practice;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Version {
    CalendarVersion,
}

/// The tables whose rows the calendar shows, each with a `practice_id`, and the change that
/// counts (`None`: every update; else only these columns).
const WATCHED: [(&str, Option<&str>); 6] = [
    ("appointment", None),
    ("appointment_guest", None),
    ("consent", None),
    ("opening_hours", None),
    ("blocked_period", None),
    // Logins and password changes touch the row too; the calendar shows only the names.
    (
        "practice_user",
        Some("title, first_name, last_name, practice_id"),
    ),
];

const BUMP: &str = "UPDATE practice SET calendar_version = calendar_version + 1 WHERE id =";

/// The trigger's update event: every update, or one of `columns`.
fn update_event(columns: Option<&str>) -> String {
    match columns {
        Some(columns) => format!("UPDATE OF {columns}"),
        None => "UPDATE".to_owned(),
    }
}

fn sqlite_triggers() -> Vec<String> {
    WATCHED
        .iter()
        .flat_map(|(table, columns)| {
            let update = update_event(*columns);
            [
                format!(
                    "CREATE TRIGGER {table}_calendar_insert AFTER INSERT ON {table} \
                     BEGIN {BUMP} NEW.practice_id; END"
                ),
                format!(
                    "CREATE TRIGGER {table}_calendar_update AFTER {update} ON {table} \
                     BEGIN {BUMP} OLD.practice_id; \
                     {BUMP} NEW.practice_id AND NEW.practice_id IS NOT OLD.practice_id; END"
                ),
                format!(
                    "CREATE TRIGGER {table}_calendar_delete AFTER DELETE ON {table} \
                     BEGIN {BUMP} OLD.practice_id; END"
                ),
            ]
        })
        .collect()
}

fn postgres_triggers() -> Vec<String> {
    // Once per practice and transaction (a transaction-local setting remembers it): the note to
    // all waiting patients changes up to 500 rows in one statement, and each count is a new
    // version of the practice row. One count is enough, since the rows commit together.
    let count_once = format!(
        "CREATE OR REPLACE FUNCTION calendar_count(changed uuid) RETURNS void AS $$ \
         DECLARE flag text := 'sprechzimmer.calendar_' || replace(changed::text, '-', ''); \
         BEGIN \
         IF current_setting(flag, true) IS DISTINCT FROM 'counted' THEN \
         {BUMP} changed; PERFORM set_config(flag, 'counted', true); END IF; \
         END $$ LANGUAGE plpgsql"
    );
    let function = "CREATE OR REPLACE FUNCTION calendar_changed() RETURNS trigger AS $$ BEGIN \
         IF TG_OP <> 'INSERT' THEN PERFORM calendar_count(OLD.practice_id); END IF; \
         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.practice_id IS DISTINCT FROM OLD.practice_id) \
         THEN PERFORM calendar_count(NEW.practice_id); END IF; \
         RETURN NULL; END $$ LANGUAGE plpgsql"
        .to_owned();
    [count_once, function]
        .into_iter()
        .chain(WATCHED.iter().map(|(table, columns)| {
            let update = update_event(*columns);
            // Deferred to the commit: the practice row is locked last and briefly. At the end
            // of each statement, a transaction that changed an appointment held the practice
            // row while it went on to a guest's row, which a guest's arrival held while it
            // waited for the practice row — a deadlock.
            format!(
                "CREATE CONSTRAINT TRIGGER {table}_calendar \
                 AFTER INSERT OR {update} OR DELETE ON {table} \
                 DEFERRABLE INITIALLY DEFERRED \
                 FOR EACH ROW EXECUTE FUNCTION calendar_changed()"
            )
        }))
        .collect()
}

fn drop_triggers(backend: DbBackend) -> Vec<String> {
    match backend {
        DbBackend::Postgres => WATCHED
            .iter()
            .map(|(table, _)| format!("DROP TRIGGER IF EXISTS {table}_calendar ON {table}"))
            .chain([
                "DROP FUNCTION IF EXISTS calendar_changed()".to_owned(),
                "DROP FUNCTION IF EXISTS calendar_count(uuid)".to_owned(),
            ])
            .collect(),
        _ => WATCHED
            .iter()
            .flat_map(|(table, _)| {
                ["insert", "update", "delete"]
                    .map(|op| format!("DROP TRIGGER IF EXISTS {table}_calendar_{op}"))
            })
            .collect(),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Practice::Table)
                    .add_column(big_integer(Version::CalendarVersion).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => postgres_triggers(),
            _ => sqlite_triggers(),
        };
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in drop_triggers(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Practice::Table)
                    .drop_column(Version::CalendarVersion)
                    .to_owned(),
            )
            .await
    }
}
