//! A company blocks a buyer: the buyer can no longer open a thread with it nor write in its
//! threads. The buyer is told only that they cannot write to the company (403 `blocked`), never
//! the reason, and in a request to several companies not which one.

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::InquiryError;
use super::view::user_names;
use crate::access::{Actor, CompanyAction, may_on_company};
use crate::clock::now;
use crate::company::{CompanyError, MemberRole, find_company, role_in};
use crate::db::schema::{buyer_blocks, users};
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;
use crate::validate::Validator;

#[derive(Debug, Clone)]
pub struct BlockedBuyer {
    pub user_id: Uuid,
    pub display_name: String,
    pub reason: Option<String>,
    pub blocked_by: Uuid,
    pub created_at: PrimitiveDateTime,
}

pub(crate) fn is_blocked(
    conn: &mut DbConnection,
    company_id: Uuid,
    buyer_id: Uuid,
) -> QueryResult<bool> {
    blocked_by_any(conn, buyer_id, &[company_id])
}

pub(crate) fn blocked_by_any(
    conn: &mut DbConnection,
    buyer_id: Uuid,
    companies: &[Uuid],
) -> QueryResult<bool> {
    let ids: Vec<String> = companies.iter().map(Uuid::to_string).collect();
    let n: i64 = buyer_blocks::table
        .filter(buyer_blocks::buyer_id.eq(buyer_id.to_string()))
        .filter(buyer_blocks::company_id.eq_any(ids))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The company and the actor's role, when the actor may `action`: 404 where the company is not
/// theirs to know, 403 where they see it but may not do this.
fn company_for(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    action: CompanyAction,
) -> Result<Option<MemberRole>, InquiryError> {
    let company = find_company(conn, company_id).map_err(|e| match e {
        CompanyError::Database(e) => InquiryError::Database(e),
        _ => InquiryError::CompanyNotFound,
    })?;
    let role = role_in(conn, company_id, actor.user_id)?;
    if may_on_company(actor, role, action) {
        return Ok(role);
    }
    let sees = may_on_company(actor, role, CompanyAction::ViewPrivate);
    Err(
        if action != CompanyAction::ViewPrivate && (sees || company.is_public()) {
            InquiryError::Forbidden
        } else {
            InquiryError::CompanyNotFound
        },
    )
}

fn load(
    conn: &mut DbConnection,
    company_id: Uuid,
    user: Option<Uuid>,
) -> QueryResult<Vec<BlockedBuyer>> {
    let mut q = buyer_blocks::table
        .filter(buyer_blocks::company_id.eq(company_id.to_string()))
        .order(buyer_blocks::created_at.desc())
        .select((
            buyer_blocks::buyer_id,
            buyer_blocks::reason,
            buyer_blocks::blocked_by,
            buyer_blocks::created_at,
        ))
        .into_boxed();
    if let Some(user) = user {
        q = q.filter(buyer_blocks::buyer_id.eq(user.to_string()));
    }
    let rows: Vec<(String, Option<String>, String, PrimitiveDateTime)> = q.load(conn)?;
    let names = user_names(conn, rows.iter().map(|r| parse_db_id(&r.0)))?;
    Ok(rows
        .into_iter()
        .map(|(buyer, reason, by, created_at)| {
            let user_id = parse_db_id(&buyer);
            BlockedBuyer {
                display_name: names.get(&user_id).cloned().unwrap_or_default(),
                user_id,
                reason,
                blocked_by: parse_db_id(&by),
                created_at,
            }
        })
        .collect())
}

/// Blocks `user_id` (owners and admins). Blocking an already blocked buyer updates the reason;
/// returns whether the block is new.
pub fn block_buyer(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    user_id: Uuid,
    reason: Option<String>,
) -> Result<(BlockedBuyer, bool), InquiryError> {
    db::transaction(conn, |conn| {
        company_for(conn, actor, company_id, CompanyAction::ManageBlockedBuyers)?;
        let mut v = Validator::new();
        let reason = v.opt_multiline("reason", reason.as_deref(), 500);
        v.finish().map_err(InquiryError::Validation)?;
        let exists: i64 = users::table
            .find(user_id.to_string())
            .count()
            .get_result(conn)?;
        if exists == 0 {
            return Err(InquiryError::AccountNotFound);
        }
        if role_in(conn, company_id, user_id)?.is_some() {
            return Err(InquiryError::field(
                "user_id",
                "own_member",
                "a member of the company cannot be blocked",
            ));
        }
        let key = || {
            buyer_blocks::table
                .filter(buyer_blocks::company_id.eq(company_id.to_string()))
                .filter(buyer_blocks::buyer_id.eq(user_id.to_string()))
        };
        let existing: i64 = key().count().get_result(conn)?;
        if existing > 0 {
            diesel::update(key())
                .set(buyer_blocks::reason.eq(&reason))
                .execute(conn)?;
        } else {
            diesel::insert_into(buyer_blocks::table)
                .values((
                    buyer_blocks::company_id.eq(company_id.to_string()),
                    buyer_blocks::buyer_id.eq(user_id.to_string()),
                    buyer_blocks::blocked_by.eq(actor.user_id.to_string()),
                    buyer_blocks::reason.eq(&reason),
                    buyer_blocks::created_at.eq(now()),
                ))
                .execute(conn)?;
        }
        let block = load(conn, company_id, Some(user_id))?
            .pop()
            .ok_or(diesel::result::Error::NotFound)?;
        Ok((block, existing == 0))
    })
}

/// The company's blocked buyers, newest first (members and operators).
pub fn list_blocked_buyers(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<Vec<BlockedBuyer>, InquiryError> {
    company_for(conn, actor, company_id, CompanyAction::ViewPrivate)?;
    Ok(load(conn, company_id, None)?)
}

/// Lifts a block (owners and admins); 404 `block_not_found` when there is none.
pub fn unblock_buyer(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    user_id: Uuid,
) -> Result<(), InquiryError> {
    db::transaction(conn, |conn| {
        company_for(conn, actor, company_id, CompanyAction::ManageBlockedBuyers)?;
        let deleted = diesel::delete(
            buyer_blocks::table
                .filter(buyer_blocks::company_id.eq(company_id.to_string()))
                .filter(buyer_blocks::buyer_id.eq(user_id.to_string())),
        )
        .execute(conn)?;
        if deleted == 0 {
            return Err(InquiryError::BlockNotFound);
        }
        Ok(())
    })
}
