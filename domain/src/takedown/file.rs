//! Filing a notice.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::TakedownError;
use super::model::{EventParty, Notice, NoticeRow, RightsType, TakedownStatus, record_event};
use crate::access::{Actor, OwnerSide, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::takedown_notices;
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::ids::{new_id, parse_db_id};
use crate::json_col::to_json;
use crate::validate::Validator;

pub const MAX_EVIDENCE: usize = 10;

/// What a rights holder submits: the item, the right (type and registration number, the holder's
/// name), evidence and the statement of good faith.
#[derive(Debug, Clone, Default)]
pub struct NoticeInput {
    pub subject_type: String,
    pub subject_id: String,
    pub rights_type: String,
    pub rights_holder: String,
    pub registration_number: String,
    pub description: Option<String>,
    pub evidence_urls: Vec<String>,
    /// Media ids: the notifier's own uploads with purpose `attachment`.
    pub evidence_attachments: Vec<String>,
    pub good_faith: bool,
}

pub(crate) fn check_evidence(v: &mut Validator, field: &str, urls: &[String], min: usize) {
    if urls.len() < min {
        v.push(field, "required", format!("at least {min} URL"));
    }
    if urls.len() > MAX_EVIDENCE {
        v.push(field, "too_many", format!("at most {MAX_EVIDENCE} URLs"));
    }
    for (i, url) in urls.iter().enumerate() {
        v.url(&format!("{field}[{i}]"), url.trim());
    }
}

/// Whether the actor can see the item (one cannot file about what one cannot see), by the
/// item's own read rules.
fn visible(
    conn: &mut DbConnection,
    actor: &Actor,
    subject_type: &str,
    id: Uuid,
) -> Result<bool, TakedownError> {
    use crate::catalog::CatalogError;
    use crate::listing::ListingError;
    Ok(match subject_type {
        "product" => match crate::catalog::get_product(conn, Some(actor), id) {
            Ok(_) => true,
            Err(CatalogError::Database(e)) => return Err(e.into()),
            Err(_) => false,
        },
        _ => match crate::listing::get_listing(conn, Some(actor), id) {
            Ok(_) => true,
            Err(ListingError::Database(e)) => return Err(e.into()),
            Err(_) => false,
        },
    })
}

/// Links the evidence files of a notice (the notifier's own uploads only) or of a counter-notice
/// (`company`: uploads of the supplier's members too) to the case, whose readers read them.
pub(super) fn attach_evidence(
    conn: &mut DbConnection,
    actor: &Actor,
    company: Option<Uuid>,
    notice_id: Uuid,
    ids: &[String],
) -> Result<(), TakedownError> {
    use crate::media::{MediaError, Target};
    let ids: Vec<Uuid> = ids.iter().filter_map(|s| s.parse().ok()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let target = Target::TakedownNotice(notice_id);
    let field = "evidence_attachments";
    crate::media::attach(conn, actor.user_id, company, target, field, &ids).map_err(|e| match e {
        MediaError::Validation(f) => TakedownError::Validation(f),
        MediaError::Database(e) => TakedownError::Database(e),
        _ => TakedownError::NotFound,
    })
}

/// A rights holder files a notice against a product or listing they can see (not one of their
/// own company's). One open notice per notifier and item.
pub fn file_notice(
    conn: &mut DbConnection,
    actor: &Actor,
    input: NoticeInput,
) -> Result<Notice, TakedownError> {
    if !may_on_platform(actor, PlatformAction::FileTakedown) {
        return Err(TakedownError::Forbidden);
    }
    let mut v = Validator::new();
    let subject_type = input.subject_type.trim().to_owned();
    if !matches!(subject_type.as_str(), "product" | "listing") {
        v.push(
            "subject_type",
            "invalid_choice",
            "must be one of: product, listing",
        );
    }
    let subject_id = Uuid::parse_str(input.subject_id.trim()).ok();
    if subject_id.is_none() {
        v.push("subject_id", "invalid", "is not an id");
    }
    let rights_type = RightsType::parse(input.rights_type.trim());
    if rights_type.is_none() {
        v.push(
            "rights_type",
            "invalid_choice",
            format!("must be one of: {}", RightsType::names()),
        );
    }
    let rights_holder = v.text("rights_holder", &input.rights_holder, 1, 200);
    let registration_number = v.text("registration_number", &input.registration_number, 1, 100);
    let description = v
        .opt_multiline("description", input.description.as_deref(), 4000)
        .unwrap_or_default();
    // Evidence is required: a URL, or a file (a certificate scan needs no public page).
    let files = v.media_ids(
        "evidence_attachments",
        input.evidence_attachments,
        MAX_EVIDENCE,
    );
    let min_urls = if files.is_empty() { 1 } else { 0 };
    check_evidence(&mut v, "evidence_urls", &input.evidence_urls, min_urls);
    v.check(
        input.good_faith,
        "good_faith",
        "must_be_true",
        "state that you believe in good faith that the use is not authorised by the rights holder",
    );
    v.finish().map_err(TakedownError::Validation)?;
    let (Some(subject_id), Some(rights_type)) = (subject_id, rights_type) else {
        unreachable!("validated above");
    };
    let subject_error = |code: &str, message: &str| {
        TakedownError::Validation(vec![FieldError::new("subject_id", code, message)])
    };
    db::transaction(conn, |conn| {
        if !visible(conn, actor, &subject_type, subject_id)? {
            return Err(subject_error("unknown_subject", "no such item"));
        }
        let owner = crate::enforcement::item_owner(conn, &subject_type, subject_id)?
            .ok_or_else(|| subject_error("unknown_subject", "no such item"))?;
        if crate::enforcement::side_of(conn, actor, &owner)? != OwnerSide::Outsider {
            return Err(subject_error("own_item", "this item is your own"));
        }
        let open: i64 = takedown_notices::table
            .filter(takedown_notices::notifier_id.eq(actor.user_id.to_string()))
            .filter(takedown_notices::subject_type.eq(&subject_type))
            .filter(takedown_notices::subject_id.eq(subject_id.to_string()))
            .filter(takedown_notices::status.eq_any(["submitted", "accepted", "countered"]))
            .count()
            .get_result(conn)?;
        if open > 0 {
            return Err(TakedownError::Duplicate);
        }
        let at = now();
        let id = new_id();
        attach_evidence(conn, actor, None, id, &files)?;
        let row = NoticeRow {
            id: id.to_string(),
            notifier_id: actor.user_id.to_string(),
            subject_type: subject_type.clone(),
            subject_id: subject_id.to_string(),
            company_id: owner.company_id.map(|c| c.to_string()),
            owner_id: owner.owner_id.map(|o| o.to_string()),
            rights_type: rights_type.as_str().to_owned(),
            rights_holder: rights_holder.clone(),
            registration_number: registration_number.clone(),
            description: description.clone(),
            evidence_urls: to_json(
                &input
                    .evidence_urls
                    .iter()
                    .map(|u| u.trim().to_owned())
                    .collect::<Vec<_>>(),
            ),
            good_faith: true,
            status: TakedownStatus::Submitted.as_str().to_owned(),
            counter_deadline: None,
            counter_statement: None,
            counter_evidence_urls: None,
            countered_at: None,
            countered_by: None,
            decided_at: None,
            decided_by: None,
            closed_at: None,
            created_at: at,
            updated_at: at,
            evidence_attachments: to_json(&files),
            counter_evidence_attachments: to_json(&Vec::<String>::new()),
        };
        diesel::insert_into(takedown_notices::table)
            .values(&row)
            .execute(conn)?;
        record_event(
            conn,
            &row.id,
            at,
            Some(actor.user_id),
            EventParty::Notifier,
            "filed",
            &format!(
                "{} {} held by {}",
                rights_type.as_str(),
                registration_number,
                rights_holder
            ),
        )?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "file",
                subject_type: "takedown",
                subject_id: &row.id,
                before: serde_json::Value::Null,
                after: json!({"status": "submitted", "subject_type": subject_type,
                              "subject_id": subject_id, "rights_type": rights_type.as_str()}),
                reason: "IP notice filed",
            },
        )?;
        crate::notification::notify_operators(
            conn,
            "takedown_notice",
            "takedown",
            parse_db_id(&row.id),
            json!({"title": format!("IP notice ({}) by {}", rights_type.as_str(), rights_holder),
                   "subject_type": subject_type, "subject_id": subject_id}),
        )?;
        Ok(row.notice_at(at))
    })
}
