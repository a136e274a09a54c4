//! Which company a reported item belongs to: the attribution a penalty on a report checks and
//! the credit formula's count of upheld complaints (`credit::upheld_complaints`) repeats in SQL.
//!
//! A company's items are its products and listings; a message is the company's when a member
//! wrote it on the company's side of a thread, or when the buyer who wrote it is a member (a
//! supplier account inquiring as a buyer).

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::{
    companies, company_members, inquiries, inquiry_messages, listings, products,
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
