use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};
use uuid::Uuid;

use crate::db::schema::leads;
use crate::enums::from_db;
use crate::ids::parse_db_id;
use crate::json_col::from_json;

crate::text_enum! {
    pub enum LeadSource {
        Inquiry => "inquiry",
        Quote => "quote",
    }
}

crate::text_enum! {
    pub enum LeadStage {
        New => "new",
        Contacted => "contacted",
        Quoted => "quoted",
        Negotiating => "negotiating",
        Won => "won",
        Lost => "lost",
    }
}

crate::text_enum! {
    /// How much the buyer matters to the company (客户分级), set by its members.
    pub enum BuyerGrade {
        Vip => "vip",
        Key => "key",
        Regular => "regular",
        Small => "small",
    }
}

#[derive(Debug, Clone)]
pub struct Lead {
    pub id: Uuid,
    pub company_id: Uuid,
    pub buyer_id: Uuid,
    pub source: LeadSource,
    pub source_id: Uuid,
    pub stage: LeadStage,
    pub tags: Vec<String>,
    pub grade: BuyerGrade,
    pub assigned_to: Option<Uuid>,
    pub follow_up_on: Option<Date>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = leads, treat_none_as_null = true)]
pub(crate) struct LeadRow {
    pub id: String,
    pub company_id: String,
    pub buyer_id: String,
    pub source_type: String,
    pub source_id: String,
    pub stage: String,
    pub tags: String,
    pub grade: String,
    pub assigned_to: Option<String>,
    pub follow_up_on: Option<Date>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl From<LeadRow> for Lead {
    fn from(r: LeadRow) -> Lead {
        Lead {
            id: parse_db_id(&r.id),
            company_id: parse_db_id(&r.company_id),
            buyer_id: parse_db_id(&r.buyer_id),
            source: from_db(&r.source_type, LeadSource::parse, LeadSource::Inquiry),
            source_id: parse_db_id(&r.source_id),
            stage: from_db(&r.stage, LeadStage::parse, LeadStage::New),
            tags: from_json(&r.tags),
            grade: from_db(&r.grade, BuyerGrade::parse, BuyerGrade::Regular),
            assigned_to: r.assigned_to.as_deref().map(parse_db_id),
            follow_up_on: r.follow_up_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
