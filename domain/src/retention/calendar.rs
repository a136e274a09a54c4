use time::{Date, Month, PrimitiveDateTime};

/// `t` moved by whole calendar years (negative: back); 29 February becomes 28 February in a
/// year without it.
pub fn add_years(t: PrimitiveDateTime, years: i32) -> PrimitiveDateTime {
    let d = t.date();
    let year = d.year() + years;
    let date = d
        .replace_year(year)
        .unwrap_or_else(|_| Date::from_calendar_date(year, Month::February, 28).unwrap_or(d));
    PrimitiveDateTime::new(date, t.time())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn calendar_years() {
        assert_eq!(
            add_years(datetime!(2026-11-22 10:00), 3),
            datetime!(2029-11-22 10:00)
        );
        assert_eq!(
            add_years(datetime!(2028-02-29 00:00), -3),
            datetime!(2025-02-28 00:00)
        );
    }
}
