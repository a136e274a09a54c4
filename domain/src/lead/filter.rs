//! Lead list filters, parsed from the query string with field errors.

use time::Date;
use time::macros::format_description;
use uuid::Uuid;

use super::model::{BuyerGrade, LeadSource, LeadStage};
use crate::error::FieldError;

/// The filters as the client sent them (all optional text).
#[derive(Debug, Clone, Default)]
pub struct LeadFilterInput {
    pub stage: Option<String>,
    pub grade: Option<String>,
    pub tag: Option<String>,
    pub assigned_to: Option<String>,
    pub source: Option<String>,
    pub follow_up_before: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub stage: Option<LeadStage>,
    pub grade: Option<BuyerGrade>,
    pub tag: Option<String>,
    pub assigned_to: Option<Uuid>,
    pub source: Option<LeadSource>,
    /// Leads with a follow-up date on or before this day.
    pub follow_up_before: Option<Date>,
}

pub(crate) fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()
}

impl LeadFilterInput {
    pub fn parse(&self) -> Result<LeadFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let stage = crate::validate::filter_choice(
            &mut errors,
            "stage",
            self.stage.as_deref(),
            LeadStage::parse,
            LeadStage::names,
        );
        let grade = crate::validate::filter_choice(
            &mut errors,
            "grade",
            self.grade.as_deref(),
            BuyerGrade::parse,
            BuyerGrade::names,
        );
        let source = crate::validate::filter_choice(
            &mut errors,
            "source",
            self.source.as_deref(),
            LeadSource::parse,
            LeadSource::names,
        );
        let assigned_to = match self.assigned_to.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match Uuid::parse_str(text) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push(FieldError::new(
                        "assigned_to",
                        "invalid",
                        "is not a user id",
                    ));
                    None
                }
            },
        };
        let follow_up_before = match self.follow_up_before.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match parse_date(text) {
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new(
                        "follow_up_before",
                        "invalid_date",
                        "must be a date as YYYY-MM-DD",
                    ));
                    None
                }
            },
        };
        let tag = self
            .tag
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        if errors.is_empty() {
            Ok(LeadFilter {
                stage,
                grade,
                tag,
                assigned_to,
                source,
                follow_up_before,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_exact_and_blank_is_none() {
        let input = |stage: &str| LeadFilterInput {
            stage: Some(stage.to_owned()),
            ..LeadFilterInput::default()
        };
        assert!(input("").parse().unwrap().stage.is_none());
        let first = LeadStage::ALL[0].as_str();
        assert!(input(first).parse().unwrap().stage.is_some());
        let errors = input(&format!(" {first}")).parse().unwrap_err();
        assert_eq!(errors[0].code, "invalid_choice");
        // The ids and days keep being trimmed: their patterns admit the space.
        let days = LeadFilterInput {
            follow_up_before: Some(" 2026-12-07 ".to_owned()),
            ..LeadFilterInput::default()
        };
        assert!(days.parse().unwrap().follow_up_before.is_some());
    }
}
