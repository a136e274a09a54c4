//! A running server and a small JSON client for it.

use std::sync::Arc;

use api::Config;
use api::progress::{Loop, Progress};
use reqwest::Method;
use serde_json::Value;

use crate::backend::{Backend, TestDatabase};

/// What a request got back.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// The error code of an error reply.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Field names of a validation error.
    pub fn fields(&self) -> Vec<String> {
        self.body["error"]["fields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        self
    }
}

pub struct TestApp {
    pub base: String,
    /// The separate metrics address (`metrics_bind`), when configured.
    pub metrics_base: Option<String>,
    pub backend: Backend,
    pub config: Config,
    pub http: reqwest::Client,
    pub db: Arc<TestDatabase>,
    pub dir: Arc<tempfile::TempDir>,
    pub search: search::Search,
    /// The pass counts of the server's background loops (see `wait_for_passes`).
    pub progress: Progress,
    handle: actix_web::dev::ServerHandle,
    indexer: std::sync::Mutex<Option<api::background::IndexerHandle>>,
}

/// `TRADEFAIR_TEST_LOG=1` shows the server's log (filtered by `RUST_LOG`) in the test's
/// output: the first thing to turn on when a test sees a 500.
fn log_from_env() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if std::env::var_os("TRADEFAIR_TEST_LOG").is_some() {
        ONCE.call_once(|| api::logging::init().expect("test log"));
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// A server on a fresh database, with `configure` applied to the test defaults.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
        crate::clock::start_from_env();
        log_from_env();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_owned();
        let db = tokio::task::spawn_blocking(move || TestDatabase::create(backend, &path))
            .await
            .expect("create database");
        let mut config = Config {
            bind: "127.0.0.1:0".into(),
            data_dir: dir.path().to_owned(),
            database_url: Some(db.url.clone()),
            workers: Some(1),
            db_pool_size: 4,
            ..Config::default()
        };
        configure(&mut config);
        TestApp::start(backend, config, Arc::new(db), Arc::new(dir)).await
    }

    /// Another server process on the same database and signing key but its own data dir (its
    /// own search index), as a second machine behind a load balancer would be.
    pub async fn spawn_sibling(&self, configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let mut config = self.config.clone();
        config.bind = "127.0.0.1:0".into();
        config.jwt_key_file = Some(
            self.config
                .jwt_key_file
                .clone()
                .unwrap_or_else(|| self.config.data_dir.join("keys/jwt-ed25519.pem")),
        );
        config.data_dir = dir.path().to_owned();
        configure(&mut config);
        TestApp::start(self.backend, config, self.db.clone(), dir).await
    }

    /// The same server restarted: a new process on the same database and data dir. Stop this
    /// one first.
    pub async fn restart(&self) -> TestApp {
        let mut config = self.config.clone();
        config.bind = "127.0.0.1:0".into();
        TestApp::start(self.backend, config, self.db.clone(), self.dir.clone()).await
    }

    async fn start(
        backend: Backend,
        config: Config,
        db: Arc<TestDatabase>,
        dir: Arc<tempfile::TempDir>,
    ) -> TestApp {
        let app = api::Application::build(config.clone())
            .await
            .expect("server starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let metrics_base = app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        let search = app.state().search.clone();
        let progress = app.progress().clone();
        let (server, indexer) = app.into_parts();
        let handle = server.handle();
        tokio::spawn(server);
        // The server closes a keep-alive connection after 5 idle seconds; reusing one at that
        // moment is a "connection reset" on a loaded machine. Idle connections are dropped well
        // before that instead.
        let http = reqwest::Client::builder()
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .expect("http client");
        TestApp {
            base,
            metrics_base,
            backend,
            config,
            http,
            db,
            dir,
            search,
            progress,
            handle,
            indexer: std::sync::Mutex::new(Some(indexer)),
        }
    }

    /// Stops this server and its indexer (the database and data dir stay).
    pub async fn stop(&self) {
        self.handle.stop(true).await;
        let indexer = self
            .indexer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut indexer) = indexer {
            tokio::task::spawn_blocking(move || indexer.stop())
                .await
                .expect("indexer stops");
        }
    }

    /// Waits until this server's search index has applied every outbox event written so far.
    pub async fn wait_for_index(&self) {
        let target = self
            .with_db(|conn| domain::outbox::max_id(conn).expect("outbox"))
            .await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if self
                .search
                .visible_outbox_id()
                .is_some_and(|id| id >= target)
            {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the search index did not catch up with outbox event {target}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Waits until the background loop `of` has finished `n` more passes than it had when
    /// called. Two passes mean one that started after the call: whatever was committed before
    /// the call has been seen by that loop.
    pub async fn wait_for_passes(&self, of: Loop, n: u64) {
        self.wait_for_passes_within(of, n, std::time::Duration::from_secs(30))
            .await
    }

    /// `wait_for_passes` for loops whose one pass may take long: the catalog import worker's
    /// pass ends only when the import it claimed is finished (minutes for a large file on a
    /// loaded machine).
    pub async fn wait_for_passes_within(&self, of: Loop, n: u64, within: std::time::Duration) {
        let target = self.progress.passes(of) + n;
        tokio::time::timeout(within, self.progress.reached(of, target))
            .await
            .unwrap_or_else(|_| panic!("{of:?} did not finish {n} passes within {within:?}"));
    }

    /// Waits until the background loop `of` has handled everything committed before the call.
    pub async fn caught_up(&self, of: Loop) {
        self.wait_for_passes(of, 2).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request; `body` is sent as JSON when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request sent");
        reply_of(response).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(&body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::PATCH, path, token, Some(&body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::DELETE, path, token, None).await
    }

    /// Runs `f` with a direct database connection (for setup the API does not offer, such as
    /// creating operators, which is a command-line action).
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut domain::db::DbConnection) -> T + Send + 'static,
    ) -> T {
        let url = self.db.url.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = domain::db::DbConnection::open(&url).expect("open database");
            f(&mut conn)
        })
        .await
        .expect("database task")
    }
}

/// A response as a `Reply` (the body parsed as JSON when it is JSON, else kept as text).
pub(crate) async fn reply_of(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("response body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Reply {
        status,
        body,
        headers,
    }
}
