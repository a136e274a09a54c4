//! Lead subscriptions (saved searches, followed suppliers, categories, buy leads) and the
//! account's e-mail settings and consent.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::FieldError;
use domain::lead_alerts::{
    self, ConsentSource, Frequency, Language, NewSubscription, Preferences, SavedSearch,
    Subscription, SubscriptionChanges, SubscriptionKind, SubscriptionStatus,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::pagination::PageQuery;
use super::responses::{BadRequest, Unauthorized};
use super::search::{ProductSearchQuery, parse_product_search};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::client_addr::client_addr;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

/// A saved search: the product search endpoint's parameters (prices as decimal strings).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedSearchBody {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub verified: Option<bool>,
    #[serde(default)]
    pub company_type: Option<String>,
    #[serde(default)]
    pub moq_max: Option<u64>,
    /// Decimal amounts in `currency`, as the product search takes them.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^[0-9]+(\\.[0-9]+)?$", max_length = 20)]
    pub price_min: Option<rust_decimal::Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^[0-9]+(\\.[0-9]+)?$", max_length = 20)]
    pub price_max: Option<rust_decimal::Decimal>,
    #[serde(default)]
    pub currency: Option<String>,
}

/// Validates a saved search exactly as the search endpoint validates its parameters.
fn saved_search(body: SavedSearchBody) -> Result<SavedSearch, ApiError> {
    let parsed = parse_product_search(ProductSearchQuery {
        q: body.q,
        category: body.category,
        region: body.region,
        verified: body.verified,
        company_type: body.company_type,
        moq_max: body.moq_max,
        price_min: body.price_min,
        price_max: body.price_max,
        currency: body.currency,
        sort: None,
        limit: None,
        cursor: None,
    })
    .map_err(|e| e.prefix_fields("query."))?;
    Ok(SavedSearch {
        q: parsed.q,
        category: parsed.category,
        region: parsed.region,
        verified: parsed.verified,
        company_type: parsed.company_type,
        moq_max: parsed.moq_max,
        price_min: parsed.price_min,
        price_max: parsed.price_max,
        currency: parsed.currency,
    })
}

fn query_view(s: &SavedSearch) -> SavedSearchBody {
    let price = |m: Option<i64>| {
        m.zip(s.currency.as_deref()).and_then(|(m, c)| {
            domain::catalog::format_minor(m, c)
                .parse::<rust_decimal::Decimal>()
                .ok()
        })
    };
    SavedSearchBody {
        q: (!s.q.is_empty()).then(|| s.q.clone()),
        category: s.category.clone(),
        region: s.region.clone(),
        verified: s.verified,
        company_type: s.company_type.clone(),
        moq_max: s.moq_max,
        price_min: price(s.price_min),
        price_max: price(s.price_max),
        currency: s.currency.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionView {
    pub id: Uuid,
    /// `search`, `supplier`, `category`, `buy_request` (made for a buy request's owner) or
    /// `buy_leads` (a supplier's buy requests).
    pub kind: String,
    pub name: String,
    pub query: SavedSearchBody,
    /// The followed company, the category, the buy request, or the supplier's own company.
    pub target_id: Option<String>,
    /// `instant`, `daily` or `weekly`.
    pub frequency: String,
    /// `active` or `paused`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Subscription> for SubscriptionView {
    fn from(s: Subscription) -> SubscriptionView {
        SubscriptionView {
            id: s.id,
            kind: s.kind.as_str().into(),
            name: s.name,
            query: query_view(&s.query),
            target_id: s.target_id,
            frequency: s.frequency.as_str().into(),
            status: s.status.as_str().into(),
            created_at: utc(s.created_at),
            updated_at: utc(s.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreferencesView {
    /// `zh` or `en`: the language of every e-mail to this account.
    pub language: String,
    /// `none`, `pending` (confirmation e-mail sent), `confirmed`, `withdrawn` or
    /// `paused_unengaged`. Lead e-mail goes out only when `confirmed`.
    pub lead_consent: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub consent_requested_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub consent_confirmed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub consent_withdrawn_at: Option<OffsetDateTime>,
    /// Open and click tracking in lead e-mail.
    pub tracking_enabled: bool,
}

impl From<Preferences> for PreferencesView {
    fn from(p: Preferences) -> PreferencesView {
        PreferencesView {
            language: p.language.as_str().into(),
            lead_consent: p.lead_consent.as_str().into(),
            consent_requested_at: utc_opt(p.consent_requested_at),
            consent_confirmed_at: utc_opt(p.consent_confirmed_at),
            consent_withdrawn_at: utc_opt(p.consent_withdrawn_at),
            tracking_enabled: p.tracking_enabled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionCreated {
    pub subscription: SubscriptionView,
    /// The account's consent state after this call: `pending` means a confirmation e-mail is
    /// on its way and nothing is mailed until it is confirmed.
    pub email: PreferencesView,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubscription {
    /// `search`, `supplier`, `category` or `buy_leads`.
    pub kind: String,
    /// A name for the list of subscriptions (up to 100 characters).
    #[schema(format = "line", max_length = 100)]
    pub name: Option<String>,
    /// For `search`.
    pub query: Option<SavedSearchBody>,
    /// The company id for `supplier`, the category id for `category`.
    pub target_id: Option<String>,
    /// `instant`, `daily` (default) or `weekly`.
    pub frequency: Option<String>,
}

fn frequency(v: &mut Vec<FieldError>, f: Option<&str>) -> Option<Frequency> {
    let f = f?;
    let parsed = Frequency::parse(f);
    if parsed.is_none() {
        v.push(FieldError::new(
            "frequency",
            "invalid_choice",
            format!("must be one of: {}", Frequency::names()),
        ));
    }
    parsed
}

pub(crate) fn source(req: &HttpRequest, state: &AppState) -> ConsentSource {
    ConsentSource {
        ip: Some(client_addr(req, state.config.trust_proxy)),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

/// Subscribes the caller to leads.
///
/// Without confirmed consent a double opt-in e-mail is sent first; nothing else is mailed until the
/// link in it is confirmed.
#[utoipa::path(tag = "lead e-mail", request_body = CreateSubscription, security(("bearer" = [])), responses(
    (status = 201, description = "The subscription, and whether a double opt-in e-mail was sent", body = SubscriptionCreated),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: operators do not subscribe, and a `buy_leads` subscription needs a company", body = ErrorBody),
    (status = 409, description = "too_many_subscriptions", body = ErrorBody)))]
#[post("/api/v1/subscriptions")]
pub async fn create_subscription(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: Body<CreateSubscription>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut v = Vec::new();
    let kind = SubscriptionKind::parse(&b.kind);
    if kind.is_none() {
        v.push(FieldError::new(
            "kind",
            "invalid_choice",
            "must be one of: search, supplier, category, buy_leads",
        ));
    }
    let freq = frequency(&mut v, b.frequency.as_deref()).unwrap_or(Frequency::Daily);
    let query = match (kind, b.query) {
        (Some(SubscriptionKind::Search), Some(q)) => match saved_search(q) {
            Ok(q) => q,
            Err(e) => {
                v.extend(e.fields);
                SavedSearch::default()
            }
        },
        (Some(SubscriptionKind::Search), None) => {
            v.push(FieldError::new(
                "query",
                "required",
                "a saved search needs a query",
            ));
            SavedSearch::default()
        }
        (_, Some(_)) => {
            v.push(FieldError::new(
                "query",
                "not_allowed",
                "only a saved search has a query",
            ));
            SavedSearch::default()
        }
        (_, None) => SavedSearch::default(),
    };
    if !v.is_empty() {
        return Err(ApiError::validation(v));
    }
    let new = NewSubscription {
        kind: kind.unwrap_or(SubscriptionKind::Search),
        name: b.name,
        query,
        target_id: b.target_id,
        frequency: freq,
    };
    let settings = state.config.mail_settings();
    let source = source(&req, &state);
    let (sub, prefs) = state
        .db(move |conn| {
            lead_alerts::create_subscription(conn, &user.actor, new, &settings, &source)
        })
        .await?;
    state.mail.wake();
    Ok(HttpResponse::Created().json(SubscriptionCreated {
        subscription: sub.into(),
        email: prefs.into(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionPage {
    pub items: Vec<SubscriptionView>,
    pub next_cursor: Option<String>,
}

/// The caller's subscriptions, newest first.
#[utoipa::path(tag = "lead e-mail", params(PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of the caller's subscriptions, newest first", body = SubscriptionPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/subscriptions")]
pub async fn list_subscriptions(
    state: web::Data<AppState>,
    user: AuthUser,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let page = state
        .db(move |conn| lead_alerts::list_subscriptions(conn, &user.actor, &page))
        .await?;
    Ok(HttpResponse::Ok().json(SubscriptionPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One of the caller's subscriptions (404 for anyone else's).
#[utoipa::path(tag = "lead e-mail", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The subscription", body = SubscriptionView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`subscription_not_found`: no such subscription of the caller", body = ErrorBody)))]
#[get("/api/v1/subscriptions/{id}")]
pub async fn get_subscription(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let sub = state
        .db(move |conn| lead_alerts::get_subscription(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(SubscriptionView::from(sub)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSubscription {
    #[schema(format = "line", min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// Only for `search` subscriptions.
    pub query: Option<SavedSearchBody>,
    /// `instant`, `daily` or `weekly`.
    pub frequency: Option<String>,
    /// `active` or `paused` (pause and resume).
    pub status: Option<String>,
}

/// Renames, re-queries, changes the frequency, pauses or resumes one's own subscription.
#[utoipa::path(tag = "lead e-mail", params(("id" = Uuid, Path)), request_body = UpdateSubscription, security(("bearer" = [])), responses(
    (status = 200, description = "The subscription with the changes applied", body = SubscriptionView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`subscription_not_found`: no such subscription of the caller", body = ErrorBody)))]
#[patch("/api/v1/subscriptions/{id}")]
pub async fn update_subscription(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<UpdateSubscription>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut v = Vec::new();
    let frequency = frequency(&mut v, b.frequency.as_deref());
    let status = match b.status.as_deref() {
        None => None,
        Some(s) => {
            let parsed = SubscriptionStatus::parse(s);
            if parsed.is_none() {
                v.push(FieldError::new(
                    "status",
                    "invalid_choice",
                    "must be one of: active, paused",
                ));
            }
            parsed
        }
    };
    let query = match b.query {
        None => None,
        Some(q) => match saved_search(q) {
            Ok(q) => Some(q),
            Err(e) => {
                v.extend(e.fields);
                None
            }
        },
    };
    if !v.is_empty() {
        return Err(ApiError::validation(v));
    }
    let changes = SubscriptionChanges {
        name: b.name,
        query,
        frequency,
        status,
    };
    let id = id.into_inner();
    let sub = state
        .db(move |conn| lead_alerts::update_subscription(conn, &user.actor, id, changes))
        .await?;
    Ok(HttpResponse::Ok().json(SubscriptionView::from(sub)))
}

/// Deletes one's own subscription.
#[utoipa::path(tag = "lead e-mail", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "The subscription is deleted"),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`subscription_not_found`: no such subscription of the caller", body = ErrorBody)))]
#[delete("/api/v1/subscriptions/{id}")]
pub async fn delete_subscription(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db(move |conn| lead_alerts::delete_subscription(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The account's e-mail language, tracking setting and lead-mail consent.
#[utoipa::path(operation_id = "get_email_preferences", tag = "lead e-mail", security(("bearer" = [])), responses(
    (status = 200, description = "The e-mail preferences and the lead-mail consent state", body = PreferencesView),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/me/email-preferences")]
pub async fn get_preferences(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    let p = state
        .db(move |conn| lead_alerts::get_preferences(conn, &user.actor))
        .await?;
    Ok(HttpResponse::Ok().json(PreferencesView::from(p)))
}

/// `zh` or `en`, when given (400 `invalid_choice` otherwise).
pub(crate) fn parse_language(language: Option<&str>) -> Result<Option<Language>, ApiError> {
    language
        .map(|l| {
            Language::parse(l).ok_or_else(|| {
                ApiError::validation(vec![FieldError::new(
                    "language",
                    "invalid_choice",
                    "must be one of: zh, en",
                )])
            })
        })
        .transpose()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePreferences {
    /// `zh` or `en`.
    pub language: Option<String>,
    /// Turns open and click tracking in lead e-mail on or off.
    pub tracking_enabled: Option<bool>,
}

/// Changes the e-mail language or turns tracking off.
#[utoipa::path(operation_id = "update_email_preferences", tag = "lead e-mail", request_body = UpdatePreferences, security(("bearer" = [])), responses(
    (status = 200, description = "The preferences with the changes applied", body = PreferencesView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized)))]
#[patch("/api/v1/me/email-preferences")]
pub async fn update_preferences(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<UpdatePreferences>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let language = parse_language(b.language.as_deref())?;
    let p = state
        .db(move |conn| {
            lead_alerts::update_preferences(conn, &user.actor, language, b.tracking_enabled)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PreferencesView::from(p)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentEventView {
    /// `requested`, `confirmed`, `withdrawn`, `repermission_requested`, `paused_unengaged`
    /// or `resumed`.
    pub event: String,
    /// How: `subscription`, `account`, `confirm_link`, `one_click`, `complaint`, `no_engagement`.
    pub method: String,
    pub email: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentRecord {
    pub current: PreferencesView,
    /// Every consent step, oldest first.
    pub events: Vec<ConsentEventView>,
}

/// The consent record: the current state and every step (when, how, from where).
#[utoipa::path(operation_id = "get_email_consent", tag = "lead e-mail", security(("bearer" = [])), responses(
    (status = 200, description = "The current consent state and every step that led to it", body = ConsentRecord),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/me/email-consent")]
pub async fn consent_record(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let (p, events) = state
        .db(move |conn| {
            Ok::<_, lead_alerts::LeadMailError>((
                lead_alerts::get_preferences(conn, &user.actor)?,
                lead_alerts::consent_history(conn, &user.actor)?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ConsentRecord {
        current: p.into(),
        events: events
            .into_iter()
            .map(|e| ConsentEventView {
                event: e.event,
                method: e.method,
                email: e.email,
                ip: e.ip,
                user_agent: e.user_agent,
                at: utc(e.created_at),
            })
            .collect(),
    }))
}

/// Asks for (or re-sends, at most hourly) the double opt-in e-mail.
#[utoipa::path(operation_id = "request_email_consent", tag = "lead e-mail", security(("bearer" = [])), responses(
    (status = 200, description = "The preferences; a double opt-in e-mail is on its way", body = PreferencesView),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: operators receive no lead e-mail", body = ErrorBody)))]
#[post("/api/v1/me/email-consent")]
pub async fn request_consent(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let settings = state.config.mail_settings();
    let source = source(&req, &state);
    let p = state
        .db(move |conn| lead_alerts::request_consent(conn, &user.actor, &settings, &source))
        .await?;
    state.mail.wake();
    Ok(HttpResponse::Ok().json(PreferencesView::from(p)))
}

/// Withdraws consent: no more lead e-mail (notifications about one's own business continue).
#[utoipa::path(operation_id = "withdraw_email_consent", tag = "lead e-mail", security(("bearer" = [])), responses(
    (status = 200, description = "The preferences, with consent withdrawn", body = PreferencesView),
    (status = 401, response = Unauthorized)))]
#[delete("/api/v1/me/email-consent")]
pub async fn withdraw_consent(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let source = source(&req, &state);
    let p = state
        .db(move |conn| lead_alerts::withdraw_consent(conn, &user.actor, &source))
        .await?;
    Ok(HttpResponse::Ok().json(PreferencesView::from(p)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemReachView {
    /// `product` or `listing`.
    pub item_type: String,
    pub item_id: String,
    /// Buyers whose subscriptions matched the item.
    pub matched: i64,
    /// Buyers it was e-mailed to.
    pub sent: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadReachView {
    /// Distinct buyers e-mailed at least one of the company's items.
    pub buyers_reached: i64,
    pub items: Vec<ItemReachView>,
}

/// How many buyers the company's items reached through lead e-mail (members and operators).
#[utoipa::path(operation_id = "get_lead_reach", tag = "lead e-mail", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "How many buyers the company's items reached through lead e-mail", body = LeadReachView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are neither a member nor an operator", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/lead-reach")]
pub async fn lead_reach(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let r = state
        .db(move |conn| lead_alerts::company_reach(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(LeadReachView {
        buyers_reached: r.buyers_reached,
        items: r
            .items
            .into_iter()
            .map(|i| ItemReachView {
                item_type: i.item_type,
                item_id: i.item_id,
                matched: i.matched,
                sent: i.sent,
            })
            .collect(),
    }))
}
