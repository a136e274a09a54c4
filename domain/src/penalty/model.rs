use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::penalties;
use crate::enums::from_db;
use crate::ids::parse_db_id;

crate::text_enum! {
    /// Why points were given.
    pub enum PenaltyReason {
        Counterfeit => "counterfeit",
        IpInfringement => "ip_infringement",
        ProhibitedGoods => "prohibited_goods",
        Fraud => "fraud",
        Spam => "spam",
        /// False or misleading product or company information (虚假宣传).
        MisleadingInformation => "misleading_information",
        /// Licence facts that do not match the register.
        LicenceIrregularity => "licence_irregularity",
        Other => "other",
    }
}

#[derive(Debug, Clone)]
pub struct Penalty {
    pub id: Uuid,
    pub company_id: Uuid,
    pub points: i32,
    pub reason: PenaltyReason,
    /// The operator's note, seen by the company.
    pub note: String,
    pub report_id: Option<Uuid>,
    /// The item the violation concerns (`product`, `listing`, `company` or `message`).
    pub subject_type: Option<String>,
    pub subject_id: Option<Uuid>,
    pub recorded_by: Uuid,
    pub created_at: PrimitiveDateTime,
    /// The points count until then.
    pub expires_at: PrimitiveDateTime,
}

impl Penalty {
    pub fn is_active(&self, at: PrimitiveDateTime) -> bool {
        self.expires_at > at
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = penalties)]
pub(crate) struct PenaltyRow {
    pub id: String,
    pub company_id: String,
    pub points: i32,
    pub reason_code: String,
    pub note: String,
    pub report_id: Option<String>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
}

impl From<PenaltyRow> for Penalty {
    fn from(r: PenaltyRow) -> Penalty {
        Penalty {
            id: parse_db_id(&r.id),
            company_id: parse_db_id(&r.company_id),
            points: r.points,
            reason: from_db(&r.reason_code, PenaltyReason::parse, PenaltyReason::Other),
            note: r.note,
            report_id: r.report_id.as_deref().map(parse_db_id),
            subject_type: r.subject_type,
            subject_id: r.subject_id.as_deref().map(parse_db_id),
            recorded_by: parse_db_id(&r.recorded_by),
            created_at: r.created_at,
            expires_at: r.expires_at,
        }
    }
}
