//! How many complaints against a company were upheld. The attribution is the one of
//! `penalty::subject_company` (which company a reported item belongs to), so a penalty on a
//! report and the credit formula agree.
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
    company_members, inquiries, inquiry_messages, listings, products, reports,
};

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
