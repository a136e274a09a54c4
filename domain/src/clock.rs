//! The time every rule of the domain reads (expiry, quotas, response windows, tokens): the one
//! `now()` of the workspace.
//!
//! With the `test-clock` feature (enabled only by the end-to-end tests crate) it is the system
//! clock plus an offset that tests move, set or freeze, so a test can step past a deadline
//! without sleeping and pin the calendar it runs on. The end-to-end harness runs each test in
//! its own process (nextest), so one test's clock never leaks into another. Without the feature
//! there is nothing to move: production reads the system clock.

use time::{OffsetDateTime, PrimitiveDateTime};

/// The current UTC time at microsecond precision (what both databases store).
pub fn now() -> PrimitiveDateTime {
    let now = system_or_test_now();
    let micros = now.nanosecond() / 1_000 * 1_000;
    let now = now.replace_nanosecond(micros).unwrap_or(now);
    PrimitiveDateTime::new(now.date(), now.time())
}

#[cfg(not(any(test, feature = "test-clock")))]
fn system_or_test_now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[cfg(any(test, feature = "test-clock"))]
fn system_or_test_now() -> OffsetDateTime {
    test_clock::read()
}

#[cfg(any(test, feature = "test-clock"))]
pub use test_clock::{advance, freeze, set};

#[cfg(any(test, feature = "test-clock"))]
mod test_clock {
    use std::sync::atomic::{AtomicI64, Ordering};

    use time::{Duration, OffsetDateTime};

    static OFFSET_MICROS: AtomicI64 = AtomicI64::new(0);
    /// When non-zero, the frozen instant (microseconds since the Unix epoch) that replaces the
    /// system clock: a test that measures durations exactly freezes time and moves it by hand.
    static FROZEN_MICROS: AtomicI64 = AtomicI64::new(0);

    fn micros_since_epoch(t: OffsetDateTime) -> i64 {
        i64::try_from((t - OffsetDateTime::UNIX_EPOCH).whole_microseconds()).unwrap_or(i64::MAX)
    }

    /// The test clock's reading, at full precision; `now` above is what the domain reads.
    pub(super) fn read() -> OffsetDateTime {
        let frozen = FROZEN_MICROS.load(Ordering::Relaxed);
        let base = if frozen != 0 {
            OffsetDateTime::UNIX_EPOCH + Duration::microseconds(frozen)
        } else {
            OffsetDateTime::now_utc()
        };
        base + Duration::microseconds(OFFSET_MICROS.load(Ordering::Relaxed))
    }

    /// Stops this process's clock at the instant it reads now; only `advance` and `set` move
    /// it after this (durations measured across requests are then exact).
    pub fn freeze() {
        let at = read();
        OFFSET_MICROS.store(0, Ordering::Relaxed);
        FROZEN_MICROS.store(micros_since_epoch(at), Ordering::Relaxed);
    }

    /// Moves this process's clock forward (or back, with a negative duration).
    pub fn advance(by: Duration) {
        let micros = i64::try_from(by.whole_microseconds()).unwrap_or(i64::MAX);
        OFFSET_MICROS.fetch_add(micros, Ordering::Relaxed);
    }

    /// Makes this process's clock read `at` now; it runs on from there (or stays, if frozen).
    pub fn set(at: OffsetDateTime) {
        advance(at - read());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    #[test]
    fn advance_moves_now_and_set_pins_it() {
        let before = now();
        advance(Duration::days(3));
        let after = now();
        assert!(after - before >= Duration::days(3));
        assert!(after - before < Duration::days(3) + Duration::minutes(1));
        set(datetime!(2027-02-28 23:00 UTC));
        let pinned = now() - datetime!(2027-02-28 23:00);
        assert!(pinned >= Duration::ZERO && pinned < Duration::minutes(1));
        freeze();
        let frozen = now();
        advance(Duration::hours(2));
        assert_eq!(now() - frozen, Duration::hours(2));
    }
}
