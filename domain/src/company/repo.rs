//! Reads shared by the company services and by other areas.

use diesel::prelude::*;
use uuid::Uuid;

use super::CompanyError;
use super::model::{Company, CompanyRow};
use crate::db::DbConnection;
use crate::db::schema::companies;
use crate::membership::MemberRole;

pub(crate) fn load_company(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<Company>> {
    companies::table
        .find(id.to_string())
        .select(CompanyRow::as_select())
        .first(conn)
        .optional()
        .map(|r| r.map(Company::from))
}

pub fn find_company(conn: &mut DbConnection, id: Uuid) -> Result<Company, CompanyError> {
    load_company(conn, id)?.ok_or(CompanyError::NotFound)
}

/// The company with `ended` read, for views its members and operators see: a suspended company
/// that was terminated or left shows as such (one query, only for suspended companies).
pub(crate) fn with_standing(conn: &mut DbConnection, mut company: Company) -> QueryResult<Company> {
    if company.is_suspended() {
        company.ended = super::standing::company_lock(conn, company.id)?;
    }
    Ok(company)
}

/// The error for an action the actor may not take: 403 where the company is visible to them,
/// 404 where even its existence is not theirs to know.
pub(crate) fn denial(
    actor: &crate::access::Actor,
    role: Option<MemberRole>,
    company: &Company,
) -> CompanyError {
    use crate::access::{CompanyAction, may_on_company};
    if company.is_public() || may_on_company(actor, role, CompanyAction::ViewPrivate) {
        CompanyError::Forbidden
    } else {
        CompanyError::NotFound
    }
}

/// Writes a changed company row and its outbox event (see `catalog::repo::save_product`).
pub(crate) fn save_company(
    conn: &mut DbConnection,
    row: &super::model::CompanyRow,
    change: serde_json::Value,
) -> QueryResult<()> {
    diesel::update(companies::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    crate::outbox::emit(
        conn,
        crate::outbox::topic::COMPANY_CHANGED,
        crate::ids::parse_db_id(&row.id),
        change,
    )
}

/// Changes the stored company through `save_company` (the one write path, with its
/// `company.changed` event); `false` if there is no such company.
pub(crate) fn modify_company(
    conn: &mut DbConnection,
    id: Uuid,
    change: serde_json::Value,
    edit: impl FnOnce(&mut CompanyRow),
) -> QueryResult<bool> {
    let Some(mut row) = companies::table
        .find(id.to_string())
        .select(CompanyRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(false);
    };
    edit(&mut row);
    save_company(conn, &row, change)?;
    Ok(true)
}

/// The company as its verification review sees it.
pub(crate) fn waiting(row: &CompanyRow) -> crate::review::hooks::WaitingCompany<'_> {
    crate::review::hooks::WaitingCompany {
        id: &row.id,
        verification_status: &row.verification_status,
        suspended: row.suspended_at.is_some(),
        legal_name: &row.legal_name,
    }
}

/// `Company::is_public` as a SQL filter: neither suspended nor rejected. Every query for public
/// data joins on this, so the rule has one definition per form.
pub(crate) fn company_is_public() -> diesel::dsl::And<
    diesel::dsl::IsNull<companies::suspended_at>,
    diesel::dsl::NotEq<companies::verification_status, &'static str>,
> {
    companies::suspended_at
        .is_null()
        .and(companies::verification_status.ne(super::VerificationStatus::Rejected.as_str()))
}
