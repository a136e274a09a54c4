use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

use crate::db::schema::screening_rules;
use crate::enums::from_db;
use crate::json_col::from_json;

crate::text_enum! {
    pub enum RuleKind {
        /// A word or phrase, matched through the evasion folding.
        Term => "term",
        /// A regular expression over the compact form (separators dropped, Chinese numerals as
        /// digits), for contact details and the like.
        Pattern => "pattern",
    }
}

crate::text_enum! {
    pub enum RuleAction {
        /// The write is refused (400 `content_blocked`).
        Block => "block",
        /// The item waits for an operator before it goes public.
        Review => "review",
        /// The item goes public; the hit is recorded for operators.
        Flag => "flag",
    }
}

impl RuleAction {
    pub fn severity(self) -> u8 {
        match self {
            RuleAction::Flag => 1,
            RuleAction::Review => 2,
            RuleAction::Block => 3,
        }
    }
}

impl<'de> Deserialize<'de> for RuleAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RuleAction, D::Error> {
        let text = String::deserialize(d)?;
        RuleAction::parse(&text).ok_or_else(|| serde::de::Error::custom("unknown action"))
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: RuleKind,
    pub text: String,
    pub action: RuleAction,
    pub category: String,
    pub exceptions: Vec<String>,
    pub note: Option<String>,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = screening_rules, treat_none_as_null = true)]
pub(crate) struct RuleRow {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub action: String,
    pub category: String,
    pub exceptions: String,
    pub note: Option<String>,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl From<RuleRow> for Rule {
    fn from(r: RuleRow) -> Rule {
        Rule {
            kind: from_db(&r.kind, RuleKind::parse, RuleKind::Term),
            action: from_db(&r.action, RuleAction::parse, RuleAction::Flag),
            exceptions: from_json(&r.exceptions),
            id: r.id,
            text: r.text,
            category: r.category,
            note: r.note,
            enabled: r.enabled,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

crate::text_enum! {
    /// Where a rule belongs, for reports and for the owner's message.
    pub enum RuleCategory {
        ProhibitedGoods => "prohibited_goods",
        Counterfeit => "counterfeit",
        ContactHarvesting => "contact_harvesting",
        Fraud => "fraud",
        Adult => "adult",
        Other => "other",
    }
}
