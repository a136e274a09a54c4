//! Database access for both backends through one connection type.
//!
//! The backend is chosen from the URL scheme, never by trying one after the other:
//! `SqliteConnection::establish` accepts any string as a file name.

mod errors;
mod generation;
mod migrate;
mod pool;
pub mod schema;

pub use errors::{is_unique_violation, unique_violation_on};
pub use generation::generation;
pub(crate) use generation::note_change;
pub use migrate::{migration_names, pending_migrations, revert_all_migrations, run_migrations};
pub use pool::{DbPool, ManagerError, PoolError, PooledConn, connect_pool};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;

/// One connection type over PostgreSQL and SQLite; shared code takes `&mut DbConnection`.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Pg(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Opens one connection; SQLite connections get their per-connection settings.
    pub fn open(url: &str) -> ConnectionResult<DbConnection> {
        match Backend::from_url(url) {
            Backend::Postgres => Ok(DbConnection::Pg(diesel::PgConnection::establish(url)?)),
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").unwrap_or(url);
                let mut conn = diesel::SqliteConnection::establish(path)?;
                // foreign_keys is off per connection by default; busy_timeout lets concurrent
                // writers wait instead of failing. WAL is a property of the file, set once by
                // `connect_pool` before any other connection exists.
                diesel::connection::SimpleConnection::batch_execute(
                    &mut conn,
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Runs `f` in a write transaction.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`: a deferred transaction that reads
/// first and writes later cannot wait for the write lock (SQLite returns `SQLITE_BUSY` at once,
/// ignoring `busy_timeout`), so every service that writes takes the lock up front.
pub fn transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    // A service called from another's transaction runs in a savepoint; only the outermost
    // commit publishes its changes (`generation`).
    if generation::in_transaction(conn) {
        return conn.transaction(f);
    }
    generation::outermost(|| match conn {
        DbConnection::Pg(_) => conn.transaction(f),
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
                    Ok(value)
                }
                Err(e) => {
                    <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
                    Err(e)
                }
            }
        }
    })
}

/// Runs `f`, inside the caller's transaction, with PostgreSQL planning its statements for the
/// values bound. diesel keeps statements prepared, and after five runs PostgreSQL may switch to
/// a generic plan, which cannot use `col = ANY($n)` (diesel's `eq_any`) as an index condition:
/// looking up a batch's SKUs then scanned all of the company's products, for every batch.
/// SQLite plans every run anyway.
pub fn with_custom_plans<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    use diesel::connection::SimpleConnection;
    if conn.backend() == Backend::Sqlite {
        return f(conn);
    }
    debug_assert!(
        generation::in_transaction(conn),
        "SET LOCAL needs a transaction"
    );
    conn.batch_execute("SET LOCAL plan_cache_mode = force_custom_plan")?;
    let result = f(conn);
    conn.batch_execute("SET LOCAL plan_cache_mode = DEFAULT")?;
    result
}

/// Errors of queries, for crates that call the domain without depending on diesel themselves.
pub type QueryError = diesel::result::Error;
