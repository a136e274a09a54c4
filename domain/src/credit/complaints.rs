//! Which company a reported item belongs to, and how many complaints against a company were
//! upheld: the same attribution for both, so a penalty on a report and the credit formula
//! agree.
//!
//! A company's items are its products and listings; a message is the company's when a member
//! wrote it on the company's side of a thread, or when the buyer who wrote it is a member (a
//! supplier account inquiring as a buyer).

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use super::formula::COMPLAINT_WINDOW_DAYS;
use crate::db::DbConnection;
use crate::db::schema::{
    companies, company_members, inquiries, inquiry_messages, listings, products, reports,
};
use crate::ids::parse_db_id;

/// The company a report subject (`product`, `listing`, `company`, `message`) belongs to.
pub fn subject_company(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: Uuid,
) -> QueryResult<Option<Uuid>> {
    let id = subject_id.to_string();
    let company: Option<String> = match subject_type {
        "company" => companies::table
            .find(&id)
            .select(companies::id)
            .first(conn)
            .optional()?,
        "product" => products::table
            .find(&id)
            .select(products::company_id)
            .first(conn)
            .optional()?,
        "listing" => listings::table
            .find(&id)
            .select(listings::company_id)
            .first::<Option<String>>(conn)
            .optional()?
            .flatten(),
        "message" => {
            let message: Option<(String, String, String)> = inquiry_messages::table
                .inner_join(inquiries::table)
                .filter(inquiry_messages::id.eq(&id))
                .select((
                    inquiry_messages::side,
                    inquiry_messages::author_id,
                    inquiries::company_id,
                ))
                .first(conn)
                .optional()?;
            match message {
                Some((side, _, company)) if side == "supplier" => Some(company),
                Some((_, author, _)) => company_members::table
                    .filter(company_members::user_id.eq(author))
                    .select(company_members::company_id)
                    .first(conn)
                    .optional()?,
                None => None,
            }
        }
        _ => None,
    };
    Ok(company.as_deref().map(parse_db_id))
}

/// Reports about the company or its items upheld within the 365 days before `at`.
pub fn upheld_complaints(
    conn: &mut DbConnection,
    company_id: Uuid,
    at: PrimitiveDateTime,
) -> QueryResult<i32> {
    let company = company_id.to_string();
    let own_products = products::table
        .filter(products::company_id.eq(company.clone()))
        .select(products::id);
    let own_listings = listings::table
        .filter(listings::company_id.eq(company.clone()))
        .select(listings::id);
    let own_threads = inquiries::table
        .filter(inquiries::company_id.eq(company.clone()))
        .select(inquiries::id);
    let supplier_messages = inquiry_messages::table
        .filter(inquiry_messages::side.eq("supplier"))
        .filter(inquiry_messages::inquiry_id.eq_any(own_threads))
        .select(inquiry_messages::id);
    let members = company_members::table
        .filter(company_members::company_id.eq(company.clone()))
        .select(company_members::user_id);
    let buyer_messages = inquiry_messages::table
        .filter(inquiry_messages::side.eq("buyer"))
        .filter(inquiry_messages::author_id.eq_any(members))
        .select(inquiry_messages::id);
    let count: i64 = reports::table
        .filter(reports::status.eq("upheld"))
        .filter(reports::handled_at.gt(at - Duration::days(COMPLAINT_WINDOW_DAYS)))
        .filter(
            reports::subject_type
                .eq("company")
                .and(reports::subject_id.eq(company.clone()))
                .or(reports::subject_type
                    .eq("product")
                    .and(reports::subject_id.eq_any(own_products)))
                .or(reports::subject_type
                    .eq("listing")
                    .and(reports::subject_id.eq_any(own_listings)))
                .or(reports::subject_type.eq("message").and(
                    reports::subject_id
                        .eq_any(supplier_messages)
                        .or(reports::subject_id.eq_any(buyer_messages)),
                )),
        )
        .count()
        .get_result(conn)?;
    Ok(count as i32)
}
