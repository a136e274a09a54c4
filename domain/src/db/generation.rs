//! A number that moves after every committed write that derived data must follow.
//!
//! Every change the search index, the e-mails or the webhooks follow writes an outbox event in
//! its transaction, and media links change only with their product or company. So a cache of
//! something read from the database (the API's "this picture is public") can read
//! [`generation`] *before* it reads, and keep its entry only while the number has not moved:
//! a write that commits after the read moves it, and one that committed before was seen. The
//! count is per process; other processes' writes need a time limit on top.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::{AnsiTransactionManager, TransactionManager};

use super::DbConnection;

static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Whether the transaction running on this thread made such a change.
    static CHANGED: Cell<bool> = const { Cell::new(false) };
}

/// The current generation (see the module).
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// Notes a change: the generation moves when the outermost transaction commits, or at once
/// outside a transaction (the statement has committed by then).
pub(crate) fn note_change(conn: &mut DbConnection) {
    if in_transaction(conn) {
        CHANGED.set(true);
    } else {
        GENERATION.fetch_add(1, Ordering::Release);
    }
}

/// Whether a transaction is open on the connection.
pub(crate) fn in_transaction(conn: &mut DbConnection) -> bool {
    let depth = match conn {
        DbConnection::Pg(inner) => <AnsiTransactionManager as TransactionManager<
            diesel::PgConnection,
        >>::transaction_manager_status_mut(inner)
        .transaction_depth(),
        DbConnection::Sqlite(inner) => <AnsiTransactionManager as TransactionManager<
            diesel::SqliteConnection,
        >>::transaction_manager_status_mut(inner)
        .transaction_depth(),
    };
    // A broken transaction manager is treated as inside one: the change is then published at
    // the next commit on this thread, never before its own.
    !matches!(depth, Ok(None))
}

/// Runs the outermost transaction `run`, then moves the generation if it committed a change.
pub(crate) fn outermost<T, E>(run: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    CHANGED.set(false);
    let result = run();
    if CHANGED.replace(false) && result.is_ok() {
        GENERATION.fetch_add(1, Ordering::Release);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::generation;
    use crate::db::{DbConnection, run_migrations, transaction};
    use crate::outbox;

    fn emit(conn: &mut DbConnection) -> diesel::QueryResult<()> {
        outbox::emit(
            conn,
            "test.changed",
            uuid::Uuid::nil(),
            serde_json::json!({}),
        )
    }

    /// An outbox event moves the generation when its outermost transaction commits, not
    /// before (a reader could otherwise cache what it read before the commit under the new
    /// number) and not when it rolls back.
    #[test]
    fn moves_after_the_outermost_commit_of_a_change_only() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("g.db").display());
        let mut conn = DbConnection::open(&url).unwrap();
        run_migrations(&mut conn).unwrap();

        let before = generation();
        transaction(&mut conn, |conn| -> diesel::QueryResult<()> {
            emit(conn)?;
            transaction(conn, emit)?;
            assert_eq!(generation(), before, "not before the commit");
            Ok(())
        })
        .unwrap();
        assert_eq!(generation(), before + 1, "once, after the commit");

        let failed: diesel::QueryResult<()> = transaction(&mut conn, |conn| {
            emit(conn)?;
            Err(diesel::result::Error::RollbackTransaction)
        });
        assert!(failed.is_err());
        assert_eq!(generation(), before + 1, "a rollback publishes nothing");

        transaction(&mut conn, |_| diesel::QueryResult::Ok(())).unwrap();
        assert_eq!(
            generation(),
            before + 1,
            "a transaction without a change neither"
        );

        emit(&mut conn).unwrap();
        assert_eq!(generation(), before + 2, "outside a transaction, at once");
    }
}
