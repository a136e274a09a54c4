//! One thread: reading it, writing in it, and its status flow.
//!
//! `new` → `replied` (the company's first message, which also sets `first_response_at`) →
//! `closed` (either side). A member may mark a thread `spam` from any state; spam is terminal
//! and, like a first reply, counts as the company's response. Closed and spam threads take no
//! more messages (409 `inquiry_closed`): a closed conversation is not reopened behind the back
//! of the side that closed it; a new inquiry starts a new thread.

use diesel::prelude::*;
use uuid::Uuid;

use super::InquiryError;
use super::input::MessageInput;
use super::model::{Inquiry, InquiryRow, InquiryStatus, Message, MessageRow, Side};
use super::view::{InquiryThread, InquiryView, Viewer, messages, user_names, view};
use super::{block, notify};
use crate::access::{Actor, InquiryAction, InquiryParty, inquiry_party, may_on_inquiry};
use crate::clock::now;
use crate::company::{Company, find_company, role_in};
use crate::db::schema::{inquiries, inquiry_messages};
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::ids::new_id;
use crate::json_col::to_json;
use crate::lead::{LeadSource, LeadStage, advance_lead};

/// A thread the actor may act on, and who they are to it.
pub(crate) struct Opened {
    pub row: InquiryRow,
    pub inquiry: Inquiry,
    pub party: InquiryParty,
}

impl Opened {
    fn side(&self) -> Side {
        match self.party {
            InquiryParty::Buyer => Side::Buyer,
            _ => Side::Supplier,
        }
    }

    fn viewer(&self) -> Viewer {
        Viewer::of(self.party)
    }
}

/// Whether the actor may see the thread (its buyer, the company's members, operators).
pub(crate) fn can_view(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<bool, diesel::result::Error> {
    match open(conn, actor, id, InquiryAction::View) {
        Ok(_) => Ok(true),
        Err(InquiryError::Database(e)) => Err(e),
        Err(_) => Ok(false),
    }
}

/// Loads a thread for `action`: 404 for anyone who may not see it (whether it exists or not),
/// 403 for a party who sees it but may not do this.
pub(crate) fn open(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    action: InquiryAction,
) -> Result<Opened, InquiryError> {
    let row: InquiryRow = inquiries::table
        .find(id.to_string())
        .select(InquiryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(InquiryError::NotFound)?;
    let inquiry = Inquiry::from(row.clone());
    let role = role_in(conn, inquiry.company_id, actor.user_id)?;
    let party = inquiry_party(actor, inquiry.buyer_id, role);
    if !may_on_inquiry(party, InquiryAction::View) {
        return Err(InquiryError::NotFound);
    }
    if !may_on_inquiry(party, action) {
        return Err(InquiryError::Forbidden);
    }
    Ok(Opened {
        row,
        inquiry,
        party,
    })
}

fn save(conn: &mut DbConnection, row: &InquiryRow) -> QueryResult<()> {
    diesel::update(inquiries::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// The thread with every message, oldest first.
pub fn get_inquiry(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<InquiryThread, InquiryError> {
    let opened = open(conn, actor, id, InquiryAction::View)?;
    let messages = messages(conn, id)?;
    let viewer = opened.viewer();
    Ok(InquiryThread {
        view: view(conn, opened.row, viewer)?,
        messages,
    })
}

fn company_of(conn: &mut DbConnection, inquiry: &Inquiry) -> Result<Company, InquiryError> {
    find_company(conn, inquiry.company_id).map_err(|_| InquiryError::NotFound)
}

/// Posts a message as the actor's side. The company's first message makes the thread
/// `replied`, records the first response and moves the lead to `contacted`.
pub fn post_message(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    input: MessageInput,
) -> Result<Message, InquiryError> {
    db::transaction(conn, |conn| {
        let mut opened = open(conn, actor, id, InquiryAction::Write)?;
        let input = input.validate().map_err(InquiryError::Validation)?;
        let side = opened.side();
        if side == Side::Buyer && block::is_blocked(conn, opened.inquiry.company_id, actor.user_id)?
        {
            return Err(InquiryError::Blocked);
        }
        if !opened.inquiry.is_open() {
            return Err(InquiryError::Closed);
        }
        if !company_of(conn, &opened.inquiry)?.is_public() {
            return Err(InquiryError::CompanySuspended);
        }
        let verdict = crate::screening::screen(conn, &[("body", &input.body)])?;
        if verdict.blocked() {
            return Err(InquiryError::ContentBlocked(verdict.block_errors()));
        }
        let at = now();
        let message = MessageRow {
            id: new_id().to_string(),
            inquiry_id: id.to_string(),
            author_id: actor.user_id.to_string(),
            side: side.as_str().to_owned(),
            body: input.body.clone(),
            attachments: to_json(&input.attachments),
            created_at: at,
        };
        diesel::insert_into(inquiry_messages::table)
            .values(&message)
            .execute(conn)?;
        let company = (side == Side::Supplier).then_some(opened.inquiry.company_id);
        super::attach_files(
            conn,
            actor,
            company,
            crate::ids::parse_db_id(&message.id),
            &input.attachments,
        )?;
        crate::screening::record(conn, "message", &message.id, &verdict)?;
        let row = &mut opened.row;
        row.last_message_at = at;
        row.updated_at = at;
        match side {
            Side::Buyer => row.buyer_read_at = Some(at),
            Side::Supplier => {
                row.supplier_read_at = Some(at);
                if opened.inquiry.status == InquiryStatus::New {
                    row.status = InquiryStatus::Replied.as_str().to_owned();
                }
                if row.first_response_at.is_none() {
                    row.first_response_at = Some(at);
                    advance_lead(
                        conn,
                        LeadSource::Inquiry,
                        id,
                        &[LeadStage::New],
                        LeadStage::Contacted,
                    )?;
                }
            }
        }
        save(conn, row)?;
        let author_name = user_names(conn, [actor.user_id])?
            .remove(&actor.user_id)
            .unwrap_or_default();
        notify::inquiry_message(conn, &opened.inquiry, side, &author_name, &input.body)?;
        message_webhook(conn, &opened.inquiry, &message)?;
        Ok(message.into_message(author_name))
    })
}

/// Tells the company's webhook endpoints of a message on its thread, either side's (an
/// integration mirrors the whole conversation; `side` tells who wrote). The thread's first
/// message is `inquiry.created`'s.
fn message_webhook(
    conn: &mut DbConnection,
    inquiry: &Inquiry,
    message: &MessageRow,
) -> QueryResult<()> {
    crate::webhook::enqueue(
        conn,
        inquiry.company_id,
        crate::webhook::EventType::InquiryMessageCreated,
        serde_json::json!({
            "inquiry_id": message.inquiry_id,
            "message_id": message.id,
            "company_id": inquiry.company_id,
            "side": message.side,
            "author_id": message.author_id,
            "body": message.body,
            "created_at": crate::ids::rfc3339(message.created_at),
        }),
    )
}

/// Moves the actor's side's read marker to now.
pub fn mark_read(conn: &mut DbConnection, actor: &Actor, id: Uuid) -> Result<(), InquiryError> {
    db::transaction(conn, |conn| {
        let mut opened = open(conn, actor, id, InquiryAction::Write)?;
        let at = now();
        match opened.side() {
            Side::Buyer => opened.row.buyer_read_at = Some(at),
            Side::Supplier => opened.row.supplier_read_at = Some(at),
        }
        save(conn, &opened.row)?;
        Ok(())
    })
}

/// Closes the thread (either side). Closing a closed (or spam) thread changes nothing.
pub fn close_inquiry(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<InquiryView, InquiryError> {
    db::transaction(conn, |conn| {
        let mut opened = open(conn, actor, id, InquiryAction::Write)?;
        if opened.inquiry.is_open() {
            opened.row.status = InquiryStatus::Closed.as_str().to_owned();
            opened.row.updated_at = now();
            save(conn, &opened.row)?;
        }
        let viewer = opened.viewer();
        Ok(view(conn, opened.row, viewer)?)
    })
}

/// A member marks the thread spam: terminal, and the company's response for the metrics when
/// it had none yet. The lead is lost unless a member already moved it past `contacted`.
pub fn mark_spam(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<InquiryView, InquiryError> {
    db::transaction(conn, |conn| {
        let mut opened = open(conn, actor, id, InquiryAction::MarkSpam)?;
        if opened.inquiry.status != InquiryStatus::Spam {
            let at = now();
            let row = &mut opened.row;
            row.status = InquiryStatus::Spam.as_str().to_owned();
            row.first_response_at = row.first_response_at.or(Some(at));
            row.supplier_read_at = Some(at);
            row.updated_at = at;
            save(conn, row)?;
            advance_lead(
                conn,
                LeadSource::Inquiry,
                id,
                &[LeadStage::New, LeadStage::Contacted],
                LeadStage::Lost,
            )?;
        }
        let viewer = opened.viewer();
        Ok(view(conn, opened.row, viewer)?)
    })
}

/// Owners and admins assign the thread to a member of the company (`None` unassigns). The
/// assignee is notified unless they assigned it to themselves.
pub fn assign_inquiry(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    assignee: Option<Uuid>,
) -> Result<InquiryView, InquiryError> {
    db::transaction(conn, |conn| {
        let mut opened = open(conn, actor, id, InquiryAction::Assign)?;
        if let Some(user) = assignee
            && role_in(conn, opened.inquiry.company_id, user)?.is_none()
        {
            return Err(InquiryError::Validation(vec![FieldError::new(
                "user_id",
                "not_a_member",
                "must be a member of the company",
            )]));
        }
        let changed = opened.inquiry.assigned_to != assignee;
        if changed {
            opened.row.assigned_to = assignee.map(|u| u.to_string());
            opened.row.updated_at = now();
            save(conn, &opened.row)?;
            // The lead of the thread follows its assignee.
            crate::lead::assign_lead(conn, LeadSource::Inquiry, id, assignee)?;
            if let Some(user) = assignee.filter(|u| *u != actor.user_id) {
                let buyer_name = user_names(conn, [opened.inquiry.buyer_id])?
                    .remove(&opened.inquiry.buyer_id)
                    .unwrap_or_default();
                notify::inquiry_assigned(conn, &opened.inquiry, user, &buyer_name)?;
            }
        }
        let viewer = opened.viewer();
        Ok(view(conn, opened.row, viewer)?)
    })
}
