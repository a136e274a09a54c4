//! The one review queue (operators only): every item waiting for an operator, claims, and
//! decisions one by one or in bulk.

use actix_web::{HttpResponse, get, post, web};
use domain::review::{self, Decision, DecisionInput, QueueFilter, ReviewItem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::change_requests::ChangeRequestView;
use super::media::MediaView;
use super::pagination::PageQuery;
use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::OperatorUser;
use crate::body::Body;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorDetail};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItemView {
    pub id: Uuid,
    /// `company`, `product`, `sell_offer`, `buy_request`, `change_request` or `report`.
    pub kind: String,
    /// What the decision acts on: the company, product, listing, change request or report.
    pub subject_id: Uuid,
    /// What the item is about: `company`, `product`, `listing` or `message` (for a report: the
    /// reported item; for a change request: the product, listing or company profile it changes).
    pub target_type: String,
    pub target_id: Uuid,
    pub company_id: Option<Uuid>,
    /// The account that posted it (listings, change requests) or filed it (reports).
    pub owner_id: Option<Uuid>,
    pub category_id: Option<String>,
    pub title: String,
    /// `high`, `medium` or `low` (see the README).
    pub risk: String,
    /// What screening found: `none` (never screened), `pass`, `flag`, `review` or `block`.
    pub screening: String,
    /// Open reports about the item it concerns.
    pub open_reports: i32,
    /// `open` or `closed`.
    pub status: String,
    /// When it entered the queue.
    #[serde(with = "time::serde::rfc3339")]
    pub entered_at: OffsetDateTime,
    /// Seconds since it entered the queue (until it was closed, for a closed item).
    pub age_secs: i64,
    /// The operator holding a live claim, and until when (both absent when unclaimed or the
    /// claim has run out).
    pub claimed_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub claimed_until: Option<OffsetDateTime>,
    /// `approved`, `rejected`, `changes_requested`, `withdrawn`, `superseded` (a change
    /// request whose live item changed before it could be approved) or `company_inactive` (its
    /// company was suspended, terminated or left; reinstatement opens a new item) once closed.
    pub outcome: Option<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    /// The operator who decided it in the queue (absent for auto-approvals, withdrawals and
    /// decisions through the per-item operator routes).
    pub decided_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
}

impl From<ReviewItem> for ReviewItemView {
    fn from(i: ReviewItem) -> ReviewItemView {
        let now = domain::clock::now();
        let live = i.live_claim(now);
        let end = i.closed_at.unwrap_or(now);
        ReviewItemView {
            id: i.id,
            kind: i.kind.as_str().into(),
            subject_id: i.subject_id,
            target_type: i.target_type,
            target_id: i.target_id,
            company_id: i.company_id,
            owner_id: i.owner_id,
            category_id: i.category_id,
            title: i.title,
            risk: i.risk.as_str().into(),
            screening: i.screening,
            open_reports: i.open_reports,
            status: i.status.as_str().into(),
            entered_at: utc(i.entered_at),
            age_secs: (end - i.entered_at).whole_seconds().max(0),
            claimed_by: live.map(|(by, _)| by),
            claimed_until: utc_opt(live.map(|(_, until)| until)),
            outcome: i.outcome.map(|o| o.as_str().into()),
            reason_code: i.reason_code,
            note: i.note,
            decided_by: i.decided_by,
            closed_at: utc_opt(i.closed_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewQueuePage {
    pub items: Vec<ReviewItemView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItemDetailView {
    #[serde(flatten)]
    pub item: ReviewItemView,
    /// For a `change_request` item: the proposal, field by field.
    pub change_request: Option<ChangeRequestView>,
    /// The pictures and files of what is reviewed, with their variant URLs (operators may read
    /// every one): those attached to the item now (a report's evidence files too), then those a
    /// change request proposes that are not attached yet.
    pub media: Vec<MediaView>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReviewQueueQuery {
    /// `company`, `product`, `sell_offer`, `buy_request`, `change_request` or `report`.
    pub kind: Option<String>,
    /// Only items that have waited at least this many hours.
    #[param(minimum = 0, maximum = 87600)]
    pub age_min_hours: Option<i64>,
    /// A category id, top-level or second-level (items without a category never match).
    pub category: Option<String>,
    /// `high`, `medium` or `low`.
    pub risk: Option<String>,
    /// `mine` (your live claims), `unclaimed` (nobody's live claim) or `any` (default).
    pub claimed: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Every item waiting for an operator, oldest first.
#[utoipa::path(operation_id = "list_review_queue", tag = "operator", params(ReviewQueueQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of items waiting for an operator, oldest first", body = ReviewQueuePage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/review-queue")]
pub async fn list_queue(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<ReviewQueueQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let filter = QueueFilter {
        kind: q.kind,
        age_min_hours: q.age_min_hours,
        category: q.category,
        risk: q.risk,
        claimed: q.claimed,
    };
    let page = state
        .db(move |conn| review::list_queue(conn, &op.0, &filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(ReviewQueuePage {
        items: page.items.into_iter().map(ReviewItemView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One item, open or closed; a change request item carries its diff.
#[utoipa::path(operation_id = "get_review_item", tag = "operator", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The item; a change request item carries its diff", body = ReviewItemDetailView),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`review_item_not_found`: no such item", body = ErrorBody)))]
#[get("/api/v1/operator/review-queue/{id}")]
pub async fn get_item(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (detail, media) = state
        .db(move |conn| {
            let detail = review::get_item(conn, &op.0, id).map_err(ApiError::from)?;
            let media = super::review_media::review_media(conn, &detail).map_err(ApiError::from)?;
            Ok::<_, ApiError>((detail, media))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReviewItemDetailView {
        item: ReviewItemView::from(detail.item),
        change_request: detail.change_request.map(ChangeRequestView::from),
        media: media.iter().map(MediaView::from).collect(),
    }))
}

/// Claims the item for `TRADEFAIR_REVIEW_CLAIM_MINUTES` (claiming it again extends your claim).
#[utoipa::path(operation_id = "claim_review_item", tag = "operator", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The item, claimed by you until the claim expires", body = ReviewItemView),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`review_item_not_found`: no such item", body = ErrorBody),
    (status = 409, description = "review_item_claimed (another operator's live claim), review_item_closed", body = ErrorBody)))]
#[post("/api/v1/operator/review-queue/{id}/claim")]
pub async fn claim(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let ttl = time::Duration::minutes(state.config.review_claim_minutes.max(1));
    let item = state
        .db(move |conn| review::claim(conn, &op.0, id, ttl))
        .await?;
    Ok(HttpResponse::Ok().json(ReviewItemView::from(item)))
}

/// Gives your claim back (an item nobody holds is left as it is).
#[utoipa::path(operation_id = "release_review_item", tag = "operator", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The item, no longer claimed by you", body = ReviewItemView),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`review_item_not_found`: no such item", body = ErrorBody),
    (status = 409, description = "review_item_claimed (another operator's live claim), review_item_closed", body = ErrorBody)))]
#[post("/api/v1/operator/review-queue/{id}/release")]
pub async fn release(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let item = state
        .db(move |conn| review::release(conn, &op.0, id))
        .await?;
    Ok(HttpResponse::Ok().json(ReviewItemView::from(item)))
}

/// A decision's reason and note: `reason_code` (one of the README's list) is required to
/// reject, optional to request changes, not allowed to approve; `note` (shown to the owner, at
/// most 1000 characters) is required to reject or request changes. One schema per decision, as
/// each requires different fields; the server reads them all into `DecisionInput`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveDecisionBody {
    /// Not allowed: an approval takes no reason code (400 `not_allowed` when one is given).
    #[schema(ignore)]
    pub reason_code: Option<String>,
    #[schema(format = "lines", max_length = 1000, example = "资料齐全")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectDecisionBody {
    #[schema(value_type = String, required = true, example = "contact_details")]
    pub reason_code: Option<String>,
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 1000,
        example = "请删除图片中的手机号码后重新提交"
    )]
    #[schema(value_type = String, required = true)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestChangesDecisionBody {
    #[schema(example = "contact_details")]
    pub reason_code: Option<String>,
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 1000,
        example = "请删除图片中的手机号码后重新提交"
    )]
    #[schema(value_type = String, required = true)]
    pub note: Option<String>,
}

impl From<ApproveDecisionBody> for DecisionInput {
    fn from(b: ApproveDecisionBody) -> DecisionInput {
        DecisionInput {
            reason_code: b.reason_code,
            note: b.note,
        }
    }
}

impl From<RejectDecisionBody> for DecisionInput {
    fn from(b: RejectDecisionBody) -> DecisionInput {
        DecisionInput {
            reason_code: b.reason_code,
            note: b.note,
        }
    }
}

impl From<RequestChangesDecisionBody> for DecisionInput {
    fn from(b: RequestChangesDecisionBody) -> DecisionInput {
        DecisionInput {
            reason_code: b.reason_code,
            note: b.note,
        }
    }
}

async fn decide(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: Uuid,
    decision: Decision,
    input: DecisionInput,
) -> ApiResult<HttpResponse> {
    let item = state
        .db(move |conn| review::decide(conn, &op.0, id, decision, &input))
        .await?;
    Ok(HttpResponse::Ok().json(ReviewItemView::from(item)))
}

/// Approves the item through its own service.
///
/// Verifies the company, publishes the product, opens the listing, applies the change request (and
/// writes its search event), upholds the report. The owner is notified. A change request whose live
/// item changed after it was proposed is not applied: 409 `change_request_stale` (`fields` names
/// the live fields that changed), and the request is marked `superseded` (its item closes, the
/// owner is told).
#[utoipa::path(operation_id = "approve_review_item", tag = "operator", params(("id" = Uuid, Path)), request_body = ApproveDecisionBody, security(("bearer" = [])), responses(
    (status = 200, description = "The closed item, approved", body = ReviewItemView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`review_item_not_found`: no such item", body = ErrorBody),
    (status = 409, description = "review_item_claimed, review_item_closed, change_request_stale, or the item's own state codes", body = ErrorBody)))]
#[post("/api/v1/operator/review-queue/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ApproveDecisionBody>,
) -> ApiResult<HttpResponse> {
    decide(state, op, id.into_inner(), Decision::Approve, body.0.into()).await
}

/// Rejects the item with a reason code and a note the owner sees.
///
/// Rejects the item with a reason code and a note the owner sees (a company's verification is
/// rejected, a product or listing rejected, a change request rejected with the live version
/// kept, a report dismissed).
#[utoipa::path(operation_id = "reject_review_item", tag = "operator", params(("id" = Uuid, Path)), request_body = RejectDecisionBody, security(("bearer" = [])), responses(
    (status = 200, description = "The closed item, rejected", body = ReviewItemView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`review_item_not_found`: no such item", body = ErrorBody),
    (status = 409, description = "review_item_claimed, review_item_closed, or the item's own state codes", body = ErrorBody)))]
#[post("/api/v1/operator/review-queue/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<RejectDecisionBody>,
) -> ApiResult<HttpResponse> {
    decide(state, op, id.into_inner(), Decision::Reject, body.0.into()).await
}

/// Sends the item back to its owner with a note.
///
/// A product or listing becomes `changes_requested` (a draft; publishing resubmits it), a change
/// request `changes_requested` (the next edit resubmits it), a company stays `pending` and
/// re-enters the queue when its profile is edited. Not for reports (409 `decision_not_applicable`).
#[utoipa::path(operation_id = "request_review_item_changes", tag = "operator", params(("id" = Uuid, Path)), request_body = RequestChangesDecisionBody, security(("bearer" = [])), responses(
    (status = 200, description = "The item, sent back to its owner", body = ReviewItemView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`review_item_not_found`: no such item", body = ErrorBody),
    (status = 409, description = "review_item_claimed, review_item_closed, decision_not_applicable", body = ErrorBody)))]
#[post("/api/v1/operator/review-queue/{id}/request-changes")]
pub async fn request_changes(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<RequestChangesDecisionBody>,
) -> ApiResult<HttpResponse> {
    decide(
        state,
        op,
        id.into_inner(),
        Decision::RequestChanges,
        body.0.into(),
    )
    .await
}

/// The same decision for up to 100 items.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkDecisionRequest {
    #[schema(min_items = 1, max_items = 100)]
    pub ids: Vec<Uuid>,
    /// `approve`, `reject` or `request_changes`.
    #[schema(example = "approve")]
    pub decision: String,
    /// Required to reject, not allowed to approve.
    pub reason_code: Option<String>,
    /// Required to reject or request changes.
    #[schema(format = "lines", max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkItemResult {
    pub id: Uuid,
    pub ok: bool,
    /// The status this item alone would have answered with.
    pub status: u16,
    /// The decided item (when `ok`).
    pub item: Option<ReviewItemView>,
    /// Why it was not decided (when not `ok`).
    pub error: Option<ErrorDetail>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkDecisionResult {
    /// One per id, in the request's order.
    pub results: Vec<BulkItemResult>,
    pub succeeded: usize,
    pub failed: usize,
}

/// Decides many items the same way.
///
/// Each item is decided in its own transaction: an item that fails (already decided, claimed by
/// someone else, refused by its own rules) is reported with its own status and code and leaves the
/// others decided. A body that is wrong as a whole (unknown decision, missing reason, more than 100
/// or repeated ids) is a 400 and decides nothing.
#[utoipa::path(operation_id = "decide_review_items", tag = "operator", request_body = BulkDecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "Each item's outcome, with its own status and code", body = BulkDecisionResult),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[post("/api/v1/operator/review-queue/bulk")]
pub async fn bulk(
    state: web::Data<AppState>,
    op: OperatorUser,
    body: Body<BulkDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let decision = Decision::parse(b.decision.trim()).ok_or_else(|| {
        ApiError::validation(vec![domain::FieldError::new(
            "decision",
            "invalid_choice",
            format!("must be one of: {}", Decision::names()),
        )])
    })?;
    let input = DecisionInput {
        reason_code: b.reason_code,
        note: b.note,
    };
    let ids = b.ids;
    let outcomes = state
        .db(move |conn| review::decide_bulk(conn, &op.0, &ids, decision, &input))
        .await?;
    let mut results = Vec::with_capacity(outcomes.len());
    for (id, outcome) in outcomes {
        results.push(match outcome {
            Ok(item) => BulkItemResult {
                id,
                ok: true,
                status: 200,
                item: Some(ReviewItemView::from(item)),
                error: None,
            },
            Err(e) => {
                let e = ApiError::from_domain(e);
                BulkItemResult {
                    id,
                    ok: false,
                    status: e.status.as_u16(),
                    item: None,
                    error: Some(e.detail()),
                }
            }
        });
    }
    let succeeded = results.iter().filter(|r| r.ok).count();
    Ok(HttpResponse::Ok().json(BulkDecisionResult {
        failed: results.len() - succeeded,
        succeeded,
        results,
    }))
}
