//! The supplier's counter-notice.

use serde_json::json;
use uuid::Uuid;

use super::TakedownError;
use super::file::{MAX_EVIDENCE, attach_evidence, check_evidence};
use super::model::{EventParty, Notice, TakedownStatus, load_notice, record_event, save_notice};
use super::notify::{Whom, tell};
use super::view::party_of;
use crate::access::{Actor, CaseAction, may_on_takedown};
use crate::clock::now;
use crate::db::{self, DbConnection};
use crate::ids::rfc3339;
use crate::json_col::to_json;
use crate::validate::Validator;

#[derive(Debug, Clone, Default)]
pub struct CounterNoticeInput {
    /// Why the item does not infringe (a licence, own registration, prior use, …).
    pub statement: String,
    pub evidence_urls: Vec<String>,
    /// Media ids: uploads with purpose `attachment` by the actor (or, for a company's item, by
    /// a member of the company).
    pub evidence_attachments: Vec<String>,
    pub good_faith: bool,
}

/// The supplier's owner or admin (or the individual owner) answers an accepted notice before
/// its deadline; the item stays hidden until an operator decides.
pub fn file_counter_notice(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    input: CounterNoticeInput,
) -> Result<Notice, TakedownError> {
    let mut v = Validator::new();
    let statement = v.multiline("statement", &input.statement, 1, 4000);
    check_evidence(&mut v, "evidence_urls", &input.evidence_urls, 0);
    let files = v.media_ids(
        "evidence_attachments",
        input.evidence_attachments,
        MAX_EVIDENCE,
    );
    v.check(
        input.good_faith,
        "good_faith",
        "must_be_true",
        "state that you believe in good faith that the item was taken down by mistake",
    );
    let validated = v.finish();
    db::transaction(conn, |conn| {
        let mut row = load_notice(conn, id)?.ok_or(TakedownError::NotFound)?;
        let at = now();
        let current = row.status_at(at);
        let party = party_of(conn, actor, &row)?;
        if !may_on_takedown(actor, party, CaseAction::View, current.served()) {
            return Err(TakedownError::NotFound);
        }
        if !may_on_takedown(actor, party, CaseAction::Respond, current.served()) {
            return Err(TakedownError::Forbidden);
        }
        validated.map_err(TakedownError::Validation)?;
        match current {
            TakedownStatus::Accepted => {}
            TakedownStatus::Final => {
                return Err(TakedownError::CounterWindowClosed {
                    deadline: row.counter_deadline.map(rfc3339).unwrap_or_default(),
                });
            }
            other => {
                return Err(TakedownError::InvalidState {
                    action: "file a counter-notice on",
                    status: other.as_str(),
                });
            }
        }
        row.status = TakedownStatus::Countered.as_str().to_owned();
        row.counter_statement = Some(statement.clone());
        row.counter_evidence_urls = Some(to_json(
            &input
                .evidence_urls
                .iter()
                .map(|u| u.trim().to_owned())
                .collect::<Vec<_>>(),
        ));
        let company = row.company_id.as_deref().map(crate::ids::parse_db_id);
        attach_evidence(conn, actor, company, id, &files)?;
        row.counter_evidence_attachments = to_json(&files);
        row.countered_at = Some(at);
        row.countered_by = Some(actor.user_id.to_string());
        row.updated_at = at;
        save_notice(conn, &row)?;
        record_event(
            conn,
            &row.id,
            at,
            Some(actor.user_id),
            EventParty::Supplier,
            "counter_notice",
            &statement,
        )?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "counter_notice",
                subject_type: "takedown",
                subject_id: &row.id,
                before: json!({"status": "accepted"}),
                after: json!({"status": "countered"}),
                reason: &statement,
            },
        )?;
        tell(conn, &row, Whom::Notifier, "counter_notice", &statement)?;
        crate::notification::notify_operators(
            conn,
            "counter_notice",
            "takedown",
            id,
            json!({"title": format!("Counter-notice to the IP notice by {}", row.rights_holder),
                   "subject_type": row.subject_type, "subject_id": row.subject_id}),
        )?;
        Ok(row.notice_at(at))
    })
}
