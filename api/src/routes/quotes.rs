//! Quotes on buy requests: sending and revising one, the buyer's comparison, accepting one.

use actix_web::{HttpResponse, get, patch, post, web};
use domain::catalog::format_minor;
use domain::quote::{self, ComparedQuote, Quote, QuoteDetail, QuoteInput, QuoteRevision};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::responses::{BadRequest, Unauthorized};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

/// Quote terms. On create `unit_price`, `currency`, `lead_time_days` and `valid_until` are
/// required (`moq` defaults to 1); on PATCH (the one revision) an absent field keeps its value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// Decimal string in `currency`.
    #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$", value_type = Option<String>, example = "11.80")]
    pub unit_price: Option<Decimal>,
    #[schema(example = "CNY")]
    pub currency: Option<String>,
    /// Minimum order quantity, in the request's unit.
    #[schema(minimum = 1, maximum = 1_000_000_000_i64, example = 5000)]
    pub moq: Option<i64>,
    /// 0–365.
    #[schema(minimum = 0, maximum = 365, example = 20)]
    pub lead_time_days: Option<i32>,
    /// EXW FCA FAS FOB CFR CIF CPT CIP DAP DPU DDP; on PATCH `""` removes it.
    #[schema(example = "FOB")]
    pub incoterm: Option<String>,
    /// Until when the offer stands: in the future, at most 90 days ahead.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
    /// Plain text for the buyer, up to 5000 characters.
    #[schema(format = "lines", max_length = 5000)]
    pub message: Option<String>,
    /// Up to 10 media ids, in order: uploads with purpose `attachment` by you or a member of
    /// your company; on PATCH the whole list. Readable by your company's members, the
    /// request's owner and operators.
    #[schema(max_items = 10)]
    pub attachments: Option<Vec<String>>,
}

/// A new quote: the fields of `QuoteRequest`, with the price, currency, lead time and validity
/// required (a revision keeps what it leaves out).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteCreateRequest {
    /// Decimal string in `currency`.
    #[schema(required = true, pattern = "^[0-9]+(\\.[0-9]+)?$", value_type = String, example = "11.80")]
    pub unit_price: Option<Decimal>,
    #[schema(value_type = String, required = true, example = "CNY")]
    pub currency: Option<String>,
    /// Minimum order quantity, in the request's unit.
    #[schema(minimum = 1, maximum = 1_000_000_000_i64, example = 5000)]
    pub moq: Option<i64>,
    /// 0–365.
    #[schema(value_type = i32, required = true, minimum = 0, maximum = 365, example = 20)]
    pub lead_time_days: Option<i32>,
    /// EXW FCA FAS FOB CFR CIF CPT CIP DAP DPU DDP; on PATCH `""` removes it.
    #[schema(example = "FOB")]
    pub incoterm: Option<String>,
    /// Until when the offer stands: in the future, at most 90 days ahead.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = String, format = DateTime, required = true)]
    pub valid_until: Option<OffsetDateTime>,
    /// Plain text for the buyer, up to 5000 characters.
    #[schema(format = "lines", max_length = 5000)]
    pub message: Option<String>,
    /// Up to 10 media ids, in order: uploads with purpose `attachment` by you or a member of
    /// your company; on PATCH the whole list. Readable by your company's members, the
    /// request's owner and operators.
    #[schema(max_items = 10)]
    pub attachments: Option<Vec<String>>,
}

impl From<QuoteCreateRequest> for QuoteRequest {
    fn from(r: QuoteCreateRequest) -> QuoteRequest {
        QuoteRequest {
            unit_price: r.unit_price,
            currency: r.currency,
            moq: r.moq,
            lead_time_days: r.lead_time_days,
            incoterm: r.incoterm,
            valid_until: r.valid_until,
            message: r.message,
            attachments: r.attachments,
        }
    }
}

impl From<QuoteRequest> for QuoteInput {
    fn from(r: QuoteRequest) -> QuoteInput {
        QuoteInput {
            unit_price: r.unit_price,
            currency: r.currency,
            moq: r.moq,
            lead_time_days: r.lead_time_days,
            incoterm: r.incoterm,
            valid_until: r.valid_until.map(|t| {
                let t = t.to_offset(time::UtcOffset::UTC);
                time::PrimitiveDateTime::new(t.date(), t.time())
            }),
            message: r.message,
            attachments: r.attachments,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteView {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub company_id: Uuid,
    /// `live`, `accepted`, `declined` (another quote was accepted) or `withdrawn`.
    pub status: String,
    /// Decimal string in `currency`.
    #[schema(example = "11.80")]
    pub unit_price: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub moq: i64,
    pub lead_time_days: i32,
    pub incoterm: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_until: OffsetDateTime,
    pub message: String,
    /// The files, in order; `url` downloads one (the quote's readers only).
    pub attachments: Vec<super::media::AttachmentView>,
    /// 0 as sent, 1 once revised (at most once).
    pub revision: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Quote> for QuoteView {
    fn from(q: Quote) -> QuoteView {
        QuoteView {
            id: q.id,
            listing_id: q.listing_id,
            company_id: q.company_id,
            status: q.status.as_str().into(),
            unit_price: format_minor(q.unit_price_minor, &q.currency),
            unit_price_minor: q.unit_price_minor,
            currency: q.currency,
            moq: q.moq,
            lead_time_days: q.lead_time_days,
            incoterm: q.incoterm.map(|i| i.as_str().to_owned()),
            valid_until: utc(q.valid_until),
            message: q.message,
            attachments: super::media::attachment_views(&q.attachments),
            revision: q.revision,
            created_at: utc(q.created_at),
            updated_at: utc(q.updated_at),
        }
    }
}

/// Terms a revision replaced.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteRevisionView {
    /// The revision number these terms had (0: as first sent).
    pub revision: i32,
    pub unit_price: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub moq: i64,
    pub lead_time_days: i32,
    pub incoterm: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_until: OffsetDateTime,
    pub message: String,
    pub attachments: Vec<super::media::AttachmentView>,
    /// When these terms were replaced.
    #[serde(with = "time::serde::rfc3339")]
    pub replaced_at: OffsetDateTime,
}

impl From<QuoteRevision> for QuoteRevisionView {
    fn from(r: QuoteRevision) -> QuoteRevisionView {
        let t = r.terms;
        QuoteRevisionView {
            revision: r.revision,
            unit_price: format_minor(t.unit_price_minor, &t.currency),
            unit_price_minor: t.unit_price_minor,
            currency: t.currency,
            moq: t.moq,
            lead_time_days: t.lead_time_days,
            incoterm: t.incoterm,
            valid_until: t.valid_until,
            message: t.message,
            attachments: super::media::attachment_views(&t.attachments),
            replaced_at: utc(r.replaced_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteDetailView {
    #[serde(flatten)]
    pub quote: QuoteView,
    pub listing_title: String,
    /// Earlier terms, oldest first (empty until the quote is revised).
    pub history: Vec<QuoteRevisionView>,
}

impl From<QuoteDetail> for QuoteDetailView {
    fn from(d: QuoteDetail) -> QuoteDetailView {
        QuoteDetailView {
            quote: QuoteView::from(d.quote),
            listing_title: d.listing_title,
            history: d.history.into_iter().map(QuoteRevisionView::from).collect(),
        }
    }
}

/// Sends your company's quote on a buy request.
///
/// Sends your company's quote on a buy request (one per company per request; not on your own
/// or your company's request). The request stops taking quotes at its cap or end date; each
/// company has a monthly quota (429 `quote_quota_exceeded` with `Retry-After`).
#[utoipa::path(tag = "quotes", params(("id" = Uuid, Path, description = "buy request id")), request_body = QuoteCreateRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The quote as sent", body = QuoteView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "not_a_supplier, own_request, email_unverified", body = ErrorBody),
    (status = 404, description = "`listing_not_found`: no such listing, or not visible to you", body = ErrorBody),
    (status = 409, description = "quote_exists, quote_limit_reached, listing_expired, listing_closed, not_a_buy_request, company_suspended", body = ErrorBody),
    (status = 429, description = "quote_quota_exceeded", body = ErrorBody)))]
#[post("/api/v1/listings/{id}/quotes")]
pub async fn create_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<QuoteCreateRequest>,
) -> ApiResult<HttpResponse> {
    user.require_verified()?;
    let listing_id = id.into_inner();
    let input = QuoteInput::from(QuoteRequest::from(body.0));
    let quota = state.config.monthly_quote_quota;
    let quote = state
        .db(move |conn| quote::create_quote(conn, &user.actor, listing_id, input, quota))
        .await?;
    Ok(HttpResponse::Created().json(QuoteView::from(quote)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CompareQuery {
    /// `price` (default), `lead_time` or `verified`. Prices compare within a currency: quotes in
    /// the request's currency first, then other currencies by code, each by unit price.
    pub sort: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteCompany {
    pub id: Uuid,
    pub name: String,
    pub english_name: Option<String>,
    pub verified: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteTotal {
    /// Unit price × the requested quantity, decimal string in `currency`.
    #[schema(example = "118000.00")]
    pub amount: String,
    #[schema(value_type = i64)]
    pub minor: i128,
    pub currency: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedQuoteView {
    #[serde(flatten)]
    pub quote: QuoteView,
    pub company: QuoteCompany,
    pub total_at_requested_quantity: QuoteTotal,
    /// The quote's minimum order is above the quantity requested.
    pub moq_exceeds_quantity: bool,
}

impl From<ComparedQuote> for ComparedQuoteView {
    fn from(c: ComparedQuote) -> ComparedQuoteView {
        ComparedQuoteView {
            total_at_requested_quantity: QuoteTotal {
                amount: c.total_amount(),
                minor: c.total_minor,
                currency: c.quote.currency.clone(),
            },
            moq_exceeds_quantity: c.moq_exceeds_quantity,
            company: QuoteCompany {
                verified: c.company.is_verified(),
                id: c.company.id,
                name: c.company.legal_name,
                english_name: c.company.english_name,
            },
            quote: QuoteView::from(c.quote),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteComparisonView {
    pub listing_id: Uuid,
    /// The requested quantity and unit the totals are computed at.
    pub quantity: i64,
    pub unit: String,
    /// The request's target currency, if it named one (its quotes sort first by price).
    pub currency: Option<String>,
    /// True when you see only your company's quote (you are not the buyer).
    pub own_only: bool,
    pub items: Vec<ComparedQuoteView>,
}

/// The quotes on a buy request side by side.
///
/// Every quote for its owner (and operators), with the total at the requested quantity; a quoting
/// company's members see only their own quote.
#[utoipa::path(tag = "quotes", params(("id" = Uuid, Path, description = "buy request id"), CompareQuery), security(("bearer" = [])), responses(
    (status = 200, description = "The quotes side by side, with their totals at the requested quantity", body = QuoteComparisonView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: neither the request's owner nor a quoting company's member", body = ErrorBody),
    (status = 404, description = "`listing_not_found`: no such listing, or not visible to you", body = ErrorBody),
    (status = 409, description = "not_a_buy_request", body = ErrorBody)))]
#[get("/api/v1/listings/{id}/quotes")]
pub async fn list_quotes(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<CompareQuery>,
) -> ApiResult<HttpResponse> {
    let listing_id = id.into_inner();
    let sort = query.into_inner().sort;
    let c = state
        .db(move |conn| quote::compare_quotes(conn, &user.actor, listing_id, sort.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(QuoteComparisonView {
        listing_id: c.listing.id,
        quantity: c.listing.quantity,
        unit: c.listing.unit,
        currency: c.listing.currency,
        own_only: c.own_only,
        items: c.items.into_iter().map(ComparedQuoteView::from).collect(),
    }))
}

/// A quote with its earlier terms, for the buyer, the quoting company's members and operators.
#[utoipa::path(tag = "quotes", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The quote with its earlier terms", body = QuoteDetailView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`quote_not_found`: no such quote, or not yours to see", body = ErrorBody)))]
#[get("/api/v1/quotes/{id}")]
pub async fn get_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let detail = state
        .db(move |conn| quote::get_quote(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(QuoteDetailView::from(detail)))
}

/// Revises your company's live quote, once.
///
/// Revises your company's live quote, once, while the request is open; the previous terms stay
/// in the quote's history and the buyer is told.
#[utoipa::path(tag = "quotes", params(("id" = Uuid, Path)), request_body = QuoteRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The quote with its new terms", body = QuoteView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not a member of the quoting company", body = ErrorBody),
    (status = 404, description = "`quote_not_found`: no such quote, or not yours to see", body = ErrorBody),
    (status = 409, description = "quote_already_revised, listing_expired, listing_closed, invalid_state", body = ErrorBody)))]
#[patch("/api/v1/quotes/{id}")]
pub async fn revise_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<QuoteRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = QuoteInput::from(body.0);
    let quote = state
        .db(move |conn| quote::revise_quote(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Ok().json(QuoteView::from(quote)))
}

/// The buyer accepts a quote.
///
/// Purchase intent is recorded, the other quotes are declined, the request closes, the accepted
/// company and every other bidder are notified.
#[utoipa::path(tag = "quotes", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The accepted quote", body = QuoteView),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: only the buyer who owns the request accepts", body = ErrorBody),
    (status = 404, description = "`quote_not_found`: no such quote, or not yours to see", body = ErrorBody),
    (status = 409, description = "invalid_state, quote_expired, listing_closed", body = ErrorBody)))]
#[post("/api/v1/quotes/{id}/accept")]
pub async fn accept_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let quote = state
        .db(move |conn| quote::accept_quote(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(QuoteView::from(quote)))
}
