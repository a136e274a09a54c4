//! Company members: existing supplier accounts, each in at most one company, with a role.

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::CompanyError;
use super::model::MemberRole;
use super::repo::{denial, find_company};
use crate::access::AccountType;
use crate::access::{Actor, CompanyAction, may_manage_role, may_on_company};
use crate::clock::now;
use crate::db::schema::{company_members, users};
use crate::db::{self, DbConnection, unique_violation_on};
use crate::ids::parse_db_id;
use crate::membership::role_in;
use crate::validate::normalize_email;

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: MemberRole,
    pub joined_at: PrimitiveDateTime,
}

/// Members see each other; operators see every company's members.
pub fn list_members(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<Vec<Member>, CompanyError> {
    find_company(conn, company_id)?;
    let role = role_in(conn, company_id, actor.user_id)?;
    if !may_on_company(actor, role, CompanyAction::ViewPrivate) {
        return Err(CompanyError::NotFound);
    }
    load_members(conn, company_id).map_err(Into::into)
}

fn load_members(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<Vec<Member>> {
    let rows: Vec<(String, String, String, String, PrimitiveDateTime)> = company_members::table
        .inner_join(users::table)
        .filter(company_members::company_id.eq(company_id.to_string()))
        .order(company_members::created_at.asc())
        .select((
            users::id,
            users::email,
            users::display_name,
            company_members::role,
            company_members::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, email, display_name, role, joined_at)| Member {
            user_id: parse_db_id(&id),
            email,
            display_name,
            role: MemberRole::parse(&role).unwrap_or(MemberRole::Staff),
            joined_at,
        })
        .collect())
}

/// Adds an existing supplier account by e-mail. Owners add any role; admins add staff.
pub fn add_member(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    email: &str,
    role: &str,
) -> Result<Member, CompanyError> {
    let Some(role) = MemberRole::parse(role) else {
        return Err(CompanyError::Validation(vec![crate::FieldError::new(
            "role",
            "invalid_choice",
            format!("must be one of: {}", MemberRole::names()),
        )]));
    };
    db::transaction(conn, |conn| {
        let company = find_company(conn, company_id)?;
        let actor_role = role_in(conn, company_id, actor.user_id)?;
        if !may_on_company(actor, actor_role, CompanyAction::ManageMembers)
            || !may_manage_role(actor_role, role)
        {
            return Err(denial(actor, actor_role, &company));
        }
        // Read here rather than through `account`, which sits above `company` (it sends its
        // e-mails through the lead-mail area, which reads the catalog).
        let email = normalize_email(email).ok_or(CompanyError::AccountNotFound)?;
        let (user_id, account_type, email, display_name): (String, String, String, String) =
            users::table
                .filter(users::email.eq(email))
                .select((
                    users::id,
                    users::account_type,
                    users::email,
                    users::display_name,
                ))
                .first(conn)
                .optional()?
                .ok_or(CompanyError::AccountNotFound)?;
        let user_id = parse_db_id(&user_id);
        if AccountType::parse(&account_type) != Some(AccountType::Supplier) {
            return Err(CompanyError::NotASupplierAccount);
        }
        let at = now();
        diesel::insert_into(company_members::table)
            .values((
                company_members::company_id.eq(company_id.to_string()),
                company_members::user_id.eq(user_id.to_string()),
                company_members::role.eq(role.as_str()),
                company_members::created_at.eq(at),
            ))
            .execute(conn)
            .map_err(|e| {
                if unique_violation_on(&e, "company_members", "user_id")
                    || db::is_unique_violation(&e)
                {
                    CompanyError::AlreadyInCompany
                } else {
                    CompanyError::Database(e)
                }
            })?;
        Ok(Member {
            user_id,
            email,
            display_name,
            role,
            joined_at: at,
        })
    })
}

/// Removes a member. Members may leave; owners remove anyone; admins remove staff. The last
/// owner can never be removed.
pub fn remove_member(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    user_id: Uuid,
) -> Result<(), CompanyError> {
    db::transaction(conn, |conn| {
        let company = find_company(conn, company_id)?;
        let actor_role = role_in(conn, company_id, actor.user_id)?;
        let Some(target_role) = role_in(conn, company_id, user_id)? else {
            return Err(if actor_role.is_some() || actor.is_operator() {
                CompanyError::MemberNotFound
            } else {
                denial(actor, actor_role, &company)
            });
        };
        let leaving = actor.user_id == user_id;
        if !leaving && !may_manage_role(actor_role, target_role) {
            return Err(denial(actor, actor_role, &company));
        }
        if target_role == MemberRole::Owner {
            let owners: i64 = company_members::table
                .filter(company_members::company_id.eq(company_id.to_string()))
                .filter(company_members::role.eq(MemberRole::Owner.as_str()))
                .count()
                .get_result(conn)?;
            if owners <= 1 {
                return Err(CompanyError::LastOwner);
            }
        }
        diesel::delete(
            company_members::table
                .filter(company_members::company_id.eq(company_id.to_string()))
                .filter(company_members::user_id.eq(user_id.to_string())),
        )
        .execute(conn)?;
        Ok(())
    })
}
