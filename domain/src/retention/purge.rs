//! The retention purge: companies that left at least `retention_years` ago lose their
//! registration records. Exactly this is removed:
//!
//! - in `companies`: the licence facts (legal and English name, credit code, legal
//!   representative, registered address, province and city, business scope), the profile
//!   (year, size, main products, contacts, logo, banner, description, certifications), the
//!   slug, the verification date and operator, the licence image and expiry date, the response
//!   rate and the credit score; the row stays with its id,
//!   type, status, suspension and dates, as the anchor every retained record points to;
//! - the company's verification history (`moderation_decisions` and the review-queue items
//!   about it), its credit profile (`credit_profiles`) and its stored screening outcome
//!   (`screening_results`, which quote its profile text);
//! - in `company_closures`: the member list and the reason given when it left.
//!
//! Kept: the audit log (append-only and hash-chained: its entries about the company hold ids,
//! statuses and operators' reasons, and no field of them carries licence facts, so nothing in it
//! is due and the chain still verifies; the closing entry has a fixed reason), the
//! enforcement actions, appeals and takedown cases about it, and its products, listings,
//! quotes and inquiry threads (transaction records, 第二十条), none of them public. The purge
//! itself is an audit entry.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::calendar::add_years;
use crate::clock::now;
use crate::db::schema::{
    companies, company_closures, credit_profiles, moderation_decisions, review_items,
    screening_results,
};
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;
use crate::outbox::{self, topic};

/// What a purged company is called where it is still named (old threads, audit views).
pub const PURGED_NAME: &str = "已注销企业 (records purged)";

/// Purges every company whose retention period has ended; returns how many. Each company is
/// claimed with a conditional UPDATE, so several servers purge it once.
pub fn purge_due(conn: &mut DbConnection, retention_years: u32) -> QueryResult<usize> {
    let cutoff = add_years(now(), -(retention_years as i32));
    let due: Vec<String> = company_closures::table
        .filter(company_closures::purged_at.is_null())
        .filter(company_closures::closed_at.le(cutoff))
        .order(company_closures::closed_at.asc())
        .limit(500)
        .select(company_closures::company_id)
        .load(conn)?;
    let mut purged = 0;
    for id in due {
        if db::transaction(conn, |conn| {
            purge_one(conn, parse_db_id(&id), retention_years)
        })? {
            purged += 1;
        }
    }
    Ok(purged)
}

fn purge_one(conn: &mut DbConnection, id: Uuid, retention_years: u32) -> QueryResult<bool> {
    let at = now();
    let key = id.to_string();
    let closed_at: Option<time::PrimitiveDateTime> = company_closures::table
        .find(&key)
        .filter(company_closures::purged_at.is_null())
        .select(company_closures::closed_at)
        .first(conn)
        .optional()?;
    let claimed = diesel::update(
        company_closures::table
            .find(&key)
            .filter(company_closures::purged_at.is_null()),
    )
    .set((
        company_closures::purged_at.eq(at),
        company_closures::members.eq("[]"),
        company_closures::reason.eq(""),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(false);
    }
    let marker = id.simple().to_string();
    diesel::update(companies::table.find(&key))
        .set((
            companies::slug.eq(format!("purged-{marker}")),
            companies::legal_name.eq(PURGED_NAME),
            companies::english_name.eq(None::<String>),
            companies::credit_code.eq(format!("PURGED-{marker}")),
            companies::legal_representative.eq(""),
            companies::registered_address.eq(""),
            companies::province.eq(""),
            companies::city.eq(""),
            companies::business_scope.eq(""),
            companies::year_established.eq(None::<i32>),
            companies::employee_range.eq(None::<String>),
            companies::main_products.eq("[]"),
            companies::contacts.eq("[]"),
            companies::logo_id.eq(None::<String>),
            companies::banner_id.eq(None::<String>),
            companies::description.eq(""),
            companies::certifications.eq("[]"),
            companies::verified_at.eq(None::<time::PrimitiveDateTime>),
            companies::verified_by.eq(None::<String>),
            companies::status_reason.eq("records purged after the retention period"),
            companies::response_rate_pct.eq(None::<i32>),
            companies::licence_scan_id.eq(None::<String>),
            companies::licence_expires_on.eq(None::<time::Date>),
            companies::licence_warned_days.eq(None::<i32>),
            companies::credit_score.eq(None::<i32>),
            companies::updated_at.eq(at),
        ))
        .execute(conn)?;
    // Its logo, banner and licence scan are unlinked: the orphan clean-up removes them and
    // their bytes.
    for target in [
        crate::media::Target::CompanyLogo(id),
        crate::media::Target::CompanyBanner(id),
        crate::media::Target::CompanyLicence(id),
    ] {
        crate::media::detach_all(conn, target)?;
    }
    let decisions = diesel::delete(
        moderation_decisions::table
            .filter(moderation_decisions::subject_type.eq("company"))
            .filter(moderation_decisions::subject_id.eq(&key)),
    )
    .execute(conn)?;
    // Its verification reviews name it and its licence; the credit profile derives from records
    // that no longer describe a trading company.
    let reviews = diesel::delete(
        review_items::table
            .filter(review_items::target_type.eq("company"))
            .filter(review_items::target_id.eq(&key)),
    )
    .execute(conn)?;
    diesel::delete(credit_profiles::table.find(&key)).execute(conn)?;
    let screening = diesel::delete(
        screening_results::table
            .filter(screening_results::subject_type.eq("company"))
            .filter(screening_results::subject_id.eq(&key)),
    )
    .execute(conn)?;
    outbox::emit(
        conn,
        topic::COMPANY_CHANGED,
        id,
        json!({"change": "purged"}),
    )?;
    crate::audit::append(
        conn,
        crate::audit::Change {
            actor_id: None,
            action: "purge",
            subject_type: "company",
            subject_id: &key,
            before: json!({"closed_at": closed_at.map(crate::ids::rfc3339)}),
            after: json!({"purged": ["licence_facts", "profile", "verification_history",
                                     "screening_result", "closure_members"],
                          "verification_decisions_removed": decisions,
                          "verification_reviews_removed": reviews,
                          "screening_results_removed": screening}),
            reason: &format!("retention period of {retention_years} years after leaving ended"),
        },
    )?;
    Ok(true)
}
