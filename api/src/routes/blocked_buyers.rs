//! A company's blocked buyers: they can no longer open threads with it nor write in its threads.

use actix_web::{HttpResponse, delete, get, post, web};
use domain::inquiry::{self, BlockedBuyer};
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
pub struct BlockBuyerRequest {
    /// The account to block (from a thread's `buyer_id`).
    pub user_id: Uuid,
    /// Private to the company (up to 500 characters); the buyer never sees it.
    #[schema(format = "lines", max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockedBuyerView {
    pub user_id: Uuid,
    pub display_name: String,
    pub reason: Option<String>,
    pub blocked_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<BlockedBuyer> for BlockedBuyerView {
    fn from(b: BlockedBuyer) -> BlockedBuyerView {
        BlockedBuyerView {
            user_id: b.user_id,
            display_name: b.display_name,
            reason: b.reason,
            blocked_by: b.blocked_by,
            created_at: utc(b.created_at),
        }
    }
}

/// Blocks a buyer from the company's inquiries (owners and admins).
///
/// Blocks a buyer (owners and admins): 201 for a new block, 200 when the buyer was already
/// blocked (the reason is replaced).
#[utoipa::path(tag = "inquiries", params(("id" = Uuid, Path, description = "company id")), request_body = BlockBuyerRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The buyer was already blocked; the reason is replaced", body = BlockedBuyerView),
    (status = 201, description = "The buyer is now blocked", body = BlockedBuyerView),
    (status = 400, description = "validation_failed (`user_id`: own_member)", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not an owner or admin of the company", body = ErrorBody),
    (status = 404, description = "company_not_found or account_not_found", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/blocked-buyers")]
pub async fn block_buyer(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<BlockBuyerRequest>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let BlockBuyerRequest { user_id, reason } = body.0;
    let (block, created) = state
        .db(move |conn| inquiry::block_buyer(conn, &user.actor, company_id, user_id, reason))
        .await?;
    let view = BlockedBuyerView::from(block);
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// The company's blocked buyers, newest first (members and operators).
#[utoipa::path(tag = "inquiries", params(("id" = Uuid, Path, description = "company id")), security(("bearer" = [])), responses(
    (status = 200, description = "The blocked buyers, newest first", body = Vec<BlockedBuyerView>),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are neither a member nor an operator", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/blocked-buyers")]
pub async fn list_blocked_buyers(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let blocks = state
        .db(move |conn| inquiry::list_blocked_buyers(conn, &user.actor, company_id))
        .await?;
    Ok(HttpResponse::Ok().json(
        blocks
            .into_iter()
            .map(BlockedBuyerView::from)
            .collect::<Vec<_>>(),
    ))
}

/// Lifts a block (owners and admins).
#[utoipa::path(tag = "inquiries", params(("id" = Uuid, Path, description = "company id"), ("user_id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "The block is lifted"),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not an owner or admin of the company", body = ErrorBody),
    (status = 404, description = "company_not_found or block_not_found", body = ErrorBody)))]
#[delete("/api/v1/companies/{id}/blocked-buyers/{user_id}")]
pub async fn unblock_buyer(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (company_id, user_id) = path.into_inner();
    state
        .db(move |conn| inquiry::unblock_buyer(conn, &user.actor, company_id, user_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
