//! The real `tradefair` binary, for tests that run it as a child process.

/// The `tradefair` binary next to the test binary (built by `cargo build -p api --bin tradefair`).
pub fn tradefair_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir");
    let bin = dir.join("tradefair");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p api --bin tradefair` (scripts/test.sh does)",
        bin.display()
    );
    bin
}
