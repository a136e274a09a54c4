//! Change requests as their owners see them: edits of published products, open listings and
//! verified companies' profiles, field by field, with the operator's decision.

use actix_web::{HttpResponse, get, web};
use domain::review::{self, ChangeRequest, ChangeRequestFilter, ChangeStatus};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::pagination::PageQuery;
use super::responses::{BadRequest, Unauthorized};
use crate::auth::AuthUser;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

/// What an edit did.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditOutcome {
    /// `applied`: the edit is what the item shows now (edited in place, or an auto-approved
    /// change request); `pending`: a change request waits for an operator and the item shows
    /// the live version unchanged.
    #[schema(example = "pending")]
    pub outcome: String,
    /// The change request holding the edit (absent for items edited in place, and for an edit
    /// that changed nothing).
    pub change_request_id: Option<Uuid>,
    /// `pending` or `auto_approved`.
    pub change_request_status: Option<String>,
}

impl From<Option<&ChangeRequest>> for EditOutcome {
    fn from(cr: Option<&ChangeRequest>) -> EditOutcome {
        match cr {
            Some(cr) => EditOutcome {
                outcome: if cr.status == ChangeStatus::AutoApproved {
                    "applied"
                } else {
                    "pending"
                }
                .into(),
                change_request_id: Some(cr.id),
                change_request_status: Some(cr.status.as_str().into()),
            },
            None => EditOutcome {
                outcome: "applied".into(),
                change_request_id: None,
                change_request_status: None,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeView {
    #[schema(example = "title_en")]
    pub field: String,
    /// The live value when the change was proposed (JSON of the field's type; prices as
    /// decimal strings): any JSON value, a string for texts.
    pub from: serde_json::Value,
    /// The proposed value, of the same type.
    pub to: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRequestView {
    pub id: Uuid,
    /// `product`, `listing` or `company`.
    pub subject_type: String,
    pub subject_id: Uuid,
    pub company_id: Option<Uuid>,
    /// The account that made the (latest) edit.
    pub requested_by: Uuid,
    /// `pending`, `changes_requested`, `approved`, `auto_approved`, `rejected`, `withdrawn` or
    /// `superseded` (the live item changed after the proposal; nothing was applied).
    pub status: String,
    /// Field by field: live value → proposed value.
    pub changes: Vec<FieldChangeView>,
    /// 0 for the first proposal; every edit that replaced it adds one.
    pub revision: i32,
    /// The operator's reason code (rejections; optional when changes were requested).
    pub reason_code: Option<String>,
    /// The operator's note to the owner (or what ended the request).
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<ChangeRequest> for ChangeRequestView {
    fn from(c: ChangeRequest) -> ChangeRequestView {
        ChangeRequestView {
            id: c.id,
            subject_type: c.subject_type,
            subject_id: c.subject_id,
            company_id: c.company_id,
            requested_by: c.requested_by,
            status: c.status.as_str().into(),
            changes: c
                .changes
                .into_iter()
                .map(|f| FieldChangeView {
                    field: f.field,
                    from: f.from,
                    to: f.to,
                })
                .collect(),
            revision: c.revision,
            reason_code: c.reason_code,
            note: c.note,
            decided_at: utc_opt(c.decided_at),
            created_at: utc(c.created_at),
            updated_at: utc(c.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRequestPage {
    pub items: Vec<ChangeRequestView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ChangeRequestsQuery {
    /// `pending`, `changes_requested`, `approved`, `auto_approved`, `rejected`, `withdrawn` or
    /// `superseded`.
    pub status: Option<String>,
    /// `product`, `listing` or `company`.
    pub subject_type: Option<String>,
    /// One product, listing or company.
    pub subject_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The change requests you may see, newest first.
///
/// The change requests of your company (its profile, products and sell offers) and of your own
/// listings, newest first; operators see all.
#[utoipa::path(tag = "change requests", params(ChangeRequestsQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of change requests, newest first", body = ChangeRequestPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/change-requests")]
pub async fn list_change_requests(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ChangeRequestsQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let filter = ChangeRequestFilter {
        status: q.status,
        subject_type: q.subject_type,
        subject_id: q.subject_id,
    };
    let page = state
        .db(move |conn| review::list_change_requests(conn, &user.actor, &filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(ChangeRequestPage {
        items: page
            .items
            .into_iter()
            .map(ChangeRequestView::from)
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One change request with its field-by-field diff and decision.
///
/// One change request with its field-by-field diff and decision (the item's company members,
/// the listing's owner, operators; 404 for everyone else).
#[utoipa::path(tag = "change requests", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The change request with its field-by-field diff and decision", body = ChangeRequestView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`change_request_not_found`: no such change request, or not yours to see", body = ErrorBody)))]
#[get("/api/v1/change-requests/{id}")]
pub async fn get_change_request(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let cr = state
        .db(move |conn| review::get_change_request(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(ChangeRequestView::from(cr)))
}
