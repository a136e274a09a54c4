//! What a member may change on a lead, validated.

use time::Date;
use uuid::Uuid;

use super::filter::parse_date;
use super::model::{BuyerGrade, LeadStage};
use crate::error::FieldError;
use crate::validate::Validator;

pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 30;
pub const MAX_NOTE_CHARS: usize = 4000;

/// A PATCH: absent fields keep their value; `Some(None)` clears `assigned_to`/`follow_up_on`.
#[derive(Debug, Clone, Default)]
pub struct LeadPatch {
    pub stage: Option<String>,
    pub grade: Option<String>,
    pub tags: Option<Vec<String>>,
    pub assigned_to: Option<Option<Uuid>>,
    pub follow_up_on: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ValidPatch {
    pub stage: Option<LeadStage>,
    pub grade: Option<BuyerGrade>,
    pub tags: Option<Vec<String>>,
    pub assigned_to: Option<Option<Uuid>>,
    pub follow_up_on: Option<Option<Date>>,
}

impl LeadPatch {
    pub(crate) fn validate(self) -> Result<ValidPatch, Vec<FieldError>> {
        let mut v = Validator::new();
        let stage = self.stage.as_deref().and_then(|s| {
            let parsed = LeadStage::parse(s.trim());
            if parsed.is_none() {
                v.push(
                    "stage",
                    "invalid_choice",
                    format!("must be one of: {}", LeadStage::names()),
                );
            }
            parsed
        });
        let grade = self.grade.as_deref().and_then(|g| {
            let parsed = BuyerGrade::parse(g.trim());
            if parsed.is_none() {
                v.push(
                    "grade",
                    "invalid_choice",
                    format!("must be one of: {}", BuyerGrade::names()),
                );
            }
            parsed
        });
        let tags = self.tags.map(|tags| {
            if tags.len() > MAX_TAGS {
                v.push("tags", "too_many", format!("at most {MAX_TAGS} tags"));
            }
            let mut clean: Vec<String> = Vec::new();
            for (i, tag) in tags.iter().enumerate() {
                // Lower-cased so that filtering matches the same way on both databases.
                let tag = v
                    .text(&format!("tags[{i}]"), tag, 1, MAX_TAG_CHARS)
                    .to_lowercase();
                if !clean.contains(&tag) {
                    clean.push(tag);
                }
            }
            clean
        });
        let follow_up_on = self.follow_up_on.map(|d| {
            d.and_then(|text| {
                let parsed = parse_date(&text);
                if parsed.is_none() {
                    v.push(
                        "follow_up_on",
                        "invalid_date",
                        "must be a date as YYYY-MM-DD",
                    );
                }
                parsed
            })
        });
        v.finish()?;
        Ok(ValidPatch {
            stage,
            grade,
            tags,
            assigned_to: self.assigned_to,
            follow_up_on,
        })
    }
}
