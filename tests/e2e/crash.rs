//! `kill -9` of a real `tradefair serve` process in the middle of a burst of updates: after a
//! restart its search index equals the database (nothing lost, nothing extra).

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

/// A server process on the app's database with its own data dir; returns it and its base URL.
fn start(app: &TestApp, data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(e2e::binary::tradefair_binary())
        .arg("serve")
        .env("TRADEFAIR_DATA_DIR", data_dir)
        .env("DATABASE_URL", &app.db.url)
        .env("TRADEFAIR_BIND", "127.0.0.1:0")
        .env("TRADEFAIR_INDEX_POLL_MS", "20")
        .env("RUST_LOG", "warn")
        .env_remove("REDIS_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server process starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout
        .read_line(&mut line)
        .expect("server prints its address");
    // Keep reading, so the server never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("address in the first line")
        .to_owned();
    (child, url)
}

async fn indexed_ids(http: &reqwest::Client, base: &str) -> Option<HashSet<String>> {
    let mut ids = HashSet::new();
    let mut cursor = String::new();
    loop {
        let reply = http
            .get(format!(
                "{base}/api/v1/search/products?limit=100&sort=newest&cursor={cursor}"
            ))
            .send()
            .await
            .ok()?;
        if reply.status() != 200 {
            return None;
        }
        let body: serde_json::Value = reply.json().await.ok()?;
        ids.extend(
            body["items"]
                .as_array()?
                .iter()
                .filter_map(|h| h["id"].as_str().map(str::to_owned)),
        );
        match body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return Some(ids),
        }
    }
}

async fn kill_9_mid_burst_leaves_index_equal_to_database(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().unwrap().to_owned();
    let data_dir = tempfile::tempdir().unwrap();
    let (mut child, _) = start(&app, data_dir.path());

    // A burst of writes through the API; the child is killed without warning half-way.
    let mut expected: HashSet<String> = HashSet::new();
    for i in 0..80 {
        let mut body = e2e::fixtures::product_body();
        body["title_en"] = json!(format!("Crash Test Flask {i}"));
        let id = app.publish(&owner, &cid, body).await;
        expected.insert(id.clone());
        if i % 7 == 3 {
            app.post(
                &format!("/api/v1/products/{id}/unpublish"),
                owner.token(),
                json!({}),
            )
            .await
            .expect(200);
            expected.remove(&id);
        }
        if i == 40 {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }

    let (mut restarted, url) = start(&app, data_dir.path());
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = None;
    while Instant::now() < deadline {
        last = indexed_ids(&http, &url).await;
        if last.as_ref() == Some(&expected) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    restarted.kill().ok();
    restarted.wait().ok();
    let got = last.unwrap_or_default();
    let missing: Vec<_> = expected.difference(&got).collect();
    let extra: Vec<_> = got.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "after kill -9 and restart: {} missing, {} extra",
        missing.len(),
        extra.len()
    );
}

both_backends!(kill_9_mid_burst_leaves_index_equal_to_database);
