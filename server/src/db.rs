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
use std::{path::Path, str::FromStr, time::Duration};

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
    #[error("cannot make the database file {path} private (mode 0600): {source}")]
    FileMode {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("migrations failed: {0}")]
    Migrate(sea_orm::DbErr),
}

/// Rows an SQLite connection's thread may hand over before the request takes them.
const ROW_BUFFER: usize = 1024;

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
            // Deleted rows (health data, names) are overwritten with zeros, not left in free
            // pages of the file or its backups.
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_millis(settings.busy_timeout_ms))
            // The connection's thread hands rows to the request through a bounded channel; at
            // sqlx's 50 it waited for the request after every 50 rows of a 200-appointment week.
            .row_buffer_size(ROW_BUFFER);
        let file = options.get_filename().to_path_buf();
        let in_memory = file.as_os_str().is_empty() || file.as_os_str() == ":memory:";
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|source| DbError::DataDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        if !in_memory {
            create_private_file(&file).map_err(|source| DbError::FileMode {
                path: file.display().to_string(),
                source,
            })?;
        }
        // No ping before each use: an SQLite connection is a file handle on its own thread
        // that cannot have gone away, and the ping was a second round trip to that thread for
        // every statement (PostgreSQL keeps it: there the server may have dropped the
        // connection).
        let pool = pool_options(settings)
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        if !in_memory {
            // SQLite gives the -wal and -shm files the database file's mode; set it anyway, also
            // for files an older version created world-readable.
            restrict_sqlite_files(&file).map_err(|source| DbError::FileMode {
                path: file.display().to_string(),
                source,
            })?;
        }
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

/// Creates the data directory (and its parents) readable by the server's user only; an
/// existing directory is left as the operator set it.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates the empty database file with mode 0600 before SQLite opens it, so it is never
/// readable by others, whatever the umask; an existing file is left for
/// [`restrict_sqlite_files`].
fn create_private_file(file: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Sets mode 0600 on the database file and its `-wal` and `-shm` files where they exist.
fn restrict_sqlite_files(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = file.as_os_str().to_owned();
            name.push(suffix);
            let path = std::path::PathBuf::from(name);
            let mode = match std::fs::metadata(&path) {
                Ok(meta) => meta.permissions().mode() & 0o777,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            if mode != 0o600 {
                tracing::warn!(
                    file = %path.display(),
                    mode = format!("{mode:o}"),
                    "database file was accessible to others; set to 0600"
                );
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
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
