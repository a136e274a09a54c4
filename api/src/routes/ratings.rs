//! Ratings (评价): buyers rate a company after an inquiry thread or an accepted quote; the
//! company replies once; operators approve held ratings or take ratings down.

use actix_web::{HttpResponse, get, post, web};
use domain::rating::{self, Rating, RatingDecision, RatingInput, RatingSummary};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::operator::{DecisionRequest, ReasonRequest};
use super::pagination::PageQuery;
use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::{AuthUser, MaybeUser, OperatorUser};
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// 1 to 5.
    #[schema(minimum = 1, maximum = 5, example = 5)]
    pub stars: i32,
    /// Up to 2,000 characters; screened like every other text.
    #[schema(format = "lines", max_length = 2000, example = "交期准时，质量稳定")]
    pub comment: Option<String>,
}

impl From<RatingRequest> for RatingInput {
    fn from(r: RatingRequest) -> RatingInput {
        RatingInput {
            stars: r.stars,
            comment: r.comment,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingView {
    pub id: Uuid,
    pub company_id: Uuid,
    /// The rater's display name, masked (`张***`).
    pub rater: String,
    /// `inquiry` or `quote`: what entitled the buyer to rate.
    pub source_type: String,
    pub stars: i32,
    pub comment: String,
    /// `published`, `held` (waiting for an operator; not public, not counted) or `rejected`.
    pub status: String,
    /// The operator's reason, for a held-then-decided or taken-down rating.
    pub moderation_note: Option<String>,
    /// The company's reply.
    pub reply: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub replied_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Whether it counts in the credit score and the average: published, and the buyer's
    /// latest rating of this supplier. A buyer's earlier ratings of the same supplier stay
    /// visible as history with `counts: false`.
    pub counts: bool,
}

impl From<Rating> for RatingView {
    fn from(r: Rating) -> RatingView {
        RatingView {
            id: r.id,
            company_id: r.company_id,
            rater: r.rater_name,
            source_type: r.source.as_str().into(),
            stars: r.stars,
            comment: r.comment,
            status: r.status.as_str().into(),
            moderation_note: r.moderation_note,
            reply: r.reply,
            replied_at: utc_opt(r.replied_at),
            created_at: utc(r.created_at),
            counts: r.counts,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingSummaryView {
    /// Ratings that count: each buyer's latest published rating of the company.
    pub count: i32,
    /// Plain average of the stars; `null` without ratings.
    pub average: Option<f64>,
    /// What the credit formula uses: `(5 × 3.5 + Σ stars) / (5 + count)`.
    pub bayesian_average: f64,
}

impl From<RatingSummary> for RatingSummaryView {
    fn from(s: RatingSummary) -> RatingSummaryView {
        let r2 = |x: f64| (x * 100.0).round() / 100.0;
        RatingSummaryView {
            count: s.count,
            average: s.average.map(r2),
            bayesian_average: r2(s.bayesian_average),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyRatingsPage {
    pub summary: RatingSummaryView,
    pub items: Vec<RatingView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingPage {
    pub items: Vec<RatingView>,
    pub next_cursor: Option<String>,
}

/// The buyer of an inquiry thread rates the company, once per thread.
///
/// The buyer of an inquiry thread rates the company, once per thread. 404 for whoever may not
/// see the thread, 403 for its other parties; a comment with a review hit is held for an
/// operator.
#[utoipa::path(tag = "credit", params(("id" = Uuid, Path)), request_body = RatingRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The rating, `published` or `held` for an operator", body = RatingView),
    (status = 400, description = "validation_failed or content_blocked", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: a party of the thread other than its buyer", body = ErrorBody),
    (status = 404, description = "`inquiry_not_found`: no such thread, or you may not see it", body = ErrorBody),
    (status = 409, description = "already_rated or not_rateable", body = ErrorBody)))]
#[post("/api/v1/inquiries/{id}/rating")]
pub async fn rate_inquiry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<RatingRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = RatingInput::from(body.0);
    let rating = state
        .db(move |conn| rating::rate_inquiry(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Created().json(RatingView::from(rating)))
}

/// The buyer who accepted a quote rates the quoting company, once per quote.
#[utoipa::path(tag = "credit", params(("id" = Uuid, Path)), request_body = RatingRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The rating, `published` or `held` for an operator", body = RatingView),
    (status = 400, description = "validation_failed or content_blocked", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not the buyer who accepted the quote", body = ErrorBody),
    (status = 404, description = "`quote_not_found`: no such quote, or not yours to see", body = ErrorBody),
    (status = 409, description = "already_rated or not_rateable (the quote is not accepted)", body = ErrorBody)))]
#[post("/api/v1/quotes/{id}/rating")]
pub async fn rate_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<RatingRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = RatingInput::from(body.0);
    let rating = state
        .db(move |conn| rating::rate_quote(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Created().json(RatingView::from(rating)))
}

/// A company's published ratings, newest first, with their summary.
#[utoipa::path(security((), ("bearer" = [])), tag = "credit", params(("id" = Uuid, Path), PageQuery), responses(
    (status = 200, description = "A page of published ratings, newest first, with their summary", body = CompanyRatingsPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you may not see it", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/ratings")]
pub async fn list_company_ratings(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<Uuid>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let page = page.parse()?;
    let (summary, items) = state
        .db(move |conn| rating::list_company_ratings(conn, user.0.as_ref(), id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(CompanyRatingsPage {
        summary: summary.into(),
        items: items.items.into_iter().map(Into::into).collect(),
        next_cursor: items.next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// Up to 2,000 characters; screened.
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 2000,
        example = "感谢您的认可，期待再次合作"
    )]
    pub reply: String,
}

/// The company's owners and admins reply to a published rating, once (409 `already_replied`).
#[utoipa::path(tag = "credit", params(("id" = Uuid, Path)), request_body = ReplyRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The rating with the company's reply", body = RatingView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not an owner or admin of the rated company", body = ErrorBody),
    (status = 404, description = "`rating_not_found`: no such rating, or one you may not see", body = ErrorBody),
    (status = 409, description = "`already_replied` (the company has replied to it) or `invalid_state` (the rating is not published)", body = ErrorBody)))]
#[post("/api/v1/ratings/{id}/reply")]
pub async fn reply_to_rating(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<ReplyRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reply = body.0.reply;
    let rating = state
        .db(move |conn| rating::reply_to_rating(conn, &user.actor, id, &reply))
        .await?;
    Ok(HttpResponse::Ok().json(RatingView::from(rating)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OperatorRatingQuery {
    /// `held` (default), `published` or `rejected`.
    pub status: Option<String>,
}

/// Ratings for operators by status (held ones wait for a decision), newest first.
#[utoipa::path(tag = "operator", params(OperatorRatingQuery, PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of ratings, newest first", body = RatingPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/ratings")]
pub async fn list_ratings_for_review(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<OperatorRatingQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let status = query.into_inner().status;
    let items = state
        .db(move |conn| rating::list_ratings_for_review(conn, &op.0, status.as_deref(), &page))
        .await?;
    Ok(HttpResponse::Ok().json(RatingPage {
        items: items.items.into_iter().map(Into::into).collect(),
        next_cursor: items.next_cursor,
    }))
}

async fn decide(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: Uuid,
    decision: RatingDecision,
    body: DecisionRequest,
) -> ApiResult<HttpResponse> {
    let rating = state
        .db(move |conn| rating::moderate_rating(conn, &op.0, id, decision, body.reason.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(RatingView::from(rating)))
}

/// Publishes a held rating (it then counts in the credit profile). Audited.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = DecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The rating, now `published`", body = RatingView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`rating_not_found`: no such rating", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the rating is not held", body = ErrorBody)))]
#[post("/api/v1/operator/ratings/{id}/approve")]
pub async fn approve_rating(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    decide(state, op, id.into_inner(), RatingDecision::Approve, body.0).await
}

/// Takes down a held or published rating, with a reason the rater sees. Audited.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The rating, now `rejected`", body = RatingView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`rating_not_found`: no such rating", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the rating is neither held nor published", body = ErrorBody)))]
#[post("/api/v1/operator/ratings/{id}/reject")]
pub async fn reject_rating(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let body = DecisionRequest {
        reason: Some(body.0.reason),
    };
    decide(state, op, id.into_inner(), RatingDecision::Reject, body).await
}
