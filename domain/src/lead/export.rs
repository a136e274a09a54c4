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

/// Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection);
/// a leading apostrophe makes them show it as text.
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn record(s: &LeadSummary) -> Vec<String> {
    let l = &s.lead;
    vec![
        l.id.to_string(),
        crate::ids::rfc3339(l.created_at),
        l.source.as_str().to_owned(),
        l.source_id.to_string(),
        cell(&s.subject),
        cell(&s.buyer_name),
        cell(s.buyer_email.as_deref().unwrap_or("")),
        l.stage.as_str().to_owned(),
        l.grade.as_str().to_owned(),
        cell(&l.tags.join("; ")),
        cell(s.assigned_name.as_deref().unwrap_or("")),
        l.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
        s.notes_count.to_string(),
    ]
}

/// UTF-8 with a byte-order mark: without it Excel reads the file as the local code page and
/// shows Chinese names as mojibake.
pub fn export_leads_csv(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    filter: &LeadFilterInput,
) -> Result<Vec<u8>, LeadError> {
    let filter = filter.parse().map_err(LeadError::Validation)?;
    let leads = all_leads(conn, actor, company_id, &filter, MAX_EXPORT_ROWS)?;
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(HEADER)?;
        for lead in &leads {
            writer.write_record(record(lead))?;
        }
        writer.flush().map_err(csv::Error::from)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formula_cells_are_neutralized() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("王经理"), "王经理");
    }
}
