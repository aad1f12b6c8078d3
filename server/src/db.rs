//! Connects to SQLite (default, a file under `./data/`) or PostgreSQL (`postgres://…`) and runs
//! the migrations. One sqlx pool is shared by sea-orm and the session store.

use app::settings::DatabaseSettings;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, SqlxPostgresConnector, SqlxSqliteConnector};
use secrecy::ExposeSecret;
use sqlx::{
    pool::PoolOptions,
    postgres::PgConnectOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
    PgPool, SqlitePool,
};
use std::{str::FromStr, time::Duration};

/// The pool under the sea-orm connection, for components that need sqlx itself.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database of a running server.
#[derive(Clone, Debug)]
pub struct Database {
    pub conn: DatabaseConnection,
    pub pool: Pool,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database.url must start with sqlite: or postgres:// (got scheme {0:?})")]
    UnsupportedScheme(String),
    #[error("database.url is invalid: {0}")]
    InvalidUrl(sqlx::Error),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("migrations failed: {0}")]
    Migrate(sea_orm::DbErr),
}

/// Opens the pool with our settings: for SQLite WAL, `synchronous=FULL`, foreign keys and a busy
/// timeout; the file and its directory are created when missing.
pub async fn connect(settings: &DatabaseSettings) -> Result<Database, DbError> {
    let url = settings.url.expose_secret();
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(DbError::InvalidUrl)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_millis(settings.busy_timeout_ms));
        if let Some(dir) = options
            .get_filename()
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|source| DbError::DataDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let pool = pool_options(settings)
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        Ok(Database {
            conn: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool.clone()),
            pool: Pool::Sqlite(pool),
        })
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let options = PgConnectOptions::from_str(url).map_err(DbError::InvalidUrl)?;
        let pool = pool_options(settings)
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        Ok(Database {
            conn: SqlxPostgresConnector::from_sqlx_postgres_pool(pool.clone()),
            pool: Pool::Postgres(pool),
        })
    } else {
        let scheme = url.split(':').next().unwrap_or_default().to_owned();
        Err(DbError::UnsupportedScheme(scheme))
    }
}

/// Pool limits shared by both engines.
fn pool_options<DB: sqlx::Database>(settings: &DatabaseSettings) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_millis(settings.acquire_timeout_ms))
}

/// Applies all pending migrations.
pub async fn migrate(db: &Database) -> Result<(), DbError> {
    Migrator::up(&db.conn, None).await.map_err(DbError::Migrate)
}
