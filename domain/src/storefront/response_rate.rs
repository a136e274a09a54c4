//! The response rate kept on each company for search ranking. It depends on time as well as on
//! events (a thread becomes a miss when its 24 hours pass, an answer leaves the 30-day window),
//! so it is refreshed periodically; a change is written with its `company.changed` event, and
//! the index follows the outbox as for any other company fact.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::json;

use crate::clock::now;
use crate::db::schema::companies;
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;

const BATCH: usize = 500;

/// Recomputes every company's rate (percent, rounded) and stores the ones that changed.
/// Returns how many changed. Safe to run in several processes at once: a row is only written
/// when its stored value differs, inside one transaction per batch.
pub fn refresh_response_rates(conn: &mut DbConnection) -> QueryResult<usize> {
    let at = now();
    let all: Vec<(String, Option<i32>)> = companies::table
        .select((companies::id, companies::response_rate_pct))
        .order(companies::id.asc())
        .load(conn)?;
    let mut changed = 0;
    for chunk in all.chunks(BATCH) {
        let ids: Vec<uuid::Uuid> = chunk.iter().map(|(id, _)| parse_db_id(id)).collect();
        let metrics: HashMap<uuid::Uuid, crate::inquiry::ResponseMetrics> =
            crate::inquiry::response_metrics_of(conn, &ids, at)?;
        let updates: Vec<(String, Option<i32>)> = chunk
            .iter()
            .filter_map(|(id, stored)| {
                let pct = metrics
                    .get(&parse_db_id(id))
                    .and_then(|m| m.response_rate)
                    .map(|r| (r * 100.0).round() as i32);
                (pct != *stored).then(|| (id.clone(), pct))
            })
            .collect();
        if updates.is_empty() {
            continue;
        }
        changed += db::transaction(conn, |conn| -> QueryResult<usize> {
            let mut n = 0;
            for (id, pct) in &updates {
                let change = json!({"change": "response_rate", "response_rate_pct": pct});
                if crate::company::modify_company(conn, parse_db_id(id), change, |c| {
                    c.response_rate_pct = *pct;
                })? {
                    n += 1;
                }
            }
            Ok(n)
        })?;
    }
    Ok(changed)
}
