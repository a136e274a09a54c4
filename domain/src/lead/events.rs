//! The company's webhook endpoints hear of every stage change of its leads, whether a member
//! set it or the inquiry and quote services moved it; written in the change's transaction.

use diesel::QueryResult;
use uuid::Uuid;

use super::model::LeadRow;

/// `lead.stage_changed` for `row` (already at its new stage), which was at `from`. `by` is the
/// member who set it, `None` for an automatic step (a first reply, a quote accepted).
pub(super) fn stage_changed(
    conn: &mut crate::db::DbConnection,
    row: &LeadRow,
    from: &str,
    by: Option<Uuid>,
) -> QueryResult<()> {
    crate::webhook::enqueue(
        conn,
        crate::ids::parse_db_id(&row.company_id),
        crate::webhook::EventType::LeadStageChanged,
        serde_json::json!({
            "lead_id": row.id,
            "company_id": row.company_id,
            "buyer_id": row.buyer_id,
            "source_type": row.source_type,
            "source_id": row.source_id,
            "from": from,
            "to": row.stage,
            "changed_by": by,
            "changed_at": crate::ids::rfc3339(row.updated_at),
        }),
    )
}
