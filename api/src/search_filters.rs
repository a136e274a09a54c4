//! The product search's price filter, read the same way by the JSON route and the search
//! page: amounts are decimals in a currency (required with either bound), turned into minor
//! units, and the lower bound may not exceed the upper one. A currency is checked even without
//! a bound (it also orders the price sorts): an unknown code is refused, not ignored. The
//! query text's limit is theirs too (and the search boxes' `maxlength`).

use domain::FieldError;
use domain::catalog::{is_currency, to_minor_units};
use rust_decimal::Decimal;

/// The most characters a search query may have, as sent (a form's `maxlength` counts so too).
pub const MAX_QUERY_CHARS: usize = 200;

/// The query text, trimmed; `too_long` past [`MAX_QUERY_CHARS`].
pub fn query_text(errors: &mut Vec<FieldError>, q: Option<&str>) -> String {
    let q = q.unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        errors.push(FieldError::new(
            "q",
            "too_long",
            format!("must have at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    q.trim().to_owned()
}

/// The bounds in minor units and the currency (upper-cased), or the field errors.
pub struct PriceFilter {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub currency: Option<String>,
}

pub fn price_filter(
    errors: &mut Vec<FieldError>,
    currency: Option<&str>,
    min: Option<Decimal>,
    max: Option<Decimal>,
) -> PriceFilter {
    // Not trimmed: the document's enum has no padded codes (lower case is still taken).
    let currency = currency.map(str::to_uppercase).filter(|c| !c.is_empty());
    let known = currency.as_deref().is_none_or(is_currency);
    if !known {
        errors.push(FieldError::new(
            "currency",
            "invalid_currency",
            "must be an ISO 4217 currency code such as CNY or USD",
        ));
    }
    let mut price = |field: &str, amount: Option<Decimal>| -> Option<i64> {
        let amount = amount?;
        let Some(currency) = currency.as_deref() else {
            errors.push(FieldError::new(
                "currency",
                "required",
                "is required with a price filter",
            ));
            return None;
        };
        if !known {
            // Reported once, on `currency`.
            return None;
        }
        if amount.is_zero() {
            return Some(0);
        }
        match to_minor_units(amount, currency) {
            Ok(minor) => Some(minor),
            Err(code) => {
                errors.push(FieldError::new(
                    field,
                    code,
                    "must be a non-negative amount in the currency",
                ));
                None
            }
        }
    };
    let min = price("price_min", min);
    let max = price("price_max", max);
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        errors.push(FieldError::new(
            "price_min",
            "out_of_range",
            "must not exceed price_max",
        ));
    }
    PriceFilter { min, max, currency }
}
