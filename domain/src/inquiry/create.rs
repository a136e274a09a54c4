//! Opening inquiries: one request, up to 10 companies, one thread each, sharing a batch id.

use diesel::prelude::*;
use uuid::Uuid;

use super::InquiryError;
use super::input::NewInquiry;
use super::model::{InquiryRow, InquiryStatus, MessageRow, Side};
use super::spam::{SpamLimits, check_duplicates, check_new_account_cap, lock_buyer};
use super::targets::resolve_targets;
use super::view::{InquiryView, Viewer, user_names, views};
use super::{block, notify};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::company::membership_of;
use crate::db::schema::{inquiries, inquiry_messages};
use crate::db::{self, DbConnection};
use crate::ids::new_id;
use crate::json_col::to_json;
use crate::lead::{LeadSource, LeadStage, open_lead};

/// The threads one request opened.
#[derive(Debug, Clone)]
pub struct CreatedInquiries {
    pub batch_id: Uuid,
    pub threads: Vec<InquiryView>,
}

/// Opens a thread with each distinct company the targets name.
///
/// Refused as a whole, in this order: operators (403); invalid input (400, every field); a
/// target that is not public or is the actor's own company (400, `targets[i].id`); a company
/// that blocked the actor (403 `blocked`, without saying which); the new-account daily cap and
/// the identical-message rule (`Throttled`, 429).
pub fn create_inquiries(
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewInquiry,
    limits: &SpamLimits,
) -> Result<CreatedInquiries, InquiryError> {
    if !may_on_platform(actor, PlatformAction::SendInquiry) {
        return Err(InquiryError::Forbidden);
    }
    let valid = input.validate().map_err(InquiryError::Validation)?;
    db::transaction(conn, |conn| {
        let own_company = membership_of(conn, actor.user_id)?.map(|(c, _)| c);
        let addressees = resolve_targets(conn, own_company, &valid.targets)?;
        let company_ids: Vec<Uuid> = addressees.iter().map(|a| a.company.id).collect();
        if block::blocked_by_any(conn, actor.user_id, &company_ids)? {
            return Err(InquiryError::Blocked);
        }
        // Screened before anything is written: a blocking hit refuses the whole request; any
        // other outcome is kept with each first message for operators.
        let verdict = crate::screening::screen(
            conn,
            &[("subject", &valid.subject), ("message", &valid.message)],
        )?;
        if verdict.blocked() {
            return Err(InquiryError::ContentBlocked(verdict.block_errors()));
        }
        lock_buyer(conn, actor.user_id)?;
        let at = now();
        check_new_account_cap(conn, actor.user_id, addressees.len(), limits, at)?;
        check_duplicates(
            conn,
            actor.user_id,
            &valid.content_hash,
            &company_ids,
            limits,
            at,
        )?;
        let buyer_name = user_names(conn, [actor.user_id])?
            .remove(&actor.user_id)
            .unwrap_or_default();
        let batch_id = new_id();
        let mut rows = Vec::with_capacity(addressees.len());
        for a in &addressees {
            let id = new_id();
            let row = InquiryRow {
                id: id.to_string(),
                batch_id: batch_id.to_string(),
                buyer_id: actor.user_id.to_string(),
                company_id: a.company.id.to_string(),
                subject_type: a.subject_type.as_str().to_owned(),
                subject_id: a.subject_id.to_string(),
                subject: valid.subject.clone(),
                quantity: valid.quantity,
                unit: valid.unit.clone(),
                status: InquiryStatus::New.as_str().to_owned(),
                assigned_to: None,
                content_hash: valid.content_hash.clone(),
                first_response_at: None,
                buyer_read_at: Some(at),
                supplier_read_at: None,
                last_message_at: at,
                created_at: at,
                updated_at: at,
                buyer_shares_email: valid.share_email,
            };
            diesel::insert_into(inquiries::table)
                .values(&row)
                .execute(conn)?;
            let message_id = new_id();
            crate::screening::record(conn, "message", &message_id.to_string(), &verdict)?;
            diesel::insert_into(inquiry_messages::table)
                .values(&MessageRow {
                    id: message_id.to_string(),
                    inquiry_id: id.to_string(),
                    author_id: actor.user_id.to_string(),
                    side: Side::Buyer.as_str().to_owned(),
                    body: valid.message.clone(),
                    attachments: to_json(&valid.attachments),
                    created_at: at,
                })
                .execute(conn)?;
            super::attach_files(conn, actor, None, message_id, &valid.attachments)?;
            open_lead(
                conn,
                a.company.id,
                actor.user_id,
                LeadSource::Inquiry,
                id,
                LeadStage::New,
            )?;
            notify::inquiry_received(conn, &row.clone().into(), &buyer_name, &valid.message)?;
            crate::webhook::enqueue(
                conn,
                a.company.id,
                crate::webhook::EventType::InquiryCreated,
                serde_json::json!({
                    "inquiry_id": row.id,
                    "company_id": row.company_id,
                    "buyer_id": row.buyer_id,
                    "subject_type": row.subject_type,
                    "subject_id": row.subject_id,
                    "subject": row.subject,
                    "quantity": row.quantity,
                    "unit": row.unit,
                    "created_at": crate::ids::rfc3339(row.created_at),
                }),
            )?;
            rows.push(row);
        }
        let threads = views(conn, rows, |_| Viewer::Buyer)?;
        Ok(CreatedInquiries { batch_id, threads })
    })
}
