//! Who answers for a product or listing: its company, or the individual who posted a buy
//! request; and how an account stands to them.

use diesel::prelude::*;
use uuid::Uuid;

use crate::access::{Actor, OwnerSide};
use crate::company::role_in;
use crate::db::DbConnection;
use crate::db::schema::{listings, products};
use crate::ids::parse_db_id;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ItemOwner {
    pub company_id: Option<Uuid>,
    /// Only when there is no company (an individual's buy request).
    pub owner_id: Option<Uuid>,
}

impl ItemOwner {
    pub fn company(id: Uuid) -> ItemOwner {
        ItemOwner {
            company_id: Some(id),
            owner_id: None,
        }
    }
}

/// The owner of a live (not deleted) product or of a listing; `None` when there is no such item.
pub(crate) fn item_owner(
    conn: &mut DbConnection,
    subject_type: &str,
    id: Uuid,
) -> QueryResult<Option<ItemOwner>> {
    match subject_type {
        "product" => {
            let company: Option<String> = products::table
                .find(id.to_string())
                .filter(products::deleted_at.is_null())
                .select(products::company_id)
                .first(conn)
                .optional()?;
            Ok(company.map(|c| ItemOwner::company(parse_db_id(&c))))
        }
        "listing" => {
            let row: Option<(Option<String>, String)> = listings::table
                .find(id.to_string())
                .select((listings::company_id, listings::owner_id))
                .first(conn)
                .optional()?;
            Ok(row.map(|(company, owner)| match company {
                Some(c) => ItemOwner::company(parse_db_id(&c)),
                None => ItemOwner {
                    company_id: None,
                    owner_id: Some(parse_db_id(&owner)),
                },
            }))
        }
        _ => Ok(None),
    }
}

/// Locks the item's row for the rest of the transaction (a no-op UPDATE: a row lock on
/// PostgreSQL; SQLite's write transactions are serialized anyway), so two operators hiding or
/// unhiding one item at once take turns.
pub(crate) fn lock_item(conn: &mut DbConnection, subject_type: &str, id: Uuid) -> QueryResult<()> {
    match subject_type {
        "product" => diesel::update(products::table.find(id.to_string()))
            .set(products::updated_at.eq(products::updated_at))
            .execute(conn)?,
        _ => diesel::update(listings::table.find(id.to_string()))
            .set(listings::updated_at.eq(listings::updated_at))
            .execute(conn)?,
    };
    Ok(())
}

/// How `actor` stands to `owner`.
pub(crate) fn side_of(
    conn: &mut DbConnection,
    actor: &Actor,
    owner: &ItemOwner,
) -> QueryResult<OwnerSide> {
    if let Some(company) = owner.company_id {
        return Ok(match role_in(conn, company, actor.user_id)? {
            Some(role) => OwnerSide::Member(role),
            None => OwnerSide::Outsider,
        });
    }
    Ok(if owner.owner_id == Some(actor.user_id) {
        OwnerSide::Individual
    } else {
        OwnerSide::Outsider
    })
}
