//! A company leaves the platform.

use diesel::prelude::*;
use serde_json::json;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::RetentionError;
use super::calendar::add_years;
use crate::access::{Actor, CompanyAction, may_on_company};
use crate::clock::now;
use crate::company::{find_company, role_in};
use crate::db::schema::{company_closures, company_members};
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::validate::Validator;

#[derive(Debug, Clone)]
pub struct Closure {
    pub company_id: Uuid,
    pub closed_at: PrimitiveDateTime,
    /// When the purge may remove the registration records (closing + the retention period).
    pub records_kept_until: PrimitiveDateTime,
    /// How many memberships ended.
    pub members_released: usize,
}

/// The owner closes the company's account: it disappears from every public endpoint and search
/// at once (as a suspension does), every membership ends (the accounts stay and may found or
/// join another company), and the registration records are kept for `retention_years`.
/// `confirm` must repeat the company's slug.
pub fn leave_company(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    confirm: &str,
    reason: Option<&str>,
    retention_years: u32,
) -> Result<Closure, RetentionError> {
    let mut v = Validator::new();
    let reason = v
        .opt_multiline("reason", reason, 1000)
        .unwrap_or_else(|| "closed by the company".to_owned());
    let valid = v.finish();
    db::transaction(conn, |conn| {
        let company =
            find_company(conn, company_id).map_err(|_| RetentionError::CompanyNotFound)?;
        let role = role_in(conn, company_id, actor.user_id)?;
        if !may_on_company(actor, role, CompanyAction::Close) {
            let sees =
                company.is_public() || may_on_company(actor, role, CompanyAction::ViewPrivate);
            return Err(if sees {
                RetentionError::Forbidden
            } else {
                RetentionError::CompanyNotFound
            });
        }
        valid.map_err(RetentionError::Validation)?;
        if confirm.trim() != company.slug {
            return Err(RetentionError::Validation(vec![FieldError::new(
                "confirm",
                "mismatch",
                "type the company's storefront address (slug) to confirm",
            )]));
        }
        let closed: i64 = company_closures::table
            .filter(company_closures::company_id.eq(company_id.to_string()))
            .count()
            .get_result(conn)?;
        if closed > 0 {
            return Err(RetentionError::AlreadyClosed);
        }
        let members: Vec<(String, String)> = company_members::table
            .filter(company_members::company_id.eq(company_id.to_string()))
            .select((company_members::user_id, company_members::role))
            .load(conn)?;
        let members_json: Vec<serde_json::Value> = members
            .iter()
            .map(|(user, role)| json!({"user_id": user, "role": role}))
            .collect();
        diesel::delete(
            company_members::table.filter(company_members::company_id.eq(company_id.to_string())),
        )
        .execute(conn)?;
        let at = now();
        diesel::insert_into(company_closures::table)
            .values((
                company_closures::company_id.eq(company_id.to_string()),
                company_closures::closed_by.eq(actor.user_id.to_string()),
                company_closures::reason.eq(&reason),
                company_closures::members.eq(serde_json::Value::from(members_json).to_string()),
                company_closures::closed_at.eq(at),
            ))
            .execute(conn)?;
        crate::company::modify_company(conn, company_id, json!({"change": "closed"}), |row| {
            row.suspended_at = Some(company.suspended_at.unwrap_or(at));
            row.status_reason = Some("closed by the company".to_owned());
            row.updated_at = at;
        })?;
        crate::review::hooks::company_down(
            conn,
            &company_id.to_string(),
            "the company left the platform",
        )?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "close",
                subject_type: "company",
                subject_id: &company_id.to_string(),
                before: json!({"suspended": company.is_suspended(), "members": members.len()}),
                after: json!({"closed": true, "suspended": true, "members": 0}),
                // The owner's own words stay with the closure (and go with the purge); the
                // append-only log gets a fixed text.
                reason: "the company closed its account",
            },
        )?;
        Ok(Closure {
            company_id,
            closed_at: at,
            records_kept_until: add_years(at, retention_years as i32),
            members_released: members.len(),
        })
    })
}
