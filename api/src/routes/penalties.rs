//! Penalty points: operators record confirmed violations; the company and operators read the
//! history and the company's standing.

use actix_web::{HttpResponse, get, post, web};
use domain::penalty::{self, Penalty, PenaltyInput, Standing};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::pagination::PageQuery;
use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::{AuthUser, OperatorUser};
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

/// A confirmed violation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PenaltyRequest {
    /// 1 to 100.
    #[schema(minimum = 1, maximum = 100, example = 4)]
    pub points: i32,
    /// `counterfeit`, `ip_infringement`, `prohibited_goods`, `fraud`, `spam`,
    /// `misleading_information`, `licence_irregularity` or `other`.
    #[schema(example = "misleading_information")]
    pub reason_code: String,
    /// Shown to the company.
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 1000,
        example = "产品参数与实物不符"
    )]
    pub note: String,
    /// An upheld report about the company or one of its items (one penalty per report).
    #[schema(format = Uuid)]
    pub report_id: Option<String>,
    /// The item concerned (`product`, `listing`, `company` or `message`), with `subject_id`.
    pub subject_type: Option<String>,
    /// With `subject_type`: the two go together.
    #[schema(format = Uuid)]
    pub subject_id: Option<String>,
}

impl From<PenaltyRequest> for PenaltyInput {
    fn from(r: PenaltyRequest) -> PenaltyInput {
        PenaltyInput {
            points: r.points,
            reason_code: r.reason_code,
            note: r.note,
            report_id: r.report_id,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PenaltyView {
    pub id: Uuid,
    pub company_id: Uuid,
    pub points: i32,
    pub reason_code: String,
    pub note: String,
    pub report_id: Option<Uuid>,
    pub subject_type: Option<String>,
    pub subject_id: Option<Uuid>,
    /// Whether the points still count.
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl From<Penalty> for PenaltyView {
    fn from(p: Penalty) -> PenaltyView {
        PenaltyView {
            active: p.is_active(domain::clock::now()),
            id: p.id,
            company_id: p.company_id,
            points: p.points,
            reason_code: p.reason.as_str().into(),
            note: p.note,
            report_id: p.report_id,
            subject_type: p.subject_type,
            subject_id: p.subject_id,
            created_at: utc(p.created_at),
            expires_at: utc(p.expires_at),
        }
    }
}

/// Where a company's active points put it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandingView {
    pub active_points: i32,
    /// `none`, `warn`, `restrict` or `suspend`.
    pub level: String,
    /// Publishing products or listings and sending quotes are refused (`company_restricted`).
    pub restricted: bool,
}

impl From<Standing> for StandingView {
    fn from(s: Standing) -> StandingView {
        StandingView {
            active_points: s.active_points,
            level: s.level.as_str().into(),
            restricted: s.restricted,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedPenaltyView {
    pub penalty: PenaltyView,
    pub standing: StandingView,
    /// Whether these points suspended the company.
    pub suspended: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PenaltyPage {
    pub standing: StandingView,
    pub items: Vec<PenaltyView>,
    pub next_cursor: Option<String>,
}

/// Records penalty points against a company (audited).
///
/// The company's owners and admins are told; crossing a threshold warns, restricts or suspends it.
#[utoipa::path(tag = "operator", params(("id" = Uuid, Path)), request_body = PenaltyRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The penalty and the company's standing after it", body = RecordedPenaltyView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`company_not_found`: no such company", body = ErrorBody),
    (status = 409, description = "report_already_penalized", body = ErrorBody)))]
#[post("/api/v1/operator/companies/{id}/penalties")]
pub async fn record_penalty(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<PenaltyRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = PenaltyInput::from(body.0);
    let policy = state.config.penalty_policy();
    let recorded = state
        .db(move |conn| penalty::record_penalty(conn, &op.0, id, input, &policy))
        .await?;
    Ok(HttpResponse::Created().json(RecordedPenaltyView {
        penalty: recorded.penalty.into(),
        standing: recorded.standing.into(),
        suspended: recorded.suspended,
    }))
}

/// A company's penalty history and standing, newest first.
///
/// A company's penalty history, newest first, with its standing: its members and operators
/// (404 for everyone else).
#[utoipa::path(tag = "credit", params(("id" = Uuid, Path), PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of penalties, newest first, with the company's standing", body = PenaltyPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are neither a member nor an operator", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/penalties")]
pub async fn list_penalties(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let page = page.parse()?;
    let (standing, items) = state
        .db(move |conn| penalty::list_penalties(conn, &user.actor, id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(PenaltyPage {
        standing: standing.into(),
        items: items.items.into_iter().map(Into::into).collect(),
        next_cursor: items.next_cursor,
    }))
}
