//! End-to-end test harness: the real server on port 0 with a fresh database per test.
//!
//! - SQLite: a copy, in a temp dir per test, of a template file migrated once (in the system
//!   temp dir, named after the migrations).
//! - PostgreSQL: `TRADEFAIR_TEST_PG_URL` names a server; a template database is migrated once
//!   (under an advisory lock, so parallel test processes agree) and each test gets
//!   `CREATE DATABASE … TEMPLATE …`, dropped when the test ends.
//! - Redis: `TRADEFAIR_TEST_REDIS_URL`, with a key prefix per test.
//!
//! A test that needs PostgreSQL or Redis fails when the variable is missing: the README's test
//! command starts both, and nothing is skipped silently.

pub mod backend;
pub mod binary;
pub mod browser;
pub mod client;
pub mod clock;
pub mod concurrent;
pub mod fixtures;
pub mod listings;
pub mod media;
pub mod review;
pub mod smtp;

pub use api::progress::Loop;
pub use backend::{Backend, pg_url, redis_url};
pub use client::{Reply, TestApp};
pub use concurrent::join_all;
pub use fixtures::{Account, Supplier, id_of, supplier, valid_credit_code};

/// Runs each listed `async fn name(backend: Backend)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name($crate::Backend::Sqlite).await }
            )+
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name($crate::Backend::Postgres).await }
            )+
        }
    };
}
