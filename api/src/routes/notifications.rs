//! In-app notifications of the signed-in account.

use actix_web::{HttpResponse, get, post, web};
use domain::notification::{self, Notification};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::pagination::PageQuery;
use super::responses::{BadRequest, Unauthorized};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    /// `inquiry_received`, `inquiry_message`, `quote_received`, `quote_accepted`,
    /// `quote_not_chosen`, `listing_expiring` or `review_decision` (an operator approved,
    /// rejected or requested changes: `data` has `decision`, `reason_code`, `note`, `kind`).
    pub kind: String,
    /// `inquiry`, `listing` or `quote`; for review decisions also `company`, `product`,
    /// `change_request` or `report`.
    pub subject_type: String,
    pub subject_id: Uuid,
    /// What the notification shows (titles, names), by kind.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> NotificationView {
        NotificationView {
            id: n.id,
            kind: n.kind.as_str().into(),
            subject_type: n.subject_type,
            subject_id: n.subject_id,
            data: n.payload,
            read_at: utc_opt(n.read_at),
            created_at: utc(n.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub next_cursor: Option<String>,
    /// Unread notifications in all (not just this page).
    pub unread: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// The signed-in account's notifications, newest first, with the unread count.
#[utoipa::path(tag = "notifications", params(NotificationQuery, PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of notifications, newest first, with the unread count", body = NotificationPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<NotificationQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let unread_only = query.unread.unwrap_or(false);
    let (page, unread) = state
        .db(move |conn| notification::list_notifications(conn, &user.actor, unread_only, &page))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
        unread,
    }))
}

/// Marks one notification read (404 when it is not the caller's).
#[utoipa::path(operation_id = "mark_notification_read", tag = "notifications", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "The notification is read"),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`notification_not_found`: no such notification of the caller", body = ErrorBody)))]
#[post("/api/v1/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let found = state
        .db(move |conn| notification::mark_read(conn, &user.actor, id))
        .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "notification_not_found",
            "notification not found",
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: usize,
}

/// Marks every notification of the caller read.
#[utoipa::path(operation_id = "mark_all_notifications_read", tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, description = "How many notifications were marked read", body = MarkedRead),
    (status = 401, response = Unauthorized)))]
#[post("/api/v1/notifications/read-all")]
pub async fn mark_all_read(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let marked = state
        .db(move |conn| notification::mark_all_read(conn, &user.actor))
        .await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked }))
}
