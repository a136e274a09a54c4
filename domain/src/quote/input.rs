//! Quote input: one shape for a new quote (required fields enforced) and its one revision.

use rust_decimal::Decimal;
use time::PrimitiveDateTime;

use super::model::Quote;
use crate::error::FieldError;
use crate::listing::{Incoterm, check_amount, check_currency, check_incoterm, check_valid_until};
use crate::validate::Validator;

#[derive(Debug, Clone, Default)]
pub struct QuoteInput {
    /// Decimal unit price in `currency`.
    pub unit_price: Option<Decimal>,
    pub currency: Option<String>,
    /// Minimum order quantity, in the request's unit (default 1).
    pub moq: Option<i64>,
    pub lead_time_days: Option<i32>,
    /// On a revision `""` removes it.
    pub incoterm: Option<String>,
    /// Until when the offer stands: in the future, at most 90 days ahead.
    pub valid_until: Option<PrimitiveDateTime>,
    /// Plain text for the buyer.
    pub message: Option<String>,
    /// Media ids (uploads with purpose `attachment`), in order; on a revision the whole list.
    pub attachments: Option<Vec<String>>,
}

/// At most this many files per quote.
pub const MAX_ATTACHMENTS: usize = 10;

#[derive(Debug, Clone)]
pub(crate) struct ValidQuote {
    pub unit_price_minor: i64,
    pub currency: String,
    pub moq: i64,
    pub lead_time_days: i32,
    pub incoterm: Option<Incoterm>,
    pub valid_until: PrimitiveDateTime,
    pub message: String,
    pub attachments: Vec<String>,
}

impl QuoteInput {
    pub(crate) fn validate(
        self,
        old: Option<&Quote>,
        now: PrimitiveDateTime,
    ) -> Result<ValidQuote, Vec<FieldError>> {
        let mut v = Validator::new();
        let currency = match (self.currency.as_deref(), old) {
            (Some(c), _) => check_currency(&mut v, "currency", c),
            (None, Some(q)) => q.currency.clone(),
            (None, None) => {
                v.push("currency", "required", "is required");
                String::new()
            }
        };
        let unit_price_minor = match (self.unit_price, old) {
            (Some(p), _) => check_amount(&mut v, "unit_price", p, Some(&currency)),
            (None, Some(q)) if q.currency == currency => q.unit_price_minor,
            (None, Some(_)) => {
                v.push(
                    "unit_price",
                    "required",
                    "give the price again when changing the currency",
                );
                0
            }
            (None, None) => {
                v.push("unit_price", "required", "is required");
                0
            }
        };
        let moq = match (self.moq, old) {
            (Some(m), _) => {
                v.check(
                    (1..=crate::listing::MAX_QUANTITY).contains(&m),
                    "moq",
                    "out_of_range",
                    "must be between 1 and 1000000000",
                );
                m
            }
            (None, Some(q)) => q.moq,
            (None, None) => 1,
        };
        let lead_time_days = match (self.lead_time_days, old) {
            (Some(d), _) => {
                v.check(
                    (0..=365).contains(&d),
                    "lead_time_days",
                    "out_of_range",
                    "must be between 0 and 365",
                );
                d
            }
            (None, Some(q)) => q.lead_time_days,
            (None, None) => {
                v.push("lead_time_days", "required", "is required");
                0
            }
        };
        let incoterm = match self.incoterm.as_deref() {
            Some(c) if c.trim().is_empty() => None,
            Some(c) => check_incoterm(&mut v, "incoterm", c),
            None => old.and_then(|q| q.incoterm),
        };
        let valid_until = match (self.valid_until, old) {
            (Some(t), _) => check_valid_until(&mut v, "valid_until", t, now),
            (None, Some(q)) if q.valid_until > now => q.valid_until,
            (None, Some(q)) => {
                v.push(
                    "valid_until",
                    "required",
                    "the quote's validity has passed; give a new one",
                );
                q.valid_until
            }
            (None, None) => {
                v.push("valid_until", "required", "is required");
                now
            }
        };
        let message = match (self.message.as_deref(), old) {
            // Blank or invisible-only is no message, as for every optional text.
            (Some(m), _) => v
                .opt_multiline("message", Some(m), 5000)
                .unwrap_or_default(),
            (None, Some(q)) => q.message.clone(),
            (None, None) => String::new(),
        };
        let attachments = match self.attachments {
            Some(items) => v.media_ids("attachments", items, MAX_ATTACHMENTS),
            None => old.map(|q| q.attachments.clone()).unwrap_or_default(),
        };
        v.finish()?;
        Ok(ValidQuote {
            unit_price_minor,
            currency,
            moq,
            lead_time_days,
            incoterm,
            valid_until,
            message,
            attachments,
        })
    }
}
