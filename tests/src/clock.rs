//! The calendar a test runs on.
//!
//! The domain's clock (`domain::clock`, moved only with the `test-clock` feature this crate
//! enables) is shared by the test and the in-process server. A test whose outcome depends on
//! where "now" falls (a month, day or week boundary, a leap day) pins the clock first, so it
//! passes on any date the suite runs on.
//!
//! `TRADEFAIR_TEST_CLOCK=2028-02-29T23:50:00Z` starts every test's clock at that instant:
//! running the suite that way finds the tests that still depend on the real date.

use std::sync::Once;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

pub use domain::clock::{advance, freeze};

/// An unremarkable instant: a Wednesday morning in the middle of a month, far from a month or
/// year end and from a leap day (UTC).
pub const ORDINARY: OffsetDateTime = datetime!(2027-03-10 10:00 UTC);

static FROM_ENV: Once = Once::new();

/// Applies `TRADEFAIR_TEST_CLOCK`, once per process (each test is its own process).
pub fn start_from_env() {
    FROM_ENV.call_once(|| {
        if let Ok(text) = std::env::var("TRADEFAIR_TEST_CLOCK") {
            let at = OffsetDateTime::parse(&text, &Rfc3339)
                .expect("TRADEFAIR_TEST_CLOCK must be an RFC 3339 instant");
            domain::clock::set(at);
        }
    });
}

/// Makes the clock read `at` now; it runs on from there.
pub fn pin(at: OffsetDateTime) {
    start_from_env();
    domain::clock::set(at);
}

/// Pins the clock at `ORDINARY`.
pub fn pin_ordinary() {
    pin(ORDINARY);
}

/// Moves the clock so that it reads `target` (plus the few milliseconds the next call takes).
pub fn advance_to(target: OffsetDateTime) {
    domain::clock::set(target);
}

/// Now on the clock, as an instant.
pub fn now() -> OffsetDateTime {
    domain::clock::now().assume_utc()
}
