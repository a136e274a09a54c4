//! Enforcement: operators hide and unhide items, warn and terminate companies (suspension is
//! `/operator/companies/{id}/suspend`); the company reads what was done to it.

use actix_web::{HttpResponse, get, post, web};
use domain::appeal::{self, AppealTarget};
use domain::enforcement::{self, ActionFilter, EnforcementAction, EnforcementError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::appeals::AppealView;
use super::pagination::PageQuery;
use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::{AuthUser, OperatorUser};
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

#[derive(Debug, Serialize, ToSchema)]
pub struct EnforcementView {
    pub id: Uuid,
    /// `hide`, `warn`, `suspend` or `terminate`.
    pub kind: String,
    /// `product`, `listing` or `company`.
    pub subject_type: String,
    pub subject_id: Uuid,
    pub company_id: Option<Uuid>,
    /// The account concerned when the item is an individual's buy request.
    pub owner_id: Option<Uuid>,
    /// The operator's reason, shown to the company.
    pub reason: String,
    /// `operator`, or `report` (a report resolved as upheld hid the item).
    pub source: String,
    pub report_id: Option<Uuid>,
    /// False once reversed.
    pub in_force: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reversed_at: Option<OffsetDateTime>,
    /// `unhide`, `reinstate` or `appeal`.
    pub reversal: Option<String>,
    pub reversal_reason: Option<String>,
    pub appeal: Option<AppealView>,
}

impl EnforcementView {
    fn new(a: EnforcementAction, appeal: Option<AppealView>) -> EnforcementView {
        EnforcementView {
            id: a.id,
            kind: a.kind.as_str().into(),
            subject_type: a.subject.as_str().into(),
            subject_id: a.subject_id,
            company_id: a.company_id,
            owner_id: a.owner_id,
            in_force: a.in_force(),
            reason: a.reason,
            source: a.source.as_str().into(),
            report_id: a.report_id,
            created_at: utc(a.created_at),
            reversed_at: utc_opt(a.reversed_at),
            reversal: a.reversal.map(|r| r.as_str().to_owned()),
            reversal_reason: a.reversal_reason,
            appeal,
        }
    }
}

fn with_appeals(
    conn: &mut domain::db::DbConnection,
    actions: Vec<EnforcementAction>,
) -> Result<Vec<EnforcementView>, EnforcementError> {
    let ids: Vec<Uuid> = actions.iter().map(|a| a.id).collect();
    let mut appeals = appeal::appeals_for(conn, AppealTarget::Enforcement, &ids)?;
    Ok(actions
        .into_iter()
        .map(|a| {
            let appeal = appeals.remove(&a.id).map(Into::into);
            EnforcementView::new(a, appeal)
        })
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnforcementPage {
    pub items: Vec<EnforcementView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnforcementRequest {
    /// Shown to the company (1–1,000 characters).
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 1000,
        example = "商品图片使用他人注册商标"
    )]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnhideView {
    /// Whether the item is still hidden by something else (an accepted takedown notice).
    pub hidden: bool,
    /// The operator hides that were lifted.
    pub reversed: Vec<EnforcementView>,
}

async fn hide(
    state: web::Data<AppState>,
    op: OperatorUser,
    subject: &'static str,
    id: Uuid,
    reason: String,
) -> ApiResult<HttpResponse> {
    let view = state
        .db(move |conn| {
            let action = enforcement::hide_item(conn, &op.0, subject, id, &reason)?;
            Ok::<_, EnforcementError>(EnforcementView::new(action, None))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

async fn unhide(
    state: web::Data<AppState>,
    op: OperatorUser,
    subject: &'static str,
    id: Uuid,
    reason: String,
) -> ApiResult<HttpResponse> {
    let view = state
        .db(move |conn| {
            let done = enforcement::unhide_item(conn, &op.0, subject, id, &reason)?;
            Ok::<_, EnforcementError>(UnhideView {
                hidden: done.hidden,
                reversed: with_appeals(conn, done.reversed)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Hides a product from every public endpoint and search.
///
/// Hides a product: it leaves every public endpoint and search (within the indexer's delay);
/// its members still see it. The company is told.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = EnforcementRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The enforcement action that hides the product", body = EnforcementView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "item_not_found", body = ErrorBody),
    (status = 409, description = "already_hidden", body = ErrorBody)))]
#[post("/api/v1/operator/products/{id}/hide")]
pub async fn hide_product(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<EnforcementRequest>,
) -> ApiResult<HttpResponse> {
    hide(state, op, "product", id.into_inner(), body.0.reason).await
}

/// Lifts the operator hides of a product (a takedown in force keeps it hidden).
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = EnforcementRequest, security(("bearer" = [])), responses(
    (status = 200, description = "How many hides were lifted, and whether the product shows again", body = UnhideView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "item_not_found", body = ErrorBody),
    (status = 409, description = "not_hidden", body = ErrorBody)))]
#[post("/api/v1/operator/products/{id}/unhide")]
pub async fn unhide_product(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<EnforcementRequest>,
) -> ApiResult<HttpResponse> {
    unhide(state, op, "product", id.into_inner(), body.0.reason).await
}

/// Hides a listing (sell offer or buy request) from every public endpoint and search.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = EnforcementRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The enforcement action that hides the listing", body = EnforcementView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "item_not_found", body = ErrorBody),
    (status = 409, description = "already_hidden", body = ErrorBody)))]
#[post("/api/v1/operator/listings/{id}/hide")]
pub async fn hide_listing(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<EnforcementRequest>,
) -> ApiResult<HttpResponse> {
    hide(state, op, "listing", id.into_inner(), body.0.reason).await
}

/// Lifts the operator hides of a listing.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = EnforcementRequest, security(("bearer" = [])), responses(
    (status = 200, description = "How many hides were lifted, and whether the listing shows again", body = UnhideView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "item_not_found", body = ErrorBody),
    (status = 409, description = "not_hidden", body = ErrorBody)))]
#[post("/api/v1/operator/listings/{id}/unhide")]
pub async fn unhide_listing(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<EnforcementRequest>,
) -> ApiResult<HttpResponse> {
    unhide(state, op, "listing", id.into_inner(), body.0.reason).await
}

/// Warns a company: a recorded warning its owners and admins are notified of.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = EnforcementRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The recorded warning", body = EnforcementView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "company_not_found", body = ErrorBody),
    (status = 409, description = "company_closed", body = ErrorBody)))]
#[post("/api/v1/operator/companies/{id}/warn")]
pub async fn warn_company(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<EnforcementRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.0.reason;
    let view = state
        .db(move |conn| {
            let action = enforcement::warn_company(conn, &op.0, id, &reason)?;
            Ok::<_, EnforcementError>(EnforcementView::new(action, None))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Terminates a company.
///
/// Its storefront, products and listings leave every public endpoint and search; `/reinstate` is
/// refused from now on (409), only an upheld appeal reverses it.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = EnforcementRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The enforcement action that terminates the company", body = EnforcementView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "company_not_found", body = ErrorBody),
    (status = 409, description = "company_terminated or company_closed", body = ErrorBody)))]
#[post("/api/v1/operator/companies/{id}/terminate")]
pub async fn terminate_company(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<EnforcementRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.0.reason;
    let view = state
        .db(move |conn| {
            let action = enforcement::terminate_company(conn, &op.0, id, &reason)?;
            Ok::<_, EnforcementError>(EnforcementView::new(action, None))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct EnforcementQuery {
    /// A company id; blank means any company.
    #[param(format = "uuid_or_blank")]
    pub company_id: Option<String>,
    /// `hide`, `warn`, `suspend` or `terminate`.
    pub kind: Option<String>,
    /// `true`: only actions in force; `false`: only reversed ones.
    pub in_force: Option<bool>,
}

/// Every enforcement action for operators, newest first.
#[utoipa::path(operation_id = "list_enforcement_actions", tag = "operator", params(EnforcementQuery, PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of enforcement actions, newest first", body = EnforcementPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/enforcement")]
pub async fn list_actions(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<EnforcementQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let q = query.into_inner();
    let filter = ActionFilter {
        company_id: q.company_id,
        kind: q.kind,
        in_force: q.in_force,
    };
    let view = state
        .db(move |conn| {
            let actions = enforcement::list_actions(conn, &op.0, &filter, &page)?;
            Ok::<_, EnforcementError>(EnforcementPage {
                items: with_appeals(conn, actions.items)?,
                next_cursor: actions.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The enforcement actions against the company and its items, newest first.
///
/// What was done to the company and its items, with reasons and appeal outcomes, newest first:
/// its members and operators (404 for anyone else).
#[utoipa::path(operation_id = "list_company_enforcement_actions", tag = "enforcement", params(("id" = Uuid, Path, description = "company id"), PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of the company's enforcement actions, newest first", body = EnforcementPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "company_not_found", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/enforcement")]
pub async fn company_actions(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let actions = enforcement::list_company_actions(conn, &user.actor, id, &page)?;
            Ok::<_, EnforcementError>(EnforcementPage {
                items: with_appeals(conn, actions.items)?,
                next_cursor: actions.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// One enforcement action with its appeal: whoever it concerns and operators.
#[utoipa::path(operation_id = "get_enforcement_action", tag = "enforcement", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The enforcement action with its appeal, if any", body = EnforcementView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "enforcement_action_not_found", body = ErrorBody)))]
#[get("/api/v1/enforcement/{id}")]
pub async fn get_action(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let action = enforcement::get_action(conn, &user.actor, id)?;
            let mut views = with_appeals(conn, vec![action])?;
            Ok::<_, EnforcementError>(views.remove(0))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
