//! How many buyers a supplier's items reached through lead e-mail.

use diesel::dsl::count_star;
use diesel::prelude::*;
use uuid::Uuid;

use super::LeadMailError;
use crate::access::{Actor, CompanyAction, may_on_company};
use crate::db::DbConnection;
use crate::db::schema::lead_matches;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemReach {
    pub item_type: String,
    pub item_id: String,
    /// Recipients whose subscriptions matched the item.
    pub matched: i64,
    /// Recipients it was e-mailed to.
    pub sent: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyReach {
    /// Distinct buyers who were e-mailed at least one of the company's items.
    pub buyers_reached: i64,
    pub items: Vec<ItemReach>,
}

/// The company's reach; its members and operators only (others get 404, as for private data).
pub fn company_reach(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<CompanyReach, LeadMailError> {
    let role = crate::company::role_in(conn, company_id, actor.user_id)?;
    if !may_on_company(actor, role, CompanyAction::ViewPrivate)
        || crate::company::load_company(conn, company_id)?.is_none()
    {
        return Err(LeadMailError::CompanyNotFound);
    }
    let company = company_id.to_string();
    let buyers_reached = lead_matches::table
        .filter(lead_matches::company_id.eq(&company))
        .filter(lead_matches::status.eq("sent"))
        .select(lead_matches::user_id)
        .distinct()
        .load::<String>(conn)?
        .len() as i64;
    let matched: Vec<(String, String, i64)> = lead_matches::table
        .filter(lead_matches::company_id.eq(&company))
        .group_by((lead_matches::item_type, lead_matches::item_id))
        .select((lead_matches::item_type, lead_matches::item_id, count_star()))
        .load(conn)?;
    let sent: Vec<(String, String, i64)> = lead_matches::table
        .filter(lead_matches::company_id.eq(&company))
        .filter(lead_matches::status.eq("sent"))
        .group_by((lead_matches::item_type, lead_matches::item_id))
        .select((lead_matches::item_type, lead_matches::item_id, count_star()))
        .load(conn)?;
    let mut items: Vec<ItemReach> = matched
        .into_iter()
        .map(|(item_type, item_id, matched)| {
            let sent = sent
                .iter()
                .find(|(t, i, _)| *t == item_type && *i == item_id)
                .map(|(_, _, n)| *n)
                .unwrap_or(0);
            ItemReach {
                item_type,
                item_id,
                matched,
                sent,
            }
        })
        .collect();
    items.sort_by(|a, b| b.sent.cmp(&a.sent).then_with(|| a.item_id.cmp(&b.item_id)));
    Ok(CompanyReach {
        buyers_reached,
        items,
    })
}
