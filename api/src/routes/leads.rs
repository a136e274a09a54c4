//! The supplier's lead inbox: inquiries and quotes as leads, worked by the company's members.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use domain::lead::{self, LeadFilterInput, LeadNote, LeadPatch, LeadSummary};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::pagination::PageQuery;
use super::responses::{BadRequest, Unauthorized};
use crate::auth::AuthUser;
use crate::body::{Body, double_option};
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadView {
    pub id: Uuid,
    pub company_id: Uuid,
    /// `inquiry` or `quote`.
    pub source: String,
    /// The inquiry thread or the quote this lead is.
    pub source_id: Uuid,
    /// The inquiry's subject, or the title of the buy request the quote answers.
    pub subject: String,
    pub buyer_id: Uuid,
    pub buyer_name: String,
    /// Only when the buyer chose to share it in the inquiry the lead came from
    /// (`share_email`); `null` otherwise, and always for leads from quotes.
    pub buyer_email: Option<String>,
    /// `new`, `contacted`, `quoted`, `negotiating`, `won` or `lost`.
    pub stage: String,
    /// The buyer's grade in this company: `vip`, `key`, `regular` or `small`.
    pub grade: String,
    pub tags: Vec<String>,
    pub assigned_to: Option<Uuid>,
    pub assigned_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(example = "2026-12-01")]
    pub follow_up_on: Option<String>,
    pub notes_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<LeadSummary> for LeadView {
    fn from(s: LeadSummary) -> LeadView {
        let l = s.lead;
        LeadView {
            id: l.id,
            company_id: l.company_id,
            source: l.source.as_str().into(),
            source_id: l.source_id,
            subject: s.subject,
            buyer_id: l.buyer_id,
            buyer_name: s.buyer_name,
            buyer_email: s.buyer_email,
            stage: l.stage.as_str().into(),
            grade: l.grade.as_str().into(),
            tags: l.tags,
            assigned_to: l.assigned_to,
            assigned_name: s.assigned_name,
            follow_up_on: l.follow_up_on.map(|d| d.to_string()),
            notes_count: s.notes_count,
            created_at: utc(l.created_at),
            updated_at: utc(l.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadNoteView {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<LeadNote> for LeadNoteView {
    fn from(n: LeadNote) -> LeadNoteView {
        LeadNoteView {
            id: n.id,
            author_id: n.author_id,
            author_name: n.author_name,
            body: n.body,
            created_at: utc(n.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadDetail {
    #[serde(flatten)]
    pub lead: LeadView,
    /// Private notes of the company's members, oldest first.
    pub notes: Vec<LeadNoteView>,
}

impl From<(LeadSummary, Vec<LeadNote>)> for LeadDetail {
    fn from((lead, notes): (LeadSummary, Vec<LeadNote>)) -> LeadDetail {
        LeadDetail {
            lead: lead.into(),
            notes: notes.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadPage {
    pub items: Vec<LeadView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LeadFilterQuery {
    /// `new`, `contacted`, `quoted`, `negotiating`, `won` or `lost`.
    pub stage: Option<String>,
    /// `vip`, `key`, `regular` or `small`.
    pub grade: Option<String>,
    /// Leads carrying this tag (tags are compared lower-cased).
    pub tag: Option<String>,
    /// A member's user id (blank: any).
    #[param(format = "uuid_or_blank")]
    pub assigned_to: Option<String>,
    /// `inquiry` or `quote`.
    pub source: Option<String>,
    /// Leads with a follow-up date on or before this day (`YYYY-MM-DD`; blank: any).
    #[param(format = "date_or_blank")]
    pub follow_up_before: Option<String>,
}

impl From<LeadFilterQuery> for LeadFilterInput {
    fn from(q: LeadFilterQuery) -> LeadFilterInput {
        LeadFilterInput {
            stage: q.stage,
            grade: q.grade,
            tag: q.tag,
            assigned_to: q.assigned_to,
            source: q.source,
            follow_up_before: q.follow_up_before,
        }
    }
}

/// The company's leads, newest first, filtered (company members only; 404 for anyone else).
#[utoipa::path(tag = "leads", params(("id" = Uuid, Path, description = "company id"), LeadFilterQuery, PageQuery),
    security(("bearer" = [])), responses(
    (status = 200, description = "A page of the company's leads, newest first", body = LeadPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are not a member", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/leads")]
pub async fn list_leads(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    filter: web::Query<LeadFilterQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let page = page.parse()?;
    let filter = LeadFilterInput::from(filter.into_inner());
    let page = state
        .db(move |conn| lead::list_leads(conn, &user.actor, company_id, &filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(LeadPage {
        items: page.items.into_iter().map(LeadView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// The company's leads as CSV.
///
/// The same leads as CSV (UTF-8 with a byte-order mark, CRLF lines), newest first, at most
/// 50,000 rows. Cells that a spreadsheet would run as a formula are prefixed with `'`.
#[utoipa::path(tag = "leads", params(("id" = Uuid, Path, description = "company id"), LeadFilterQuery),
    security(("bearer" = [])), responses(
    (status = 200, description = "The leads as CSV (UTF-8 with a byte-order mark, CRLF lines)", content_type = "text/csv", body = String),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are not a member", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/leads.csv")]
pub async fn export_leads(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    filter: web::Query<LeadFilterQuery>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let filter = LeadFilterInput::from(filter.into_inner());
    let csv = state
        .db(move |conn| lead::export_leads_csv(conn, &user.actor, company_id, &filter))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"leads.csv\"",
        ))
        .body(csv))
}

/// A lead with its private notes (company members only).
#[utoipa::path(tag = "leads", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The lead with its private notes", body = LeadDetail),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`lead_not_found`: no such lead, or you are not a member of its company", body = ErrorBody)))]
#[get("/api/v1/leads/{id}")]
pub async fn get_lead(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let lead = state
        .db(move |conn| lead::get_lead(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(LeadDetail::from(lead)))
}

/// Lead changes. Absent fields keep their value; `null` clears `assigned_to` or `follow_up_on`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadPatchRequest {
    /// `new`, `contacted`, `quoted`, `negotiating`, `won` or `lost`.
    pub stage: Option<String>,
    /// The buyer's grade; it changes on all of this buyer's leads in the company.
    pub grade: Option<String>,
    /// Replaces the tags: at most 10, each 1–30 characters, stored lower-cased.
    #[schema(max_items = 10)]
    pub tags: Option<Vec<String>>,
    /// A member of the company (owners and admins only); `null` unassigns.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub assigned_to: Option<Option<Uuid>>,
    /// `YYYY-MM-DD`; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date, example = "2026-12-01")]
    pub follow_up_on: Option<Option<String>>,
}

/// Works a lead: stage, tags, grade, follow-up date (any member); assignee (owners and admins).
#[utoipa::path(tag = "leads", params(("id" = Uuid, Path)), request_body = LeadPatchRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The lead with the changes applied", body = LeadDetail),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: only owners and admins change the assignee", body = ErrorBody),
    (status = 404, description = "`lead_not_found`: no such lead, or you are not a member of its company", body = ErrorBody)))]
#[patch("/api/v1/leads/{id}")]
pub async fn update_lead(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<LeadPatchRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.0;
    let patch = LeadPatch {
        stage: b.stage,
        grade: b.grade,
        tags: b.tags,
        assigned_to: b.assigned_to,
        follow_up_on: b.follow_up_on,
    };
    let lead = state
        .db(move |conn| lead::update_lead(conn, &user.actor, id, patch))
        .await?;
    Ok(HttpResponse::Ok().json(LeadDetail::from(lead)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadNoteRequest {
    /// Plain text, up to 4,000 characters; only the company's members see it.
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 4000,
        example = "客户要求下周二前报FOB宁波价"
    )]
    pub body: String,
}

/// Adds a private note to a lead (company members only).
#[utoipa::path(tag = "leads", params(("id" = Uuid, Path)), request_body = LeadNoteRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The note as stored", body = LeadNoteView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`lead_not_found`: no such lead, or you are not a member of its company", body = ErrorBody)))]
#[post("/api/v1/leads/{id}/notes")]
pub async fn add_lead_note(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<LeadNoteRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let text = body.0.body;
    let note = state
        .db(move |conn| lead::add_note(conn, &user.actor, id, &text))
        .await?;
    Ok(HttpResponse::Created().json(LeadNoteView::from(note)))
}
