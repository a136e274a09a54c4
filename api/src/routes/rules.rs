//! Screening rules (operators only).

use actix_web::{HttpResponse, get, patch, post, web};
use domain::screening::{self, Rule, RuleInput};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::OperatorUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleView {
    pub id: String,
    /// `term` (a word or phrase, matched through the evasion folding) or `pattern` (a regular
    /// expression over the compact form of the text).
    pub kind: String,
    pub text: String,
    /// `block`, `review` or `flag`.
    pub action: String,
    /// `prohibited_goods`, `counterfeit`, `contact_harvesting`, `fraud`, `adult` or `other`.
    pub category: String,
    /// Phrases inside which a match does not count (象牙白 for 象牙).
    pub exceptions: Vec<String>,
    pub note: Option<String>,
    pub enabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Rule> for RuleView {
    fn from(r: Rule) -> RuleView {
        RuleView {
            id: r.id,
            kind: r.kind.as_str().into(),
            text: r.text,
            action: r.action.as_str().into(),
            category: r.category,
            exceptions: r.exceptions,
            note: r.note,
            enabled: r.enabled,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        }
    }
}

/// A rule. On create `kind`, `text`, `action` and `category` are required; on PATCH absent
/// fields keep their value, and `enabled: false` switches the rule off (rules are never deleted:
/// stored screening outcomes name them).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    #[schema(example = "term")]
    pub kind: Option<String>,
    /// A term needs at least 2 letters, digits or characters; a pattern must compile and must
    /// not match empty text.
    #[schema(format = "line", min_length = 1, max_length = 200, example = "象牙")]
    pub text: Option<String>,
    #[schema(example = "block")]
    pub action: Option<String>,
    #[schema(example = "prohibited_goods")]
    pub category: Option<String>,
    /// Up to 20, each 1–100 characters.
    #[schema(max_items = 20)]
    pub exceptions: Option<Vec<String>>,
    #[schema(format = "lines", max_length = 500)]
    pub note: Option<String>,
    pub enabled: Option<bool>,
}

/// A new rule: as `RuleRequest`, with `kind`, `text`, `action` and `category` required (an
/// edit keeps what it leaves out, so its schema requires none).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleCreateRequest {
    #[schema(value_type = String, required = true, example = "term")]
    pub kind: Option<String>,
    /// A term needs at least 2 letters, digits or characters; a pattern must compile and must
    /// not match empty text.
    #[schema(value_type = String, required = true, format = "line", min_length = 1, max_length = 200, example = "象牙")]
    pub text: Option<String>,
    #[schema(value_type = String, required = true, example = "block")]
    pub action: Option<String>,
    #[schema(value_type = String, required = true, example = "prohibited_goods")]
    pub category: Option<String>,
    /// Up to 20, each 1–100 characters.
    #[schema(max_items = 20)]
    pub exceptions: Option<Vec<String>>,
    #[schema(format = "lines", max_length = 500)]
    pub note: Option<String>,
    pub enabled: Option<bool>,
}

impl From<RuleCreateRequest> for RuleInput {
    fn from(r: RuleCreateRequest) -> RuleInput {
        RuleInput {
            kind: r.kind,
            text: r.text,
            action: r.action,
            category: r.category,
            exceptions: r.exceptions,
            note: r.note,
            enabled: r.enabled,
        }
    }
}

impl From<RuleRequest> for RuleInput {
    fn from(r: RuleRequest) -> RuleInput {
        RuleInput {
            kind: r.kind,
            text: r.text,
            action: r.action,
            category: r.category,
            exceptions: r.exceptions,
            note: r.note,
            enabled: r.enabled,
        }
    }
}

/// Every screening rule, enabled or not.
#[utoipa::path(operation_id = "list_screening_rules", tag = "operator", security(("bearer" = [])), responses(
    (status = 200, description = "Every screening rule", body = Vec<RuleView>),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/rules")]
pub async fn list_rules(state: web::Data<AppState>, op: OperatorUser) -> ApiResult<HttpResponse> {
    let rules = state
        .db(move |conn| screening::list_rules(conn, &op.0))
        .await?;
    Ok(HttpResponse::Ok().json(rules.into_iter().map(RuleView::from).collect::<Vec<_>>()))
}

/// Adds a rule; it applies to every write from the next request on, in every server process.
#[utoipa::path(operation_id = "create_screening_rule", tag = "operator", request_body = RuleCreateRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The new rule", body = RuleView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[post("/api/v1/operator/rules")]
pub async fn create_rule(
    state: web::Data<AppState>,
    op: OperatorUser,
    body: Body<RuleCreateRequest>,
) -> ApiResult<HttpResponse> {
    let input = RuleInput::from(body.0);
    let rule = state
        .db(move |conn| screening::create_rule(conn, &op.0, input))
        .await?;
    Ok(HttpResponse::Created().json(RuleView::from(rule)))
}

/// Edits, disables or re-enables a rule.
#[utoipa::path(operation_id = "update_screening_rule", tag = "operator", params(("id" = Uuid, Path)), request_body = RuleRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The rule with the changes applied", body = RuleView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly),
    (status = 404, description = "`rule_not_found`: no such rule", body = ErrorBody)))]
#[patch("/api/v1/operator/rules/{id}")]
pub async fn update_rule(
    state: web::Data<AppState>,
    op: OperatorUser,
    id: web::Path<Uuid>,
    body: Body<RuleRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = RuleInput::from(body.0);
    let rule = state
        .db(move |conn| screening::update_rule(conn, &op.0, id, input))
        .await?;
    Ok(HttpResponse::Ok().json(RuleView::from(rule)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleTestRequest {
    #[schema(example = "天然象 牙雕刻，详情加微信")]
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HitView {
    pub rule_id: String,
    pub action: String,
    pub category: String,
    /// The matched words as written.
    pub excerpt: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleTestResult {
    /// `pass`, `flag`, `review` or `block`.
    pub outcome: String,
    pub hits: Vec<HitView>,
}

/// Screens a text with the enabled rules without storing anything.
#[utoipa::path(operation_id = "test_screening_rules", tag = "operator", request_body = RuleTestRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The rules the text matches and what each would do", body = RuleTestResult),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[post("/api/v1/operator/rules/test")]
pub async fn test_rules(
    state: web::Data<AppState>,
    _op: OperatorUser,
    body: Body<RuleTestRequest>,
) -> ApiResult<HttpResponse> {
    let text = body.0.text;
    let verdict = state
        .db(move |conn| screening::try_text(conn, &text))
        .await?;
    Ok(HttpResponse::Ok().json(RuleTestResult {
        outcome: verdict.outcome().map_or("pass", |a| a.as_str()).into(),
        hits: verdict
            .hits
            .into_iter()
            .map(|h| HitView {
                rule_id: h.rule_id,
                action: h.action.as_str().into(),
                category: h.category,
                excerpt: h.excerpt,
            })
            .collect(),
    }))
}
