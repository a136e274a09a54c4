use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::policy_documents;
use crate::ids::parse_db_id;

crate::text_enum! {
    /// The documents the platform publishes.
    pub enum PolicyKind {
        Terms => "terms",
        Privacy => "privacy",
        TradingRules => "trading_rules",
        SafetyRules => "safety_rules",
        ProhibitedItems => "prohibited_items",
    }
}

impl PolicyKind {
    /// Accepted at registration (guideline 第十二、十三条); the rules are published for
    /// everyone to read.
    pub fn accepted_at_registration(self) -> bool {
        matches!(self, PolicyKind::Terms | PolicyKind::Privacy)
    }
}

/// One published version.
#[derive(Debug, Clone)]
pub struct PolicyDocument {
    pub id: Uuid,
    pub kind: PolicyKind,
    pub version: i32,
    pub title_zh: String,
    pub title_en: String,
    pub body_zh: String,
    pub body_en: String,
    pub change_note: String,
    pub published_by: Uuid,
    pub published_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = policy_documents)]
pub(crate) struct PolicyRow {
    pub id: String,
    pub kind: String,
    pub version: i32,
    pub title_zh: String,
    pub title_en: String,
    pub body_zh: String,
    pub body_en: String,
    pub change_note: String,
    pub published_by: String,
    pub published_at: PrimitiveDateTime,
}

impl From<PolicyRow> for PolicyDocument {
    fn from(r: PolicyRow) -> PolicyDocument {
        PolicyDocument {
            id: parse_db_id(&r.id),
            // Only `publish` writes the column, from a `PolicyKind`.
            kind: PolicyKind::parse(&r.kind).unwrap_or(PolicyKind::Terms),
            version: r.version,
            title_zh: r.title_zh,
            title_en: r.title_en,
            body_zh: r.body_zh,
            body_en: r.body_en,
            change_note: r.change_note,
            published_by: parse_db_id(&r.published_by),
            published_at: r.published_at,
        }
    }
}

/// A new version as an operator writes it. Both languages are required: the platform serves
/// visitors in both, and a rule only one of them can read is not published to the other.
#[derive(Debug, Clone, Default)]
pub struct PolicyInput {
    pub title_zh: String,
    pub title_en: String,
    /// Plain text; paragraphs separated by blank lines.
    pub body_zh: String,
    pub body_en: String,
    pub change_note: String,
}
