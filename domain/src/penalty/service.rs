use diesel::prelude::*;
use serde_json::json;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::PenaltyError;
use super::level::{PenaltyLevel, PenaltyPolicy, move_level, stored_level};
use super::model::{Penalty, PenaltyReason, PenaltyRow};
use crate::access::{Actor, CompanyAction, PlatformAction, may_on_company, may_on_platform};
use crate::clock::now;
use crate::company::{StatusAction, change_status_in_tx, find_company, role_in};
use crate::db::schema::{penalties, reports};
use crate::db::{self, DbConnection, unique_violation_on};
use crate::error::FieldError;
use crate::ids::{new_id, parse_db_id};
use crate::notification::{NewNotification, NotificationKind, notify};
use crate::paging::{Page, PageRequest};
use crate::validate::Validator;

pub const MAX_POINTS: i32 = 100;

#[derive(Debug, Clone, Default)]
pub struct PenaltyInput {
    pub points: i32,
    pub reason_code: String,
    pub note: String,
    /// An upheld report about the company or one of its items.
    pub report_id: Option<String>,
    /// The item concerned: `product`, `listing`, `company` or `message`.
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
}

/// A checked penalty, before it is tied to a company.
#[derive(Debug, Clone)]
pub(crate) struct ValidPenalty {
    pub points: i32,
    pub reason: PenaltyReason,
    pub note: String,
    pub report_id: Option<Uuid>,
    pub subject: Option<(String, Uuid)>,
}

/// Checks the fields; `prefix` names them inside a larger body (`penalty.` when a report's
/// resolution carries the penalty).
pub(crate) fn validate_penalty(
    input: &PenaltyInput,
    prefix: &str,
) -> Result<ValidPenalty, Vec<FieldError>> {
    let mut v = Validator::new();
    let field = |name: &str| format!("{prefix}{name}");
    if !(1..=MAX_POINTS).contains(&input.points) {
        v.push(
            field("points"),
            "out_of_range",
            format!("must be between 1 and {MAX_POINTS}"),
        );
    }
    let reason = PenaltyReason::parse(input.reason_code.trim());
    if reason.is_none() {
        v.push(
            field("reason_code"),
            "invalid_choice",
            format!("must be one of: {}", PenaltyReason::names()),
        );
    }
    let note = v.multiline(&field("note"), &input.note, 1, 1000);
    let report_id = match input.report_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let id = Uuid::parse_str(text).ok();
            if id.is_none() {
                v.push(field("report_id"), "invalid", "is not an id");
            }
            id
        }
    };
    let subject = match (
        input
            .subject_type
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        input
            .subject_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    ) {
        (None, None) => None,
        (Some(kind), Some(id)) => {
            let known = matches!(kind, "product" | "listing" | "company" | "message");
            if !known {
                v.push(
                    field("subject_type"),
                    "invalid_choice",
                    "must be one of: product, listing, company, message",
                );
            }
            let id = Uuid::parse_str(id).ok();
            if id.is_none() {
                v.push(field("subject_id"), "invalid", "is not an id");
            }
            id.filter(|_| known).map(|id| (kind.to_owned(), id))
        }
        _ => {
            v.push(
                field("subject_id"),
                "required",
                "subject_type and subject_id go together",
            );
            None
        }
    };
    v.finish()?;
    Ok(ValidPenalty {
        points: input.points,
        reason: reason.unwrap_or(PenaltyReason::Other),
        note,
        report_id,
        subject,
    })
}

/// A company's points and level now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub active_points: i32,
    pub level: PenaltyLevel,
    /// Whether publishing and quoting are refused (`company_restricted`).
    pub restricted: bool,
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub penalty: Penalty,
    pub standing: Standing,
    /// Whether these points suspended the company.
    pub suspended: bool,
}

/// Points of the company's penalties that are still active at `at`.
pub(crate) fn active_points(
    conn: &mut DbConnection,
    company_id: Uuid,
    at: PrimitiveDateTime,
) -> QueryResult<i32> {
    let points: Vec<i32> = penalties::table
        .filter(penalties::company_id.eq(company_id.to_string()))
        .filter(penalties::expires_at.gt(at))
        .select(penalties::points)
        .load(conn)?;
    Ok(points.iter().sum())
}

pub fn standing_of(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<Standing> {
    let active_points = active_points(conn, company_id, now())?;
    let level = stored_level(conn, company_id)?;
    Ok(Standing {
        active_points,
        level,
        restricted: !super::level::may_publish_at(level),
    })
}

/// An operator records a confirmed violation against a company.
pub fn record_penalty(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    input: PenaltyInput,
    policy: &PenaltyPolicy,
) -> Result<Recorded, PenaltyError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(PenaltyError::Forbidden);
    }
    let valid = validate_penalty(&input, "").map_err(PenaltyError::Validation)?;
    db::transaction(conn, |conn| {
        find_company(conn, company_id)?;
        if let Some(report_id) = valid.report_id {
            let report: Option<(String, String, String)> = reports::table
                .find(report_id.to_string())
                .select((reports::status, reports::subject_type, reports::subject_id))
                .first(conn)
                .optional()?;
            let problem = match report {
                None => Some(("unknown_report", "no such report")),
                Some((status, _, _)) if status != "upheld" => {
                    Some(("report_not_upheld", "only an upheld report carries points"))
                }
                Some((_, kind, id)) => {
                    let owner = super::subject::subject_company(conn, &kind, parse_db_id(&id))?;
                    (owner != Some(company_id)).then_some((
                        "report_of_another_company",
                        "the report is not about this company or its items",
                    ))
                }
            };
            if let Some((code, message)) = problem {
                return Err(PenaltyError::Validation(vec![FieldError::new(
                    "report_id",
                    code,
                    message,
                )]));
            }
        }
        if let Some((kind, id)) = &valid.subject
            && super::subject::subject_company(conn, kind, *id)? != Some(company_id)
        {
            return Err(PenaltyError::Validation(vec![FieldError::new(
                "subject_id",
                "subject_of_another_company",
                "no such item of this company",
            )]));
        }
        record_penalty_in_tx(conn, actor, company_id, valid.clone(), policy)
    })
}

/// Writes the penalty, recomputes the credit profile and raises the company's level when the
/// active points crossed a threshold: a warning or restriction is stored and told; reaching the
/// suspend threshold suspends the company through its ordinary suspension (in the name of the
/// operator who recorded the points). Audited. Inside the caller's transaction.
pub(crate) fn record_penalty_in_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    valid: ValidPenalty,
    policy: &PenaltyPolicy,
) -> Result<Recorded, PenaltyError> {
    if let Some(report_id) = valid.report_id {
        let taken: i64 = penalties::table
            .filter(penalties::report_id.eq(report_id.to_string()))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(PenaltyError::ReportAlreadyPenalized);
        }
    }
    let at = now();
    let row = PenaltyRow {
        id: new_id().to_string(),
        company_id: company_id.to_string(),
        points: valid.points,
        reason_code: valid.reason.as_str().to_owned(),
        note: valid.note.clone(),
        report_id: valid.report_id.map(|r| r.to_string()),
        subject_type: valid.subject.as_ref().map(|(k, _)| k.clone()),
        subject_id: valid.subject.as_ref().map(|(_, id)| id.to_string()),
        recorded_by: actor.user_id.to_string(),
        created_at: at,
        expires_at: at + policy.validity,
    };
    diesel::insert_into(penalties::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| {
            if unique_violation_on(&e, "penalties", "report_id") {
                PenaltyError::ReportAlreadyPenalized
            } else {
                PenaltyError::Database(e)
            }
        })?;
    let penalty = Penalty::from(row);
    (crate::seams::reactions().credit_inputs_changed)(conn, company_id)?;
    let active = active_points(conn, company_id, now())?;
    crate::audit::append(
        conn,
        crate::audit::Change {
            actor_id: Some(actor.user_id),
            action: "penalty_recorded",
            subject_type: "company",
            subject_id: &company_id.to_string(),
            before: json!({"active_points": active - penalty.points}),
            after: json!({
                "penalty_id": penalty.id,
                "points": penalty.points,
                "reason_code": penalty.reason.as_str(),
                "report_id": penalty.report_id,
                "active_points": active,
                "expires_at": crate::ids::rfc3339(penalty.expires_at),
            }),
            reason: &penalty.note,
        },
    )?;
    for user_id in crate::company::managers_of(conn, company_id)? {
        notify(
            conn,
            NewNotification {
                user_id,
                kind: NotificationKind::PenaltyRecorded,
                subject_type: "company",
                subject_id: company_id,
                payload: json!({
                    "penalty_id": penalty.id,
                    "points": penalty.points,
                    "reason_code": penalty.reason.as_str(),
                    "note": penalty.note,
                    "active_points": active,
                }),
            },
        )?;
    }
    let from = stored_level(conn, company_id)?;
    let to = policy.level_for(active);
    let mut suspended = false;
    if to > from {
        move_level(conn, Some(actor), company_id, from, to, active, policy)?;
    }
    // At the suspend level every new violation suspends, also after an operator reinstated
    // the company while its points were still that high.
    if to == PenaltyLevel::Suspend {
        let company = find_company(conn, company_id)?;
        if !company.is_suspended() {
            let reason = format!(
                "{active} active penalty points reached the suspension threshold ({})",
                policy.suspend_at
            );
            change_status_in_tx(conn, actor, company_id, StatusAction::Suspend, &reason)?;
            suspended = true;
        }
    }
    let level = stored_level(conn, company_id)?;
    Ok(Recorded {
        penalty,
        standing: Standing {
            active_points: active,
            level,
            restricted: !super::level::may_publish_at(level),
        },
        suspended,
    })
}

/// A company's penalty history, newest first, with its standing: its members and operators
/// (404 for everyone else, as for the company's other private data).
pub fn list_penalties(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    page: &PageRequest,
) -> Result<(Standing, Page<Penalty>), PenaltyError> {
    find_company(conn, company_id)?;
    let role = role_in(conn, company_id, actor.user_id)?;
    if !may_on_company(actor, role, CompanyAction::ViewPrivate) {
        return Err(PenaltyError::CompanyNotFound);
    }
    let mut query = penalties::table
        .filter(penalties::company_id.eq(company_id.to_string()))
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(penalties::id.lt(after.clone()));
    }
    let rows: Vec<PenaltyRow> = query
        .order(penalties::id.desc())
        .limit(page.limit + 1)
        .select(PenaltyRow::as_select())
        .load(conn)?;
    let items = page.page(rows.into_iter().map(Penalty::from).collect(), |p| {
        p.id.to_string()
    });
    Ok((standing_of(conn, company_id)?, items))
}
