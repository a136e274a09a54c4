//! Operator decisions on companies and products (operators only; each needs a reason).

use actix_web::{HttpResponse, post, web};
use domain::catalog::ProductAction;
use domain::company::{self, StatusAction};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::companies::CompanyView;
use super::products::{ProductView, change_status};
use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::OperatorUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Shown to the owner; optional on an approval (blank means none).
    #[schema(format = "lines", max_length = 1000, example = "资料齐全")]
    pub reason: Option<String>,
}

/// A decision the owner must be told the reason of: a rejection, a suspension, a verification …
/// Its own schema, apart from `DecisionRequest`, because here the reason is required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Shown to the owner.
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 1000,
        example = "营业执照信息与国家企业信用信息公示系统一致"
    )]
    pub reason: String,
}

async fn decide_company(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: Uuid,
    action: StatusAction,
    body: ReasonRequest,
) -> ApiResult<HttpResponse> {
    let reason = body.reason;
    let company = state
        .db(move |conn| company::change_status(conn, &op.0, id, action, &reason))
        .await?;
    Ok(HttpResponse::Ok().json(CompanyView::from(company)))
}

/// Marks a pending or rejected company as verified.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The company, now `verified`", body = CompanyView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`company_not_found`: no such company", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the company is neither pending nor rejected", body = ErrorBody)))]
#[post("/api/v1/operator/companies/{id}/verify")]
pub async fn verify_company(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    decide_company(state, op, id.into_inner(), StatusAction::Verify, body.0).await
}

/// Rejects a pending company's verification.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The company, now `rejected`", body = CompanyView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`company_not_found`: no such company", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the company is not pending", body = ErrorBody)))]
#[post("/api/v1/operator/companies/{id}/reject")]
pub async fn reject_company(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    decide_company(state, op, id.into_inner(), StatusAction::Reject, body.0).await
}

/// Suspends a company: its storefront and products leave every public endpoint.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The company, now `suspended`", body = CompanyView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`company_not_found`: no such company", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the company cannot be suspended in its state", body = ErrorBody)))]
#[post("/api/v1/operator/companies/{id}/suspend")]
pub async fn suspend_company(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    decide_company(state, op, id.into_inner(), StatusAction::Suspend, body.0).await
}

/// Lifts a suspension.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The company with its suspension lifted", body = CompanyView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`company_not_found`: no such company", body = ErrorBody),
    (status = 409, description = "`invalid_state` (not suspended) or `company_terminated`", body = ErrorBody)))]
#[post("/api/v1/operator/companies/{id}/reinstate")]
pub async fn reinstate_company(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    decide_company(state, op, id.into_inner(), StatusAction::Reinstate, body.0).await
}

/// Approves a product under review: it is published.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = DecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The product, now `published`", body = ProductView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`product_not_found`: no such product", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the product is not under review", body = ErrorBody)))]
#[post("/api/v1/operator/products/{id}/approve")]
pub async fn approve_product(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    change_status(
        state,
        op.0,
        id.into_inner(),
        ProductAction::Approve,
        body.0.reason,
    )
    .await
}

/// Rejects a product under review or takes a published one down, with a reason the owner sees.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The product, now `rejected`", body = ProductView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`product_not_found`: no such product", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the product is neither under review nor published", body = ErrorBody)))]
#[post("/api/v1/operator/products/{id}/reject")]
pub async fn reject_product(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    change_status(
        state,
        op.0,
        id.into_inner(),
        ProductAction::Reject,
        Some(body.0.reason),
    )
    .await
}
