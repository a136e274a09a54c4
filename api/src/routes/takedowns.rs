//! IP notice and takedown: rights holders file notices, suppliers answer with a counter-notice,
//! operators decide; both sides read the case's timeline.

use actix_web::{HttpResponse, get, post, web};
use domain::appeal::{self, AppealTarget};
use domain::takedown::{
    self, CounterNoticeInput, Notice, NoticeCase, NoticeInput, TakedownDecision, TimelineEvent,
};
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeRequest {
    /// `product` or `listing`.
    #[schema(example = "product")]
    pub subject_type: String,
    #[schema(format = Uuid)]
    pub subject_id: String,
    /// `trademark`, `patent` or `copyright`.
    #[schema(example = "trademark")]
    pub rights_type: String,
    /// Who holds the right (up to 200 characters).
    #[schema(
        format = "line",
        min_length = 1,
        max_length = 200,
        example = "上海示例品牌管理有限公司"
    )]
    pub rights_holder: String,
    /// The registration (trademark, patent or copyright registration) number.
    #[schema(
        format = "line",
        min_length = 1,
        max_length = 100,
        example = "第12345678号"
    )]
    pub registration_number: String,
    /// What is infringed and how (up to 4,000 characters).
    #[schema(format = "lines", max_length = 4000)]
    pub description: Option<String>,
    /// Up to 10 http(s) URLs: the registration certificate, the infringing use, … At least one
    /// unless `evidence_attachments` has a file.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence_urls: Vec<String>,
    /// Up to 10 media ids: your own uploads with purpose `attachment`. Readable by whoever
    /// may read the case (you, operators, the item's owner once it is served).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence_attachments: Vec<String>,
    /// Must be `true`: the statement of good faith.
    pub good_faith: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: Uuid,
    pub notifier_id: Uuid,
    pub subject_type: String,
    pub subject_id: Uuid,
    /// The company that answers for the item (none for an individual's buy request).
    pub company_id: Option<Uuid>,
    pub rights_type: String,
    pub rights_holder: String,
    pub registration_number: String,
    pub description: String,
    pub evidence_urls: Vec<String>,
    pub evidence_attachments: Vec<super::media::AttachmentView>,
    pub good_faith: bool,
    /// `submitted`, `rejected`, `accepted`, `countered`, `final`, `restored`, `kept_down` or
    /// `reversed`, as of now (an accepted notice is `final` from its deadline on).
    pub status: String,
    /// Whether the takedown keeps the item out of public view.
    pub item_hidden: bool,
    /// Until when a counter-notice is taken (set when the notice is accepted).
    #[serde(with = "time::serde::rfc3339::option")]
    pub counter_deadline: Option<OffsetDateTime>,
    pub counter_statement: Option<String>,
    pub counter_evidence_urls: Vec<String>,
    pub counter_evidence_attachments: Vec<super::media::AttachmentView>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub countered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Notice> for NoticeView {
    fn from(n: Notice) -> NoticeView {
        NoticeView {
            id: n.id,
            notifier_id: n.notifier_id,
            subject_type: n.subject_type,
            subject_id: n.subject_id,
            company_id: n.company_id,
            rights_type: n.rights_type.as_str().into(),
            rights_holder: n.rights_holder,
            registration_number: n.registration_number,
            description: n.description,
            evidence_urls: n.evidence_urls,
            evidence_attachments: super::media::attachment_views(&n.evidence_attachments),
            good_faith: n.good_faith,
            status: n.status.as_str().into(),
            item_hidden: n.status.holds_item(),
            counter_deadline: utc_opt(n.counter_deadline),
            counter_statement: n.counter_statement,
            counter_evidence_urls: n.counter_evidence_urls,
            counter_evidence_attachments: super::media::attachment_views(
                &n.counter_evidence_attachments,
            ),
            countered_at: utc_opt(n.countered_at),
            decided_at: utc_opt(n.decided_at),
            closed_at: utc_opt(n.closed_at),
            created_at: utc(n.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEventView {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// `notifier`, `supplier`, `operator` or `system` (the window ended).
    pub party: String,
    /// `filed`, `accepted`, `rejected`, `counter_notice`, `restored`, `kept_down`, `final`,
    /// `appealed`, `appeal_upheld` or `appeal_rejected`.
    pub kind: String,
    pub note: String,
}

impl From<TimelineEvent> for TimelineEventView {
    fn from(e: TimelineEvent) -> TimelineEventView {
        TimelineEventView {
            at: utc(e.at),
            party: e.party.as_str().into(),
            kind: e.kind,
            note: e.note,
        }
    }
}

/// A case: the notice, every step with its time, and the appeal if there is one.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub notice: NoticeView,
    pub timeline: Vec<TimelineEventView>,
    pub appeal: Option<AppealView>,
}

fn case_view(
    conn: &mut domain::db::DbConnection,
    case: NoticeCase,
) -> Result<CaseView, domain::takedown::TakedownError> {
    let id = case.notice.id;
    let mut appeals = appeal::appeals_for(conn, AppealTarget::Takedown, &[id])?;
    Ok(CaseView {
        appeal: appeals.remove(&id).map(Into::into),
        notice: case.notice.into(),
        timeline: case.timeline.into_iter().map(Into::into).collect(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticePage {
    pub items: Vec<NoticeView>,
    pub next_cursor: Option<String>,
}

impl From<domain::paging::Page<Notice>> for NoticePage {
    fn from(p: domain::paging::Page<Notice>) -> NoticePage {
        NoticePage {
            items: p.items.into_iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// Files an IP notice against a product or listing you can see (not your own company's).
///
/// One open notice per item and notifier.
#[utoipa::path(operation_id = "file_takedown_notice", tag = "takedowns", request_body = NoticeRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The notice, `submitted` until an operator decides it", body = CaseView),
    (status = 400, description = "validation_failed (`subject_id`: unknown_subject or own_item; `good_faith`: must_be_true)", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "operators decide notices, they do not file them", body = ErrorBody),
    (status = 409, description = "duplicate_notice", body = ErrorBody)))]
#[post("/api/v1/takedowns")]
pub async fn file_notice(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<NoticeRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let input = NoticeInput {
        subject_type: b.subject_type,
        subject_id: b.subject_id,
        rights_type: b.rights_type,
        rights_holder: b.rights_holder,
        registration_number: b.registration_number,
        description: b.description,
        evidence_urls: b.evidence_urls,
        evidence_attachments: b.evidence_attachments,
        good_faith: b.good_faith,
    };
    let case = state
        .db(move |conn| {
            let notice = takedown::file_notice(conn, &user.actor, input)?;
            let case = takedown::get_case(conn, &user.actor, notice.id)?;
            case_view(conn, case)
        })
        .await?;
    Ok(HttpResponse::Created().json(case))
}

/// The notices you filed and the cases served on you, newest first.
///
/// The notices you filed and the served cases against your company (or your own buy requests),
/// newest first.
#[utoipa::path(operation_id = "list_my_takedowns", tag = "takedowns", params(PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of your notices and the cases served on you, newest first", body = NoticePage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/takedowns")]
pub async fn my_notices(
    state: web::Data<AppState>,
    user: AuthUser,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let notices = state
        .db(move |conn| takedown::list_mine(conn, &user.actor, &page))
        .await?;
    Ok(HttpResponse::Ok().json(NoticePage::from(notices)))
}

/// A takedown case and its timeline.
///
/// A case and its timeline: the notifier and operators always; the supplier's members once the
/// notice was accepted; 404 for anyone else.
#[utoipa::path(operation_id = "get_takedown", tag = "takedowns", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The case with its timeline", body = CaseView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "takedown_not_found", body = ErrorBody)))]
#[get("/api/v1/takedowns/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let case = state
        .db(move |conn| {
            let case = takedown::get_case(conn, &user.actor, id)?;
            case_view(conn, case)
        })
        .await?;
    Ok(HttpResponse::Ok().json(case))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterNoticeRequest {
    /// Why the item does not infringe (up to 4,000 characters).
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 4000,
        example = "本店为品牌授权经销商，授权书编号 SH-2026-0815"
    )]
    pub statement: String,
    /// Up to 10 http(s) URLs.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence_urls: Vec<String>,
    /// Up to 10 media ids: uploads with purpose `attachment` by you or, for a company's item,
    /// a member of the company (a licence, your own registration certificate, …). Readable by
    /// whoever may read the case: the notifier, operators and the supplier.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence_attachments: Vec<String>,
    /// Must be `true`: the item was taken down by mistake or misidentification.
    pub good_faith: bool,
}

/// Files the supplier's counter-notice (owners and admins).
///
/// Files the supplier's counter-notice (owners and admins) while the window is open; the item
/// stays hidden until an operator decides.
#[utoipa::path(operation_id = "file_counter_notice", tag = "takedowns", params(("id" = Uuid, Path)), request_body = CounterNoticeRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The case with the counter-notice", body = CaseView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not an owner or admin of the supplier", body = ErrorBody),
    (status = 404, description = "takedown_not_found", body = ErrorBody),
    (status = 409, description = "counter_notice_window_closed, or invalid_state (not accepted)", body = ErrorBody)))]
#[post("/api/v1/takedowns/{id}/counter-notice")]
pub async fn counter_notice(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<CounterNoticeRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.0;
    let input = CounterNoticeInput {
        statement: b.statement,
        evidence_urls: b.evidence_urls,
        evidence_attachments: b.evidence_attachments,
        good_faith: b.good_faith,
    };
    let case = state
        .db(move |conn| {
            takedown::file_counter_notice(conn, &user.actor, id, input)?;
            let case = takedown::get_case(conn, &user.actor, id)?;
            case_view(conn, case)
        })
        .await?;
    Ok(HttpResponse::Ok().json(case))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct NoticeQuery {
    /// A status as of now (see `NoticeView.status`).
    pub status: Option<String>,
}

/// Every case for operators, newest first.
#[utoipa::path(operation_id = "list_takedowns", tag = "operator", params(NoticeQuery, PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of cases, newest first", body = NoticePage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/takedowns")]
pub async fn list_notices(
    state: web::Data<AppState>,
    op: OperatorUser,
    query: web::Query<NoticeQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let status = query.into_inner().status;
    let notices = state
        .db(move |conn| takedown::list_notices(conn, &op.0, status.as_deref(), &page))
        .await?;
    Ok(HttpResponse::Ok().json(NoticePage::from(notices)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeDecisionRequest {
    /// Shown to both sides in the timeline.
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 2000,
        example = "权利证明充分，商品已下架"
    )]
    pub note: String,
}

async fn decide(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: Uuid,
    decision: TakedownDecision,
    note: String,
) -> ApiResult<HttpResponse> {
    let days = i64::from(state.config.counter_notice_days);
    let case = state
        .db(move |conn| {
            takedown::decide_notice(conn, &op.0, id, decision, &note, days)?;
            let case = takedown::get_case(conn, &op.0, id)?;
            case_view(conn, case)
        })
        .await?;
    Ok(HttpResponse::Ok().json(case))
}

/// Accepts a submitted IP notice: the item is taken down.
///
/// Accepts a submitted notice: the item leaves every public endpoint and search, the supplier
/// is told, and the counter-notice window opens (`TRADEFAIR_COUNTER_NOTICE_DAYS`).
#[utoipa::path(operation_id = "accept_takedown_notice", tag = "operator", params(("id" = Uuid, Path)), request_body = NoticeDecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The case, accepted: the item is down and the counter-notice window open", body = CaseView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`takedown_not_found`: no such case", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the notice is not submitted", body = ErrorBody)))]
#[post("/api/v1/operator/takedowns/{id}/accept")]
pub async fn accept_notice(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<NoticeDecisionRequest>,
) -> ApiResult<HttpResponse> {
    decide(
        state,
        op,
        id.into_inner(),
        TakedownDecision::Accept,
        body.0.note,
    )
    .await
}

/// Rejects a submitted notice (nothing happens to the item; only the notifier is told).
#[utoipa::path(operation_id = "reject_takedown_notice", tag = "operator", params(("id" = Uuid, Path)), request_body = NoticeDecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The case, rejected", body = CaseView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`takedown_not_found`: no such case", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the notice is not submitted", body = ErrorBody)))]
#[post("/api/v1/operator/takedowns/{id}/reject")]
pub async fn reject_notice(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<NoticeDecisionRequest>,
) -> ApiResult<HttpResponse> {
    decide(
        state,
        op,
        id.into_inner(),
        TakedownDecision::Reject,
        body.0.note,
    )
    .await
}

/// Accepts a counter-notice: the item shows again (unless something else hides it).
#[utoipa::path(operation_id = "restore_taken_down_item", tag = "operator", params(("id" = Uuid, Path)), request_body = NoticeDecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The case, restored: the item shows again unless something else hides it", body = CaseView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`takedown_not_found`: no such case", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the case has no counter-notice waiting for a decision", body = ErrorBody)))]
#[post("/api/v1/operator/takedowns/{id}/restore")]
pub async fn restore_item(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<NoticeDecisionRequest>,
) -> ApiResult<HttpResponse> {
    decide(
        state,
        op,
        id.into_inner(),
        TakedownDecision::Restore,
        body.0.note,
    )
    .await
}

/// Rejects a counter-notice: the item stays down (the supplier may still appeal once).
#[utoipa::path(operation_id = "keep_item_down", tag = "operator", params(("id" = Uuid, Path)), request_body = NoticeDecisionRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The case, kept down", body = CaseView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`takedown_not_found`: no such case", body = ErrorBody),
    (status = 409, description = "`invalid_state`: the case has no counter-notice waiting for a decision", body = ErrorBody)))]
#[post("/api/v1/operator/takedowns/{id}/keep-down")]
pub async fn keep_down(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<NoticeDecisionRequest>,
) -> ApiResult<HttpResponse> {
    decide(
        state,
        op,
        id.into_inner(),
        TakedownDecision::KeepDown,
        body.0.note,
    )
    .await
}
