use crate::helpers::{
    engine, query_one_string, spawn_app, spawn_app_on, test_settings, Engine, TestDatabase,
};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};
use server::db;

async fn practice_table_exists(conn: &sea_orm::DatabaseConnection) -> bool {
    let sql = match conn.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'practice'"
        }
        _ => "SELECT count(*) FROM information_schema.tables WHERE table_name = 'practice'",
    };
    query_one_string(conn, sql).await == "1"
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let database = TestDatabase::new().await;
    let settings = test_settings(&database.url);
    let db = db::connect(&settings.database).await.expect("connect");

    Migrator::up(&db.conn, None).await.expect("up");
    assert!(practice_table_exists(&db.conn).await);
    assert!(Migrator::get_pending_migrations(&db.conn)
        .await
        .unwrap()
        .is_empty());

    Migrator::down(&db.conn, None).await.expect("down");
    assert!(!practice_table_exists(&db.conn).await);
    assert_eq!(
        Migrator::get_pending_migrations(&db.conn)
            .await
            .unwrap()
            .len(),
        Migrator::migrations().len()
    );

    Migrator::up(&db.conn, None).await.expect("up again");
    assert!(practice_table_exists(&db.conn).await);
}

/// Every table the migrations make has its retention rule (`policy::RETENTION`), also those no
/// entity maps (the bus's); the migrations' and the sessions' own tables aside.
#[tokio::test]
async fn every_table_in_the_database_has_a_retention_rule() {
    let app = spawn_app().await;
    let conn = app.conn();
    let sql = match conn.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    };
    let tables: Vec<String> = conn
        .query_all(Statement::from_string(
            conn.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .filter(|t| t != "seaql_migrations" && t != "tower_sessions")
        .collect();
    assert!(tables.len() > 15, "{tables:?}");
    for table in &tables {
        assert!(
            app::policy::RETENTION.iter().any(|(t, _)| t == table),
            "{table} has no retention rule"
        );
    }
    for (table, _) in app::policy::RETENTION {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} is not in the database"
        );
    }
}

#[tokio::test]
async fn start_up_applies_migrations_and_a_restart_is_harmless() {
    // An empty database: the other tests start from a migrated copy.
    let app = spawn_app_on(TestDatabase::new().await, |_| {}).await;
    assert!(practice_table_exists(app.conn()).await);
    assert!(Migrator::get_pending_migrations(app.conn())
        .await
        .unwrap()
        .is_empty());
    // Running them again (a second server start) changes nothing.
    Migrator::up(app.conn(), None).await.expect("idempotent");
}

/// Durability and integrity settings of whichever engine runs: for SQLite WAL,
/// `synchronous=FULL`, foreign keys and the busy timeout; for PostgreSQL synchronous commits
/// and UTF-8 (names such as "Müller-Lüdenscheidt" must survive).
#[tokio::test]
async fn database_runs_with_durable_settings() {
    let app = spawn_app().await;
    let conn = app.conn();
    match engine() {
        Engine::Sqlite => {
            assert_eq!(query_one_string(conn, "PRAGMA journal_mode").await, "wal");
            assert_eq!(
                query_one_string(conn, "PRAGMA synchronous").await,
                "2",
                "2 = FULL"
            );
            assert_eq!(query_one_string(conn, "PRAGMA foreign_keys").await, "1");
            assert_eq!(query_one_string(conn, "PRAGMA busy_timeout").await, "5000");
        }
        Engine::Postgres => {
            assert_eq!(
                query_one_string(conn, "SHOW synchronous_commit").await,
                "on"
            );
            assert_eq!(query_one_string(conn, "SHOW server_encoding").await, "UTF8");
            assert_eq!(query_one_string(conn, "SHOW client_encoding").await, "UTF8");
        }
    }
}

#[tokio::test]
async fn the_configured_engine_is_the_one_in_use() {
    let app = spawn_app().await;
    let backend = app.conn().get_database_backend();
    match engine() {
        Engine::Sqlite => assert_eq!(backend, sea_orm::DatabaseBackend::Sqlite),
        Engine::Postgres => {
            assert_eq!(backend, sea_orm::DatabaseBackend::Postgres);
            let row = app
                .conn()
                .query_one(Statement::from_string(
                    backend,
                    "SELECT version()".to_owned(),
                ))
                .await
                .unwrap()
                .unwrap();
            let version: String = row.try_get_by_index(0).unwrap();
            assert!(version.starts_with("PostgreSQL"), "{version}");
        }
    }
}

#[tokio::test]
async fn unsupported_database_urls_are_refused_with_a_clear_error() {
    let mut settings = test_settings("mysql://u@h/db");
    settings.database.url = secrecy::SecretString::from("mysql://u@h/db".to_owned());
    let err = db::connect(&settings.database).await.unwrap_err();
    assert!(err.to_string().contains("sqlite: or postgres://"), "{err}");
}

/// The SQLite file holds health data: it, its WAL and its shared-memory file are readable by
/// the server's user only (whatever the umask), and deleted rows are overwritten
/// (`secure_delete`), so they cannot be read back from the file or a copy of it.
#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_files_are_private_and_deleted_rows_are_overwritten() {
    use std::os::unix::fs::PermissionsExt;
    if engine() != Engine::Sqlite {
        return;
    }
    let app = spawn_app().await;
    let conn = app.conn();
    assert_eq!(query_one_string(conn, "PRAGMA secure_delete").await, "1");
    let row = conn
        .query_one(Statement::from_string(
            conn.get_database_backend(),
            "SELECT file FROM pragma_database_list WHERE name = 'main'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    let file: String = row.try_get_by_index(0).unwrap();
    let secret = "Befund-Geheim-4711-Mueller";
    for sql in [
        "CREATE TABLE probe (x TEXT)".to_owned(),
        format!("INSERT INTO probe VALUES ('{secret}')"),
    ] {
        conn.execute_unprepared(&sql).await.unwrap();
    }
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{file}{suffix}");
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{path} has mode {:o}", mode & 0o777);
    }

    conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    let contains = |needle: &str| {
        ["", "-wal"].iter().any(|suffix| {
            std::fs::read(format!("{file}{suffix}"))
                .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
                .unwrap_or(false)
        })
    };
    assert!(
        contains(secret),
        "the row is in the file before the deletion"
    );
    conn.execute_unprepared("DELETE FROM probe").await.unwrap();
    conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    assert!(!contains(secret), "the deleted row was overwritten");
}
