//! Money is integer minor units plus an ISO 4217 currency; decimals exist only at the API edge.

use iso_currency::Currency;
use rust_decimal::Decimal;

/// Converts "49.90" CNY to 4990. Refuses unknown currencies, more decimals than the currency
/// has, negative amounts and amounts too large for the column.
pub fn to_minor_units(amount: Decimal, currency: &str) -> Result<i64, &'static str> {
    let exponent = currency_exponent(currency).ok_or("invalid_currency")?;
    if amount.is_sign_negative() || amount.is_zero() {
        return Err("must_be_positive");
    }
    if amount.normalize().scale() > u32::from(exponent) {
        return Err("too_many_decimals");
    }
    let minor = amount * Decimal::from(10i64.pow(u32::from(exponent)));
    i64::try_from(minor.trunc())
        .ok()
        .filter(|m| *m <= 1_000_000_000_000)
        .ok_or("too_large")
}

/// Formats minor units back to a decimal string ("4990" CNY → "49.90").
pub fn format_minor(minor: i64, currency: &str) -> String {
    let exponent = currency_exponent(currency).unwrap_or(2);
    Decimal::new(minor, u32::from(exponent)).to_string()
}

/// Every code `currency_exponent` accepts, in alphabetical order: the set the API documents.
/// Codes without minor units (gold, special drawing rights …) are not prices.
pub fn currency_codes() -> Vec<&'static str> {
    use iso_currency::IntoEnumIterator;
    let mut codes: Vec<&'static str> = Currency::iter()
        .filter(|c| c.exponent().is_some())
        .map(|c| c.code())
        .collect();
    codes.sort_unstable();
    codes
}

/// An upper-case ISO 4217 code of a currency with minor units.
pub fn is_currency(code: &str) -> bool {
    currency_exponent(code).is_some()
}

pub(crate) fn currency_exponent(code: &str) -> Option<u16> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Currency::from_code(code).and_then(Currency::exponent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn converts_by_currency_exponent() {
        assert_eq!(
            to_minor_units(Decimal::from_str("49.90").unwrap(), "CNY"),
            Ok(4990)
        );
        assert_eq!(
            to_minor_units(Decimal::from_str("1200").unwrap(), "JPY"),
            Ok(1200)
        );
        assert_eq!(
            to_minor_units(Decimal::from_str("12.5").unwrap(), "JPY"),
            Err("too_many_decimals")
        );
        assert_eq!(
            to_minor_units(Decimal::from_str("-1").unwrap(), "USD"),
            Err("must_be_positive")
        );
        assert_eq!(
            to_minor_units(Decimal::from_str("1").unwrap(), "XXQ"),
            Err("invalid_currency")
        );
        assert_eq!(format_minor(4990, "CNY"), "49.90");
        let codes = currency_codes();
        assert!(codes.contains(&"CNY") && codes.contains(&"JPY") && !codes.contains(&"XAU"));
        assert!(codes.iter().all(|c| currency_exponent(c).is_some()));
    }
}
