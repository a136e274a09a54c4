//! A small r2d2 pool whose manager opens the backend the URL names.
//!
//! Handlers never hold a connection on an actix worker: the api crate takes one inside
//! `web::block`, so waiting for the pool happens on the blocking thread pool.

use std::time::Duration;

use diesel::connection::TransactionManager as _;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::{Connection, RunQueryDsl};

use super::{Backend, DbConnection};

pub type DbPool = Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;
pub type PoolError = diesel::r2d2::PoolError;

#[derive(Debug)]
pub struct Manager {
    url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ManagerError {
    #[error("cannot connect: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("connection check failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot build the pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ManagerError;

    fn connect(&self) -> Result<DbConnection, ManagerError> {
        Ok(DbConnection::open(&self.url)?)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ManagerError> {
        diesel::sql_query("SELECT 1").execute(conn)?;
        Ok(())
    }

    /// A connection that comes back mid-transaction (its user panicked) or with a failed
    /// transaction is dropped, not reused: the next user's commits would otherwise become
    /// savepoints inside the old transaction and never commit.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking()
            || <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// Builds the pool. SQLite writes serialise on one lock, so its pool stays small.
pub fn connect_pool(url: &str, max_size: u32) -> Result<DbPool, ManagerError> {
    let size = match Backend::from_url(url) {
        Backend::Sqlite => {
            // WAL lets readers run beside the one writer; switching needs the file to itself.
            let mut conn = DbConnection::open(url)?;
            diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut conn)?;
            max_size.clamp(2, 8)
        }
        Backend::Postgres => max_size.max(2),
    };
    Pool::builder()
        .max_size(size)
        .min_idle(Some(2))
        .connection_timeout(Duration::from_secs(5))
        .build(Manager {
            url: url.to_owned(),
        })
        .map_err(ManagerError::from)
}

#[cfg(test)]
mod tests {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};

    use super::*;

    #[test]
    fn a_connection_left_in_a_transaction_is_broken() {
        let dir = tempfile::tempdir().unwrap();
        let manager = Manager {
            url: dir.path().join("t.db").to_string_lossy().into_owned(),
        };
        let mut conn = manager.connect().unwrap();
        assert!(!manager.has_broken(&mut conn));
        let DbConnection::Sqlite(inner) = &mut conn else {
            unreachable!()
        };
        AnsiTransactionManager::begin_transaction(inner).unwrap();
        assert!(
            manager.has_broken(&mut conn),
            "an open transaction must not go back to the pool"
        );
        <DbConnection as Connection>::TransactionManager::commit_transaction(&mut conn).unwrap();
        assert!(!manager.has_broken(&mut conn));
    }
}
