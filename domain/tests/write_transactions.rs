//! Every write transaction of the domain goes through `db::transaction`, which starts SQLite
//! transactions with `BEGIN IMMEDIATE`. A plain `conn.transaction(..)` is deferred on SQLite: it
//! reads under a snapshot, and its first write then fails at once with "database is locked"
//! when another writer committed meanwhile (`busy_timeout` does not apply). Concurrent uploads
//! hit exactly that once; this test keeps it from coming back.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for e in fs::read_dir(path).expect("read dir") {
            rust_files(&e.expect("entry").path(), out);
        }
    } else if path.extension().is_some_and(|x| x == "rs") {
        out.push(path.to_owned());
    }
}

#[test]
fn no_deferred_transactions_outside_db() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let own = src.join("db").join("mod.rs");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| **f != own)
        .flat_map(|f| {
            let text = fs::read_to_string(f).expect("read");
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//") && l.contains(".transaction("))
                .map(|(n, l)| format!("{}:{}: {}", f.display(), n + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "use crate::db::transaction instead:\n{}",
        offenders.join("\n")
    );
}
