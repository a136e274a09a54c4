//! Reading enforcement actions: the company (all its members) sees what was done to it and to
//! its items; an individual sees actions on their own buy requests; operators see everything.

use diesel::prelude::*;
use uuid::Uuid;

use super::EnforcementError;
use super::model::{ActionKind, ActionRow, EnforcementAction, load_action};
use super::owner::{ItemOwner, side_of};
use crate::access::{Actor, CaseAction, PlatformAction, may_on_case, may_on_platform};
use crate::company::find_company;
use crate::db::schema::enforcement_actions;
use crate::db::{DbConnection, MultiBackend};
use crate::error::FieldError;
use crate::paging::{Page, PageRequest};

fn page_of(
    mut query: enforcement_actions::BoxedQuery<'static, MultiBackend>,
    page: &PageRequest,
    conn: &mut DbConnection,
) -> QueryResult<Page<EnforcementAction>> {
    if let Some(after) = &page.after {
        query = query.filter(enforcement_actions::id.lt(after.clone()));
    }
    let rows: Vec<ActionRow> = query
        .order(enforcement_actions::id.desc())
        .limit(page.limit + 1)
        .select(ActionRow::as_select())
        .load(conn)?;
    Ok(page.page(
        rows.into_iter().map(EnforcementAction::from).collect(),
        |a| a.id.to_string(),
    ))
}

/// Everything done to a company and its items, newest first: its members and operators
/// (404 for anyone else, as for its other private records).
pub fn list_company_actions(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    page: &PageRequest,
) -> Result<Page<EnforcementAction>, EnforcementError> {
    find_company(conn, company_id).map_err(|_| EnforcementError::CompanyNotFound)?;
    let side = side_of(conn, actor, &ItemOwner::company(company_id))?;
    if !may_on_case(actor, side, CaseAction::View) {
        return Err(EnforcementError::CompanyNotFound);
    }
    let query = enforcement_actions::table
        .filter(enforcement_actions::company_id.eq(company_id.to_string()))
        .into_boxed();
    Ok(page_of(query, page, conn)?)
}

/// One action: for whoever it concerns and operators; 404 for anyone else.
pub fn get_action(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<EnforcementAction, EnforcementError> {
    let action =
        EnforcementAction::from(load_action(conn, id)?.ok_or(EnforcementError::ActionNotFound)?);
    let owner = ItemOwner {
        company_id: action.company_id,
        owner_id: action.owner_id,
    };
    let side = side_of(conn, actor, &owner)?;
    if may_on_case(actor, side, CaseAction::View) {
        Ok(action)
    } else {
        Err(EnforcementError::ActionNotFound)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub company_id: Option<String>,
    pub kind: Option<String>,
    /// `true`: only actions in force; `false`: only reversed ones.
    pub in_force: Option<bool>,
}

/// Operators: every action, newest first, by company, kind and whether in force.
pub fn list_actions(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: &ActionFilter,
    page: &PageRequest,
) -> Result<Page<EnforcementAction>, EnforcementError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EnforcementError::Forbidden);
    }
    let mut errors = Vec::new();
    let mut query = enforcement_actions::table.into_boxed();
    if let Some(company) = filter
        .company_id
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match Uuid::parse_str(company) {
            Ok(id) => query = query.filter(enforcement_actions::company_id.eq(id.to_string())),
            Err(_) => errors.push(FieldError::new("company_id", "invalid", "is not an id")),
        }
    }
    if let Some(kind) = filter.kind.as_deref().filter(|k| !k.is_empty()) {
        match ActionKind::parse(kind) {
            Some(k) => query = query.filter(enforcement_actions::kind.eq(k.as_str())),
            None => errors.push(FieldError::new(
                "kind",
                "invalid_choice",
                format!("must be one of: {}", ActionKind::names()),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(EnforcementError::Validation(errors));
    }
    match filter.in_force {
        Some(true) => query = query.filter(enforcement_actions::reversed_at.is_null()),
        Some(false) => query = query.filter(enforcement_actions::reversed_at.is_not_null()),
        None => {}
    }
    Ok(page_of(query, page, conn)?)
}
