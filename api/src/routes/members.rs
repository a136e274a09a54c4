//! Company members.

use actix_web::{HttpResponse, delete, get, post, web};
use domain::company::{self, Member};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::responses::{BadRequest, Unauthorized};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    /// `owner`, `admin` or `staff`.
    pub role: String,
    #[serde(with = "time::serde::rfc3339")]
    pub joined_at: OffsetDateTime,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> MemberView {
        MemberView {
            user_id: m.user_id,
            email: m.email,
            display_name: m.display_name,
            role: m.role.as_str().into(),
            joined_at: utc(m.joined_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// An existing supplier account that belongs to no company.
    #[schema(format = Email)]
    pub email: String,
    /// `owner`, `admin` or `staff`. Admins may add staff only.
    pub role: String,
}

/// The company's members (members and operators).
#[utoipa::path(tag = "companies", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The company's members", body = Vec<MemberView>),
    (status = 401, response = Unauthorized),
    (status = 404, description = "`company_not_found`: no such company, or you are neither a member nor an operator", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let members = state
        .db(move |conn| company::list_members(conn, &user.actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(
        members
            .into_iter()
            .map(MemberView::from)
            .collect::<Vec<_>>(),
    ))
}

/// Adds an existing supplier account by e-mail (owners: any role; admins: staff).
#[utoipa::path(tag = "companies", params(("id" = Uuid, Path)), request_body = AddMemberRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The new member", body = MemberView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: not an owner, or an admin adding anything but staff", body = ErrorBody),
    (status = 404, description = "company_not_found or account_not_found", body = ErrorBody),
    (status = 409, description = "already_in_company", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<AddMemberRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let AddMemberRequest { email, role } = body.0;
    let member = state
        .db(move |conn| company::add_member(conn, &user.actor, id, &email, &role))
        .await?;
    Ok(HttpResponse::Created().json(MemberView::from(member)))
}

/// Removes a member. Members may leave; owners remove anyone; admins remove staff; the last owner stays.
#[utoipa::path(tag = "companies", params(("id" = Uuid, Path), ("user_id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "The member is removed"),
    (status = 401, response = Unauthorized),
    (status = 403, description = "`forbidden`: your role may not remove this member", body = ErrorBody),
    (status = 404, description = "`company_not_found` or `member_not_found`: no such company, or the account is not its member", body = ErrorBody),
    (status = 409, description = "last_owner", body = ErrorBody)))]
#[delete("/api/v1/companies/{id}/members/{user_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, member) = path.into_inner();
    state
        .db(move |conn| company::remove_member(conn, &user.actor, id, member))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
