//! Per-test databases on both backends, each a copy of a template migrated once: a file copy on
//! SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL.

use std::sync::Mutex;

use diesel::prelude::*;
use diesel::sql_types::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests; fails the test when unset.
pub fn pg_url() -> String {
    std::env::var("TRADEFAIR_TEST_PG_URL").expect(
        "TRADEFAIR_TEST_PG_URL is not set: run the README test command (scripts/test.sh), which starts PostgreSQL",
    )
}

/// The Redis server for tests; fails the test when unset.
pub fn redis_url() -> String {
    std::env::var("TRADEFAIR_TEST_REDIS_URL").expect(
        "TRADEFAIR_TEST_REDIS_URL is not set: run the README test command (scripts/test.sh), which starts Redis",
    )
}

fn with_db(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').unwrap_or((url, ""));
    format!("{base}/{db}")
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// A name for the migrated template of `backend` that changes whenever one of its migration
/// files changes.
fn template_name(backend: &str) -> String {
    fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("migrations dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, files)
            } else {
                files.push(path)
            }
        }
    }
    let mut files = Vec::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations"))
            .join(backend)
            .as_path(),
        &mut files,
    );
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let bytes = file
            .to_string_lossy()
            .into_owned()
            .into_bytes()
            .into_iter()
            .chain(std::fs::read(&file).unwrap_or_default());
        for b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("tradefair_tpl_{hash:016x}")
}

/// The migrated SQLite template file, built once for all test processes: migrated under a
/// name of its own, then renamed into place (atomic, so a process sees the whole file or
/// none; two processes building at once both produce the same file).
fn sqlite_template() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("tradefair-test-templates");
    let path = dir.join(format!("{}.db", template_name("sqlite")));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("template dir");
    let building = dir.join(format!("building-{}.db", uuid::Uuid::new_v4().simple()));
    {
        let mut conn = domain::db::DbConnection::open(&building.to_string_lossy())
            .expect("create the SQLite template");
        // A plain connection uses a rollback journal: once closed, the file holds everything.
        domain::db::run_migrations(&mut conn).expect("migrate the SQLite template");
    }
    std::fs::rename(&building, &path).expect("put the SQLite template in place");
    path
}

static TEMPLATE: Mutex<Option<String>> = Mutex::new(None);

fn ensure_template(admin_url: &str) -> String {
    let mut cached = TEMPLATE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(name) = cached.as_ref() {
        return name.clone();
    }
    let name = template_name("postgres");
    let mut admin =
        PgConnection::establish(admin_url).expect("connect to the test PostgreSQL server");
    diesel::sql_query("SELECT pg_advisory_lock(727274)")
        .execute(&mut admin)
        .expect("advisory lock");
    let exists: Count =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(&name)
            .get_result(&mut admin)
            .expect("list databases");
    if exists.n == 0 {
        let building = format!("{name}_building");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {building}"))
            .execute(&mut admin)
            .expect("drop stale");
        diesel::sql_query(format!("CREATE DATABASE {building}"))
            .execute(&mut admin)
            .expect("create template");
        {
            let mut conn = domain::db::DbConnection::open(&with_db(admin_url, &building))
                .expect("connect template");
            domain::db::run_migrations(&mut conn).expect("migrate template");
        }
        diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
            .execute(&mut admin)
            .expect("rename template");
    }
    diesel::sql_query("SELECT pg_advisory_unlock(727274)")
        .execute(&mut admin)
        .expect("advisory unlock");
    *cached = Some(name.clone());
    name
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    pg: Option<(String, String)>,
}

impl TestDatabase {
    pub fn create(backend: Backend, dir: &std::path::Path) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let path = dir.join("test.db");
                std::fs::copy(sqlite_template(), &path).expect("copy the SQLite template");
                TestDatabase {
                    url: path.to_string_lossy().into_owned(),
                    pg: None,
                }
            }
            Backend::Postgres => {
                let admin_url = pg_url();
                let template = ensure_template(&admin_url);
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&admin_url)
                    .expect("connect to the test PostgreSQL server");
                let mut attempt = 0;
                loop {
                    match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
                        .execute(&mut admin)
                    {
                        Ok(_) => break,
                        // Two copies of one template at the same instant can collide; retry.
                        Err(e) if attempt < 20 => {
                            attempt += 1;
                            eprintln!("create database retry {attempt}: {e}");
                            std::thread::sleep(std::time::Duration::from_millis(50 * attempt));
                        }
                        Err(e) => panic!("cannot create test database: {e}"),
                    }
                }
                TestDatabase {
                    url: with_db(&admin_url, &name),
                    pg: Some((admin_url, name)),
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}
