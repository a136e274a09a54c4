//! Listing input: one shape for create (required fields enforced) and patch.

use rust_decimal::Decimal;
use time::{Duration, PrimitiveDateTime};

use super::model::{Incoterm, Listing};
use crate::catalog::{currency_exponent, to_minor_units};
use crate::error::FieldError;
use crate::validate::Validator;

/// How far ahead a listing (and a quote) may run.
pub const MAX_VALIDITY: Duration = Duration::days(90);
pub const MAX_ATTACHMENTS: usize = 10;
pub const MAX_QUANTITY: i64 = 1_000_000_000;

#[derive(Debug, Clone, Default)]
pub struct ListingInput {
    pub title: Option<String>,
    /// Rich text; sanitized.
    pub description: Option<String>,
    pub category_id: Option<String>,
    pub quantity: Option<i64>,
    pub unit: Option<String>,
    /// A unit price in `currency` (asking price of a sell offer, target price of a buy request).
    pub target_price: Option<Decimal>,
    /// ISO 4217; on PATCH `""` removes the price.
    pub currency: Option<String>,
    /// A region or port; on PATCH `""` removes it.
    pub delivery_region: Option<String>,
    /// One of the Incoterms 2020 codes; on PATCH `""` removes it.
    pub incoterm: Option<String>,
    pub valid_until: Option<PrimitiveDateTime>,
    /// Media ids (uploads with purpose `attachment`), in order; on PATCH the whole list.
    pub attachments: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub(crate) struct ValidListing {
    pub title: String,
    pub description: String,
    pub category_id: String,
    pub quantity: i64,
    pub unit: String,
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub delivery_region: Option<String>,
    pub incoterm: Option<Incoterm>,
    pub valid_until: PrimitiveDateTime,
    pub attachments: Vec<String>,
}

/// Drops sub-microsecond precision: both databases store microseconds, and a comparison with
/// the stored value must be exact.
pub fn to_micros(t: PrimitiveDateTime) -> PrimitiveDateTime {
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.replace_nanosecond(micros).unwrap_or(t)
}

/// An end date: after `now`, at most 90 days ahead.
pub(crate) fn check_valid_until(
    v: &mut Validator,
    field: &str,
    value: PrimitiveDateTime,
    now: PrimitiveDateTime,
) -> PrimitiveDateTime {
    let value = to_micros(value);
    if value <= now {
        v.push(field, "out_of_range", "must be in the future");
    } else if value > now + MAX_VALIDITY {
        v.push(field, "out_of_range", "must be at most 90 days ahead");
    }
    value
}

/// A decimal amount in minor units of a (checked) currency.
pub(crate) fn check_amount(
    v: &mut Validator,
    field: &str,
    amount: Decimal,
    currency: Option<&str>,
) -> i64 {
    match currency {
        Some(c) if currency_exponent(c).is_some() => match to_minor_units(amount, c) {
            Ok(minor) => minor,
            Err(code) => {
                v.push(
                    field,
                    code,
                    "must be a positive amount with no more decimals than the currency has",
                );
                0
            }
        },
        _ => 0,
    }
}

/// A currency code, upper-cased; reports an unknown one.
pub(crate) fn check_currency(v: &mut Validator, field: &str, code: &str) -> String {
    let code = code.trim().to_uppercase();
    v.check(
        currency_exponent(&code).is_some(),
        field,
        "invalid_currency",
        "must be an ISO 4217 currency code such as CNY or USD",
    );
    code
}

/// An Incoterm code (any case).
pub(crate) fn check_incoterm(v: &mut Validator, field: &str, code: &str) -> Option<Incoterm> {
    let parsed = Incoterm::parse(&code.trim().to_uppercase());
    if parsed.is_none() {
        v.push(
            field,
            "invalid_choice",
            format!("must be one of: {}", Incoterm::names()),
        );
    }
    parsed
}

impl ListingInput {
    /// Validates against the current listing (`None` on create). The category's existence is
    /// checked by the service, which has the connection.
    pub(crate) fn validate(
        self,
        old: Option<&Listing>,
        now: PrimitiveDateTime,
    ) -> Result<ValidListing, Vec<FieldError>> {
        let mut v = Validator::new();
        let title = match (self.title.as_deref(), old) {
            (Some(t), _) => v.text("title", t, 2, 200),
            (None, Some(l)) => l.title.clone(),
            (None, None) => {
                v.push("title", "required", "is required");
                String::new()
            }
        };
        let description = match self.description {
            Some(d) => v.html("description", &d, 20_000),
            None => old.map(|l| l.description.clone()).unwrap_or_default(),
        };
        let category_id = match (self.category_id, old) {
            (Some(c), _) => c.trim().to_owned(),
            (None, Some(l)) => l.category_id.clone(),
            (None, None) => {
                v.push("category_id", "required", "is required");
                String::new()
            }
        };
        let quantity = match (self.quantity, old) {
            (Some(q), _) => {
                if q <= 0 {
                    v.push("quantity", "must_be_positive", "must be greater than 0");
                } else if q > MAX_QUANTITY {
                    v.push(
                        "quantity",
                        "out_of_range",
                        format!("must be at most {MAX_QUANTITY}"),
                    );
                }
                q
            }
            (None, Some(l)) => l.quantity,
            (None, None) => {
                v.push("quantity", "required", "is required");
                0
            }
        };
        let unit = match (self.unit.as_deref(), old) {
            (Some(u), _) => v.text("unit", u, 1, 20),
            (None, Some(l)) => l.unit.clone(),
            (None, None) => {
                v.push("unit", "required", "is required");
                String::new()
            }
        };
        // The price and its currency go together; `currency: ""` removes both.
        let (price_minor, currency) = match (self.target_price, self.currency.as_deref()) {
            (None, Some(c)) if c.trim().is_empty() => (None, None),
            (price, currency) => {
                let currency = match currency {
                    Some(c) => Some(check_currency(&mut v, "currency", c)),
                    None => old.and_then(|l| l.currency.clone()),
                };
                match price {
                    Some(amount) => {
                        if currency.is_none() {
                            v.push("currency", "required", "is required with target_price");
                        }
                        let minor =
                            check_amount(&mut v, "target_price", amount, currency.as_deref());
                        (Some(minor), currency)
                    }
                    None => match old.and_then(|l| l.price_minor) {
                        // A new currency for the old amount would change its meaning.
                        Some(minor) if currency == old.and_then(|l| l.currency.clone()) => {
                            (Some(minor), currency)
                        }
                        Some(_) => {
                            v.push(
                                "target_price",
                                "required",
                                "give the price again when changing the currency",
                            );
                            (None, currency)
                        }
                        None => {
                            if currency.is_some() {
                                v.push("target_price", "required", "is required with currency");
                            }
                            (None, None)
                        }
                    },
                }
            }
        };
        let delivery_region = v.text_or_keep(
            "delivery_region",
            self.delivery_region.as_deref(),
            old.and_then(|l| l.delivery_region.as_ref()),
            100,
        );
        let incoterm = match self.incoterm.as_deref() {
            Some(c) if c.trim().is_empty() => None,
            Some(c) => check_incoterm(&mut v, "incoterm", c),
            None => old.and_then(|l| l.incoterm),
        };
        let valid_until = match (self.valid_until, old) {
            (Some(t), _) => check_valid_until(&mut v, "valid_until", t, now),
            (None, Some(l)) => l.valid_until,
            (None, None) => {
                v.push("valid_until", "required", "is required");
                now
            }
        };
        let attachments = match self.attachments {
            Some(items) => v.media_ids("attachments", items, MAX_ATTACHMENTS),
            None => old.map(|l| l.attachments.clone()).unwrap_or_default(),
        };
        v.finish()?;
        Ok(ValidListing {
            title,
            description,
            category_id,
            quantity,
            unit,
            price_minor,
            currency: price_minor.and(currency),
            delivery_region,
            incoterm,
            valid_until,
            attachments,
        })
    }
}
