//! Watching the server: the request id and the span every log line of a request is written
//! in, the access log, and the metrics (`metrics`).

pub mod endpoint;
pub mod metrics;
pub mod request_id;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};
use tracing::Instrument;

pub use metrics::Metrics;
pub use request_id::RequestId;

use crate::state::AppState;

/// The signed-in account of a request, left in its extensions by the auth extractors for
/// the access log.
#[derive(Debug, Clone, Copy)]
pub struct AccountId(pub uuid::Uuid);

/// Notes the account a request is made by, for the access log and the request's span.
pub fn note_account(req: &HttpRequest, account: uuid::Uuid) {
    req.extensions_mut().insert(AccountId(account));
    tracing::Span::current().record("account", tracing::field::display(account));
}

/// The API key a request is made with, left in its extensions by the key gate for the access
/// log.
#[derive(Debug, Clone, Copy)]
pub struct ApiKeyId(pub uuid::Uuid);

/// Notes the API key a request is made with, for the access log and the request's span.
pub fn note_api_key(req: &HttpRequest, key: uuid::Uuid) {
    req.extensions_mut().insert(ApiKeyId(key));
    tracing::Span::current().record("api_key", tracing::field::display(key));
}

/// The outermost middleware. Gives the request its id and runs it inside a span that carries
/// the id (so every log line of the request has it, including work on the blocking pool, see
/// `AppState::db`); then writes the access log line, counts the request in the metrics, sets
/// `X-Request-Id` and puts the id into 5xx bodies.
///
/// The access log line (target `tradefair::access`; silence it with
/// `RUST_LOG=info,tradefair::access=warn`) has the client address (as `trust_proxy` allows),
/// the account (and the API key, when one was used), method, route pattern, path without the query string (which may carry search
/// text), status and time taken. Server errors are logged at `error`, everything else at
/// `info`: a client's mistake is not the server's.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (trust_proxy, trust_id) = state.as_ref().map_or((false, false), |s| {
        (s.config.trust_proxy, s.config.trust_request_id())
    });
    let id = request_id::request_id(req.headers(), trust_id);
    req.extensions_mut().insert(RequestId(id.clone()));
    let client = crate::client_addr::client_addr(req.request(), trust_proxy);
    let method = req.method().clone();
    let path = req.path().to_owned();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        account = tracing::field::Empty,
        api_key = tracing::field::Empty,
    );
    // Not a clone of the request before routing: the router needs it unshared. Handlers'
    // errors arrive as responses; an error here comes from a middleware and is answered by
    // actix, without the header (it is still logged and counted).
    let outcome = next.call(req).instrument(span.clone()).await;
    let response = match outcome {
        Ok(response) => response.map_into_boxed_body(),
        Err(e) => {
            let status = e.as_response_error().status_code().as_u16();
            let elapsed = started.elapsed();
            span.in_scope(|| {
                tracing::warn!(target: "tradefair::access", %client, %method, %path, status, micros = elapsed.as_micros() as u64, error = %e, "request failed in a middleware");
            });
            return Err(e);
        }
    };
    let status = response.status().as_u16();
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let account = response
        .request()
        .extensions()
        .get::<AccountId>()
        .map(|a| a.0.to_string())
        .unwrap_or_default();
    let api_key = response
        .request()
        .extensions()
        .get::<ApiKeyId>()
        .map(|a| a.0.to_string())
        .unwrap_or_default();
    let elapsed = started.elapsed();
    span.in_scope(|| {
        let micros = elapsed.as_micros() as u64;
        if status >= 500 {
            tracing::error!(target: "tradefair::access", %client, %account, %api_key, %method, %route, %path, status, micros, "request");
        } else {
            tracing::info!(target: "tradefair::access", %client, %account, %api_key, %method, %route, %path, status, micros, "request");
        }
    });
    if let Some(state) = &state {
        state.metrics.record_request(
            metrics::RequestLabels {
                method: method_label(&method),
                route,
                status,
            },
            elapsed.as_secs_f64(),
        );
    }
    let mut response = if status >= 500 {
        with_id_in_body(response, &id).await
    } else {
        response
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(request_id::HEADER), value);
    }
    Ok(response)
}

/// Methods outside the standard ones share one label, so a client cannot make new series.
fn method_label(method: &actix_web::http::Method) -> String {
    if crate::methods::STANDARD.contains(method) {
        method.to_string()
    } else {
        "other".into()
    }
}

async fn with_id_in_body(response: ServiceResponse<BoxBody>, id: &str) -> ServiceResponse<BoxBody> {
    let (req, res) = response.into_parts();
    let (mut res, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res.headers_mut().remove(header::CONTENT_LENGTH);
    let res = res.set_body(BoxBody::new(request_id::error_body_with_id(&bytes, id)));
    ServiceResponse::new(req, res)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn every_log_line_of_a_request_carries_its_id() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = test::init_service(App::new().wrap(from_fn(observe)).route(
            "/work",
            web::get().to(|| async {
                tracing::info!("inside the handler");
                HttpResponse::InternalServerError().body("broke")
            }),
        ))
        .await;
        let response =
            test::call_service(&app, test::TestRequest::get().uri("/work").to_request()).await;
        let id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .expect("id header")
            .to_owned();
        let body: serde_json::Value = test::read_body_json(response).await;
        assert_eq!(body["error"]["request_id"], id.as_str());
        let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 2, "{log}");
        for line in &lines {
            assert!(line.contains(&format!("request_id={id}")), "{line}");
        }
        assert!(
            lines[1].contains("ERROR") && lines[1].contains("status=500"),
            "{log}"
        );
    }
}
