//! `GET /metrics`: on the API address with the metrics token, or on the separate metrics
//! address (`TRADEFAIR_METRICS_BIND`), where nothing but `/metrics` and the health checks is
//! served. Without a token or a metrics address, there is no `/metrics`.

use std::net::SocketAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

use super::metrics;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Who may read `/metrics`.
#[derive(Debug, Clone)]
pub struct MetricsAccess {
    pub token: Option<String>,
    /// The separate metrics listener's address, when there is one.
    pub listener: Option<SocketAddr>,
}

impl MetricsAccess {
    fn on_metrics_listener(&self, req: &HttpRequest) -> bool {
        self.listener == Some(req.app_config().local_addr())
    }
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "route_not_found", "no such route")
}

/// Equal in time independent of where the strings differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub async fn metrics_endpoint(
    req: HttpRequest,
    state: web::Data<AppState>,
    access: web::Data<MetricsAccess>,
) -> ApiResult<HttpResponse> {
    let on_listener = access.on_metrics_listener(&req);
    if access.listener.is_some() && !on_listener {
        return Err(not_found());
    }
    match access.token.as_deref() {
        Some(token) => {
            let sent = crate::auth::extract::bearer(&req).flatten();
            if !sent.is_some_and(|s| same_secret(&s, token)) {
                return Err(ApiError::unauthenticated(
                    "invalid_token",
                    "send the metrics token as a bearer token",
                ));
            }
        }
        None if !on_listener => return Err(not_found()),
        None => {}
    }
    let position = state.search.visible_outbox_id();
    let snapshot = state
        .db(move |conn| metrics::snapshot(conn, position))
        .await?;
    let text = state.metrics.render(&state.pool, &snapshot);
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(text))
}

/// On the metrics listener, only `/metrics` and the health checks exist.
pub async fn metrics_listener_only(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let on_listener = req
        .app_data::<web::Data<MetricsAccess>>()
        .is_some_and(|a| a.on_metrics_listener(req.request()));
    if on_listener && !matches!(req.path(), "/metrics" | "/healthz" | "/readyz") {
        return Ok(req.error_response(not_found()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cret", "s3creT"));
        assert!(!same_secret("s3cret", "s3cret!"));
    }
}
