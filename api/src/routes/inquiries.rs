//! Inquiries (询盘): a buyer writes to up to 10 companies at once; each company gets a thread.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::inquiry::{
    self, CreatedInquiries, InboxQuery, InboxSide, InquiryThread, InquiryView, Message,
    MessageInput, NewInquiry, TargetInput, Viewer,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::pagination::PageQuery;
use super::responses::{BadRequest, Unauthorized};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRequest {
    /// `product` (a published product), `listing` (an open sell offer) or `company` (its
    /// storefront).
    #[serde(rename = "type")]
    #[schema(example = "product")]
    pub kind: String,
    #[schema(format = Uuid)]
    pub id: String,
}

/// A new inquiry. Plain text: the API stores it as sent and never renders it as HTML.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInquiryRequest {
    /// Up to 200 characters.
    #[schema(
        format = "line",
        min_length = 1,
        max_length = 200,
        example = "Quotation for 304 vacuum flasks"
    )]
    pub subject: String,
    /// Up to 5000 characters.
    #[schema(
        format = "lines",
        min_length = 1,
        max_length = 5000,
        example = "Please quote 5000 pcs, printed logo, FOB Ningbo."
    )]
    pub message: String,
    /// Quantity wanted, with `unit` (both or neither).
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub quantity: Option<i64>,
    #[schema(format = "line", max_length = 20, example = "piece")]
    pub unit: Option<String>,
    /// Up to 10 media ids: uploads with purpose `attachment` by you (or, answering for a
    /// company, by a member of it). Readable by the thread's participants and operators only.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub attachments: Vec<String>,
    /// 1 to 10 targets; each distinct company gets its own thread.
    #[serde(default)]
    #[schema(min_items = 1, max_items = 10)]
    pub targets: Vec<TargetRequest>,
    /// Show your e-mail address to the companies addressed (in their lead inbox and its CSV
    /// export). Default `false`: they see your name only.
    #[serde(default)]
    pub share_email: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// Plain text, up to 5000 characters.
    #[schema(format = "lines", min_length = 1, max_length = 5000)]
    pub body: String,
    /// Up to 10 media ids: uploads with purpose `attachment` by you (or, answering for a
    /// company, by a member of it). Readable by the thread's participants and operators only.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// A member of the company; `null` unassigns.
    pub user_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InquirySubjectView {
    /// `product`, `listing` or `company`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InquirySummary {
    pub id: Uuid,
    /// Shared by the threads one request opened.
    pub batch_id: Uuid,
    /// `new`, `replied`, `closed` or (company side only) `spam`; the buyer sees a spam thread
    /// as `closed`.
    pub status: String,
    pub subject: String,
    /// What the buyer wrote about (the first target of the request naming this company).
    pub about: InquirySubjectView,
    pub quantity: Option<i64>,
    pub unit: Option<String>,
    pub buyer_id: Uuid,
    pub buyer_name: String,
    pub company_id: Uuid,
    pub company_name: String,
    pub company_slug: String,
    /// Company side and operators only.
    pub assigned_to: Option<Uuid>,
    /// The side the caller reads from: `buyer`, `supplier` or `operator`.
    pub viewer: String,
    /// The other side wrote after the caller's side last read (always false for operators).
    pub unread: bool,
    /// The company's first response (first message or spam mark).
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_response_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub last_message_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

fn viewer_name(v: Viewer) -> &'static str {
    match v {
        Viewer::Buyer => "buyer",
        Viewer::Supplier => "supplier",
        Viewer::Operator => "operator",
    }
}

impl From<InquiryView> for InquirySummary {
    fn from(v: InquiryView) -> InquirySummary {
        let i = v.inquiry;
        InquirySummary {
            id: i.id,
            batch_id: i.batch_id,
            status: i.status.as_str().into(),
            subject: i.subject,
            about: InquirySubjectView {
                kind: i.subject_type.as_str().into(),
                id: i.subject_id,
            },
            quantity: i.quantity,
            unit: i.unit,
            buyer_id: i.buyer_id,
            buyer_name: v.buyer_name,
            company_id: i.company_id,
            company_name: v.company_name,
            company_slug: v.company_slug,
            assigned_to: i.assigned_to,
            viewer: viewer_name(v.viewer).into(),
            unread: v.unread,
            first_response_at: utc_opt(i.first_response_at),
            last_message_at: utc(i.last_message_at),
            created_at: utc(i.created_at),
            updated_at: utc(i.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    /// `buyer` or `supplier`.
    pub side: String,
    pub body: String,
    pub attachments: Vec<super::media::AttachmentView>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> MessageView {
        MessageView {
            id: m.id,
            author_id: m.author_id,
            author_name: m.author_name,
            side: m.side.as_str().into(),
            body: m.body,
            attachments: super::media::attachment_views(&m.attachments),
            created_at: utc(m.created_at),
        }
    }
}

/// A thread and its messages, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InquiryThreadView {
    pub inquiry: InquirySummary,
    pub messages: Vec<MessageView>,
}

impl From<InquiryThread> for InquiryThreadView {
    fn from(t: InquiryThread) -> InquiryThreadView {
        InquiryThreadView {
            inquiry: t.view.into(),
            messages: t.messages.into_iter().map(MessageView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedInquiriesView {
    pub batch_id: Uuid,
    /// One thread per distinct company, in the order of the targets.
    pub threads: Vec<InquirySummary>,
}

impl From<CreatedInquiries> for CreatedInquiriesView {
    fn from(c: CreatedInquiries) -> CreatedInquiriesView {
        CreatedInquiriesView {
            batch_id: c.batch_id,
            threads: c.threads.into_iter().map(InquirySummary::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InquiryPage {
    /// The inbox listed: `buyer` or `supplier`.
    #[serde(rename = "as")]
    pub side: String,
    pub items: Vec<InquirySummary>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadView {
    /// Threads the caller opened in which the company wrote after the caller last read.
    pub as_buyer: i64,
    /// Threads of the caller's company (not spam) in which the buyer wrote after the company's
    /// read marker.
    pub as_supplier: i64,
}

/// Sends an inquiry to up to 10 companies: one thread each, sharing a `batch_id`.
///
/// Buyers and suppliers (not to their own company); operators 403. Limited per account and per
/// client address (429 `rate_limited`), per day for accounts younger than 7 days (429
/// `new_account_daily_cap`), and for the same message to too many companies (429
/// `duplicate_message`), all with `Retry-After`. A company that blocked the caller refuses the
/// whole request (403 `blocked`).
#[utoipa::path(tag = "inquiries", request_body = CreateInquiryRequest, security(("bearer" = [])), responses(
    (status = 201, description = "One thread per company, sharing a `batch_id`", body = CreatedInquiriesView),
    (status = 400, description = "validation_failed (`targets[i].id`: not_found, own_company)", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "forbidden, blocked or email_unverified", body = ErrorBody),
    (status = 429, description = "rate_limited, new_account_daily_cap or duplicate_message", body = ErrorBody)))]
#[post("/api/v1/inquiries")]
pub async fn create_inquiry(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Body<CreateInquiryRequest>,
) -> ApiResult<HttpResponse> {
    user.require_verified()?;
    crate::limits::guards::check_inquiry(&state, &req, user.actor.user_id).await?;
    let cfg = &state.config;
    let r = body.0;
    let input = NewInquiry {
        share_email: r.share_email,
        subject: r.subject,
        message: r.message,
        quantity: r.quantity,
        unit: r.unit,
        attachments: r.attachments,
        targets: r
            .targets
            .into_iter()
            .map(|t| TargetInput {
                kind: t.kind,
                id: t.id,
            })
            .collect(),
    };
    let limits = cfg.spam_limits();
    let created = state
        .db(move |conn| inquiry::create_inquiries(conn, &user.actor, input, &limits))
        .await?;
    Ok(HttpResponse::Created().json(CreatedInquiriesView::from(created)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct InquiryListQuery {
    /// `buyer` (threads you opened) or `supplier` (your company's threads); default `supplier`
    /// for a company member, else `buyer`.
    #[serde(rename = "as")]
    #[param(rename = "as")]
    pub side: Option<String>,
    /// `new`, `replied`, `closed`, or `spam` (supplier side only).
    pub status: Option<String>,
    /// Supplier side only: a member's user id, `me` or `none` (blank: anyone).
    #[param(format = "member_or_blank")]
    pub assigned_to: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The caller's inquiry threads, newest first.
#[utoipa::path(tag = "inquiries", params(InquiryListQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of the caller's inquiry threads, newest first", body = InquiryPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/inquiries")]
pub async fn list_inquiries(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<InquiryListQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let inbox = InboxQuery {
        side: q.side,
        status: q.status,
        assigned_to: q.assigned_to,
    };
    let (side, page) = state
        .db(move |conn| inquiry::list_inquiries(conn, &user.actor, inbox, &page))
        .await?;
    Ok(HttpResponse::Ok().json(InquiryPage {
        side: match side {
            InboxSide::Buyer => "buyer",
            InboxSide::Supplier => "supplier",
        }
        .into(),
        items: page.items.into_iter().map(InquirySummary::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// How many threads have something unread, as buyer and as supplier.
#[utoipa::path(operation_id = "count_unread_inquiries", tag = "inquiries", security(("bearer" = [])), responses(
    (status = 200, description = "Counts of threads with something unread, as buyer and as supplier", body = UnreadView),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/inquiries/unread")]
pub async fn unread_inquiries(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    let counts = state
        .db(move |conn| inquiry::unread_counts(conn, &user.actor))
        .await?;
    Ok(HttpResponse::Ok().json(UnreadView {
        as_buyer: counts.as_buyer,
        as_supplier: counts.as_supplier,
    }))
}

/// A thread with its messages.
///
/// For the buyer, the company's members and operators; 404 for everyone else.
#[utoipa::path(tag = "inquiries", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The thread with its messages", body = InquiryThreadView),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`inquiry_not_found`: no such thread, or you are not one of its parties", body = ErrorBody)))]
#[get("/api/v1/inquiries/{id}")]
pub async fn get_inquiry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let thread = state
        .db(move |conn| inquiry::get_inquiry(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(InquiryThreadView::from(thread)))
}

/// Writes in a thread (the buyer or any member of the company; operators 403).
///
/// The company's first message makes the thread `replied`. Closed threads take no messages (409
/// `inquiry_closed`); a buyer the company blocked gets 403 `blocked`.
#[utoipa::path(tag = "inquiries", params(("id" = Uuid, Path)), request_body = MessageRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The message as stored", body = MessageView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "forbidden or blocked", body = ErrorBody),
    (status = 404, description = "`inquiry_not_found`: no such thread, or you are not one of its parties", body = ErrorBody),
    (status = 409, description = "inquiry_closed or company_suspended", body = ErrorBody)))]
#[post("/api/v1/inquiries/{id}/messages")]
pub async fn post_message(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<MessageRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = MessageInput {
        body: body.0.body,
        attachments: body.0.attachments,
    };
    let message = state
        .db(move |conn| inquiry::post_message(conn, &user.actor, id, input))
        .await?;
    Ok(HttpResponse::Created().json(MessageView::from(message)))
}

/// Marks the thread read for the caller's side (buyer, or the company as a whole).
#[utoipa::path(operation_id = "mark_inquiry_read", tag = "inquiries", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "The thread is read for the caller's side"),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: operators have no side to mark read", body = ErrorBody),
    (status = 404, description = "`inquiry_not_found`: no such thread, or you are not one of its parties", body = ErrorBody)))]
#[post("/api/v1/inquiries/{id}/read")]
pub async fn read_inquiry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db(move |conn| inquiry::mark_read(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Assigns the thread to a member of the company (owners and admins); `null` unassigns.
#[utoipa::path(tag = "inquiries", params(("id" = Uuid, Path)), request_body = AssignRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The thread with its new assignee", body = InquirySummary),
    (status = 400, description = "validation_failed (`user_id`: not_a_member)", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: only the company's owners and admins assign (not the buyer, staff or operators)", body = ErrorBody),
    (status = 404, description = "`inquiry_not_found`: no such thread, or you are not one of its parties", body = ErrorBody)))]
#[post("/api/v1/inquiries/{id}/assign")]
pub async fn assign_inquiry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<AssignRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let assignee = body.0.user_id;
    let view = state
        .db(move |conn| inquiry::assign_inquiry(conn, &user.actor, id, assignee))
        .await?;
    Ok(HttpResponse::Ok().json(InquirySummary::from(view)))
}

/// Closes the thread (the buyer or any member). Closing a closed thread changes nothing.
#[utoipa::path(tag = "inquiries", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The closed thread", body = InquirySummary),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: operators read threads but do not close them", body = ErrorBody),
    (status = 404, description = "`inquiry_not_found`: no such thread, or you are not one of its parties", body = ErrorBody)))]
#[post("/api/v1/inquiries/{id}/close")]
pub async fn close_inquiry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| inquiry::close_inquiry(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(InquirySummary::from(view)))
}

/// Marks the thread spam (any member of the company).
///
/// The mark is terminal, counts as the company's response, and the buyer sees the thread as
/// `closed`.
#[utoipa::path(operation_id = "mark_inquiry_spam", tag = "inquiries", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The thread, now `spam`", body = InquirySummary),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: only the company's members mark a thread spam", body = ErrorBody),
    (status = 404, description = "`inquiry_not_found`: no such thread, or you are not one of its parties", body = ErrorBody)))]
#[post("/api/v1/inquiries/{id}/spam")]
pub async fn mark_spam(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| inquiry::mark_spam(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(InquirySummary::from(view)))
}
