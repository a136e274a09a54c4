use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::appeals;
use crate::enums::from_db;
use crate::ids::parse_db_id;
use crate::json_col::from_json;

crate::text_enum! {
    pub enum AppealTarget {
        Enforcement => "enforcement",
        Takedown => "takedown",
    }
}

crate::text_enum! {
    pub enum AppealStatus {
        Open => "open",
        /// The measure was reversed.
        Upheld => "upheld",
        /// The measure stands.
        Rejected => "rejected",
    }
}

#[derive(Debug, Clone)]
pub struct Appeal {
    pub id: Uuid,
    pub target: AppealTarget,
    pub target_id: Uuid,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub appellant_id: Uuid,
    pub statement: String,
    pub evidence_urls: Vec<String>,
    pub status: AppealStatus,
    pub decision_note: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = appeals, treat_none_as_null = true)]
pub(crate) struct AppealRow {
    pub id: String,
    pub target_type: String,
    pub target_id: String,
    pub company_id: Option<String>,
    pub owner_id: Option<String>,
    pub appellant_id: String,
    pub statement: String,
    pub evidence_urls: String,
    pub status: String,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

impl AppealRow {
    pub fn owner(&self) -> crate::enforcement::ItemOwner {
        crate::enforcement::ItemOwner {
            company_id: self.company_id.as_deref().map(parse_db_id),
            owner_id: self.owner_id.as_deref().map(parse_db_id),
        }
    }
}

impl From<AppealRow> for Appeal {
    fn from(r: AppealRow) -> Appeal {
        Appeal {
            id: parse_db_id(&r.id),
            target: from_db(
                &r.target_type,
                AppealTarget::parse,
                AppealTarget::Enforcement,
            ),
            target_id: parse_db_id(&r.target_id),
            company_id: r.company_id.as_deref().map(parse_db_id),
            owner_id: r.owner_id.as_deref().map(parse_db_id),
            appellant_id: parse_db_id(&r.appellant_id),
            statement: r.statement,
            evidence_urls: from_json(&r.evidence_urls),
            status: from_db(&r.status, AppealStatus::parse, AppealStatus::Open),
            decision_note: r.decision_note,
            decided_at: r.decided_at,
            created_at: r.created_at,
        }
    }
}
