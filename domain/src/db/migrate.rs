//! Embedded migrations, one tree per dialect with identical directory names.

use diesel::migration::{Migration, MigrationSource};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration; returns the names applied.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, BoxError> {
    let applied = match conn {
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES)?,
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE)?,
    };
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Names of migrations not yet applied (empty when the schema is current).
pub fn pending_migrations(conn: &mut DbConnection) -> Result<Vec<String>, BoxError> {
    let names = match conn {
        DbConnection::Pg(c) => c
            .pending_migrations(POSTGRES)?
            .iter()
            .map(|m| m.name().to_string())
            .collect(),
        DbConnection::Sqlite(c) => c
            .pending_migrations(SQLITE)?
            .iter()
            .map(|m| m.name().to_string())
            .collect(),
    };
    Ok(names)
}

/// Reverts every applied migration, newest first (used by the up/down/up test).
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<(), BoxError> {
    match conn {
        DbConnection::Pg(c) => c.revert_all_migrations(POSTGRES).map(|_| ()),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE).map(|_| ()),
    }
}

/// The embedded migration names per dialect: (sqlite, postgres).
pub fn migration_names() -> Result<(Vec<String>, Vec<String>), BoxError> {
    let names = |source: &EmbeddedMigrations| -> Result<Vec<String>, BoxError> {
        let migrations = MigrationSource::<diesel::sqlite::Sqlite>::migrations(source)?;
        Ok(migrations.iter().map(|m| m.name().to_string()).collect())
    };
    Ok((names(&SQLITE)?, names(&POSTGRES)?))
}
