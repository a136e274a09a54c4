//! What one party sees of a thread: the buyer never learns that a thread was marked spam (it
//! reads as closed, with no first response) nor who in the company it was assigned to.

use std::collections::HashMap;

use diesel::prelude::*;
use uuid::Uuid;

use super::model::{Inquiry, InquiryRow, InquiryStatus, Message, MessageRow, Side};
use crate::access::InquiryParty;
use crate::db::DbConnection;
use crate::db::schema::{companies, inquiry_messages, users};
use crate::ids::parse_db_id;

/// The side a viewer reads a thread from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Buyer,
    Supplier,
    Operator,
}

impl Viewer {
    pub(crate) fn of(party: InquiryParty) -> Viewer {
        match party {
            InquiryParty::Buyer => Viewer::Buyer,
            InquiryParty::Member(_) => Viewer::Supplier,
            _ => Viewer::Operator,
        }
    }

    pub fn side(self) -> Option<Side> {
        match self {
            Viewer::Buyer => Some(Side::Buyer),
            Viewer::Supplier => Some(Side::Supplier),
            Viewer::Operator => None,
        }
    }
}

/// A thread as one viewer sees it.
#[derive(Debug, Clone)]
pub struct InquiryView {
    pub inquiry: Inquiry,
    pub viewer: Viewer,
    pub buyer_name: String,
    pub company_name: String,
    pub company_slug: String,
    /// The other side wrote after the viewer's side last read (always false for operators).
    pub unread: bool,
}

/// A thread with its messages, oldest first.
#[derive(Debug, Clone)]
pub struct InquiryThread {
    pub view: InquiryView,
    pub messages: Vec<Message>,
}

pub(crate) fn user_names(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = Uuid>,
) -> QueryResult<HashMap<Uuid, String>> {
    let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    let rows: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (parse_db_id(&id), name))
        .collect())
}

fn company_names(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = Uuid>,
) -> QueryResult<HashMap<Uuid, (String, String)>> {
    let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    let rows: Vec<(String, String, String)> = companies::table
        .filter(companies::id.eq_any(ids))
        .select((companies::id, companies::legal_name, companies::slug))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, slug)| (parse_db_id(&id), (name, slug)))
        .collect())
}

fn mask(mut inquiry: Inquiry, viewer: Viewer) -> Inquiry {
    if viewer == Viewer::Buyer {
        if inquiry.status == InquiryStatus::Spam {
            inquiry.status = InquiryStatus::Closed;
            inquiry.first_response_at = None;
        }
        inquiry.assigned_to = None;
        inquiry.supplier_read_at = None;
    }
    inquiry
}

/// Views of several threads, each for the viewer `viewer_of` names.
pub(crate) fn views(
    conn: &mut DbConnection,
    rows: Vec<InquiryRow>,
    viewer_of: impl Fn(&Inquiry) -> Viewer,
) -> QueryResult<Vec<InquiryView>> {
    let items: Vec<Inquiry> = rows.into_iter().map(Inquiry::from).collect();
    let names = user_names(conn, items.iter().map(|i| i.buyer_id))?;
    let companies = company_names(conn, items.iter().map(|i| i.company_id))?;
    Ok(items
        .into_iter()
        .map(|inquiry| {
            let viewer = viewer_of(&inquiry);
            let unread = viewer.side().is_some_and(|s| inquiry.unread_for(s));
            let (company_name, company_slug) = companies
                .get(&inquiry.company_id)
                .cloned()
                .unwrap_or_default();
            InquiryView {
                buyer_name: names.get(&inquiry.buyer_id).cloned().unwrap_or_default(),
                company_name,
                company_slug,
                unread,
                inquiry: mask(inquiry, viewer),
                viewer,
            }
        })
        .collect())
}

pub(crate) fn view(
    conn: &mut DbConnection,
    row: InquiryRow,
    viewer: Viewer,
) -> QueryResult<InquiryView> {
    views(conn, vec![row], |_| viewer)?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

pub(crate) fn messages(conn: &mut DbConnection, inquiry_id: Uuid) -> QueryResult<Vec<Message>> {
    let rows: Vec<MessageRow> = inquiry_messages::table
        .filter(inquiry_messages::inquiry_id.eq(inquiry_id.to_string()))
        .order((
            inquiry_messages::created_at.asc(),
            inquiry_messages::id.asc(),
        ))
        .select(MessageRow::as_select())
        .load(conn)?;
    let names = user_names(conn, rows.iter().map(|m| parse_db_id(&m.author_id)))?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let name = names
                .get(&parse_db_id(&m.author_id))
                .cloned()
                .unwrap_or_default();
            m.into_message(name)
        })
        .collect())
}
