//! Sell offers and buy requests (供求信息), their flow and moderation, and a supplier's
//! matching buy requests (buy-leads).

use actix_web::{HttpResponse, get, patch, post, web};
use domain::catalog::format_minor;
use domain::listing::{self, Listing, ListingDecision, ListingFilter, ListingInput, ListingKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::change_requests::EditOutcome;
use super::operator::{DecisionRequest, ReasonRequest};
use super::pagination::PageQuery;
use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use super::search::{cursor, paging, search_error};
use crate::auth::{AuthUser, MaybeUser, OperatorUser};
use crate::body::Body;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

fn to_utc(t: Option<OffsetDateTime>) -> Option<time::PrimitiveDateTime> {
    t.map(|t| {
        let t = t.to_offset(time::UtcOffset::UTC);
        time::PrimitiveDateTime::new(t.date(), t.time())
    })
}

/// Listing fields. On create `kind`, `title`, `category_id`, `quantity`, `unit` and
/// `valid_until` are required. Titles are plain text; the description is sanitized HTML.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingCreateRequest {
    /// `sell` (a sell offer of your company) or `buy` (a buy request).
    #[schema(value_type = String, required = true, example = "buy")]
    pub kind: Option<String>,
    /// Plain text, 2–200 characters.
    #[schema(
        format = "line",
        min_length = 2,
        max_length = 200,
        example = "求购304不锈钢保温杯 10000只"
    )]
    #[schema(value_type = String, required = true)]
    pub title: Option<String>,
    /// Rich text; sanitized to a safe subset of HTML.
    #[schema(format = "html", max_length = 20000)]
    pub description: Option<String>,
    /// A second-level category id from `/api/v1/categories`.
    #[schema(value_type = String, required = true, example = "home-goods.drinkware")]
    pub category_id: Option<String>,
    /// Greater than 0, in `unit`s.
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 1_000_000_000_i64, example = 10000)]
    pub quantity: Option<i64>,
    #[schema(value_type = String, required = true, format = "line", min_length = 1, max_length = 20, example = "piece")]
    pub unit: Option<String>,
    /// Unit price as a decimal string in `currency`: the asking price of a sell offer, the
    /// target price of a buy request.
    #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$", value_type = Option<String>, example = "12.50")]
    pub target_price: Option<Decimal>,
    /// ISO 4217 code; required with `target_price`.
    #[schema(example = "CNY")]
    pub currency: Option<String>,
    /// Delivery region or port.
    #[schema(format = "line", max_length = 100, example = "宁波港 Ningbo port")]
    pub delivery_region: Option<String>,
    /// EXW FCA FAS FOB CFR CIF CPT CIP DAP DPU DDP.
    #[schema(example = "FOB")]
    pub incoterm: Option<String>,
    /// In the future, at most 90 days ahead.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = String, format = DateTime, required = true)]
    pub valid_until: Option<OffsetDateTime>,
    /// Up to 10 media ids, in order: uploads with purpose `attachment` by you (or by a member
    /// of the listing's company). Readable by signed-in accounts while the listing is public,
    /// and always by its owner, its company's members and operators.
    #[schema(max_items = 10)]
    pub attachments: Option<Vec<String>>,
    /// Publish at once (the rules of `POST /listings/{id}/publish`); default false: a draft.
    #[serde(default)]
    pub publish: bool,
}

/// Fields to change; an absent field keeps its value. `currency: ""` removes the price,
/// `delivery_region: ""` and `incoterm: ""` remove those.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingPatchRequest {
    #[schema(format = "line", min_length = 2, max_length = 200)]
    pub title: Option<String>,
    #[schema(format = "html", max_length = 20000)]
    pub description: Option<String>,
    pub category_id: Option<String>,
    #[schema(minimum = 1, maximum = 1_000_000_000_i64)]
    pub quantity: Option<i64>,
    #[schema(format = "line", min_length = 1, max_length = 20)]
    pub unit: Option<String>,
    #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$", value_type = Option<String>, example = "12.50")]
    pub target_price: Option<Decimal>,
    pub currency: Option<String>,
    #[schema(format = "line", max_length = 100)]
    pub delivery_region: Option<String>,
    pub incoterm: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
    /// The whole list of media ids (up to 10, purpose `attachment`); `[]` removes them. On an
    /// open listing new files are reviewed with the rest of the change.
    #[schema(max_items = 10)]
    pub attachments: Option<Vec<String>>,
}

impl From<ListingPatchRequest> for ListingInput {
    fn from(r: ListingPatchRequest) -> ListingInput {
        ListingInput {
            title: r.title,
            description: r.description,
            category_id: r.category_id,
            quantity: r.quantity,
            unit: r.unit,
            target_price: r.target_price,
            currency: r.currency,
            delivery_region: r.delivery_region,
            incoterm: r.incoterm,
            valid_until: to_utc(r.valid_until),
            attachments: r.attachments,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListingView {
    pub id: Uuid,
    /// `sell` or `buy`.
    pub kind: String,
    /// `draft`, `pending_review`, `open`, `expired` (open, at or past `valid_until`), `closed`,
    /// `rejected` or `changes_requested` (a draft an operator sent back with a note in
    /// `review_note`; publishing resubmits it).
    pub status: String,
    /// The company of a sell offer, or of the supplier who posted a buy request.
    pub company_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub category_id: String,
    pub quantity: i64,
    pub unit: String,
    /// Unit price as a decimal string in `currency`.
    pub target_price: Option<String>,
    pub target_price_minor: Option<i64>,
    pub currency: Option<String>,
    pub delivery_region: Option<String>,
    pub incoterm: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_until: OffsetDateTime,
    /// The files, in order; `url` downloads one (signed in: see the listing's read rules).
    pub attachments: Vec<super::media::AttachmentView>,
    /// Quotes received (buy requests).
    pub quote_count: i32,
    /// Quotes the request takes at most.
    pub max_quotes: i32,
    /// A buy request that is open, not expired and below its cap.
    pub accepting_quotes: bool,
    /// The operator's note from the last review.
    pub review_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Listing> for ListingView {
    fn from(l: Listing) -> ListingView {
        let now = domain::clock::now();
        let state = l.state(now);
        ListingView {
            id: l.id,
            kind: l.kind.as_str().into(),
            status: if state == domain::listing::ListingState::Draft
                && l.changes_requested_at.is_some()
            {
                "changes_requested".into()
            } else {
                state.as_str().into()
            },
            company_id: l.company_id,
            accepting_quotes: l.kind == ListingKind::Buy
                && l.is_live(now)
                && l.quote_count < l.max_quotes,
            title: l.title,
            description: l.description,
            category_id: l.category_id,
            quantity: l.quantity,
            unit: l.unit,
            target_price: l
                .price_minor
                .zip(l.currency.as_deref())
                .map(|(m, c)| format_minor(m, c)),
            target_price_minor: l.price_minor,
            currency: l.currency,
            delivery_region: l.delivery_region,
            incoterm: l.incoterm.map(|i| i.as_str().to_owned()),
            valid_until: utc(l.valid_until),
            attachments: super::media::attachment_views(&l.attachments),
            quote_count: l.quote_count,
            max_quotes: l.max_quotes,
            review_note: l.review_note,
            published_at: utc_opt(l.published_at),
            closed_at: utc_opt(l.closed_at),
            created_at: utc(l.created_at),
            updated_at: utc(l.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListingPage {
    pub items: Vec<ListingView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Posts a sell offer or a buy request.
///
/// Posts a sell offer (for your company; not while it is suspended) or a buy request (any buyer
/// or supplier account; a supplier's request carries its company). A draft unless `publish`.
#[utoipa::path(tag = "listings", request_body = ListingCreateRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The new listing (a draft unless `publish` was set)", body = ListingView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "not_a_supplier (sell offers need a company), forbidden (operators), email_unverified (buy requests need a verified address)", body = ErrorBody),
    (status = 409, description = "company_suspended", body = ErrorBody)))]
#[post("/api/v1/listings")]
pub async fn create_listing(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<ListingCreateRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.0;
    let kind = r.kind;
    if kind.as_deref() == Some("buy") {
        user.require_verified()?;
    }
    let publish = r.publish;
    let input = ListingInput {
        title: r.title,
        description: r.description,
        category_id: r.category_id,
        quantity: r.quantity,
        unit: r.unit,
        target_price: r.target_price,
        currency: r.currency,
        delivery_region: r.delivery_region,
        incoterm: r.incoterm,
        valid_until: to_utc(r.valid_until),
        attachments: r.attachments,
    };
    let max_quotes = state.config.quotes_per_request;
    let listing = state
        .db(move |conn| {
            listing::create_listing(
                conn,
                &user.actor,
                kind.as_deref(),
                input,
                max_quotes,
                publish,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(ListingView::from(listing)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListingsQuery {
    /// `sell` or `buy`.
    pub kind: Option<String>,
    /// A category id, top-level or second-level.
    pub category: Option<String>,
    /// `true`: your own listings (and your company's sell offers) in every state; needs a token.
    pub mine: Option<bool>,
    /// With `mine=true`: `draft`, `pending_review`, `open`, `expired`, `closed` or `rejected`.
    /// The public list holds `open` (unexpired) listings only.
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Listings, newest first.
///
/// Open, unexpired ones of visible companies and of individual buyers, or with `mine=true` your own
/// in every state.
#[utoipa::path(security((), ("bearer" = [])), tag = "listings", params(ListingsQuery), responses(
    (status = 200, description = "A page of listings, newest first", body = ListingPage),
    (status = 400, response = BadRequest),
    (status = 401, description = "mine=true without a token", body = ErrorBody)))]
#[get("/api/v1/listings")]
pub async fn list_listings(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<ListingsQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let mine = q.mine.unwrap_or(false);
    if mine && user.0.is_none() {
        return Err(ApiError::unauthenticated(
            "unauthenticated",
            "sign in first",
        ));
    }
    let filter = ListingFilter {
        kind: q.kind,
        category: q.category,
        mine,
        status: q.status,
    };
    let page = state
        .db(move |conn| listing::list_listings(conn, user.0.as_ref(), filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(ListingPage {
        items: page.items.into_iter().map(ListingView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// A listing.
///
/// Drafts, listings under review and rejected ones exist only for their owner (and for a sell
/// offer, its company's members) and operators.
#[utoipa::path(security((), ("bearer" = [])), tag = "listings", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The listing", body = ListingView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`listing_not_found`: no such listing, or not visible to you", body = ErrorBody)))]
#[get("/api/v1/listings/{id}")]
pub async fn get_listing(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let listing = state
        .db(move |conn| listing::get_listing(conn, user.0.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(ListingView::from(listing)))
}

/// What an edit did: the listing as it is now live (or, for a draft, as edited) and `edit`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingEditView {
    #[serde(flatten)]
    pub listing: ListingView,
    pub edit: EditOutcome,
}

/// Edits a listing (its owner; for a sell offer any member of its company).
///
/// Closed and expired listings are not edited; a buy request is frozen by its first quote (409
/// `listing_has_quotes`). Drafts, listings under review and rejected ones are edited in place
/// (`edit.outcome: applied`). An edit of an open listing is a change request: the open version
/// stays live and searchable until an operator approves it (`edit.outcome: pending`), unless the
/// publish rule would open it without review (a verified company's sell offer, any buy request) and
/// screening finds nothing in the new text — then it is applied at once (`auto_approved`). One open
/// change request per listing; a new edit replaces its proposal.
#[utoipa::path(tag = "listings", params(("id" = Uuid, Path)), request_body = ListingPatchRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The listing, and whether the edit was applied or waits for review (`edit`)", body = ListingEditView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not the listing's owner (or, for a sell offer, a member of its company)", body = ErrorBody),
    (status = 404, description = "`listing_not_found`: no such listing, or not visible to you", body = ErrorBody),
    (status = 409, description = "listing_has_quotes, listing_expired, invalid_state, company_suspended", body = ErrorBody)))]
#[patch("/api/v1/listings/{id}")]
pub async fn update_listing(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<ListingPatchRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = ListingInput::from(body.0);
    let edit = state
        .db(move |conn| listing::update_listing(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Ok().json(ListingEditView {
        edit: EditOutcome::from(edit.change.as_ref()),
        listing: ListingView::from(edit.listing),
    }))
}

/// Publishes a draft or rejected listing.
///
/// It becomes `open`, or `pending_review` for a sell offer of an unverified company. Its
/// `valid_until` must still be ahead.
#[utoipa::path(tag = "listings", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The listing, `open` or `pending_review`", body = ListingView),
    (status = 400, description = "valid_until has passed", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not the listing's owner (or, for a sell offer, a member of its company)", body = ErrorBody),
    (status = 404, description = "`listing_not_found`: no such listing, or not visible to you", body = ErrorBody),
    (status = 409, description = "invalid_state or company_suspended", body = ErrorBody)))]
#[post("/api/v1/listings/{id}/publish")]
pub async fn publish_listing(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let listing = state
        .db(move |conn| listing::publish_listing(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(ListingView::from(listing)))
}

/// Closes an open (or expired) or pending listing: it leaves search and takes no more quotes.
#[utoipa::path(tag = "listings", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The closed listing", body = ListingView),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not the listing's owner (or, for a sell offer, a member of its company)", body = ErrorBody),
    (status = 404, description = "`listing_not_found`: no such listing, or not visible to you", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the listing is neither open, expired nor pending", body = ErrorBody)))]
#[post("/api/v1/listings/{id}/close")]
pub async fn close_listing(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let listing = state
        .db(move |conn| listing::close_listing(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(ListingView::from(listing)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepublishRequest {
    /// The new end date: in the future, at most 90 days ahead.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
}

/// Reopens a closed or expired listing with a new end date.
///
/// Reopens a closed or expired listing with a new end date (as publishing: a sell offer of an
/// unverified company goes to review). A request whose quote was accepted stays closed.
#[utoipa::path(tag = "listings", params(("id" = Uuid, Path)), request_body = RepublishRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The listing, `open` again or `pending_review`", body = ListingView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not the listing's owner (or, for a sell offer, a member of its company)", body = ErrorBody),
    (status = 404, description = "`listing_not_found`: no such listing, or not visible to you", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the listing is neither closed nor expired, or its request accepted a quote", body = ErrorBody)))]
#[post("/api/v1/listings/{id}/republish")]
pub async fn republish_listing(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<RepublishRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let valid_until = to_utc(body.0.valid_until);
    let listing = state
        .db(move |conn| listing::republish_listing(conn, &user.actor, id, valid_until))
        .await?;
    Ok(HttpResponse::Ok().json(ListingView::from(listing)))
}

async fn moderate(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: Uuid,
    decision: ListingDecision,
    reason: Option<String>,
) -> ApiResult<HttpResponse> {
    let listing = state
        .db(move |conn| listing::moderate_listing(conn, &op.0, id, decision, reason.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(ListingView::from(listing)))
}

/// Approves a sell offer under review: it opens.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = DecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The listing, now `open`", body = ListingView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`listing_not_found`: no such listing", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the listing is not under review", body = ErrorBody)))]
#[post("/api/v1/operator/listings/{id}/approve")]
pub async fn approve_listing(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    moderate(
        state,
        op,
        id.into_inner(),
        ListingDecision::Approve,
        body.0.reason,
    )
    .await
}

/// Rejects a listing under review or takes an open one down, with a reason the owner sees.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The listing, now `rejected`", body = ListingView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`listing_not_found`: no such listing", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the listing is neither under review nor open", body = ErrorBody)))]
#[post("/api/v1/operator/listings/{id}/reject")]
pub async fn reject_listing(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    moderate(
        state,
        op,
        id.into_inner(),
        ListingDecision::Reject,
        Some(body.0.reason),
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BuyLeadsQuery {
    /// `newest` (default) or `relevance`.
    pub sort: Option<String>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuyLeadPage {
    pub items: Vec<ListingView>,
    /// Matches in the index (a request that closed a moment ago may still be counted).
    pub total: usize,
    pub next_cursor: Option<String>,
}

/// Open buy requests that match the company.
///
/// Open, unexpired buy requests that match the company: in the category of one of its
/// published products, or containing every word of one of its main products, product keywords
/// or product titles (matched through the search index, with product search's analysis and
/// synonyms). Its own members' requests are left out. Company members and operators.
#[utoipa::path(operation_id = "list_buy_leads", tag = "listings", params(("id" = Uuid, Path, description = "company id"), BuyLeadsQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of matching buy requests", body = BuyLeadPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are neither a member nor an operator", body = ErrorBody),
    (status = 503, description = "search_unavailable", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/buy-leads")]
pub async fn buy_leads(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<BuyLeadsQuery>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let q = query.into_inner();
    let mut v = Vec::new();
    let sort = match q.sort.as_deref().unwrap_or("newest") {
        "newest" => search::Sort::Newest,
        "relevance" => search::Sort::Relevance,
        _ => {
            v.push(domain::FieldError::new(
                "sort",
                "invalid_choice",
                "must be one of: newest, relevance",
            ));
            search::Sort::Newest
        }
    };
    let paging = paging(&mut v, q.limit, q.cursor.as_deref());
    if !v.is_empty() {
        return Err(ApiError::validation(v));
    }
    let profile = state
        .db(move |conn| listing::supplier_profile(conn, &user.actor, company_id))
        .await?;
    let s = search::BuyLeadSearch {
        categories: profile.categories,
        phrases: profile.phrases,
        exclude_company: Some(company_id.to_string()),
        sort,
        limit: paging.limit,
        offset: paging.offset,
    };
    let searcher = state.search.clone();
    let hits = web::block(move || searcher.buy_leads(&s))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(search_error)?;
    let ids: Vec<Uuid> = hits
        .ids
        .iter()
        .filter_map(|(id, _)| Uuid::parse_str(id).ok())
        .collect();
    let listings = state
        .db(move |conn| listing::live_public_listings(conn, &ids))
        .await?;
    Ok(HttpResponse::Ok().json(BuyLeadPage {
        items: listings.into_iter().map(ListingView::from).collect(),
        total: hits.total,
        next_cursor: cursor(hits.next_offset),
    }))
}
