//! Lead queries: the filtered list and what each lead shows besides its own row.

use std::collections::HashMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::filter::LeadFilter;
use super::model::{Lead, LeadRow, LeadSource};
use crate::db::DbConnection;
use crate::db::schema::{inquiries, lead_notes, leads, listings, quotes, users};
use crate::ids::parse_db_id;

/// A lead with the names and the subject a list shows.
#[derive(Debug, Clone)]
pub struct LeadSummary {
    pub lead: Lead,
    pub buyer_name: String,
    /// Only when the buyer shared it in the thread the lead came from.
    pub buyer_email: Option<String>,
    /// The inquiry's subject, or the title of the buy request a quote answers.
    pub subject: String,
    pub assigned_name: Option<String>,
    pub notes_count: i64,
}

#[derive(Debug, Clone)]
pub struct LeadNote {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    pub created_at: PrimitiveDateTime,
}

/// `%`, `_` and the escape character itself are literal inside the pattern.
fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Leads of a company matching `filter`, newest first; at most `limit` after `after`.
pub(crate) fn query_leads(
    conn: &mut DbConnection,
    company_id: Uuid,
    filter: &LeadFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<LeadRow>> {
    let mut query = leads::table
        .filter(leads::company_id.eq(company_id.to_string()))
        .order(leads::id.desc())
        .limit(limit)
        .select(LeadRow::as_select())
        .into_boxed();
    if let Some(stage) = filter.stage {
        query = query.filter(leads::stage.eq(stage.as_str()));
    }
    if let Some(grade) = filter.grade {
        query = query.filter(leads::grade.eq(grade.as_str()));
    }
    if let Some(source) = filter.source {
        query = query.filter(leads::source_type.eq(source.as_str()));
    }
    if let Some(user) = filter.assigned_to {
        query = query.filter(leads::assigned_to.eq(user.to_string()));
    }
    if let Some(day) = filter.follow_up_before {
        query = query.filter(leads::follow_up_on.le(day));
    }
    if let Some(tag) = &filter.tag {
        // Tags are stored as a compact JSON array of lower-case strings, so the quoted JSON form
        // of the tag appears in it exactly when the lead has that tag.
        let quoted = serde_json::to_string(tag).unwrap_or_default();
        let pattern = format!("%{}%", like_literal(&quoted));
        query = query.filter(leads::tags.like(pattern).escape('\\'));
    }
    if let Some(after) = after {
        query = query.filter(leads::id.lt(after.to_owned()));
    }
    query.load(conn)
}

pub(crate) fn load_lead(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<LeadRow>> {
    leads::table
        .find(id.to_string())
        .select(LeadRow::as_select())
        .first(conn)
        .optional()
}

fn names_of(
    conn: &mut DbConnection,
    ids: Vec<String>,
) -> QueryResult<HashMap<String, (String, String)>> {
    let rows: Vec<(String, String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name, users::email))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n, e)| (id, (n, e))).collect())
}

/// Adds names, subjects and note counts to lead rows, with one query per kind of fact.
pub(crate) fn summarize(
    conn: &mut DbConnection,
    rows: Vec<LeadRow>,
) -> QueryResult<Vec<LeadSummary>> {
    let mut user_ids: Vec<String> = rows.iter().map(|r| r.buyer_id.clone()).collect();
    user_ids.extend(rows.iter().filter_map(|r| r.assigned_to.clone()));
    let names = names_of(conn, user_ids)?;
    let ids_of = |source: LeadSource| -> Vec<String> {
        rows.iter()
            .filter(|r| r.source_type == source.as_str())
            .map(|r| r.source_id.clone())
            .collect()
    };
    let threads: Vec<(String, String, bool)> = inquiries::table
        .filter(inquiries::id.eq_any(ids_of(LeadSource::Inquiry)))
        .select((
            inquiries::id,
            inquiries::subject,
            inquiries::buyer_shares_email,
        ))
        .load(conn)?;
    // The platform's contact-details rule: the buyer's address only where the buyer shared it
    // (the inquiry thread the lead came from); a quote shares nothing.
    let shared: std::collections::HashSet<String> = threads
        .iter()
        .filter(|(_, _, shares)| *shares)
        .map(|(id, _, _)| id.clone())
        .collect();
    let mut subjects: HashMap<String, String> = threads
        .into_iter()
        .map(|(id, subject, _)| (id, subject))
        .collect();
    subjects.extend(
        quotes::table
            .inner_join(listings::table)
            .filter(quotes::id.eq_any(ids_of(LeadSource::Quote)))
            .select((quotes::id, listings::title))
            .load::<(String, String)>(conn)?,
    );
    let lead_ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let counts: HashMap<String, i64> = lead_notes::table
        .filter(lead_notes::lead_id.eq_any(lead_ids))
        .group_by(lead_notes::lead_id)
        .select((lead_notes::lead_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let (buyer_name, email) = names.get(&row.buyer_id).cloned().unwrap_or_default();
            let buyer_email = shared.contains(&row.source_id).then_some(email);
            let assigned_name = row
                .assigned_to
                .as_ref()
                .and_then(|a| names.get(a))
                .map(|(n, _)| n.clone());
            LeadSummary {
                subject: subjects.get(&row.source_id).cloned().unwrap_or_default(),
                notes_count: counts.get(&row.id).copied().unwrap_or(0),
                buyer_name,
                buyer_email,
                assigned_name,
                lead: Lead::from(row),
            }
        })
        .collect())
}

pub(crate) fn notes_of(conn: &mut DbConnection, lead_id: Uuid) -> QueryResult<Vec<LeadNote>> {
    let rows: Vec<(String, String, String, String, PrimitiveDateTime)> = lead_notes::table
        .inner_join(users::table.on(users::id.eq(lead_notes::author_id)))
        .filter(lead_notes::lead_id.eq(lead_id.to_string()))
        .order(lead_notes::id.asc())
        .select((
            lead_notes::id,
            lead_notes::author_id,
            users::display_name,
            lead_notes::body,
            lead_notes::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, author, name, body, at)| LeadNote {
            id: parse_db_id(&id),
            author_id: parse_db_id(&author),
            author_name: name,
            body,
            created_at: at,
        })
        .collect())
}
