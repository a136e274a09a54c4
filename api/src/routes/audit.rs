//! The audit log (operators only).

use actix_web::{HttpResponse, get, web};
use domain::FieldError;
use domain::audit::{self, AuditEntry, AuditFilter};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::OperatorUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::time_fmt::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// Position in the chain, from 1 without gaps.
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The operator; absent for the system.
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    /// The subject before and after the action; `null` where there was none (a creation has no
    /// `before`, a deletion no `after`).
    #[schema(value_type = Option<Object>)]
    pub before: serde_json::Value,
    #[schema(value_type = Option<Object>)]
    pub after: serde_json::Value,
    pub reason: String,
    /// SHA-256 over this entry and the previous entry's hash.
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> AuditEntryView {
        AuditEntryView {
            seq: e.seq,
            at: utc(e.at),
            actor_id: e.actor_id,
            action: e.action,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            before: e.before,
            after: e.after,
            reason: e.reason,
            hash: e.hash,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    /// Pass as `before_seq` for the next (older) page; absent on the last page.
    pub next_before_seq: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    pub actor_id: Option<Uuid>,
    /// `company`, `product`, `listing`, `screening_rule`, …
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    /// `verify`, `reject`, `suspend`, `approve`, …
    pub action: Option<String>,
    /// RFC 3339; entries at or after.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339; entries before.
    #[param(format = DateTime)]
    pub to: Option<String>,
    pub before_seq: Option<i64>,
    /// 1–100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

fn parse_time(
    field: &str,
    text: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<time::PrimitiveDateTime> {
    let text = text?;
    match OffsetDateTime::parse(text, &Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            Some(time::PrimitiveDateTime::new(t.date(), t.time()))
        }
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "invalid_date",
                "must be an RFC 3339 time",
            ));
            None
        }
    }
}

/// The audit log, newest first, filtered.
#[utoipa::path(operation_id = "list_audit_entries", tag = "operator", params(AuditQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of audit entries, newest first", body = AuditPage),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    _op: OperatorUser,
    query: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let mut errors = Vec::new();
    let limit = q.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        errors.push(FieldError::new(
            "limit",
            "out_of_range",
            "must be between 1 and 100",
        ));
    }
    let from = parse_time("from", q.from.as_deref(), &mut errors);
    let to = parse_time("to", q.to.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let filter = AuditFilter {
        actor_id: q.actor_id,
        subject_type: q.subject_type,
        subject_id: q.subject_id,
        action: q.action,
        from,
        to,
        before_seq: q.before_seq,
        limit: limit + 1,
    };
    let mut entries = state.db(move |conn| audit::list(conn, &filter)).await?;
    let more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    let next_before_seq = if more {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(AuditPage {
        items: entries.into_iter().map(Into::into).collect(),
        next_before_seq,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerification {
    pub intact: bool,
    /// Entries checked.
    pub entries: i64,
    /// The first entry that does not check out.
    pub broken_seq: Option<i64>,
    pub problem: Option<String>,
}

/// Recomputes the whole hash chain (as `tradefair audit verify` does).
#[utoipa::path(operation_id = "verify_audit_chain", tag = "operator", security(("bearer" = [])), responses(
    (status = 200, description = "Whether the hash chain is intact, and the first entry that breaks it if not", body = AuditVerification),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/audit/verify")]
pub async fn verify_audit(
    state: web::Data<AppState>,
    _op: OperatorUser,
) -> ApiResult<HttpResponse> {
    let outcome = state.db(audit::verify).await?;
    Ok(HttpResponse::Ok().json(match outcome {
        Ok(n) => AuditVerification {
            intact: true,
            entries: n,
            broken_seq: None,
            problem: None,
        },
        Err(broken) => AuditVerification {
            intact: false,
            entries: broken.seq - 1,
            broken_seq: Some(broken.seq),
            problem: Some(broken.problem.into()),
        },
    }))
}
