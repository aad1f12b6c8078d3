//! Write transactions that wait for the database's write lock instead of failing.
//!
//! SQLite begins a transaction deferred: it takes the write lock only at its first write. A
//! transaction that read first and then writes cannot wait for the lock when another writer
//! committed meanwhile: SQLite answers `database is locked` at once, busy timeout or not (a
//! consent upload failed so in the test suite's own run). Taking the lock with the first
//! statement makes the transaction wait its turn like `BEGIN IMMEDIATE` would; sea-orm cannot
//! issue that statement itself. PostgreSQL needs nothing: its row locks wait.

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, TransactionTrait,
};

/// Begins a transaction that will write; on SQLite it holds the write lock from the start
/// (waiting up to `database.busy_timeout_ms` for it).
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Sqlite {
        // Any write statement takes the lock when it starts, even one that changes no row.
        txn.execute_unprepared("UPDATE seaql_migrations SET version = version WHERE 0")
            .await?;
    }
    Ok(txn)
}
