//! The time every rule of the domain reads (expiry, quotas, response windows, tokens).
//!
//! It is the system clock plus an offset that only tests move (and can freeze), so a test can
//! step past a deadline without sleeping. The end-to-end harness runs each test in its own process
//! (nextest), so one test's offset never leaks into another.

use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime, PrimitiveDateTime};

static OFFSET_MICROS: AtomicI64 = AtomicI64::new(0);
/// When non-zero, the frozen instant (microseconds since the Unix epoch) that replaces the
/// system clock: a test that measures durations exactly freezes time and moves it by hand.
static FROZEN_MICROS: AtomicI64 = AtomicI64::new(0);

/// The current UTC time at microsecond precision (what both databases store).
pub fn now() -> PrimitiveDateTime {
    let frozen = FROZEN_MICROS.load(Ordering::Relaxed);
    let base = if frozen != 0 {
        OffsetDateTime::UNIX_EPOCH + Duration::microseconds(frozen)
    } else {
        OffsetDateTime::now_utc()
    };
    let now = base + Duration::microseconds(OFFSET_MICROS.load(Ordering::Relaxed));
    let micros = now.nanosecond() / 1_000 * 1_000;
    let now = now.replace_nanosecond(micros).unwrap_or(now);
    PrimitiveDateTime::new(now.date(), now.time())
}

/// Stops this process's clock at the current instant; only `advance` moves it after this.
/// Tests only (durations measured across requests are then exact).
pub fn freeze() {
    let micros = (OffsetDateTime::now_utc() - OffsetDateTime::UNIX_EPOCH).whole_microseconds();
    FROZEN_MICROS.store(i64::try_from(micros).unwrap_or(i64::MAX), Ordering::Relaxed);
}

/// Moves this process's clock forward (or back, with a negative duration). Tests only.
pub fn advance(by: Duration) {
    let micros = i64::try_from(by.whole_microseconds()).unwrap_or(i64::MAX);
    OFFSET_MICROS.fetch_add(micros, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now() {
        let before = now();
        advance(Duration::days(3));
        let after = now();
        advance(Duration::days(-3));
        assert!(after - before >= Duration::days(3));
        assert!(after - before < Duration::days(3) + Duration::minutes(1));
    }
}
