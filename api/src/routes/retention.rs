//! Leaving the platform, and an account holder's export and erasure of their data.

use std::time::Duration;

use actix_web::{HttpResponse, get, post, web};
use domain::retention;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::responses::Unauthorized;
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveRequest {
    /// The company's storefront address (slug), typed again to confirm.
    #[schema(example = "ningbo-example-hardware")]
    pub confirm: String,
    /// Why (up to 1,000 characters; kept with the closure until the purge).
    #[schema(format = "lines", max_length = 1000)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureView {
    pub company_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub closed_at: OffsetDateTime,
    /// The registration records are kept until then (`TRADEFAIR_RETENTION_YEARS` after
    /// closing), then purged.
    #[serde(with = "time::serde::rfc3339")]
    pub records_kept_until: OffsetDateTime,
    /// Memberships that ended with the closure.
    pub members_released: usize,
}

/// Closes the company's account (the owner only).
///
/// It leaves every public endpoint and search at once, every membership ends, and its registration
/// records are kept for the retention period.
#[utoipa::path(tag = "privacy", params(("id" = Uuid, Path, description = "company id")), request_body = LeaveRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The closed company and when its records will be purged", body = ClosureView),
    (status = 400, description = "validation_failed (`confirm`: mismatch)", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "not the owner", body = ErrorBody),
    (status = 404, description = "company_not_found", body = ErrorBody),
    (status = 409, description = "company_closed", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/leave")]
pub async fn leave_company(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<LeaveRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.0;
    let years = state.config.retention_years;
    let closure = state
        .db(move |conn| {
            retention::leave_company(
                conn,
                &user.actor,
                id,
                &b.confirm,
                b.reason.as_deref(),
                years,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(ClosureView {
        company_id: closure.company_id,
        closed_at: utc(closure.closed_at),
        records_kept_until: utc(closure.records_kept_until),
        members_released: closure.members_released,
    }))
}

/// Your data as one JSON document.
///
/// Your data as one JSON document (`format: tradefair-account-export/1`): the account, the
/// inquiry threads you opened and every message you sent, your buy requests and the quotes
/// received on them, notifications, reports, takedown notices, counter-notices and appeals you
/// filed, the ratings you gave, and your e-mail settings.
#[utoipa::path(operation_id = "export_my_data", tag = "privacy", security(("bearer" = [])), responses(
    (status = 200, description = "the export document", body = Object),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/me/export")]
pub async fn export_me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let doc = state
        .db(move |conn| retention::export_account(conn, &user.actor))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"tradefair-export.json\"",
        ))
        .json(doc))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    /// The account's password, to confirm.
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureView {
    #[serde(with = "time::serde::rfc3339")]
    pub erased_at: OffsetDateTime,
    pub closed_buy_requests: usize,
    pub closed_threads: usize,
    pub notifications_deleted: usize,
}

/// Erases your account.
///
/// Name, e-mail and password are removed and it can no longer sign in (this access token stops
/// working at once); what the law requires others to keep (messages you sent, buy requests and
/// quotes, reports) stays with the author shown as an erased account. A company member leaves the
/// company first (409 `member_of_company`); operators cannot (403).
#[utoipa::path(operation_id = "erase_my_account", tag = "privacy", request_body = ErasureRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The account is erased; this token no longer works", body = ErasureView),
    (status = 400, description = "validation_failed (`password`: incorrect)", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: operators cannot erase their account", body = ErrorBody),
    (status = 409, description = "member_of_company", body = ErrorBody)))]
#[post("/api/v1/me/erasure")]
pub async fn erase_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<ErasureRequest>,
) -> ApiResult<HttpResponse> {
    let actor = user.actor.clone();
    let password = body.0.password;
    let erasure = state
        .db(move |conn| retention::erase_account(conn, &actor, &password))
        .await?;
    // The account's private attachments go with it (licence scans stay for the retention
    // period: they are the company's registration records).
    let owner = user.actor.user_id;
    let removed = state
        .db(move |conn| domain::media::erase_private_of(conn, owner))
        .await?;
    crate::media::delete_blobs(&state.media, &removed)
        .await
        .map_err(|e| crate::error::ApiError::internal(e.as_ref()))?;
    let remaining = (user.claims.exp - OffsetDateTime::now_utc().unix_timestamp()).max(0) as u64;
    state
        .revocations
        .revoke(&user.claims.jti, Duration::from_secs(remaining + 60))
        .await?;
    Ok(HttpResponse::Ok().json(ErasureView {
        erased_at: utc(erasure.erased_at),
        closed_buy_requests: erasure.closed_buy_requests,
        closed_threads: erasure.closed_threads,
        notifications_deleted: erasure.notifications_deleted,
    }))
}
