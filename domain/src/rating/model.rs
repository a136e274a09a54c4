use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::ratings;
use crate::enums::from_db;
use crate::ids::parse_db_id;

crate::text_enum! {
    /// What entitles the buyer to rate: a thread with the company, or its accepted quote.
    pub enum RatingSource { Inquiry => "inquiry", Quote => "quote" }
}

crate::text_enum! {
    pub enum RatingStatus {
        /// Public and counted in the credit profile.
        Published => "published",
        /// Screening asked for review: hidden and not counted until an operator approves it.
        Held => "held",
        /// An operator took it down (with a reason the rater sees).
        Rejected => "rejected",
    }
}

#[derive(Debug, Clone)]
pub struct Rating {
    pub id: Uuid,
    pub company_id: Uuid,
    pub rater_id: Uuid,
    /// The rater's display name, masked for the public (`张***`).
    pub rater_name: String,
    pub source: RatingSource,
    pub source_id: Uuid,
    pub stars: i32,
    pub comment: String,
    pub status: RatingStatus,
    pub moderation_note: Option<String>,
    pub moderated_at: Option<PrimitiveDateTime>,
    pub reply: Option<String>,
    pub replied_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    /// Whether it counts in the credit score and the public average: published, and the
    /// rater's latest published rating of the company (older ones are history).
    pub counts: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = ratings, treat_none_as_null = true)]
pub(crate) struct RatingRow {
    pub id: String,
    pub company_id: String,
    pub rater_id: String,
    pub source_type: String,
    pub source_id: String,
    pub stars: i32,
    pub comment: String,
    pub status: String,
    pub moderation_note: Option<String>,
    pub moderated_by: Option<String>,
    pub moderated_at: Option<PrimitiveDateTime>,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

/// The first character of a name and `***`: enough to tell ratings apart, not to identify the
/// buyer.
pub(crate) fn mask(name: &str) -> String {
    let first: String = name.trim().chars().take(1).collect();
    format!("{first}***")
}

impl RatingRow {
    pub(crate) fn into_rating(self, rater_display_name: &str) -> Rating {
        Rating {
            id: parse_db_id(&self.id),
            company_id: parse_db_id(&self.company_id),
            rater_id: parse_db_id(&self.rater_id),
            rater_name: mask(rater_display_name),
            source: from_db(
                &self.source_type,
                RatingSource::parse,
                RatingSource::Inquiry,
            ),
            source_id: parse_db_id(&self.source_id),
            stars: self.stars,
            comment: self.comment,
            status: from_db(&self.status, RatingStatus::parse, RatingStatus::Held),
            moderation_note: self.moderation_note,
            moderated_at: self.moderated_at,
            reply: self.reply,
            replied_at: self.replied_at,
            created_at: self.created_at,
            counts: self.status == RatingStatus::Published.as_str(),
        }
    }
}
