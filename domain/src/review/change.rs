//! Change requests: an edit of a published product, an open listing or a verified company's
//! profile is kept here as the proposed version while the live version stays public and
//! searchable as it was; approving it applies it (in the area's own code: `catalog::change`,
//! `listing::change`, `company::change`).
//!
//! One open request (pending or changes_requested) per item: a new edit replaces its proposal,
//! built on top of it, keeping its id and raising its revision.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::ReviewError;
use super::model::{Outcome, ReviewKind};
use super::queue::{Waiting, close_open, ensure_open};
use crate::access::{Actor, may_view_change_request};
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::change_requests;
use crate::enums::from_db;
use crate::error::FieldError;
use crate::ids::{new_id, parse_db_id};
use crate::json_col::{from_json, to_json};
use crate::membership::{membership_of, role_in};
use crate::paging::{Page, PageRequest};
use crate::screening::Verdict;

crate::text_enum! {
    pub enum ChangeStatus {
        /// Waiting for an operator; the live version is unchanged.
        Pending => "pending",
        /// An operator sent it back with a note; the next edit resubmits it.
        ChangesRequested => "changes_requested",
        Approved => "approved",
        /// Applied at once: verified company (for a buy request: any owner) and screening of
        /// the new text found nothing.
        AutoApproved => "auto_approved",
        Rejected => "rejected",
        /// Replaced by the live version again (the item left publication, or an edit restored
        /// the live text).
        Withdrawn => "withdrawn",
        /// The live item changed after the change was proposed (another change, an operator's
        /// action, a direct edit); an operator's approval found it out and applied nothing. The
        /// owner's next edit proposes again on the live version.
        Superseded => "superseded",
    }
}

impl ChangeStatus {
    pub fn is_open(self) -> bool {
        matches!(self, ChangeStatus::Pending | ChangeStatus::ChangesRequested)
    }
}

/// One field that differs between the live version and the proposal, as shown to people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

/// The fields of a version in display order, as JSON values people read.
pub(crate) type Fields = Vec<(&'static str, Value)>;

pub(crate) fn diff(live: &Fields, proposed: &Fields) -> Vec<FieldChange> {
    proposed
        .iter()
        .filter_map(|(name, to)| {
            let from = live
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null);
            (from != *to).then(|| FieldChange {
                field: (*name).to_owned(),
                from,
                to: to.clone(),
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct ChangeRequest {
    pub id: Uuid,
    /// `product`, `listing` or `company`.
    pub subject_type: String,
    pub subject_id: Uuid,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub requested_by: Uuid,
    pub status: ChangeStatus,
    /// Field by field: the live version when the proposal was made → the proposal.
    pub changes: Vec<FieldChange>,
    /// 0 for the first proposal, +1 for every edit that replaced it.
    pub revision: i32,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// The whole proposed version, in the area's own stored form.
    pub(crate) proposed: Value,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = change_requests, treat_none_as_null = true)]
pub(crate) struct ChangeRequestRow {
    pub id: String,
    pub subject_type: String,
    pub subject_id: String,
    pub company_id: Option<String>,
    pub owner_id: Option<String>,
    pub requested_by: String,
    pub status: String,
    pub base: String,
    pub proposed: String,
    pub changes: String,
    pub revision: i32,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl From<ChangeRequestRow> for ChangeRequest {
    fn from(r: ChangeRequestRow) -> ChangeRequest {
        ChangeRequest {
            id: parse_db_id(&r.id),
            subject_type: r.subject_type,
            subject_id: parse_db_id(&r.subject_id),
            company_id: r.company_id.as_deref().map(parse_db_id),
            owner_id: r.owner_id.as_deref().map(parse_db_id),
            requested_by: parse_db_id(&r.requested_by),
            status: from_db(&r.status, ChangeStatus::parse, ChangeStatus::Pending),
            changes: from_json(&r.changes),
            revision: r.revision,
            reason_code: r.reason_code,
            note: r.note,
            decided_at: r.decided_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            proposed: serde_json::from_str(&r.proposed).unwrap_or(Value::Null),
        }
    }
}

pub(crate) fn load_change(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<ChangeRequest>> {
    Ok(load_row(conn, id)?.map(ChangeRequest::from))
}

pub(crate) fn load_row(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<ChangeRequestRow>> {
    change_requests::table
        .find(id.to_string())
        .select(ChangeRequestRow::as_select())
        .first(conn)
        .optional()
}

/// The item's open change request (pending or sent back), if any.
pub(crate) fn open_change(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: Uuid,
) -> QueryResult<Option<ChangeRequest>> {
    Ok(open_row(conn, subject_type, &subject_id.to_string())?.map(ChangeRequest::from))
}

fn open_row(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> QueryResult<Option<ChangeRequestRow>> {
    change_requests::table
        .filter(change_requests::subject_type.eq(subject_type))
        .filter(change_requests::subject_id.eq(subject_id))
        .filter(change_requests::status.eq_any([
            ChangeStatus::Pending.as_str(),
            ChangeStatus::ChangesRequested.as_str(),
        ]))
        .select(ChangeRequestRow::as_select())
        .first(conn)
        .optional()
}

/// An edit of a live item, as the area's code prepared it.
pub(crate) struct Proposal<'a> {
    /// `product`, `listing` or `company`.
    pub subject_type: &'static str,
    pub subject_id: Uuid,
    /// The item's company (products and sell offers: its members see the request).
    pub company_id: Option<Uuid>,
    /// The listing's owner (they see the request).
    pub owner_id: Option<Uuid>,
    pub requested_by: Uuid,
    /// The live version, for the diff.
    pub live: Fields,
    /// The proposal, for the diff.
    pub proposed_fields: Fields,
    /// The proposal in the area's stored form (what approval applies).
    pub proposed: Value,
    pub verdict: &'a Verdict,
    pub auto_approve: bool,
    /// What the queue shows.
    pub title: &'a str,
    pub category_id: Option<&'a str>,
}

fn waiting<'a>(
    row: &'a ChangeRequestRow,
    title: &'a str,
    category: Option<&'a str>,
) -> Waiting<'a> {
    Waiting {
        kind: ReviewKind::ChangeRequest,
        subject_id: &row.id,
        target_type: &row.subject_type,
        target_id: &row.subject_id,
        company_id: row.company_id.as_deref(),
        owner_id: row.owner_id.as_deref().or(Some(row.requested_by.as_str())),
        category_id: category,
        title,
    }
}

/// Records an edit of a live item: replaces the open request's proposal (or opens one), stores
/// the screening of the proposal with it, and queues it — or records it as auto-approved, in
/// which case the caller applies it in the same transaction. `None` when the edit changes
/// nothing (an open request it restored to the live text is withdrawn).
pub(crate) fn submit(
    conn: &mut DbConnection,
    p: Proposal<'_>,
) -> QueryResult<Option<ChangeRequest>> {
    let subject_id = p.subject_id.to_string();
    let existing = open_row(conn, p.subject_type, &subject_id)?;
    let changes = diff(&p.live, &p.proposed_fields);
    let at = now();
    if changes.is_empty() {
        if let Some(row) = existing {
            finish(
                conn,
                row,
                ChangeStatus::Withdrawn,
                None,
                Some("the edit restored the live version"),
                None,
            )?;
        }
        return Ok(None);
    }
    let status = if p.auto_approve {
        ChangeStatus::AutoApproved
    } else {
        ChangeStatus::Pending
    };
    let base: serde_json::Map<String, Value> = p
        .live
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let (row, before) = match existing {
        Some(mut row) => {
            let before = row.status.clone();
            row.requested_by = p.requested_by.to_string();
            row.status = status.as_str().to_owned();
            row.base = Value::Object(base).to_string();
            row.proposed = p.proposed.to_string();
            row.changes = to_json(&changes);
            row.revision += 1;
            row.reason_code = None;
            row.note = None;
            row.decided_by = None;
            row.decided_at = None;
            row.updated_at = at;
            diesel::update(change_requests::table.find(&row.id))
                .set(&row)
                .execute(conn)?;
            (row, Some(before))
        }
        None => {
            let row = ChangeRequestRow {
                id: new_id().to_string(),
                subject_type: p.subject_type.to_owned(),
                subject_id: subject_id.clone(),
                company_id: p.company_id.map(|c| c.to_string()),
                owner_id: p.owner_id.map(|o| o.to_string()),
                requested_by: p.requested_by.to_string(),
                status: status.as_str().to_owned(),
                base: Value::Object(base).to_string(),
                proposed: p.proposed.to_string(),
                changes: to_json(&changes),
                revision: 0,
                reason_code: None,
                note: None,
                decided_by: None,
                decided_at: None,
                created_at: at,
                updated_at: at,
            };
            diesel::insert_into(change_requests::table)
                .values(&row)
                .execute(conn)?;
            (row, None)
        }
    };
    crate::screening::record(conn, "change_request", &row.id, p.verdict)?;
    if p.auto_approve {
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        let row = finish(
            conn,
            row,
            ChangeStatus::AutoApproved,
            None,
            Some("auto-approved: verified owner, screening found nothing"),
            None,
        )?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: None,
                action: "auto_approve",
                subject_type: "change_request",
                subject_id: &row.id,
                before: json!({"status": before, "subject_type": row.subject_type, "subject_id": row.subject_id}),
                after: json!({"status": "auto_approved", "fields": fields}),
                reason: "verified owner; screening of the new text found nothing",
            },
        )?;
        return Ok(Some(ChangeRequest::from(row)));
    }
    ensure_open(conn, &waiting(&row, p.title, p.category_id))?;
    Ok(Some(ChangeRequest::from(row)))
}

/// Ends a change request (the queue item goes with it, unless the operator's decision already
/// closed it).
pub(crate) fn finish(
    conn: &mut DbConnection,
    mut row: ChangeRequestRow,
    status: ChangeStatus,
    reason_code: Option<&str>,
    note: Option<&str>,
    decided_by: Option<Uuid>,
) -> QueryResult<ChangeRequestRow> {
    let at = now();
    row.status = status.as_str().to_owned();
    row.reason_code = reason_code.map(str::to_owned);
    row.note = note.map(str::to_owned);
    row.decided_by = decided_by.map(|d| d.to_string());
    row.decided_at = Some(at);
    row.updated_at = at;
    diesel::update(change_requests::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    let outcome = match status {
        ChangeStatus::Approved | ChangeStatus::AutoApproved => Outcome::Approved,
        ChangeStatus::Rejected => Outcome::Rejected,
        ChangeStatus::ChangesRequested => Outcome::ChangesRequested,
        ChangeStatus::Superseded => Outcome::Superseded,
        ChangeStatus::Pending | ChangeStatus::Withdrawn => Outcome::Withdrawn,
    };
    close_open(conn, ReviewKind::ChangeRequest, &row.id, outcome, note)?;
    Ok(row)
}

/// The fields whose live value differs from the live version the proposal was built on (its
/// `base`): empty while the proposal still applies to what the public sees.
pub(crate) fn changed_since_proposal(row: &ChangeRequestRow, live: &Fields) -> Vec<String> {
    let base: serde_json::Map<String, Value> = serde_json::from_str(&row.base).unwrap_or_default();
    live.iter()
        .filter(|(name, value)| base.get(*name).unwrap_or(&Value::Null) != value)
        .map(|(name, _)| (*name).to_owned())
        .collect()
}

/// The field errors of a stale change request: one per live field that changed.
pub(crate) fn stale_errors(fields: &[String]) -> Vec<FieldError> {
    fields
        .iter()
        .map(|f| {
            FieldError::new(
                f.as_str(),
                "changed_since_proposal",
                "the live value changed after this change was proposed",
            )
        })
        .collect()
}

/// Marks a stale change request superseded (its queue item closes with that outcome): nothing
/// is applied, and the owner proposes again on the live version.
pub(crate) fn supersede(
    conn: &mut DbConnection,
    row: ChangeRequestRow,
    changed: &[String],
    actor_id: Uuid,
) -> QueryResult<ChangeRequestRow> {
    let note = format!(
        "the live version changed after this change was proposed ({}); edit again to propose it on the current version",
        changed.join(", ")
    );
    let before = row.status.clone();
    let row = finish(
        conn,
        row,
        ChangeStatus::Superseded,
        None,
        Some(&note),
        Some(actor_id),
    )?;
    crate::moderation::record_transition(
        conn,
        "change_request",
        parse_db_id(&row.id),
        "supersede",
        &note,
        actor_id,
        json!({"status": before, "subject_type": row.subject_type, "subject_id": row.subject_id}),
        json!({"status": "superseded", "changed_live_fields": changed}),
    )?;
    Ok(row)
}

/// The company is back: its pending change requests (of its profile, products and listings)
/// wait in the queue again, showing what their last queue item showed.
pub(crate) fn reopen_pending(conn: &mut DbConnection, company_id: &str) -> QueryResult<()> {
    let company_listings = crate::db::schema::listings::table
        .filter(crate::db::schema::listings::company_id.eq(company_id))
        .select(crate::db::schema::listings::id);
    let rows: Vec<ChangeRequestRow> = change_requests::table
        .filter(change_requests::status.eq(ChangeStatus::Pending.as_str()))
        .filter(
            change_requests::company_id
                .eq(company_id)
                .or(change_requests::subject_type
                    .eq("listing")
                    .and(change_requests::subject_id.eq_any(company_listings))
                    .nullable()),
        )
        .select(ChangeRequestRow::as_select())
        .load(conn)?;
    for row in rows {
        use crate::db::schema::review_items;
        let shown: Option<(String, Option<String>)> = review_items::table
            .filter(review_items::kind.eq(ReviewKind::ChangeRequest.as_str()))
            .filter(review_items::subject_id.eq(&row.id))
            .order(review_items::id.desc())
            .select((review_items::title, review_items::category_id))
            .first(conn)
            .optional()?;
        let (title, category) = shown.unwrap_or_default();
        ensure_open(conn, &waiting(&row, &title, category.as_deref()))?;
    }
    Ok(())
}

/// The item left publication (unpublished, closed, rejected, deleted): its open change request
/// has nothing left to change.
pub(crate) fn withdraw_open(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> QueryResult<()> {
    if let Some(row) = open_row(conn, subject_type, subject_id)? {
        finish(
            conn,
            row,
            ChangeStatus::Withdrawn,
            None,
            Some("the item is no longer published"),
            None,
        )?;
    }
    Ok(())
}

fn visible(conn: &mut DbConnection, actor: &Actor, cr: &ChangeRequest) -> QueryResult<bool> {
    let role = match cr.company_id {
        Some(c) => role_in(conn, c, actor.user_id)?,
        None => None,
    };
    Ok(may_view_change_request(
        actor,
        role,
        cr.owner_id == Some(actor.user_id),
    ))
}

/// A change request with its diff and decision, for the item's owners (and operators).
pub fn get_change_request(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<ChangeRequest, ReviewError> {
    let cr = load_change(conn, id)?.ok_or(ReviewError::ChangeRequestNotFound)?;
    if visible(conn, actor, &cr)? {
        Ok(cr)
    } else {
        Err(ReviewError::ChangeRequestNotFound)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ChangeRequestFilter {
    pub status: Option<String>,
    /// `product`, `listing` or `company`.
    pub subject_type: Option<String>,
    pub subject_id: Option<Uuid>,
}

/// The change requests of the caller's company and of the caller's own listings (operators:
/// all), newest first.
pub fn list_change_requests(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: &ChangeRequestFilter,
    page: &PageRequest,
) -> Result<Page<ChangeRequest>, ReviewError> {
    let mut errors = Vec::new();
    // Exact, as the document's enums say; blank (a form's "any") is no filter.
    let status = match filter.status.as_deref() {
        None | Some("") => None,
        Some(s) => {
            let parsed = ChangeStatus::parse(s);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    "status",
                    "invalid_choice",
                    format!("must be one of: {}", ChangeStatus::names()),
                ));
            }
            parsed
        }
    };
    let subject_type = match filter.subject_type.as_deref() {
        None | Some("") => None,
        Some(t @ ("product" | "listing" | "company")) => Some(t.to_owned()),
        Some(_) => {
            errors.push(FieldError::new(
                "subject_type",
                "invalid_choice",
                "must be one of: product, listing, company",
            ));
            None
        }
    };
    if !errors.is_empty() {
        return Err(ReviewError::Validation(errors));
    }
    let mut query = change_requests::table
        .select(ChangeRequestRow::as_select())
        .order(change_requests::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if !actor.is_operator() {
        let me = actor.user_id.to_string();
        query = match membership_of(conn, actor.user_id)? {
            Some((company, _)) => query.filter(
                change_requests::owner_id
                    .eq(me)
                    .or(change_requests::company_id.eq(company.to_string())),
            ),
            None => query.filter(change_requests::owner_id.eq(me)),
        };
    }
    if let Some(status) = status {
        query = query.filter(change_requests::status.eq(status.as_str()));
    }
    if let Some(t) = subject_type {
        query = query.filter(change_requests::subject_type.eq(t));
    }
    if let Some(id) = filter.subject_id {
        query = query.filter(change_requests::subject_id.eq(id.to_string()));
    }
    if let Some(after) = &page.after {
        query = query.filter(change_requests::id.lt(after.clone()));
    }
    let rows = query.load(conn)?;
    Ok(page.page(
        rows.into_iter().map(ChangeRequest::from).collect(),
        |c: &ChangeRequest| c.id.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_changed_fields_in_display_order() {
        let live: Fields = vec![
            ("title", json!("Old")),
            ("moq", json!(10)),
            ("keywords", json!(["a"])),
        ];
        let proposed: Fields = vec![
            ("title", json!("New")),
            ("moq", json!(10)),
            ("keywords", json!(["a", "b"])),
        ];
        let d = diff(&live, &proposed);
        assert_eq!(
            d,
            vec![
                FieldChange {
                    field: "title".into(),
                    from: json!("Old"),
                    to: json!("New")
                },
                FieldChange {
                    field: "keywords".into(),
                    from: json!(["a"]),
                    to: json!(["a", "b"])
                },
            ]
        );
        assert!(diff(&live, &live).is_empty());
    }
}
