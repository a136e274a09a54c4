//! E-mail delivery routes: bounce and complaint reports from the MTA, the open pixel and click
//! redirect, and operators' delivery reports and suppression list.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use domain::email::{self, EventCounts, JobFilter, JobReport, Suppression};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::pagination::PageQuery;
use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::OperatorUser;
use crate::auth::extract::{authenticate, bearer};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::smtp::dsn::parse_report;
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

/// A 1×1 transparent GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    // Comparing digests keeps the time independent of where the inputs differ and of length.
    let (x, y) = (Sha256::digest(a), Sha256::digest(b));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

/// The MTA's shared secret (`TRADEFAIR_BOUNCE_TOKEN`) or an operator's access token.
async fn authorize_reporter(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Result<(), ApiError> {
    let token = match bearer(req) {
        None => {
            return Err(ApiError::unauthenticated(
                "unauthenticated",
                "sign in first",
            ));
        }
        Some(None) => {
            return Err(ApiError::unauthenticated(
                "invalid_token",
                "the access token is invalid or expired",
            ));
        }
        Some(Some(t)) => t,
    };
    if let Some(secret) = state
        .config
        .bounce_token
        .as_deref()
        .filter(|s| !s.is_empty())
        && constant_time_eq(token.as_bytes(), secret.as_bytes())
    {
        return Ok(());
    }
    let user = authenticate(Some(state.clone()), Some(token)).await?;
    if domain::access::may_on_platform(&user.actor, domain::access::PlatformAction::Moderate) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRecipientView {
    pub address: String,
    /// The DSN `Action` (`failed`, `delayed`, `delivered`, …) or the ARF feedback type.
    pub action: String,
    /// The DSN `Status` (`5.1.1`).
    pub status: Option<String>,
    /// `delivered`, `deferred`, `soft_bounce`, `hard_bounce`, `policy_block`, `rejected`,
    /// `complaint` or `ignored`.
    pub outcome: String,
    /// The address is on the suppression list now.
    pub suppressed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportResult {
    /// `delivery_status` or `feedback`.
    pub kind: String,
    /// The job the report is about; absent when its Message-ID names none of ours (address
    /// rules still apply).
    pub job_id: Option<Uuid>,
    pub recipients: Vec<ReportRecipientView>,
}

/// Takes a bounce or complaint report from the mail server.
///
/// The body is a delivery status notification (RFC 3464, `multipart/report;
/// report-type=delivery-status`) or an ARF abuse report (`report-type=feedback-report`), as the raw
/// message. The job is found by the report's `Original-Message-ID` or the returned message's
/// `Message-ID`. Hard bounces (5.1.x, 5.2.1) and abuse complaints suppress the address (a complaint
/// also withdraws the recipient's lead consent), soft bounces count towards suppression, policy
/// blocks (5.7.x) pause the domain. Authorized by the MTA's shared secret
/// (`TRADEFAIR_BOUNCE_TOKEN`) or an operator's token.
#[utoipa::path(operation_id = "report_bounce", tag = "email",
    request_body(content = String, content_type = "message/rfc822", description = "The report as received (a multipart/report message)."),
    security(("bounce_token" = []), ("bearer" = [])), responses(
    (status = 200, description = "What the report did: the job it matched and the addresses suppressed, counted or paused", body = ReportResult),
    (status = 400, description = "`invalid_report`: the body is neither a delivery status notification nor an ARF report", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: the bearer token is neither the bounce token nor an operator's", body = ErrorBody),
    (status = 413, description = "`payload_too_large`: the report exceeds the body limit", body = ErrorBody)))]
#[post("/api/v1/email/bounces")]
pub async fn post_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    authorize_reporter(&req, &state).await?;
    let report = parse_report(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_report", e.to_string()))?;
    let policy = state.config.delivery_policy();
    let applied = state
        .db(move |conn| email::apply_report(conn, &report, &policy))
        .await?;
    Ok(HttpResponse::Ok().json(ReportResult {
        kind: applied.kind.to_owned(),
        job_id: applied.job_id,
        recipients: applied
            .recipients
            .into_iter()
            .map(|r| ReportRecipientView {
                address: r.address,
                action: r.action,
                status: r.status,
                outcome: r.outcome.to_owned(),
                suppressed: r.suppressed,
            })
            .collect(),
    }))
}

/// The open pixel of a tracked message.
///
/// A 1×1 GIF, never cached; records an open and resets the recipient's unengaged count.
#[utoipa::path(operation_id = "track_email_open", tag = "email", params(("token" = String, Path)), responses(
    (status = 200, description = "A 1×1 GIF", content_type = "image/gif"),
    (status = 404, description = "`invalid_link`: the token is tampered with or unknown", body = ErrorBody)))]
#[get("/api/v1/email/open/{token}")]
pub async fn open_pixel(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let token = token.into_inner();
    state
        .db(move |conn| {
            let key = email::link_key(conn)?;
            email::record_open(conn, &key, &token)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/gif")
        .insert_header((
            header::CACHE_CONTROL,
            "no-store, no-cache, must-revalidate, max-age=0",
        ))
        .body(PIXEL))
}

/// The click redirect of a tracked message.
///
/// Answers 302 to the URL the token was signed with (never anywhere else); records a click and
/// resets the recipient's unengaged count. A tampered or unknown token is a 404, not a redirect.
#[utoipa::path(operation_id = "track_email_click", tag = "email", params(("token" = String, Path)), responses(
    (status = 302, description = "Redirect to the link's target"),
    (status = 404, description = "`invalid_link`: the token is tampered with or unknown (never a redirect)", body = ErrorBody)))]
#[get("/api/v1/email/click/{token}")]
pub async fn click_redirect(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let token = token.into_inner();
    let target = state
        .db(move |conn| {
            let key = email::link_key(conn)?;
            email::record_click(conn, &key, &token)
        })
        .await?;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, target))
        .finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountsView {
    pub sent: i64,
    pub delivered: i64,
    pub deferred: i64,
    pub bounced: i64,
    /// Messages opened at least once.
    pub opened: i64,
    /// All opens.
    pub opens: i64,
    /// Messages with at least one click.
    pub clicked: i64,
    /// All clicks.
    pub clicks: i64,
    pub unsubscribed: i64,
    pub complained: i64,
}

impl From<EventCounts> for CountsView {
    fn from(c: EventCounts) -> CountsView {
        CountsView {
            sent: c.sent,
            delivered: c.delivered,
            deferred: c.deferred,
            bounced: c.bounced,
            opened: c.opened,
            opens: c.opens,
            clicked: c.clicked,
            clicks: c.clicks,
            unsubscribed: c.unsubscribed,
            complained: c.complained,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayStatsView {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    #[serde(flatten)]
    pub counts: CountsView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailStats {
    pub from: String,
    pub to: String,
    /// Days with any event, oldest first.
    pub days: Vec<DayStatsView>,
    /// Sums of the daily counts (a message opened on two days counts on both).
    pub totals: CountsView,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StatsQuery {
    /// First day, `YYYY-MM-DD` (UTC); default 29 days before `to`.
    #[param(format = "date_or_blank")]
    pub from: Option<String>,
    /// Last day, inclusive; default today. At most 366 days after `from`.
    #[param(format = "date_or_blank")]
    pub to: Option<String>,
}

fn parse_day(field: &str, text: Option<&str>) -> Result<Option<Date>, ApiError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map(Some).map_err(|_| {
        ApiError::validation(vec![domain::FieldError::new(
            field,
            "invalid_date",
            "must be a date like 2026-11-22",
        )])
    })
}

fn day_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Per-day counts of messages by outcome (operators).
///
/// Per-day counts of sent, delivered, deferred, bounced, opened, clicked, unsubscribed and
/// complained messages (operators).
#[utoipa::path(operation_id = "get_email_stats", tag = "operator", params(StatsQuery), security(("bearer" = [])), responses(
    (status = 200, description = "Per-day message counts", body = EmailStats),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/email/stats")]
pub async fn email_stats(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let to = parse_day("to", query.to.as_deref())?.unwrap_or_else(|| domain::clock::now().date());
    let from =
        parse_day("from", query.from.as_deref())?.unwrap_or_else(|| to - time::Duration::days(29));
    if from > to {
        return Err(ApiError::validation(vec![domain::FieldError::new(
            "to",
            "before_from",
            "must not be before `from`",
        )]));
    }
    // The last day of the calendar has no next day to end the range at.
    let Some(after) = to.next_day() else {
        return Err(ApiError::validation(vec![domain::FieldError::new(
            "to",
            "out_of_range",
            "must be before 9999-12-31",
        )]));
    };
    let start = PrimitiveDateTime::new(from, Time::MIDNIGHT);
    let end = PrimitiveDateTime::new(after, Time::MIDNIGHT);
    let days = state
        .db(move |conn| email::daily_stats(conn, &op.0, start, end))
        .await?;
    let mut totals = EventCounts::default();
    let days: Vec<DayStatsView> = days
        .into_iter()
        .map(|d| {
            let c = &d.counts;
            totals.sent += c.sent;
            totals.delivered += c.delivered;
            totals.deferred += c.deferred;
            totals.bounced += c.bounced;
            totals.opened += c.opened;
            totals.opens += c.opens;
            totals.clicked += c.clicked;
            totals.clicks += c.clicks;
            totals.unsubscribed += c.unsubscribed;
            totals.complained += c.complained;
            DayStatsView {
                day: day_text(d.day),
                counts: d.counts.into(),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(EmailStats {
        from: day_text(from),
        to: day_text(to),
        days,
        totals: totals.into(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailJobView {
    pub id: Uuid,
    pub message_id: String,
    /// `transactional`, `lead` or `consent`.
    pub category: String,
    /// What caused it (`lead_digest`, `lead_instant`, `consent_confirm`, a notification kind…).
    pub kind: String,
    pub user_id: Option<Uuid>,
    pub to_address: String,
    pub subject: String,
    /// `queued`, `sending`, `sent`, `failed`, `suppressed` or `cancelled`.
    pub status: String,
    pub attempts: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub tracking: bool,
    pub list_unsubscribe: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// Events of this message.
    pub counts: CountsView,
}

impl From<JobReport> for EmailJobView {
    fn from(r: JobReport) -> EmailJobView {
        let j = r.job;
        EmailJobView {
            id: j.id,
            message_id: j.message_id,
            category: j.category.as_str().to_owned(),
            kind: j.kind,
            user_id: j.user_id,
            to_address: j.to_address,
            subject: j.subject,
            status: j.status.as_str().to_owned(),
            attempts: j.attempts,
            next_attempt_at: utc(j.next_attempt_at),
            last_error: j.last_error,
            tracking: j.tracking,
            list_unsubscribe: j.list_unsubscribe,
            created_at: utc(j.created_at),
            sent_at: utc_opt(j.sent_at),
            counts: r.counts.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailJobPage {
    pub items: Vec<EmailJobView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct JobQuery {
    /// Only jobs of this kind (`lead_digest` lists digests).
    pub kind: Option<String>,
    /// `queued`, `sending`, `sent`, `failed`, `suppressed` or `cancelled`.
    pub status: Option<String>,
    /// Only jobs to this address.
    pub to: Option<String>,
}

/// E-mail jobs, newest first, with their delivery and engagement counts (operators).
#[utoipa::path(tag = "operator", params(JobQuery, PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of e-mail jobs, newest first", body = EmailJobPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/email/jobs")]
pub async fn list_email_jobs(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<JobQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let q = query.into_inner();
    let filter = JobFilter {
        kind: q.kind.filter(|k| !k.is_empty()),
        status: q.status.filter(|s| !s.is_empty()),
        to_address: q.to.filter(|t| !t.is_empty()),
    };
    let page = state
        .db(move |conn| email::list_jobs(conn, &op.0, &filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(EmailJobPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One e-mail job with its counts: the per-digest report (operators).
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The e-mail job with its delivery and engagement counts", body = EmailJobView),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`email_job_not_found`: no such e-mail job", body = ErrorBody)))]
#[get("/api/v1/operator/email/jobs/{id}")]
pub async fn get_email_job(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let report = state
        .db(move |conn| email::job_report(conn, &op.0, id))
        .await?;
    Ok(HttpResponse::Ok().json(EmailJobView::from(report)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuppressionView {
    pub address: String,
    /// `hard_bounce`, `soft_bounce`, `complaint` or `manual`.
    pub reason: String,
    pub detail: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Suppression> for SuppressionView {
    fn from(s: Suppression) -> SuppressionView {
        SuppressionView {
            address: s.address,
            reason: s.reason.as_str().to_owned(),
            detail: s.detail,
            created_at: utc(s.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuppressionPage {
    pub items: Vec<SuppressionView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SuppressionQuery {
    /// Only addresses starting with this.
    pub prefix: Option<String>,
}

/// The suppression list, by address (operators).
#[utoipa::path(tag = "operator", params(SuppressionQuery, PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of suppressed addresses", body = SuppressionPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/email/suppressions")]
pub async fn list_suppressions(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<SuppressionQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let prefix = query.into_inner().prefix;
    let PageQuery { limit, cursor } = page.into_inner();
    let page = state
        .db(move |conn| {
            email::list_suppressions(conn, &op.0, prefix.as_deref(), limit, cursor.as_deref())
        })
        .await?;
    Ok(HttpResponse::Ok().json(SuppressionPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Whether one address is suppressed, and why (operators).
#[utoipa::path(tag = "operator", params(("address" = String, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The suppression of this address and its reason", body = SuppressionView),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`suppression_not_found`: the address is not suppressed", body = ErrorBody)))]
#[get("/api/v1/operator/email/suppressions/{address}")]
pub async fn get_suppression(
    state: web::Data<AppState>,
    _op: OperatorUser,
    address: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let address = address.into_inner();
    let found = state
        .db(move |conn| {
            email::suppression_of(conn, &address)?.ok_or(email::EmailError::SuppressionNotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SuppressionView::from(found)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RemoveQuery {
    /// Why (kept in the audit log).
    pub reason: Option<String>,
}

/// Takes an address off the suppression list (operators; audited). Mail to it is sent again.
#[utoipa::path(tag = "operator", params(("address" = String, Path), RemoveQuery), security(("bearer" = [])), responses(
    (status = 204, description = "Removed"),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`suppression_not_found`: the address is not suppressed", body = ErrorBody)))]
#[delete("/api/v1/operator/email/suppressions/{address}")]
pub async fn remove_suppression(
    state: web::Data<AppState>,
    op: OperatorUser,
    address: web::Path<String>,
    query: web::Query<RemoveQuery>,
) -> ApiResult<HttpResponse> {
    let address = address.into_inner();
    let reason = query
        .into_inner()
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "removed by an operator".into());
    state
        .db(move |conn| email::remove_suppression(conn, &op.0, &address, &reason))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
