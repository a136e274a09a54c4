//! Migrations: identical names in both dialect trees, and every `down.sql` reverts its `up.sql`
//! (up → down → up leaves the same tables) on both backends.

use diesel::prelude::*;
use diesel::sql_types::Text;
use domain::db::{DbConnection, revert_all_migrations, run_migrations};
use e2e::{Backend, pg_url};

#[test]
fn both_dialects_have_the_same_migrations() {
    let (sqlite, postgres) = domain::db::migration_names().expect("names");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
    let list = |dialect: &str| {
        let mut dirs: Vec<String> = std::fs::read_dir(format!("{root}/{dialect}"))
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        dirs.sort();
        dirs
    };
    assert_eq!(list("sqlite"), list("postgres"));
}

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TableName {
    #[diesel(sql_type = Text)]
    name: String,
}

fn tables(conn: &mut DbConnection) -> Vec<TableName> {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '__diesel_schema_migrations' ORDER BY name"
        }
        DbConnection::Pg(_) => {
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name != '__diesel_schema_migrations' ORDER BY table_name"
        }
    };
    diesel::sql_query(sql).load(conn).expect("list tables")
}

fn up_down_up(url: &str) {
    let mut conn = DbConnection::open(url).expect("open");
    run_migrations(&mut conn).expect("up");
    let first = tables(&mut conn);
    assert!(first.iter().any(|t| t.name == "products"), "{first:?}");
    revert_all_migrations(&mut conn).expect("down");
    assert_eq!(tables(&mut conn), vec![], "down.sql left tables behind");
    run_migrations(&mut conn).expect("up again");
    assert_eq!(tables(&mut conn), first);
    assert!(
        domain::db::pending_migrations(&mut conn)
            .expect("pending")
            .is_empty()
    );
}

fn check(backend: Backend) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("dir");
            up_down_up(&dir.path().join("m.db").to_string_lossy());
        }
        Backend::Postgres => {
            let admin_url = pg_url();
            let name = format!("m_{}", uuid::Uuid::new_v4().simple());
            let mut admin = PgConnection::establish(&admin_url).expect("connect");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("create");
            let url = format!(
                "{}/{name}",
                admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&admin_url)
            );
            up_down_up(&url);
            diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut admin)
                .expect("drop");
        }
    }
}

#[test]
fn sqlite_up_down_up() {
    check(Backend::Sqlite);
}

#[test]
fn postgres_up_down_up() {
    check(Backend::Postgres);
}
