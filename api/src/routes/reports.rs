//! Reports by users, their resolution by operators, and the public transparency figures.

use actix_web::{HttpResponse, get, post, web};
use domain::report::{self, MonthFigures, Report, ReportInput};
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
pub struct ReportRequest {
    /// `product`, `listing`, `company` or `message` (a message of a thread you take part in).
    #[schema(example = "product")]
    pub subject_type: String,
    #[schema(format = Uuid)]
    pub subject_id: String,
    /// `counterfeit`, `ip_infringement`, `prohibited_goods`, `fraud`, `spam` or `other`.
    #[schema(example = "counterfeit")]
    pub reason: String,
    /// Up to 2,000 characters.
    #[schema(format = "lines", max_length = 2000)]
    pub details: Option<String>,
    /// Up to 10 http(s) URLs of public pages.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence_urls: Vec<String>,
    /// Up to 10 media ids: your own uploads with purpose `attachment` (screenshots,
    /// documents). Readable by you and operators only.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence_attachments: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: Uuid,
    pub reporter_id: Uuid,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub reason: String,
    pub details: String,
    pub evidence_urls: Vec<String>,
    /// The evidence files; `url` downloads one (the filer and operators only).
    pub evidence_attachments: Vec<super::media::AttachmentView>,
    /// `open`, `upheld` or `dismissed`.
    pub status: String,
    /// The operator's note, seen by the reporter.
    pub resolution_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub handled_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Report> for ReportView {
    fn from(r: Report) -> ReportView {
        ReportView {
            id: r.id,
            reporter_id: r.reporter_id,
            subject_type: r.subject.as_str().into(),
            subject_id: r.subject_id,
            reason: r.reason.as_str().into(),
            details: r.details,
            evidence_urls: r.evidence_urls,
            evidence_attachments: super::media::attachment_views(&r.evidence_attachments),
            status: r.status.as_str().into(),
            resolution_note: r.resolution_note,
            handled_at: utc_opt(r.handled_at),
            created_at: utc(r.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportPage {
    pub items: Vec<ReportView>,
    pub next_cursor: Option<String>,
}

impl From<domain::paging::Page<Report>> for ReportPage {
    fn from(p: domain::paging::Page<Report>) -> ReportPage {
        ReportPage {
            items: p.items.into_iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// Reports an item you can see. One open report per item and reporter (409 `duplicate_report`).
#[utoipa::path(tag = "reports", request_body = ReportRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The report, open until an operator resolves it", body = ReportView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 409, description = "`duplicate_report`: you have an open report on this item", body = ErrorBody)))]
#[post("/api/v1/reports")]
pub async fn file_report(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<ReportRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let input = ReportInput {
        subject_type: b.subject_type,
        subject_id: b.subject_id,
        reason: b.reason,
        details: b.details,
        evidence_urls: b.evidence_urls,
        evidence_attachments: b.evidence_attachments,
    };
    let report = state
        .db(move |conn| report::file_report(conn, &user.actor, input))
        .await?;
    Ok(HttpResponse::Created().json(ReportView::from(report)))
}

/// Your own reports and what became of them, newest first.
#[utoipa::path(operation_id = "list_my_reports", tag = "reports", params(PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of your reports, newest first", body = ReportPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/reports")]
pub async fn my_reports(
    state: web::Data<AppState>,
    user: AuthUser,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let reports = state
        .db(move |conn| report::list_my_reports(conn, &user.actor, &page))
        .await?;
    Ok(HttpResponse::Ok().json(ReportPage::from(reports)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OperatorReportQuery {
    /// `open`, `upheld` or `dismissed`.
    pub status: Option<String>,
    /// `product`, `listing`, `company` or `message`.
    pub subject_type: Option<String>,
}

/// Reports for operators, newest first.
#[utoipa::path(tag = "operator", params(OperatorReportQuery, PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of reports, newest first", body = ReportPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/reports")]
pub async fn list_reports(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<OperatorReportQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let q = query.into_inner();
    let reports = state
        .db(move |conn| {
            report::list_reports(
                conn,
                &op.0,
                q.status.as_deref(),
                q.subject_type.as_deref(),
                &page,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReportPage::from(reports)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// `upheld` or `dismissed`.
    #[schema(example = "upheld")]
    pub outcome: String,
    /// Shown to the reporter.
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 2000,
        example = "商品已下架，商家已警告"
    )]
    pub note: String,
    /// Upholding may carry penalty points against the company the item belongs to (its
    /// `report_id` is this report).
    pub penalty: Option<ResolvePenalty>,
    /// With `upheld`: also hide the reported product or listing in the same transaction (an
    /// enforcement action with the note as its reason; see `GET /companies/{id}/enforcement`).
    #[serde(default)]
    pub hide_item: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolvePenalty {
    /// 1 to 100.
    #[schema(minimum = 1, maximum = 100, example = 4)]
    pub points: i32,
    /// As for `POST /api/v1/operator/companies/{id}/penalties`.
    #[schema(example = "counterfeit")]
    pub reason_code: String,
    /// Shown to the company.
    #[schema(format = "lines", min_length = 1, max_length = 1000)]
    pub note: String,
}

/// Closes a report as upheld or dismissed (recorded in the audit log).
///
/// Upholding may carry penalty points against the item's company, and `hide_item` hides a reported
/// product or listing with it; other measures are separate operator actions (reject the product,
/// warn or suspend the company).
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = ResolveRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The resolved report", body = ReportView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`report_not_found`: no such report", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the report is already resolved", body = ErrorBody)))]
#[post("/api/v1/operator/reports/{id}/resolve")]
pub async fn resolve_report(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<ResolveRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.0;
    let policy = state.config.penalty_policy();
    let report = state
        .db(move |conn| {
            let penalty = b.penalty.map(|p| {
                (
                    domain::penalty::PenaltyInput {
                        points: p.points,
                        reason_code: p.reason_code,
                        note: p.note,
                        ..Default::default()
                    },
                    &policy,
                )
            });
            report::resolve_report_with(conn, &op.0, id, &b.outcome, &b.note, penalty, b.hide_item)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReportView::from(report)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthView {
    /// `YYYY-MM` (UTC), the month the reports were filed.
    pub month: String,
    pub received: i64,
    pub upheld: i64,
    pub dismissed: i64,
    pub open: i64,
    pub median_handling_hours: Option<f64>,
}

impl From<MonthFigures> for MonthView {
    fn from(m: MonthFigures) -> MonthView {
        MonthView {
            month: m.month,
            received: m.received,
            upheld: m.upheld,
            dismissed: m.dismissed,
            open: m.open,
            median_handling_hours: m.median_handling_hours,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TakedownMonthView {
    /// `YYYY-MM` (UTC), the month the notices were filed.
    pub month: String,
    pub received: i64,
    /// Not decided yet.
    pub pending: i64,
    pub rejected: i64,
    /// Accepted and still down (in the counter-notice window, countered, final or kept down).
    pub taken_down: i64,
    /// Restored after a counter-notice or reversed on appeal.
    pub restored: i64,
    pub counter_notices: i64,
    /// Median hours from filing to the operator's accept or reject.
    pub median_handling_hours: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealMonthView {
    /// `YYYY-MM` (UTC), the month the appeals were filed.
    pub month: String,
    pub received: i64,
    pub upheld: i64,
    pub rejected: i64,
    pub open: i64,
    pub against_enforcement: i64,
    pub against_takedowns: i64,
    /// Median hours from filing to decision.
    pub median_handling_hours: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Transparency {
    /// The last 12 months with reports, newest first.
    pub reports: Vec<MonthView>,
    /// The last 12 months with IP notices, newest first.
    pub takedowns: Vec<TakedownMonthView>,
    /// The last 12 months with appeals, newest first.
    pub appeals: Vec<AppealMonthView>,
}

/// Public figures per month on reports, IP notices and appeals.
///
/// Public figures per month: reports, IP takedown notices and appeals by outcome, each with the
/// median handling time.
#[utoipa::path(operation_id = "get_transparency_report", tag = "reports", responses(
    (status = 200, description = "Monthly figures with median handling times", body = Transparency)))]
#[get("/api/v1/transparency")]
pub async fn transparency(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let (months, takedowns, appeals) = state
        .db(|conn| {
            Ok::<_, diesel::result::Error>((
                report::transparency(conn, 12)?,
                domain::takedown::takedown_figures(conn, 12)?,
                domain::appeal::appeal_figures(conn, 12)?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Transparency {
        reports: months.into_iter().map(Into::into).collect(),
        takedowns: takedowns
            .into_iter()
            .map(|m| TakedownMonthView {
                month: m.month,
                received: m.received,
                pending: m.pending,
                rejected: m.rejected,
                taken_down: m.taken_down,
                restored: m.restored,
                counter_notices: m.counter_notices,
                median_handling_hours: m.median_handling_hours,
            })
            .collect(),
        appeals: appeals
            .into_iter()
            .map(|m| AppealMonthView {
                month: m.month,
                received: m.received,
                upheld: m.upheld,
                rejected: m.rejected,
                open: m.open,
                against_enforcement: m.against_enforcement,
                against_takedowns: m.against_takedowns,
                median_handling_hours: m.median_handling_hours,
            })
            .collect(),
    }))
}
