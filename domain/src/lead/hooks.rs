//! How the inquiry and quote services open and move leads, inside their transactions.

use diesel::prelude::*;
use uuid::Uuid;

use super::model::{BuyerGrade, LeadRow, LeadSource, LeadStage};
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::leads;
use crate::ids::new_id;

/// Opens the lead for a new inquiry thread or quote. The buyer's grade in this company carries
/// over from their earlier leads; a second call for the same source changes nothing.
pub fn open_lead(
    conn: &mut DbConnection,
    company_id: Uuid,
    buyer_id: Uuid,
    source: LeadSource,
    source_id: Uuid,
    stage: LeadStage,
) -> QueryResult<()> {
    let exists: i64 = leads::table
        .filter(leads::source_type.eq(source.as_str()))
        .filter(leads::source_id.eq(source_id.to_string()))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    let grade: Option<String> = leads::table
        .filter(leads::company_id.eq(company_id.to_string()))
        .filter(leads::buyer_id.eq(buyer_id.to_string()))
        .select(leads::grade)
        .first(conn)
        .optional()?;
    let at = now();
    let row = LeadRow {
        id: new_id().to_string(),
        company_id: company_id.to_string(),
        buyer_id: buyer_id.to_string(),
        source_type: source.as_str().to_owned(),
        source_id: source_id.to_string(),
        stage: stage.as_str().to_owned(),
        tags: "[]".to_owned(),
        grade: grade.unwrap_or_else(|| BuyerGrade::Regular.as_str().to_owned()),
        assigned_to: None,
        follow_up_on: None,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(leads::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Moves a lead to `to` when it is still in one of `from` (a stage a member set by hand is
/// never overwritten by an automatic step), telling the company's webhook endpoints. Returns
/// whether it moved.
pub fn advance_lead(
    conn: &mut DbConnection,
    source: LeadSource,
    source_id: Uuid,
    from: &[LeadStage],
    to: LeadStage,
) -> QueryResult<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    // One lead per source; read first, so the event can name the stage it left.
    let rows: Vec<LeadRow> = leads::table
        .filter(leads::source_type.eq(source.as_str()))
        .filter(leads::source_id.eq(source_id.to_string()))
        .filter(leads::stage.eq_any(&from))
        .select(LeadRow::as_select())
        .load(conn)?;
    let at = now();
    let mut moved = false;
    for mut row in rows {
        // The stage condition again: a concurrent change by hand wins.
        let changed = diesel::update(
            leads::table
                .find(&row.id)
                .filter(leads::stage.eq(&row.stage)),
        )
        .set((leads::stage.eq(to.as_str()), leads::updated_at.eq(at)))
        .execute(conn)?;
        if changed == 0 {
            continue;
        }
        let previous = std::mem::replace(&mut row.stage, to.as_str().to_owned());
        row.updated_at = at;
        super::events::stage_changed(conn, &row, &previous, None)?;
        moved = true;
    }
    Ok(moved)
}

/// Gives the lead of a thread or quote to `assignee` (or nobody), as assigning the thread does.
pub fn assign_lead(
    conn: &mut DbConnection,
    source: LeadSource,
    source_id: Uuid,
    assignee: Option<Uuid>,
) -> QueryResult<()> {
    diesel::update(
        leads::table
            .filter(leads::source_type.eq(source.as_str()))
            .filter(leads::source_id.eq(source_id.to_string())),
    )
    .set((
        leads::assigned_to.eq(assignee.map(|a| a.to_string())),
        leads::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}
