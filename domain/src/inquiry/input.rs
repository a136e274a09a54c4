//! What a buyer sends: validated here, before any target is looked up.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::model::SubjectType;
use crate::error::FieldError;
use crate::validate::Validator;

/// At most this many targets (and so companies) per request.
pub const MAX_TARGETS: usize = 10;
pub const MAX_ATTACHMENTS: usize = 10;
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_MESSAGE_CHARS: usize = 5_000;

#[derive(Debug, Clone)]
pub struct TargetInput {
    /// `product`, `listing` or `company`.
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewInquiry {
    pub subject: String,
    pub message: String,
    pub quantity: Option<i64>,
    pub unit: Option<String>,
    pub attachments: Vec<String>,
    pub targets: Vec<TargetInput>,
    /// Show the buyer's e-mail address to each company addressed (default: not shown).
    pub share_email: bool,
}

#[derive(Debug, Clone)]
pub struct MessageInput {
    pub body: String,
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct ValidTarget {
    /// Position in the request, for field paths (`targets[3].id`).
    pub index: usize,
    pub kind: SubjectType,
    pub id: Uuid,
}

#[derive(Debug, Clone)]
pub(crate) struct ValidInquiry {
    pub subject: String,
    pub message: String,
    pub quantity: Option<i64>,
    pub unit: Option<String>,
    pub attachments: Vec<String>,
    pub targets: Vec<ValidTarget>,
    pub content_hash: String,
    pub share_email: bool,
}

fn attachments(v: &mut Validator, field: &str, items: Vec<String>) -> Vec<String> {
    v.media_ids(field, items, MAX_ATTACHMENTS)
}

impl NewInquiry {
    pub(crate) fn validate(self) -> Result<ValidInquiry, Vec<FieldError>> {
        let mut v = Validator::new();
        let subject = v.text("subject", &self.subject, 1, MAX_SUBJECT_CHARS);
        let message = v.multiline("message", &self.message, 1, MAX_MESSAGE_CHARS);
        let unit = v.opt_text("unit", self.unit.as_deref(), 20);
        if let Some(q) = self.quantity {
            v.check(
                (1..=1_000_000_000_000).contains(&q),
                "quantity",
                "out_of_range",
                "must be between 1 and 1000000000000",
            );
        }
        match (self.quantity.is_some(), unit.is_some()) {
            (true, false) => v.push("unit", "required", "give the unit of the quantity"),
            (false, true) => v.push("quantity", "required", "give the quantity in this unit"),
            _ => {}
        }
        let attachments = attachments(&mut v, "attachments", self.attachments);
        if self.targets.is_empty() {
            v.push(
                "targets",
                "required",
                "address at least one product, listing or company",
            );
        } else if self.targets.len() > MAX_TARGETS {
            v.push(
                "targets",
                "too_many",
                format!("at most {MAX_TARGETS} targets per inquiry"),
            );
        }
        let mut targets = Vec::with_capacity(self.targets.len());
        for (index, t) in self.targets.into_iter().enumerate() {
            let kind = SubjectType::parse(t.kind.trim());
            if kind.is_none() {
                v.push(
                    format!("targets[{index}].type"),
                    "invalid_choice",
                    format!("must be one of: {}", SubjectType::names()),
                );
            }
            let id = Uuid::parse_str(t.id.trim()).ok();
            if id.is_none() {
                v.push(format!("targets[{index}].id"), "invalid", "must be an id");
            }
            if let (Some(kind), Some(id)) = (kind, id) {
                targets.push(ValidTarget { index, kind, id });
            }
        }
        v.finish()?;
        let content_hash = content_hash(&message);
        Ok(ValidInquiry {
            subject,
            message,
            quantity: self.quantity,
            unit,
            attachments,
            targets,
            content_hash,
            share_email: self.share_email,
        })
    }
}

impl MessageInput {
    pub(crate) fn validate(self) -> Result<MessageInput, Vec<FieldError>> {
        let mut v = Validator::new();
        let body = v.multiline("body", &self.body, 1, MAX_MESSAGE_CHARS);
        let attachments = attachments(&mut v, "attachments", self.attachments);
        v.finish()?;
        Ok(MessageInput { body, attachments })
    }
}

/// The text used to recognise the same message sent again: full-width ASCII folded to
/// half-width, lower case, and only letters and digits kept (spacing, punctuation and
/// emphasis do not make a copy new).
pub fn normalize_message(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// SHA-256 (hex) of the normalized text: stored as `inquiries.content_hash`.
pub fn content_hash(text: &str) -> String {
    Sha256::digest(normalize_message(text).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_with_other_spacing_case_and_punctuation_hash_alike() {
        let a = content_hash("Hello, please quote 1000 pcs of M8 bolts!  谢谢。");
        let b = content_hash("hello please QUOTE 1000pcs of m8 bolts 谢谢");
        let c = content_hash("ｈｅｌｌｏ， please quote 1000 pcs of M8 bolts! 谢谢");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_ne!(
            a,
            content_hash("Hello, please quote 2000 pcs of M8 bolts! 谢谢")
        );
    }

    #[test]
    fn reports_target_paths() {
        let input = NewInquiry {
            subject: "Bolts".into(),
            message: "Quote please".into(),
            share_email: false,
            targets: vec![
                TargetInput {
                    kind: "company".into(),
                    id: Uuid::nil().to_string(),
                },
                TargetInput {
                    kind: "shop".into(),
                    id: "x".into(),
                },
            ],
            ..NewInquiry::default()
        };
        let errors = input.validate().expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["targets[1].type", "targets[1].id"]);
    }
}
