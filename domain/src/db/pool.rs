//! A small r2d2 pool whose manager opens the backend the URL names.
//!
//! Handlers never hold a connection on an actix worker: the api crate takes one inside
//! `web::block`, so waiting for the pool happens on the blocking thread pool.

use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};

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

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
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
