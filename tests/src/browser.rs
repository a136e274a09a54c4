//! A headless Chromium driven over WebDriver (fantoccini) against a test server.
//!
//! `scripts/services.sh` installs Debian's `chromium` and `chromium-driver`, starts
//! `chromedriver` on loopback and installs axe-core from npm; it exports
//! `TRADEFAIR_TEST_WEBDRIVER` (the driver's URL) and `TRADEFAIR_TEST_AXE` (the path of
//! `axe.min.js`). A browser test fails, never skips, when either is missing or the driver does
//! not answer.
//!
//! Each `Browser` is its own Chromium with a fresh profile directory; it is closed by
//! `Browser::close`, or when dropped (a failed test still ends its Chromium).

use std::io::{Read, Write};
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::client::TestApp;

/// The flags every session's Chromium starts with. Without the background-networking ones,
/// Chromium keeps trying to reach Google's services on a machine without a network.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
];

/// How long a wait for an element or a page lasts before the test fails: long, since it only
/// delays a failure, and a debug server on two cores shared with seven other tests once took
/// more than 15 s to answer a page (a local run that also loaded the demo data).
const WAIT: Duration = Duration::from_secs(40);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the browser tests after `eval \"$(scripts/services.sh)\"`")
    })
}

/// A console message the browser logged (chromedriver's `browser` log).
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub level: String,
    pub source: String,
    pub message: String,
}

impl LogEntry {
    /// A JavaScript error: an uncaught exception, a `console.error` or a script the page could
    /// not load or run (CSP violations included). A failed HTTP request for the page itself
    /// (a 404 or 403 page) is a `network` entry, not a script error.
    pub fn is_script_error(&self) -> bool {
        self.level == "SEVERE" && self.source != "network"
    }
}

/// An accessibility violation axe-core found, with the elements it found it on.
#[derive(Debug, Clone)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub targets: Vec<String>,
}

/// chromedriver's (legacy, still served) log endpoint, which fantoccini has no method for.
#[derive(Debug)]
struct ReadLog;

impl WebDriverCompatibleCommand for ReadLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

pub struct Browser {
    pub client: Client,
    base: String,
    driver: String,
    session: Option<String>,
    axe_path: String,
    /// Console entries read from the driver so far (the driver's log is read-once).
    log: Vec<LogEntry>,
    // Dropped after the session is deleted.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A new Chromium session whose relative URLs go to `app`.
    pub async fn open(app: &TestApp) -> Browser {
        let driver = env("TRADEFAIR_TEST_WEBDRIVER");
        let axe_path = env("TRADEFAIR_TEST_AXE");
        assert!(
            std::path::Path::new(&axe_path).is_file(),
            "TRADEFAIR_TEST_AXE={axe_path} is not a file"
        );
        let profile = tempfile::Builder::new()
            .prefix("tradefair-chromium-")
            .tempdir()
            .expect("profile dir");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let caps = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {"args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        });
        let caps = match caps {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&driver)
            .await
            .unwrap_or_else(|e| {
                panic!("no Chromium session from the WebDriver at {driver} (TRADEFAIR_TEST_WEBDRIVER): {e}")
            });
        let session = client.session_id().await.expect("session id");
        Browser {
            client,
            base: app.base.clone(),
            driver,
            session,
            axe_path,
            log: Vec::new(),
            _profile: profile,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Opens `path` (relative to the app) and waits for it to load.
    pub async fn goto(&self, path: &str) {
        let url = self.url(path);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    /// The current address without the app's origin (`/en/search?q=…`).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        url.as_str()
            .strip_prefix(&self.base)
            .unwrap_or(url.as_str())
            .to_owned()
    }

    /// The first element matching `css`, waited for.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.path().await),
        }
    }

    /// Whether an element matches `css` now.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find")
            .is_empty()
    }

    /// Types `text` into the field matching `css` (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Clicks the element matching `css` and waits until the page it leads to has loaded.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        self.wait_loaded().await;
    }

    /// Clicks the link whose visible text contains `text` (inside `scope`, a CSS selector).
    pub async fn click_link(&self, scope: &str, text: &str) {
        let links = self
            .client
            .find_all(Locator::Css(&format!("{scope} a")))
            .await
            .expect("links");
        for link in links {
            if link.text().await.unwrap_or_default().contains(text) {
                link.click().await.expect("click link");
                self.wait_loaded().await;
                return;
            }
        }
        panic!("no link with {text:?} in {scope} on {}", self.path().await)
    }

    /// Waits until the current document has loaded: a script answers on its `load` event (no
    /// polling). A WebDriver click usually waits for the navigation it starts; when it did not,
    /// the script lands in the document the click is leaving, whose `load` never comes (seen
    /// once, under load, as a script timeout), so the wait is asked once more, of the document
    /// that is there then.
    pub async fn wait_loaded(&self) {
        let mut state = self.load_event().await;
        if !matches!(state, Ok(Value::String(ref s)) if s == "complete") {
            state = self.load_event().await;
        }
        assert!(
            matches!(state, Ok(Value::String(ref s)) if s == "complete"),
            "the page did not load: {state:?}"
        );
    }

    /// `"complete"` once the current document's `load` event has fired.
    async fn load_event(&self) -> Result<Value, fantoccini::error::CmdError> {
        self.client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                if (document.readyState === "complete") { done(document.readyState); }
                else { window.addEventListener("load", () => done("complete"), {once: true}); }"#,
                vec![],
            )
            .await
    }

    /// The address (without origin) once the current page has loaded; fails unless it
    /// satisfies `check`.
    pub async fn expect_path(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        self.wait_loaded().await;
        let path = self.path().await;
        assert!(check(&path), "expected {what}, at {path}");
        path
    }

    /// The search suggestions offered once the list is filled: waits for the datalist to
    /// change (a mutation observer answers; no polling).
    pub async fn suggestions(&self) -> Vec<String> {
        let value = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                const list = document.getElementById("q-suggestions");
                const read = () => Array.from(list.options).map(o => o.value);
                if (list.options.length > 0) { done(read()); }
                else { new MutationObserver((_, o) => { o.disconnect(); done(read()); })
                         .observe(list, {childList: true}); }"#,
                vec![],
            )
            .await
            .expect("suggestions");
        value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// The page's `<title>`.
    pub async fn title(&self) -> String {
        self.client.title().await.expect("title")
    }

    /// Runs `script` in the page (its arguments in `arguments`).
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Every console entry logged since the session started.
    pub async fn console(&mut self) -> Vec<LogEntry> {
        let value = self
            .client
            .issue_cmd(ReadLog)
            .await
            .expect("chromedriver's browser log");
        for e in value.as_array().cloned().unwrap_or_default() {
            self.log.push(LogEntry {
                level: e["level"].as_str().unwrap_or_default().to_owned(),
                source: e["source"].as_str().unwrap_or_default().to_owned(),
                message: e["message"].as_str().unwrap_or_default().to_owned(),
            });
        }
        self.log.clone()
    }

    /// Fails when any page so far logged a JavaScript error.
    pub async fn assert_no_script_errors(&mut self) {
        let errors: Vec<LogEntry> = self
            .console()
            .await
            .into_iter()
            .filter(LogEntry::is_script_error)
            .collect();
        assert!(errors.is_empty(), "JavaScript errors: {errors:#?}");
    }

    /// The serious and critical accessibility violations axe-core finds on the current page.
    pub async fn axe(&self) -> Vec<Violation> {
        let source = std::fs::read_to_string(&self.axe_path)
            .unwrap_or_else(|e| panic!("read {}: {e}", self.axe_path));
        // WebDriver scripts run outside the page's Content-Security-Policy.
        self.execute(&source, vec![]).await;
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ["violations"]})
                  .then(r => done({ok: r.violations
                    .filter(v => v.impact === "serious" || v.impact === "critical")
                    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                                targets: v.nodes.map(n => n.target.join(" ") + " " + n.failureSummary)}))}))
                  .catch(e => done({error: String(e)}));"#,
                vec![],
            )
            .await
            .expect("axe.run");
        if let Some(error) = result.get("error") {
            panic!("axe.run failed: {error}");
        }
        result["ok"]
            .as_array()
            .expect("violations")
            .iter()
            .map(|v| Violation {
                id: v["id"].as_str().unwrap_or_default().to_owned(),
                impact: v["impact"].as_str().unwrap_or_default().to_owned(),
                help: v["help"].as_str().unwrap_or_default().to_owned(),
                targets: v["targets"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// Fails when axe-core finds a serious or critical violation on the current page.
    pub async fn assert_accessible(&self) {
        let violations = self.axe().await;
        assert!(
            violations.is_empty(),
            "accessibility violations on {}: {violations:#?}",
            self.path().await
        );
    }

    /// Ends the session and its Chromium.
    pub async fn close(mut self) {
        if self.session.take().is_some() {
            self.client
                .clone()
                .close()
                .await
                .expect("close the session");
        }
    }
}

impl Drop for Browser {
    /// A test that failed before `close` still ends its Chromium: a plain blocking
    /// `DELETE /session/{id}` to the driver (the test's runtime may be gone by now).
    fn drop(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        let Some(addr) = self.driver.strip_prefix("http://") else {
            return;
        };
        let addr = addr.trim_end_matches('/').to_owned();
        let _ = std::net::TcpStream::connect(&addr).and_then(|mut stream| {
            stream.set_read_timeout(Some(Duration::from_secs(10)))?;
            write!(
                stream,
                "DELETE /session/{session} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            )?;
            let mut reply = Vec::new();
            stream.read_to_end(&mut reply).map(|_| ())
        });
    }
}
