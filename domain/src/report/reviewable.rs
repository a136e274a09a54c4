//! How the review queue resolves reports: an approval upholds the report, a rejection dismisses
//! it (registered in `wiring` (`domain::wire`)).

use uuid::Uuid;

use super::model::ReportStatus;
use super::service::resolve_report_in_tx;
use crate::access::Actor;
use crate::db::DbConnection;
use crate::review::{Decision, ReviewKind, Reviewable, SubjectError, subject_error};

pub(crate) struct ReportReview;

impl Reviewable for ReportReview {
    fn kinds(&self) -> &'static [ReviewKind] {
        &[ReviewKind::Report]
    }

    fn apply_decision(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        _kind: ReviewKind,
        id: Uuid,
        decision: Decision,
        note: Option<String>,
    ) -> Result<(), SubjectError> {
        let (outcome, default) = match decision {
            Decision::Approve => (ReportStatus::Upheld, "the report was upheld"),
            _ => (ReportStatus::Dismissed, "the report was dismissed"),
        };
        let note = note.unwrap_or_else(|| default.into());
        resolve_report_in_tx(conn, actor, id, outcome, note, None, false)
            .map(drop)
            .map_err(subject_error)
    }
}
