//! Who belongs to which company, with what role: the shared fact that authorization, the review
//! queue and every company-owned area look up. It sits below `company` so that those lower
//! areas can ask without depending on the company services (`company` re-exports it).

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::company_members;
use crate::ids::parse_db_id;

crate::text_enum! {
    pub enum MemberRole { Owner => "owner", Admin => "admin", Staff => "staff" }
}

/// The user's role in this company, if they are a member.
pub fn role_in(
    conn: &mut DbConnection,
    company_id: Uuid,
    user_id: Uuid,
) -> QueryResult<Option<MemberRole>> {
    let role: Option<String> = company_members::table
        .filter(company_members::company_id.eq(company_id.to_string()))
        .filter(company_members::user_id.eq(user_id.to_string()))
        .select(company_members::role)
        .first(conn)
        .optional()?;
    Ok(role.as_deref().and_then(MemberRole::parse))
}

/// The company the user belongs to (an account belongs to at most one) and their role.
pub fn membership_of(
    conn: &mut DbConnection,
    user_id: Uuid,
) -> QueryResult<Option<(Uuid, MemberRole)>> {
    let row: Option<(String, String)> = company_members::table
        .filter(company_members::user_id.eq(user_id.to_string()))
        .select((company_members::company_id, company_members::role))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(c, r)| Some((parse_db_id(&c), MemberRole::parse(&r)?))))
}

/// The owners and admins of a company, oldest membership first: who hears of what concerns it.
pub fn managers(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<String> = company_members::table
        .filter(company_members::company_id.eq(company_id.to_string()))
        .filter(
            company_members::role.eq_any([MemberRole::Owner.as_str(), MemberRole::Admin.as_str()]),
        )
        .order(company_members::created_at.asc())
        .select(company_members::user_id)
        .load(conn)?;
    Ok(ids.iter().map(|id| parse_db_id(id)).collect())
}
