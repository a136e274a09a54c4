//! A browser without a cookie-jar crate, for the form tests: the cookies it was given, sent
//! back by hand, and redirects not followed so that each step can be checked.

use e2e::TestApp;
use e2e::fixtures::PASSWORD;
use reqwest::header::{HeaderMap, SET_COOKIE};

/// A browser without a cookie jar crate: the cookies it was given, sent back by hand, and
/// redirects not followed so that each step can be checked.
pub(super) struct Browser<'a> {
    app: &'a TestApp,
    pub(super) http: reqwest::Client,
    pub(super) cookies: Vec<(String, String)>,
}

pub(super) struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub(super) fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the hidden input `name` of the page's form.
    pub(super) fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no {name} field in: {}", self.body))
            + marker.len();
        self.body[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    pub(super) fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

impl<'a> Browser<'a> {
    pub(super) fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Vec::new(),
        }
    }

    pub(super) fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub(super) async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let r = req
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap_or_default();
            let pair = v.split(';').next().unwrap_or_default();
            let (k, val) = pair.split_once('=').unwrap_or((pair, ""));
            self.cookies.retain(|(name, _)| name != k);
            let removed = v.contains("Max-Age=0") || val.is_empty();
            if !removed {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
        let body = r.text().await.unwrap_or_default().replace("&#x2f;", "/");
        Page {
            status,
            headers,
            body,
        }
    }

    pub(super) async fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(self.app.url(path));
        self.send(req).await
    }

    pub(super) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self
            .http
            .post(self.app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).expect("form"));
        self.send(req).await
    }

    pub(super) async fn post_from(
        &mut self,
        path: &str,
        origin: &str,
        form: &[(&str, &str)],
    ) -> Page {
        let req = self
            .http
            .post(self.app.url(path))
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).expect("form"));
        self.send(req).await
    }

    pub(super) async fn sign_in(&mut self, email: &str, next: &str) -> Page {
        let form = self
            .get(&format!("/en/signin?next={}", urlencode(next)))
            .await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.hidden("csrf");
        self.post(
            "/en/signin",
            &[
                ("email", email),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", next),
            ],
        )
        .await
    }
}

pub(super) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Borrowed pairs for `Browser::post`.
pub(super) fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}
