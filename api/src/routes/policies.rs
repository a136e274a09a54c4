//! The platform's published rules: terms of service, privacy notice, trading, safety and
//! prohibited-information rules, each in numbered versions that operators publish.

use actix_web::{HttpResponse, get, post, web};
use domain::policy::{self, PolicyDocument, PolicyInput, PolicyKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::{AuthUser, OperatorUser};
use crate::body::Body;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    #[schema(value_type = String, example = "terms")]
    pub kind: String,
    /// Counts from 1 per kind; each publication is the next.
    pub version: i32,
    pub title_zh: String,
    pub title_en: String,
    /// Plain text; paragraphs separated by blank lines.
    pub body_zh: String,
    pub body_en: String,
    /// What changed against the previous version.
    pub change_note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: time::OffsetDateTime,
}

impl From<PolicyDocument> for PolicyView {
    fn from(d: PolicyDocument) -> PolicyView {
        PolicyView {
            kind: d.kind.as_str().into(),
            version: d.version,
            title_zh: d.title_zh,
            title_en: d.title_en,
            body_zh: d.body_zh,
            body_en: d.body_en,
            change_note: d.change_note,
            published_at: utc(d.published_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyList {
    pub items: Vec<PolicyView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRequest {
    /// 1–100 characters.
    #[schema(
        format = "line",
        example = "用户服务协议",
        min_length = 1,
        max_length = 100
    )]
    pub title_zh: String,
    #[schema(
        format = "line",
        example = "Terms of Service",
        min_length = 1,
        max_length = 100
    )]
    pub title_en: String,
    /// Plain text, 1–100,000 characters; paragraphs separated by blank lines.
    #[schema(format = "lines", min_length = 1, max_length = 100000)]
    pub body_zh: String,
    #[schema(format = "lines", min_length = 1, max_length = 100000)]
    pub body_en: String,
    /// What changed against the previous version (up to 1,000 characters).
    #[serde(default)]
    #[schema(format = "lines", max_length = 1000)]
    pub change_note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptanceView {
    #[schema(value_type = String, example = "terms")]
    pub kind: String,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub accepted_at: time::OffsetDateTime,
}

/// A current version the account has not accepted yet (published after it registered).
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingPolicyView {
    #[schema(value_type = String, example = "terms")]
    pub kind: String,
    pub version: i32,
    pub title_zh: String,
    pub title_en: String,
    /// What changed against the previous version.
    pub change_note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: time::OffsetDateTime,
}

impl From<PolicyDocument> for PendingPolicyView {
    fn from(d: PolicyDocument) -> PendingPolicyView {
        PendingPolicyView {
            kind: d.kind.as_str().into(),
            version: d.version,
            title_zh: d.title_zh,
            title_en: d.title_en,
            change_note: d.change_note,
            published_at: utc(d.published_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptanceList {
    pub items: Vec<AcceptanceView>,
    /// The current versions of the terms and the privacy notice the account has not accepted:
    /// to be read and accepted (`POST /api/v1/me/policy-acceptances`).
    pub pending: Vec<PendingPolicyView>,
}

/// Accepting the current version of the terms or the privacy notice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptPolicyRequest {
    /// `terms` or `privacy` (the other rules bind by being published).
    #[schema(example = "terms")]
    pub kind: String,
    /// The version read, which must be the current one.
    #[schema(minimum = 1, maximum = 1000000, example = 2)]
    pub version: i32,
}

fn kind_of(text: &str) -> Result<PolicyKind, ApiError> {
    PolicyKind::parse(text).ok_or_else(|| policy::PolicyError::NotFound.into())
}

/// The current version of every published document.
#[utoipa::path(tag = "policies", responses((status = 200, description = "The newest version of each published kind", body = PolicyList)))]
#[get("/api/v1/policies")]
pub async fn list_policies(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let docs = state
        .db(|conn| policy::current_all(conn).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(PolicyList {
        items: docs.into_iter().map(Into::into).collect(),
    }))
}

/// The current version of one document.
#[utoipa::path(tag = "policies", params(("kind" = String, Path, description = "terms, privacy, trading_rules, safety_rules or prohibited_items")), responses(
    (status = 200, description = "The newest version", body = PolicyView),
    (status = 404, description = "policy_not_found: unknown kind or nothing published yet", body = ErrorBody)))]
#[get("/api/v1/policies/{kind}")]
pub async fn get_policy(
    state: web::Data<AppState>,
    kind: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let kind = kind_of(&kind)?;
    let doc = state
        .db(move |conn| policy::current(conn, kind).map_err(ApiError::from))
        .await?
        .ok_or(policy::PolicyError::NotFound)?;
    Ok(HttpResponse::Ok().json(PolicyView::from(doc)))
}

/// Every version of one document, newest first.
#[utoipa::path(tag = "policies", params(("kind" = String, Path, description = "terms, privacy, trading_rules, safety_rules or prohibited_items")), responses(
    (status = 200, description = "The versions, newest first (empty before the first publication)", body = PolicyList),
    (status = 404, description = "policy_not_found: unknown kind", body = ErrorBody)))]
#[get("/api/v1/policies/{kind}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    kind: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let kind = kind_of(&kind)?;
    let docs = state
        .db(move |conn| policy::versions(conn, kind).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(PolicyList {
        items: docs.into_iter().map(Into::into).collect(),
    }))
}

/// One version of one document.
#[utoipa::path(tag = "policies", params(("kind" = String, Path), ("version" = i32, Path, minimum = 1)), responses(
    (status = 200, description = "That version", body = PolicyView),
    (status = 404, description = "policy_not_found", body = ErrorBody)))]
#[get("/api/v1/policies/{kind}/versions/{version}")]
pub async fn get_version(
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
) -> ApiResult<HttpResponse> {
    let (kind, number) = path.into_inner();
    let kind = kind_of(&kind)?;
    let doc = state
        .db(move |conn| policy::version(conn, kind, number))
        .await?;
    Ok(HttpResponse::Ok().json(PolicyView::from(doc)))
}

/// Publishes the next version of a document.
///
/// Operators only; audited as `policy.publish`. New accounts accept the current terms of
/// service and privacy notice at registration.
#[utoipa::path(tag = "operator", params(("kind" = String, Path, description = "terms, privacy, trading_rules, safety_rules or prohibited_items")),
    request_body = PolicyRequest, security(("bearer" = [])), responses(
    (status = 201, description = "Published", body = PolicyView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "policy_not_found: unknown kind", body = ErrorBody)))]
#[post("/api/v1/operator/policies/{kind}")]
pub async fn publish_policy(
    state: web::Data<AppState>,
    op: OperatorUser,
    kind: web::Path<String>,
    body: Body<PolicyRequest>,
) -> ApiResult<HttpResponse> {
    let kind = kind_of(&kind)?;
    let r = body.0;
    let input = PolicyInput {
        title_zh: r.title_zh,
        title_en: r.title_en,
        body_zh: r.body_zh,
        body_en: r.body_en,
        change_note: r.change_note,
    };
    let doc = state
        .db(move |conn| policy::publish(conn, &op.0, kind, input))
        .await?;
    Ok(HttpResponse::Created().json(PolicyView::from(doc)))
}

fn acceptance_list(
    rows: Vec<(PolicyKind, i32, time::PrimitiveDateTime)>,
    pending: Vec<PolicyDocument>,
) -> AcceptanceList {
    AcceptanceList {
        items: rows
            .into_iter()
            .map(|(kind, version, at)| AcceptanceView {
                kind: kind.as_str().into(),
                version,
                accepted_at: utc(at),
            })
            .collect(),
        pending: pending.into_iter().map(PendingPolicyView::from).collect(),
    }
}

/// The terms and privacy notice versions the account accepted, and those it has yet to accept.
///
/// Oldest first, with the time of acceptance (at registration, or later for a newer version);
/// `pending` lists the current versions published since.
#[utoipa::path(tag = "policies", security(("bearer" = [])), responses(
    (status = 200, description = "What the account accepted and when, and what it has yet to accept", body = AcceptanceList),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/me/policy-acceptances")]
pub async fn my_acceptances(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let user_id = user.actor.user_id;
    let (rows, pending) = state
        .db(move |conn| {
            Ok::<_, ApiError>((
                policy::acceptances_of(conn, user_id)?,
                policy::pending_for(conn, user_id)?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(acceptance_list(rows, pending)))
}

/// Accepts the current version of the terms or the privacy notice.
///
/// Recorded with the time; accepting a version twice records it once. A version that is no
/// longer current (a newer one was published while it was being read) is 409
/// `policy_outdated`.
#[utoipa::path(tag = "policies", request_body = AcceptPolicyRequest, security(("bearer" = [])), responses(
    (status = 200, description = "Accepted: what the account accepted, and what it has yet to accept", body = AcceptanceList),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 404, description = "policy_not_found: no such version published", body = ErrorBody),
    (status = 409, description = "policy_outdated: a newer version is current", body = ErrorBody)))]
#[post("/api/v1/me/policy-acceptances")]
pub async fn accept_policy(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<AcceptPolicyRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.0;
    let kind = accepted_kind(&r.kind)?;
    if r.version < 1 {
        return Err(ApiError::validation(vec![domain::FieldError::new(
            "version",
            "out_of_range",
            "must be at least 1",
        )]));
    }
    let user_id = user.actor.user_id;
    let (rows, pending) = state
        .db(move |conn| {
            policy::accept_current(conn, user_id, kind, r.version)?;
            Ok::<_, ApiError>((
                policy::acceptances_of(conn, user_id)?,
                policy::pending_for(conn, user_id)?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(acceptance_list(rows, pending)))
}

/// `terms` or `privacy`: the kinds an account accepts; anything else is a 400.
pub(crate) fn accepted_kind(text: &str) -> Result<PolicyKind, ApiError> {
    PolicyKind::parse(text)
        .filter(|k| k.accepted_at_registration())
        .ok_or_else(|| {
            ApiError::validation(vec![domain::FieldError::new(
                "kind",
                "invalid_choice",
                "must be one of: terms, privacy",
            )])
        })
}
