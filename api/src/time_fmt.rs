//! API timestamps are RFC 3339 in UTC.

use time::{OffsetDateTime, PrimitiveDateTime};

pub fn utc(t: PrimitiveDateTime) -> OffsetDateTime {
    t.assume_utc()
}

pub fn utc_opt(t: Option<PrimitiveDateTime>) -> Option<OffsetDateTime> {
    t.map(PrimitiveDateTime::assume_utc)
}
