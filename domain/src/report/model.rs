use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::reports;
use crate::enums::from_db;
use crate::ids::parse_db_id;
use crate::json_col::from_json;

crate::text_enum! {
    pub enum ReportSubject {
        Product => "product",
        Listing => "listing",
        Company => "company",
        /// A message in an inquiry thread the reporter takes part in.
        Message => "message",
    }
}

crate::text_enum! {
    pub enum ReportReason {
        Counterfeit => "counterfeit",
        IpInfringement => "ip_infringement",
        ProhibitedGoods => "prohibited_goods",
        Fraud => "fraud",
        Spam => "spam",
        Other => "other",
    }
}

crate::text_enum! {
    pub enum ReportStatus {
        Open => "open",
        Upheld => "upheld",
        Dismissed => "dismissed",
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub id: Uuid,
    pub reporter_id: Uuid,
    pub subject: ReportSubject,
    pub subject_id: Uuid,
    pub reason: ReportReason,
    pub details: String,
    pub evidence_urls: Vec<String>,
    /// Media ids (uploads with purpose `attachment`) of the filer.
    pub evidence_attachments: Vec<String>,
    pub status: ReportStatus,
    pub resolution_note: Option<String>,
    pub handled_by: Option<Uuid>,
    pub handled_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = reports, treat_none_as_null = true)]
pub(crate) struct ReportRow {
    pub id: String,
    pub reporter_id: String,
    pub subject_type: String,
    pub subject_id: String,
    pub reason: String,
    pub details: String,
    pub evidence_urls: String,
    pub status: String,
    pub resolution_note: Option<String>,
    pub handled_by: Option<String>,
    pub handled_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    /// JSON list of media ids.
    pub evidence_attachments: String,
}

impl ReportRow {
    /// The report as the review queue sees it.
    pub(crate) fn review_state(&self) -> crate::review::hooks::ReportState<'_> {
        crate::review::hooks::ReportState {
            id: &self.id,
            subject_type: &self.subject_type,
            subject_id: &self.subject_id,
            reason: &self.reason,
            reporter_id: &self.reporter_id,
            status: &self.status,
            resolution_note: self.resolution_note.as_deref(),
        }
    }
}

impl From<ReportRow> for Report {
    fn from(r: ReportRow) -> Report {
        Report {
            id: parse_db_id(&r.id),
            reporter_id: parse_db_id(&r.reporter_id),
            subject: from_db(
                &r.subject_type,
                ReportSubject::parse,
                ReportSubject::Product,
            ),
            subject_id: parse_db_id(&r.subject_id),
            reason: from_db(&r.reason, ReportReason::parse, ReportReason::Other),
            details: r.details,
            evidence_urls: from_json(&r.evidence_urls),
            evidence_attachments: from_json(&r.evidence_attachments),
            status: from_db(&r.status, ReportStatus::parse, ReportStatus::Open),
            resolution_note: r.resolution_note,
            handled_by: r.handled_by.as_deref().map(parse_db_id),
            handled_at: r.handled_at,
            created_at: r.created_at,
        }
    }
}
