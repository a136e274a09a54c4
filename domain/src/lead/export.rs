//! The lead export as CSV for spreadsheet programs.

use uuid::Uuid;

use super::LeadError;
use super::filter::LeadFilterInput;
use super::repo::LeadSummary;
use super::service::all_leads;
use crate::access::Actor;
use crate::db::DbConnection;

/// Exports stop here; a filter narrows a larger inbox.
pub const MAX_EXPORT_ROWS: usize = 50_000;

const HEADER: [&str; 13] = [
    "lead_id",
    "created_at",
    "source",
    "source_id",
    "subject",
    "buyer_name",
    "buyer_email",
    "stage",
    "grade",
    "tags",
    "assigned_to",
    "follow_up_on",
    "notes",
];

fn record(s: &LeadSummary) -> Vec<String> {
    let l = &s.lead;
    vec![
        l.id.to_string(),
        crate::ids::rfc3339(l.created_at),
        l.source.as_str().to_owned(),
        l.source_id.to_string(),
        s.subject.clone(),
        s.buyer_name.clone(),
        s.buyer_email.clone().unwrap_or_default(),
        l.stage.as_str().to_owned(),
        l.grade.as_str().to_owned(),
        l.tags.join("; "),
        s.assigned_name.clone().unwrap_or_default(),
        l.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
        s.notes_count.to_string(),
    ]
}

/// UTF-8 with a byte-order mark, formula cells neutralized (`spreadsheet::csv_bytes`).
pub fn export_leads_csv(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    filter: &LeadFilterInput,
) -> Result<Vec<u8>, LeadError> {
    let filter = filter.parse().map_err(LeadError::Validation)?;
    let leads = all_leads(conn, actor, company_id, &filter, MAX_EXPORT_ROWS)?;
    Ok(crate::spreadsheet::csv_bytes(
        &HEADER,
        leads.iter().map(record),
    )?)
}
