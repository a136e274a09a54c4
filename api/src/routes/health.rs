use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}

/// The process is alive.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "The process is alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// The database is reachable and every migration is applied.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "The database answers and every migration is applied", body = Health),
    (status = 503, description = "`service_unavailable`: the database does not answer or a migration is missing", body = ErrorBody)))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let pending = state
        .db(|conn| {
            domain::db::pending_migrations(conn)
                .map_err(|e| ApiError::unavailable(&format!("cannot read migrations: {e}")))
        })
        .await?;
    if !pending.is_empty() {
        return Err(ApiError::unavailable("migrations are pending"));
    }
    Ok(HttpResponse::Ok().json(Health {
        status: "ready".into(),
    }))
}
