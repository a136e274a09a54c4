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
pub mod bench;
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

/// Runs one test's future as `#[tokio::test(flavor = "multi_thread", worker_threads = 2)]`
/// would, except at the end: the runtime is shut down without waiting for blocking tasks still
/// in flight. A background loop of the test's server may be inside `pool.get()` when the test's
/// PostgreSQL database is dropped; waiting for it cost every PostgreSQL test the pool's 5 s
/// connection timeout.
pub fn run_test(test: impl std::future::Future<Output = ()>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime");
    runtime.block_on(test);
    runtime.shutdown_background();
}

/// Runs each listed `async fn name(backend: Backend)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() { $crate::run_test(super::$name($crate::Backend::Sqlite)) }
            )+
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() { $crate::run_test(super::$name($crate::Backend::Postgres)) }
            )+
        }
    };
}
