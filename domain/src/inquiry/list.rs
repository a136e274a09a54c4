//! The inbox: the actor's threads as buyer, or their company's threads as supplier, and the
//! unread counts of both.

use diesel::prelude::*;
use uuid::Uuid;

use super::InquiryError;
use super::model::{InquiryRow, InquiryStatus};
use super::view::{InquiryView, Viewer, views};
use crate::access::Actor;
use crate::company::membership_of;
use crate::db::DbConnection;
use crate::db::schema::inquiries;
use crate::paging::{Page, PageRequest};

/// Which side's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxSide {
    /// Threads the actor opened.
    Buyer,
    /// Threads addressed to the actor's company.
    Supplier,
}

#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    /// `buyer` or `supplier`; by default `supplier` for a member of a company, else `buyer`.
    pub side: Option<String>,
    pub status: Option<String>,
    /// Supplier side only: a member's user id, `me` or `none`.
    pub assigned_to: Option<String>,
}

enum Assignee {
    User(String),
    Nobody,
}

/// The threads of one inbox, newest first. Operators have no inbox of their own (they open
/// threads by id); a supplier side without a company is empty.
pub fn list_inquiries(
    conn: &mut DbConnection,
    actor: &Actor,
    query: InboxQuery,
    page: &PageRequest,
) -> Result<(InboxSide, Page<InquiryView>), InquiryError> {
    let company = membership_of(conn, actor.user_id)?.map(|(c, _)| c);
    // Both filters exact, as the document's enums say; blank is the default.
    let side = match query.side.as_deref() {
        None | Some("") if company.is_some() => InboxSide::Supplier,
        None | Some("") | Some("buyer") => InboxSide::Buyer,
        Some("supplier") => InboxSide::Supplier,
        Some(_) => {
            return Err(InquiryError::field(
                "as",
                "invalid_choice",
                "must be buyer or supplier",
            ));
        }
    };
    let statuses: Option<Vec<&'static str>> = match query.status.as_deref() {
        None | Some("") => None,
        Some(s) => match (side, InquiryStatus::parse(s)) {
            // The buyer sees spam as closed and cannot ask for it.
            (InboxSide::Buyer, Some(InquiryStatus::Closed)) => Some(vec![
                InquiryStatus::Closed.as_str(),
                InquiryStatus::Spam.as_str(),
            ]),
            (InboxSide::Buyer, Some(InquiryStatus::Spam)) | (_, None) => {
                let names = if side == InboxSide::Buyer {
                    "new, replied, closed".to_owned()
                } else {
                    InquiryStatus::names()
                };
                return Err(InquiryError::field(
                    "status",
                    "invalid_choice",
                    &format!("must be one of: {names}"),
                ));
            }
            (_, Some(s)) => Some(vec![s.as_str()]),
        },
    };
    let assignee = match query.assigned_to.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(_) if side == InboxSide::Buyer => {
            return Err(InquiryError::field(
                "assigned_to",
                "not_allowed",
                "only for the supplier inbox",
            ));
        }
        Some("me") => Some(Assignee::User(actor.user_id.to_string())),
        Some("none") => Some(Assignee::Nobody),
        Some(id) => match Uuid::parse_str(id) {
            Ok(id) => Some(Assignee::User(id.to_string())),
            Err(_) => {
                return Err(InquiryError::field(
                    "assigned_to",
                    "invalid",
                    "must be a user id, me or none",
                ));
            }
        },
    };
    let mut q = inquiries::table
        .select(InquiryRow::as_select())
        .order(inquiries::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    match side {
        InboxSide::Buyer => q = q.filter(inquiries::buyer_id.eq(actor.user_id.to_string())),
        InboxSide::Supplier => match company {
            Some(c) => q = q.filter(inquiries::company_id.eq(c.to_string())),
            None => {
                return Ok((
                    side,
                    Page {
                        items: vec![],
                        next_cursor: None,
                    },
                ));
            }
        },
    }
    if let Some(statuses) = statuses {
        q = q.filter(inquiries::status.eq_any(statuses));
    }
    match assignee {
        Some(Assignee::User(id)) => q = q.filter(inquiries::assigned_to.eq(id)),
        Some(Assignee::Nobody) => q = q.filter(inquiries::assigned_to.is_null()),
        None => {}
    }
    if let Some(after) = &page.after {
        q = q.filter(inquiries::id.lt(after.clone()));
    }
    let rows = q.load(conn)?;
    let viewer = match side {
        InboxSide::Buyer => Viewer::Buyer,
        InboxSide::Supplier => Viewer::Supplier,
    };
    let items = views(conn, rows, |_| viewer)?;
    Ok((side, page.page(items, |v| v.inquiry.id.to_string())))
}

/// Threads with something unread, per side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnreadCounts {
    /// Threads the actor opened where the company wrote after the actor last read.
    pub as_buyer: i64,
    /// Threads of the actor's company (not spam) where the buyer wrote after the company's
    /// read marker.
    pub as_supplier: i64,
}

pub fn unread_counts(conn: &mut DbConnection, actor: &Actor) -> Result<UnreadCounts, InquiryError> {
    let as_buyer = inquiries::table
        .filter(inquiries::buyer_id.eq(actor.user_id.to_string()))
        .filter(
            inquiries::buyer_read_at
                .is_null()
                .or(inquiries::last_message_at
                    .nullable()
                    .gt(inquiries::buyer_read_at)),
        )
        .count()
        .get_result(conn)?;
    let as_supplier = match membership_of(conn, actor.user_id)? {
        Some((company, _)) => inquiries::table
            .filter(inquiries::company_id.eq(company.to_string()))
            .filter(inquiries::status.ne(InquiryStatus::Spam.as_str()))
            .filter(
                inquiries::supplier_read_at
                    .is_null()
                    .or(inquiries::last_message_at
                        .nullable()
                        .gt(inquiries::supplier_read_at)),
            )
            .count()
            .get_result(conn)?,
        None => 0,
    };
    Ok(UnreadCounts {
        as_buyer,
        as_supplier,
    })
}
