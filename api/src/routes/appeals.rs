//! Appeals against enforcement actions and takedowns, and the operator's decisions.

use actix_web::{HttpResponse, get, post, web};
use domain::appeal::{self, Appeal, AppealInput};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::pagination::PageQuery;
use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::{AuthUser, OperatorUser};
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    /// Why the measure should be reversed (up to 4,000 characters).
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 4000,
        example = "该商标已获权利人书面授权，授权书见附件"
    )]
    pub statement: String,
    /// Up to 10 http(s) URLs.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence_urls: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppealView {
    pub id: Uuid,
    /// `enforcement` or `takedown`.
    pub target_type: String,
    pub target_id: Uuid,
    pub company_id: Option<Uuid>,
    pub statement: String,
    pub evidence_urls: Vec<String>,
    /// `open`, `upheld` (the measure was reversed) or `rejected`.
    pub status: String,
    /// The operator's reasons, seen by the company.
    pub decision_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Appeal> for AppealView {
    fn from(a: Appeal) -> AppealView {
        AppealView {
            id: a.id,
            target_type: a.target.as_str().into(),
            target_id: a.target_id,
            company_id: a.company_id,
            statement: a.statement,
            evidence_urls: a.evidence_urls,
            status: a.status.as_str().into(),
            decision_note: a.decision_note,
            decided_at: utc_opt(a.decided_at),
            created_at: utc(a.created_at),
        }
    }
}

fn input(b: AppealRequest) -> AppealInput {
    AppealInput {
        statement: b.statement,
        evidence_urls: b.evidence_urls,
    }
}

/// Appeals an enforcement action, once.
///
/// Appeals an enforcement action in force against your company (owners and admins) or your own
/// buy request, once.
#[utoipa::path(tag = "enforcement", params(("id" = Uuid, Path, description = "enforcement action id")), request_body = AppealRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The appeal, open until an operator decides it", body = AppealView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "forbidden (a member who may only read it)", body = ErrorBody),
    (status = 404, description = "enforcement_action_not_found", body = ErrorBody),
    (status = 409, description = "already_appealed or not_appealable (no longer in force)", body = ErrorBody)))]
#[post("/api/v1/enforcement/{id}/appeal")]
pub async fn appeal_enforcement(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<AppealRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = input(body.0);
    let appeal = state
        .db(move |conn| appeal::appeal_enforcement(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Created().json(AppealView::from(appeal)))
}

/// Appeals a takedown that stands (final, or kept down after a counter-notice), once.
#[utoipa::path(tag = "takedowns", params(("id" = Uuid, Path, description = "takedown case id")), request_body = AppealRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The appeal, open until an operator decides it", body = AppealView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: a member of the company who is not an owner or admin", body = ErrorBody),
    (status = 404, description = "takedown_not_found", body = ErrorBody),
    (status = 409, description = "already_appealed or not_appealable", body = ErrorBody)))]
#[post("/api/v1/takedowns/{id}/appeal")]
pub async fn appeal_takedown(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<AppealRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = input(body.0);
    let appeal = state
        .db(move |conn| appeal::appeal_takedown(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Created().json(AppealView::from(appeal)))
}

/// An appeal and its outcome: every member of the company concerned, and operators.
#[utoipa::path(tag = "enforcement", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The appeal and, once decided, its outcome", body = AppealView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "appeal_not_found", body = ErrorBody)))]
#[get("/api/v1/appeals/{id}")]
pub async fn get_appeal(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let appeal = state
        .db(move |conn| appeal::get_appeal(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(AppealView::from(appeal)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealPage {
    pub items: Vec<AppealView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AppealQuery {
    /// `open`, `upheld` or `rejected`.
    pub status: Option<String>,
}

/// Appeals for operators, newest first.
#[utoipa::path(tag = "operator", params(AppealQuery, PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of appeals, newest first", body = AppealPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/appeals")]
pub async fn list_appeals(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<AppealQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let status = query.into_inner().status;
    let appeals = state
        .db(move |conn| appeal::list_appeals(conn, &op.0, status.as_deref(), &page))
        .await?;
    Ok(HttpResponse::Ok().json(AppealPage {
        items: appeals.items.into_iter().map(Into::into).collect(),
        next_cursor: appeals.next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealDecisionRequest {
    /// `upheld` (the measure is reversed at once) or `rejected`.
    #[schema(example = "upheld")]
    pub outcome: String,
    /// Shown to the company.
    #[schema(format = "lines", min_length = 1, max_length = 2000)]
    pub note: String,
}

/// Decides an open appeal; upheld reverses the action or takedown in the same transaction.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = AppealDecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The decided appeal (an upheld one has reversed its action or takedown)", body = AppealView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "appeal_not_found", body = ErrorBody),
    (status = 409, description = "appeal_decided", body = ErrorBody)))]
#[post("/api/v1/operator/appeals/{id}/decide")]
pub async fn decide_appeal(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<AppealDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.0;
    let appeal = state
        .db(move |conn| appeal::decide_appeal(conn, &op.0, id, &b.outcome, &b.note))
        .await?;
    Ok(HttpResponse::Ok().json(AppealView::from(appeal)))
}
