use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::ReportError;
use super::model::{Report, ReportReason, ReportRow, ReportStatus, ReportSubject};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::{inquiry_messages, reports};
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::ids::{new_id, parse_db_id};
use crate::json_col::to_json;
use crate::paging::{Page, PageRequest};
use crate::validate::Validator;

pub const MAX_EVIDENCE: usize = 10;

#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub subject_type: String,
    pub subject_id: String,
    pub reason: String,
    pub details: Option<String>,
    pub evidence_urls: Vec<String>,
    /// Media ids: the filer's own uploads with purpose `attachment`.
    pub evidence_attachments: Vec<String>,
}

/// Whether the reporter can see the subject (one cannot report what one cannot see), by the
/// same rules as the subject's own read endpoint.
fn subject_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    subject: ReportSubject,
    id: Uuid,
) -> Result<bool, ReportError> {
    use crate::catalog::CatalogError;
    use crate::company::CompanyError;
    use crate::listing::ListingError;
    Ok(match subject {
        ReportSubject::Product => match crate::catalog::get_product(conn, Some(actor), id) {
            Ok(_) => true,
            Err(CatalogError::Database(e)) => return Err(e.into()),
            Err(_) => false,
        },
        ReportSubject::Company => match crate::company::get_company(conn, Some(actor), id) {
            Ok(_) => true,
            Err(CompanyError::Database(e)) => return Err(e.into()),
            Err(_) => false,
        },
        ReportSubject::Listing => match crate::listing::get_listing(conn, Some(actor), id) {
            Ok(_) => true,
            Err(ListingError::Database(e)) => return Err(e.into()),
            Err(_) => false,
        },
        ReportSubject::Message => {
            let thread: Option<String> = inquiry_messages::table
                .find(id.to_string())
                .select(inquiry_messages::inquiry_id)
                .first(conn)
                .optional()?;
            match thread {
                Some(thread) => crate::inquiry::can_view(conn, actor, parse_db_id(&thread))?,
                None => false,
            }
        }
    })
}

/// Links the evidence files: the filer's own uploads only (a report belongs to no company).
fn attach_evidence(
    conn: &mut DbConnection,
    actor: &Actor,
    report_id: Uuid,
    ids: &[String],
) -> Result<(), ReportError> {
    use crate::media::{MediaError, Target};
    let ids: Vec<Uuid> = ids.iter().filter_map(|s| s.parse().ok()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let target = Target::Report(report_id);
    crate::media::attach(
        conn,
        actor.user_id,
        None,
        target,
        "evidence_attachments",
        &ids,
    )
    .map_err(|e| match e {
        MediaError::Validation(f) => ReportError::Validation(f),
        MediaError::Database(e) => ReportError::Database(e),
        _ => ReportError::NotFound,
    })
}

pub fn file_report(
    conn: &mut DbConnection,
    actor: &Actor,
    input: ReportInput,
) -> Result<Report, ReportError> {
    let mut v = Validator::new();
    let subject = ReportSubject::parse(input.subject_type.trim());
    if subject.is_none() {
        v.push(
            "subject_type",
            "invalid_choice",
            format!("must be one of: {}", ReportSubject::names()),
        );
    }
    let reason = ReportReason::parse(input.reason.trim());
    if reason.is_none() {
        v.push(
            "reason",
            "invalid_choice",
            format!("must be one of: {}", ReportReason::names()),
        );
    }
    let subject_id = Uuid::parse_str(input.subject_id.trim()).ok();
    if subject_id.is_none() {
        v.push("subject_id", "invalid", "is not an id");
    }
    let details = v
        .opt_multiline("details", input.details.as_deref(), 2000)
        .unwrap_or_default();
    if input.evidence_urls.len() > MAX_EVIDENCE {
        v.push(
            "evidence_urls",
            "too_many",
            format!("at most {MAX_EVIDENCE} URLs"),
        );
    }
    for (i, url) in input.evidence_urls.iter().enumerate() {
        v.url(&format!("evidence_urls[{i}]"), url.trim());
    }
    let evidence_attachments = v.media_ids(
        "evidence_attachments",
        input.evidence_attachments,
        MAX_EVIDENCE,
    );
    v.finish().map_err(ReportError::Validation)?;
    let (Some(subject), Some(reason), Some(subject_id)) = (subject, reason, subject_id) else {
        unreachable!("validated above");
    };
    db::transaction(conn, |conn| {
        if !subject_visible(conn, actor, subject, subject_id)? {
            return Err(ReportError::Validation(vec![FieldError::new(
                "subject_id",
                "unknown_subject",
                "no such item to report",
            )]));
        }
        let open: i64 = reports::table
            .filter(reports::reporter_id.eq(actor.user_id.to_string()))
            .filter(reports::subject_type.eq(subject.as_str()))
            .filter(reports::subject_id.eq(subject_id.to_string()))
            .filter(reports::status.eq(ReportStatus::Open.as_str()))
            .count()
            .get_result(conn)?;
        if open > 0 {
            return Err(ReportError::Duplicate);
        }
        let id = new_id();
        attach_evidence(conn, actor, id, &evidence_attachments)?;
        let row = ReportRow {
            id: id.to_string(),
            reporter_id: actor.user_id.to_string(),
            subject_type: subject.as_str().to_owned(),
            subject_id: subject_id.to_string(),
            reason: reason.as_str().to_owned(),
            details: details.clone(),
            evidence_urls: to_json(
                &input
                    .evidence_urls
                    .iter()
                    .map(|u| u.trim().to_owned())
                    .collect::<Vec<_>>(),
            ),
            status: ReportStatus::Open.as_str().to_owned(),
            resolution_note: None,
            handled_by: None,
            handled_at: None,
            created_at: now(),
            evidence_attachments: to_json(&evidence_attachments),
        };
        diesel::insert_into(reports::table)
            .values(&row)
            .execute(conn)?;
        // Every open report waits in the review queue.
        crate::review::hooks::report_filed(conn, &row.review_state())?;
        Ok(Report::from(row))
    })
}

fn page_of(
    mut query: reports::BoxedQuery<'static, crate::db::MultiBackend>,
    page: &PageRequest,
    conn: &mut DbConnection,
) -> QueryResult<Page<Report>> {
    if let Some(after) = &page.after {
        query = query.filter(reports::id.lt(after.clone()));
    }
    let rows: Vec<ReportRow> = query
        .order(reports::id.desc())
        .limit(page.limit + 1)
        .select(ReportRow::as_select())
        .load(conn)?;
    Ok(
        page.page(rows.into_iter().map(Report::from).collect(), |r| {
            r.id.to_string()
        }),
    )
}

/// The actor's own reports with their outcome, newest first.
pub fn list_my_reports(
    conn: &mut DbConnection,
    actor: &Actor,
    page: &PageRequest,
) -> Result<Page<Report>, ReportError> {
    let query = reports::table
        .filter(reports::reporter_id.eq(actor.user_id.to_string()))
        .into_boxed();
    Ok(page_of(query, page, conn)?)
}

/// Operators: reports by status and subject type, newest first.
pub fn list_reports(
    conn: &mut DbConnection,
    actor: &Actor,
    status: Option<&str>,
    subject_type: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Report>, ReportError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReportError::Forbidden);
    }
    let mut errors = Vec::new();
    let status = status.filter(|s| !s.is_empty()).map(|s| {
        ReportStatus::parse(s).ok_or_else(|| {
            errors.push(FieldError::new(
                "status",
                "invalid_choice",
                format!("must be one of: {}", ReportStatus::names()),
            ))
        })
    });
    let subject = subject_type.filter(|s| !s.is_empty()).map(|s| {
        ReportSubject::parse(s).ok_or_else(|| {
            errors.push(FieldError::new(
                "subject_type",
                "invalid_choice",
                format!("must be one of: {}", ReportSubject::names()),
            ))
        })
    });
    if !errors.is_empty() {
        return Err(ReportError::Validation(errors));
    }
    let mut query = reports::table.into_boxed();
    if let Some(Ok(s)) = status {
        query = query.filter(reports::status.eq(s.as_str()));
    }
    if let Some(Ok(s)) = subject {
        query = query.filter(reports::subject_type.eq(s.as_str()));
    }
    Ok(page_of(query, page, conn)?)
}

/// Operators close a report as upheld or dismissed with a note the reporter sees; the decision
/// goes to the audit log. Acting on the item itself (rejecting a product, suspending a company)
/// is its own operator action, except what `resolve_report_with` does along with it.
pub fn resolve_report(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    outcome: &str,
    note: &str,
) -> Result<Report, ReportError> {
    resolve_report_with(conn, actor, id, outcome, note, None, false)
}

/// `resolve_report`, where upholding may also, in the same transaction:
/// - carry penalty points against the company the reported item belongs to (`crate::penalty`);
///   an upheld report moves that company's credit profile (its upheld complaints) either way;
/// - with `hide_item`, hide a reported product or listing (an enforcement action from the
///   report, with the note as its reason). An item that an operator already hid, or that was
///   deleted since, stays as it is.
pub fn resolve_report_with(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    outcome: &str,
    note: &str,
    penalty: Option<(crate::penalty::PenaltyInput, &crate::penalty::PenaltyPolicy)>,
    hide_item: bool,
) -> Result<Report, ReportError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReportError::Forbidden);
    }
    let mut v = Validator::new();
    let outcome = match ReportStatus::parse(outcome.trim()) {
        Some(s @ (ReportStatus::Upheld | ReportStatus::Dismissed)) => Some(s),
        _ => {
            v.push(
                "outcome",
                "invalid_choice",
                "must be one of: upheld, dismissed",
            );
            None
        }
    };
    let note = v.multiline("note", note, 1, 2000);
    let penalty = match penalty {
        Some((input, policy)) => {
            if outcome == Some(ReportStatus::Dismissed) {
                v.push(
                    "penalty",
                    "not_allowed",
                    "only an upheld report carries penalty points",
                );
            }
            match crate::penalty::validate_penalty(&input, "penalty.") {
                Ok(valid) => Some((valid, policy)),
                Err(errors) => {
                    errors
                        .into_iter()
                        .for_each(|e| v.push(e.field, &e.code, e.message));
                    None
                }
            }
        }
        None => None,
    };
    if hide_item && outcome.is_some_and(|o| o != ReportStatus::Upheld) {
        v.push(
            "hide_item",
            "requires_upheld",
            "only an upheld report hides its item",
        );
    }
    v.finish().map_err(ReportError::Validation)?;
    let outcome = outcome.unwrap_or(ReportStatus::Dismissed);
    db::transaction(conn, |conn| {
        resolve_report_in_tx(conn, actor, id, outcome, note, penalty, hide_item)
    })
}

/// `resolve_report` inside the caller's transaction, with the outcome and note already checked.
pub(crate) fn resolve_report_in_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    outcome: ReportStatus,
    note: String,
    penalty: Option<(crate::penalty::ValidPenalty, &crate::penalty::PenaltyPolicy)>,
    hide_item: bool,
) -> Result<Report, ReportError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReportError::Forbidden);
    }
    let mut row: ReportRow = reports::table
        .find(id.to_string())
        .select(ReportRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ReportError::NotFound)?;
    if row.status != ReportStatus::Open.as_str() {
        return Err(ReportError::AlreadyResolved);
    }
    let hideable = crate::enforcement::ActionSubject::parse(&row.subject_type)
        .filter(|s| *s != crate::enforcement::ActionSubject::Company);
    if hide_item && hideable.is_none() {
        return Err(ReportError::Validation(vec![FieldError::new(
            "hide_item",
            "not_hideable",
            "only a reported product or listing can be hidden",
        )]));
    }
    row.status = outcome.as_str().to_owned();
    row.resolution_note = Some(note.clone());
    row.handled_by = Some(actor.user_id.to_string());
    row.handled_at = Some(now());
    diesel::update(reports::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    crate::review::hooks::report_resolved(conn, &row.review_state())?;
    crate::moderation::record_transition(
        conn,
        "report",
        id,
        outcome.as_str(),
        &note,
        actor.user_id,
        json!({"status": "open", "subject_type": row.subject_type, "subject_id": row.subject_id}),
        json!({"status": outcome.as_str()}),
    )?;
    if outcome == ReportStatus::Upheld {
        let subject = parse_db_id(&row.subject_id);
        let company = crate::credit::subject_company(conn, &row.subject_type, subject)?;
        match (company, penalty) {
            (Some(company), Some((mut valid, policy))) => {
                valid.report_id = Some(id);
                if valid.subject.is_none() {
                    valid.subject = Some((row.subject_type.clone(), subject));
                }
                crate::penalty::record_penalty_in_tx(conn, actor, company, valid, policy).map_err(
                    |e| match e {
                        crate::penalty::PenaltyError::Database(e) => ReportError::Database(e),
                        other => ReportError::Penalty(Box::new(other)),
                    },
                )?;
            }
            // An upheld complaint moves the company's credit profile even without points.
            (Some(company), None) => {
                crate::credit::recompute_in_tx(conn, company)?;
            }
            (None, Some(_)) => {
                return Err(ReportError::Validation(vec![FieldError::new(
                    "penalty",
                    "no_company",
                    "the reported item belongs to no company",
                )]));
            }
            (None, None) => {}
        }
    }
    if let (true, Some(subject)) = (hide_item, hideable) {
        use crate::enforcement::EnforcementError as E;
        match crate::enforcement::hide_in_tx(
            conn,
            actor,
            subject,
            parse_db_id(&row.subject_id),
            &note,
            crate::enforcement::ActionSource::Report,
            Some(id),
        ) {
            Ok(_) | Err(E::AlreadyHidden | E::ItemNotFound) => {}
            Err(E::Database(e)) => return Err(e.into()),
            Err(other) => {
                return Err(ReportError::Validation(vec![FieldError::new(
                    "hide_item",
                    "not_hideable",
                    other.to_string(),
                )]));
            }
        }
    }
    Ok(Report::from(row))
}
