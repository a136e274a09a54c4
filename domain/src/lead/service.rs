use diesel::prelude::*;
use uuid::Uuid;

use super::LeadError;
use super::filter::{LeadFilter, LeadFilterInput};
use super::input::{LeadPatch, MAX_NOTE_CHARS};
use super::model::LeadRow;
use super::repo::{LeadNote, LeadSummary, load_lead, notes_of, query_leads, summarize};
use crate::access::{Actor, CompanyAction, may_on_company};
use crate::clock::now;
use crate::company::{find_company, role_in};
use crate::db::schema::{lead_notes, leads};
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::ids::{new_id, parse_db_id};
use crate::json_col::to_json;
use crate::paging::{Page, PageRequest};
use crate::validate::Validator;

/// The lead inbox is the company's own: anyone who is not a member gets 404, as for a thread.
fn check_member(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    missing: LeadError,
) -> Result<(), LeadError> {
    let role = role_in(conn, company_id, actor.user_id)?;
    if may_on_company(actor, role, CompanyAction::WorkLeads) {
        Ok(())
    } else {
        Err(missing)
    }
}

fn lead_for_member(conn: &mut DbConnection, actor: &Actor, id: Uuid) -> Result<LeadRow, LeadError> {
    let row = load_lead(conn, id)?.ok_or(LeadError::NotFound)?;
    check_member(
        conn,
        actor,
        parse_db_id(&row.company_id),
        LeadError::NotFound,
    )?;
    Ok(row)
}

pub fn list_leads(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    filter: &LeadFilterInput,
    page: &PageRequest,
) -> Result<Page<LeadSummary>, LeadError> {
    let filter = filter.parse().map_err(LeadError::Validation)?;
    find_company(conn, company_id).map_err(|_| LeadError::CompanyNotFound)?;
    check_member(conn, actor, company_id, LeadError::CompanyNotFound)?;
    let rows = query_leads(
        conn,
        company_id,
        &filter,
        page.after.as_deref(),
        page.limit + 1,
    )?;
    let summaries = summarize(conn, rows)?;
    Ok(page.page(summaries, |s| s.lead.id.to_string()))
}

/// One lead with its notes, oldest note first.
pub fn get_lead(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<(LeadSummary, Vec<LeadNote>), LeadError> {
    let row = lead_for_member(conn, actor, id)?;
    let summary = summarize(conn, vec![row])?.remove(0);
    let notes = notes_of(conn, id)?;
    Ok((summary, notes))
}

/// Changes stage, tags, grade, assignee or follow-up date. Any member works a lead; only owners
/// and admins (re)assign it, and only to a member. The grade is the buyer's, so it changes on
/// every lead of that buyer in the company.
pub fn update_lead(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    patch: LeadPatch,
) -> Result<(LeadSummary, Vec<LeadNote>), LeadError> {
    let patch = patch.validate().map_err(LeadError::Validation)?;
    db::transaction(conn, |conn| {
        let mut row = lead_for_member(conn, actor, id)?;
        let company_id = parse_db_id(&row.company_id);
        if let Some(assignee) = patch.assigned_to {
            let current = row.assigned_to.as_deref().map(parse_db_id);
            if assignee != current {
                let role = role_in(conn, company_id, actor.user_id)?;
                if !may_on_company(actor, role, CompanyAction::AssignLeads) {
                    return Err(LeadError::Forbidden);
                }
                if let Some(user) = assignee
                    && role_in(conn, company_id, user)?.is_none()
                {
                    return Err(LeadError::Validation(vec![FieldError::new(
                        "assigned_to",
                        "not_a_member",
                        "must be a member of the company",
                    )]));
                }
            }
            row.assigned_to = assignee.map(|u| u.to_string());
        }
        let before = row.stage.clone();
        if let Some(stage) = patch.stage {
            row.stage = stage.as_str().to_owned();
        }
        if let Some(tags) = &patch.tags {
            row.tags = to_json(tags);
        }
        if let Some(day) = patch.follow_up_on {
            row.follow_up_on = day;
        }
        let at = now();
        if let Some(grade) = patch.grade {
            row.grade = grade.as_str().to_owned();
            diesel::update(
                leads::table
                    .filter(leads::company_id.eq(&row.company_id))
                    .filter(leads::buyer_id.eq(&row.buyer_id)),
            )
            .set((leads::grade.eq(grade.as_str()), leads::updated_at.eq(at)))
            .execute(conn)?;
        }
        row.updated_at = at;
        diesel::update(leads::table.find(&row.id))
            .set(&row)
            .execute(conn)?;
        if row.stage != before {
            super::events::stage_changed(conn, &row, &before, Some(actor.user_id))?;
        }
        let summary = summarize(conn, vec![row])?.remove(0);
        let notes = notes_of(conn, id)?;
        Ok((summary, notes))
    })
}

/// Adds a private note (members only; the buyer never sees it).
pub fn add_note(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    body: &str,
) -> Result<LeadNote, LeadError> {
    let mut v = Validator::new();
    let body = v.multiline("body", body, 1, MAX_NOTE_CHARS);
    v.finish().map_err(LeadError::Validation)?;
    db::transaction(conn, |conn| {
        lead_for_member(conn, actor, id)?;
        let note_id = new_id();
        let at = now();
        diesel::insert_into(lead_notes::table)
            .values((
                lead_notes::id.eq(note_id.to_string()),
                lead_notes::lead_id.eq(id.to_string()),
                lead_notes::author_id.eq(actor.user_id.to_string()),
                lead_notes::body.eq(&body),
                lead_notes::created_at.eq(at),
            ))
            .execute(conn)?;
        diesel::update(leads::table.find(id.to_string()))
            .set(leads::updated_at.eq(at))
            .execute(conn)?;
        let notes = notes_of(conn, id)?;
        Ok(notes
            .into_iter()
            .find(|n| n.id == note_id)
            .expect("the note just written"))
    })
}

/// Every lead matching the filter, newest first, for the export (at most `max`).
pub(crate) fn all_leads(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    filter: &LeadFilter,
    max: usize,
) -> Result<Vec<LeadSummary>, LeadError> {
    find_company(conn, company_id).map_err(|_| LeadError::CompanyNotFound)?;
    check_member(conn, actor, company_id, LeadError::CompanyNotFound)?;
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    while out.len() < max {
        let batch = 500.min(max - out.len()) as i64;
        let rows = query_leads(conn, company_id, filter, after.as_deref(), batch)?;
        let done = (rows.len() as i64) < batch;
        after = rows.last().map(|r| r.id.clone());
        out.extend(summarize(conn, rows)?);
        if done {
            break;
        }
    }
    Ok(out)
}
