//! `item_holds`: what keeps a product or listing out of public view. Each write also writes the
//! item's outbox event, so search follows within its usual delay.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::item_holds;
use crate::ids::{new_id, parse_db_id};
use crate::outbox::{self, topic};

/// The held ids of one subject type, as a subquery: `id NOT IN (held_ids("product"))` is the
/// SQL form of "not hidden", used by every public query of products and listings.
pub(crate) type HeldIds = diesel::dsl::Select<
    diesel::dsl::Filter<item_holds::table, diesel::dsl::Eq<item_holds::subject_type, &'static str>>,
    item_holds::subject_id,
>;

pub(crate) fn held_ids(subject_type: &'static str) -> HeldIds {
    item_holds::table
        .filter(item_holds::subject_type.eq(subject_type))
        .select(item_holds::subject_id)
}

/// Whether any cause keeps the item out of public view.
pub fn is_held(conn: &mut DbConnection, subject_type: &str, id: Uuid) -> QueryResult<bool> {
    let n: i64 = item_holds::table
        .filter(item_holds::subject_type.eq(subject_type))
        .filter(item_holds::subject_id.eq(id.to_string()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn emit_item(
    conn: &mut DbConnection,
    subject_type: &str,
    id: Uuid,
    change: &str,
) -> QueryResult<()> {
    let topic = if subject_type == "listing" {
        topic::LISTING_CHANGED
    } else {
        topic::PRODUCT_CHANGED
    };
    outbox::emit(conn, topic, id, json!({"change": change}))
}

/// Hides the item for `source` (an enforcement action or a takedown notice).
pub(crate) fn add_hold(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: Uuid,
    source_type: &str,
    source_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(item_holds::table)
        .values((
            item_holds::id.eq(new_id().to_string()),
            item_holds::subject_type.eq(subject_type),
            item_holds::subject_id.eq(subject_id.to_string()),
            item_holds::source_type.eq(source_type),
            item_holds::source_id.eq(source_id.to_string()),
            item_holds::created_at.eq(now()),
        ))
        .execute(conn)?;
    emit_item(conn, subject_type, subject_id, "hidden")
}

/// Lifts the hold `source` put on its item; `false` when there was none. The item shows again
/// only if nothing else holds it.
pub(crate) fn release_hold(
    conn: &mut DbConnection,
    source_type: &str,
    source_id: Uuid,
) -> QueryResult<bool> {
    let hold: Option<(String, String)> = item_holds::table
        .filter(item_holds::source_type.eq(source_type))
        .filter(item_holds::source_id.eq(source_id.to_string()))
        .select((item_holds::subject_type, item_holds::subject_id))
        .first(conn)
        .optional()?;
    let Some((subject_type, subject_id)) = hold else {
        return Ok(false);
    };
    diesel::delete(
        item_holds::table
            .filter(item_holds::source_type.eq(source_type))
            .filter(item_holds::source_id.eq(source_id.to_string())),
    )
    .execute(conn)?;
    emit_item(conn, &subject_type, parse_db_id(&subject_id), "unhidden")?;
    Ok(true)
}
