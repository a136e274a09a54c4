//! An account holder's data, as one JSON document: the account, the inquiry threads they opened
//! and every message they wrote, their buy requests and the quotes received on them, their
//! notifications, reports, takedown notices, counter-notices and appeals, the ratings they
//! gave, and their e-mail settings. Files attached to any of these are listed by media id.
//! Records others keep about them (a company's notes and blocks) are the company's, not in here.

use diesel::prelude::*;
use serde_json::{Value, json};
use time::PrimitiveDateTime;

use super::RetentionError;
use crate::access::Actor;
use crate::catalog::format_minor;
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::{
    appeals, consent_events, email_preferences, inquiries, inquiry_messages, listings,
    notifications, quotes, ratings, reports, subscriptions, takedown_notices,
};
use crate::ids::rfc3339;

fn t(at: PrimitiveDateTime) -> Value {
    Value::String(rfc3339(at))
}

fn t_opt(at: Option<PrimitiveDateTime>) -> Value {
    at.map(t).unwrap_or(Value::Null)
}

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

type ThreadRow = (
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    PrimitiveDateTime,
);

type ListingRow = (
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<i64>,
    Option<String>,
    PrimitiveDateTime,
    PrimitiveDateTime,
    String,
);

type QuoteRow = (
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    i32,
    String,
    PrimitiveDateTime,
    String,
);

type NotificationRow = (
    String,
    String,
    String,
    String,
    String,
    Option<PrimitiveDateTime>,
    PrimitiveDateTime,
);

type ReportRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    PrimitiveDateTime,
    String,
);

type NoticeRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    PrimitiveDateTime,
    String,
);

pub fn export_account(conn: &mut DbConnection, actor: &Actor) -> Result<Value, RetentionError> {
    let me = actor.user_id.to_string();
    let user = crate::account::find_user(conn, actor.user_id)
        .map_err(|_| RetentionError::AccountNotFound)?;
    let membership = crate::company::membership_of(conn, actor.user_id)?;

    let threads: Vec<ThreadRow> = inquiries::table
        .filter(inquiries::buyer_id.eq(&me))
        .order(inquiries::id.asc())
        .select((
            inquiries::id,
            inquiries::company_id,
            inquiries::subject,
            inquiries::quantity,
            inquiries::unit,
            inquiries::status,
            inquiries::created_at,
        ))
        .load(conn)?;
    let threads: Vec<Value> = threads
        .into_iter()
        .map(|(id, company, subject, quantity, unit, status, created)| {
            // The buyer never learns that a thread was marked spam: it reads as closed.
            let status = if status == "spam" {
                "closed".into()
            } else {
                status
            };
            json!({"id": id, "company_id": company, "subject": subject, "quantity": quantity,
                   "unit": unit, "status": status, "created_at": t(created)})
        })
        .collect();

    let messages: Vec<(String, String, String, String, PrimitiveDateTime)> =
        inquiry_messages::table
            .filter(inquiry_messages::author_id.eq(&me))
            .order((
                inquiry_messages::created_at.asc(),
                inquiry_messages::id.asc(),
            ))
            .select((
                inquiry_messages::id,
                inquiry_messages::inquiry_id,
                inquiry_messages::body,
                inquiry_messages::attachments,
                inquiry_messages::created_at,
            ))
            .load(conn)?;
    let messages: Vec<Value> = messages
        .into_iter()
        .map(|(id, thread, body, attachments, at)| {
            json!({"id": id, "inquiry_id": thread, "body": body,
                   "attachments": parsed(&attachments), "created_at": t(at)})
        })
        .collect();

    let requests: Vec<ListingRow> = listings::table
        .filter(listings::owner_id.eq(&me))
        .filter(listings::kind.eq("buy"))
        .order(listings::id.asc())
        .select((
            listings::id,
            listings::status,
            listings::title,
            listings::description,
            listings::quantity,
            listings::unit,
            listings::price_minor,
            listings::currency,
            listings::valid_until,
            listings::created_at,
            listings::attachments,
        ))
        .load(conn)?;
    let request_ids: Vec<String> = requests.iter().map(|r| r.0.clone()).collect();
    let requests: Vec<Value> = requests
        .into_iter()
        .map(
            |(
                id,
                status,
                title,
                description,
                quantity,
                unit,
                price,
                currency,
                until,
                created,
                attachments,
            )| {
                let target_price = match (price, currency.as_deref()) {
                    (Some(p), Some(c)) => Value::String(format_minor(p, c)),
                    _ => Value::Null,
                };
                json!({"id": id, "status": status, "title": title, "description": description,
                       "quantity": quantity, "unit": unit, "target_price": target_price,
                       "currency": currency, "valid_until": t(until), "created_at": t(created),
                       "attachments": parsed(&attachments)})
            },
        )
        .collect();

    let received: Vec<QuoteRow> = quotes::table
        .filter(quotes::listing_id.eq_any(&request_ids))
        .order(quotes::id.asc())
        .select((
            quotes::id,
            quotes::listing_id,
            quotes::company_id,
            quotes::status,
            quotes::unit_price_minor,
            quotes::currency,
            quotes::moq,
            quotes::lead_time_days,
            quotes::message,
            quotes::created_at,
            quotes::attachments,
        ))
        .load(conn)?;
    let received: Vec<Value> = received
        .into_iter()
        .map(
            |(
                id,
                listing,
                company,
                status,
                price,
                currency,
                moq,
                lead,
                message,
                created,
                attachments,
            )| {
                json!({"id": id, "listing_id": listing, "company_id": company, "status": status,
                       "unit_price": format_minor(price, &currency), "currency": currency,
                       "moq": moq, "lead_time_days": lead, "message": message,
                       "attachments": parsed(&attachments), "created_at": t(created)})
            },
        )
        .collect();

    let notes: Vec<NotificationRow> = notifications::table
        .filter(notifications::user_id.eq(&me))
        .order(notifications::id.asc())
        .select((
            notifications::id,
            notifications::kind,
            notifications::subject_type,
            notifications::subject_id,
            notifications::payload,
            notifications::read_at,
            notifications::created_at,
        ))
        .load(conn)?;
    let notes: Vec<Value> = notes
        .into_iter()
        .map(|(id, kind, st, sid, payload, read, created)| {
            json!({"id": id, "kind": kind, "subject_type": st, "subject_id": sid,
                   "payload": parsed(&payload), "read_at": t_opt(read), "created_at": t(created)})
        })
        .collect();

    let filed: Vec<ReportRow> = reports::table
        .filter(reports::reporter_id.eq(&me))
        .order(reports::id.asc())
        .select((
            reports::id,
            reports::subject_type,
            reports::subject_id,
            reports::reason,
            reports::details,
            reports::evidence_urls,
            reports::status,
            reports::resolution_note,
            reports::created_at,
            reports::evidence_attachments,
        ))
        .load(conn)?;
    let filed: Vec<Value> = filed
        .into_iter()
        .map(
            |(id, st, sid, reason, details, evidence, status, note, created, files)| {
                json!({"id": id, "subject_type": st, "subject_id": sid, "reason": reason,
                   "details": details, "evidence_urls": parsed(&evidence),
                   "evidence_attachments": parsed(&files), "status": status,
                   "resolution_note": note, "created_at": t(created)})
            },
        )
        .collect();

    let notices: Vec<NoticeRow> = takedown_notices::table
        .filter(takedown_notices::notifier_id.eq(&me))
        .order(takedown_notices::id.asc())
        .select((
            takedown_notices::id,
            takedown_notices::subject_type,
            takedown_notices::subject_id,
            takedown_notices::rights_type,
            takedown_notices::rights_holder,
            takedown_notices::registration_number,
            takedown_notices::evidence_urls,
            takedown_notices::status,
            takedown_notices::created_at,
            takedown_notices::evidence_attachments,
        ))
        .load(conn)?;
    let notices: Vec<Value> = notices
        .into_iter()
        .map(
            |(id, st, sid, rights, holder, number, evidence, status, created, files)| {
                json!({"id": id, "subject_type": st, "subject_id": sid, "rights_type": rights,
                   "rights_holder": holder, "registration_number": number,
                   "evidence_urls": parsed(&evidence), "evidence_attachments": parsed(&files),
                   "status": status,
                   "created_at": t(created)})
            },
        )
        .collect();

    // Counter-notices this account filed for its company's items (the notice is the
    // notifier's; the statement and evidence are this account's).
    type CounterRow = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
        Option<PrimitiveDateTime>,
    );
    let counters: Vec<CounterRow> = takedown_notices::table
        .filter(takedown_notices::countered_by.eq(&me))
        .order(takedown_notices::id.asc())
        .select((
            takedown_notices::id,
            takedown_notices::subject_type,
            takedown_notices::subject_id,
            takedown_notices::counter_statement,
            takedown_notices::counter_evidence_urls,
            takedown_notices::counter_evidence_attachments,
            takedown_notices::status,
            takedown_notices::countered_at,
        ))
        .load(conn)?;
    let counters: Vec<Value> = counters
        .into_iter()
        .map(|(id, st, sid, statement, evidence, files, status, at)| {
            json!({"notice_id": id, "subject_type": st, "subject_id": sid,
                   "statement": statement,
                   "evidence_urls": evidence.as_deref().map_or(json!([]), parsed),
                   "evidence_attachments": parsed(&files), "notice_status": status,
                   "filed_at": t_opt(at)})
        })
        .collect();

    let my_appeals: Vec<(String, String, String, String, String, PrimitiveDateTime)> =
        appeals::table
            .filter(appeals::appellant_id.eq(&me))
            .order(appeals::id.asc())
            .select((
                appeals::id,
                appeals::target_type,
                appeals::target_id,
                appeals::statement,
                appeals::status,
                appeals::created_at,
            ))
            .load(conn)?;
    let my_appeals: Vec<Value> = my_appeals
        .into_iter()
        .map(|(id, tt, tid, statement, status, created)| {
            json!({"id": id, "target_type": tt, "target_id": tid, "statement": statement,
                   "status": status, "created_at": t(created)})
        })
        .collect();

    let preferences: Option<(String, String, bool)> = email_preferences::table
        .find(&me)
        .select((
            email_preferences::language,
            email_preferences::lead_consent,
            email_preferences::tracking_enabled,
        ))
        .first(conn)
        .optional()?;
    let consents: Vec<(String, String, String, PrimitiveDateTime)> = consent_events::table
        .filter(consent_events::user_id.eq(&me))
        .order(consent_events::created_at.asc())
        .select((
            consent_events::event,
            consent_events::method,
            consent_events::email,
            consent_events::created_at,
        ))
        .load(conn)?;
    let subs: Vec<(String, String, String, String, String, PrimitiveDateTime)> =
        subscriptions::table
            .filter(subscriptions::user_id.eq(&me))
            .order(subscriptions::id.asc())
            .select((
                subscriptions::id,
                subscriptions::kind,
                subscriptions::name,
                subscriptions::query,
                subscriptions::frequency,
                subscriptions::created_at,
            ))
            .load(conn)?;

    type RatingRow = (
        String,
        String,
        String,
        i32,
        String,
        String,
        PrimitiveDateTime,
    );
    let given: Vec<RatingRow> = ratings::table
        .filter(ratings::rater_id.eq(&me))
        .order(ratings::created_at.asc())
        .select((
            ratings::id,
            ratings::company_id,
            ratings::source_type,
            ratings::stars,
            ratings::comment,
            ratings::status,
            ratings::created_at,
        ))
        .load(conn)?;
    let given: Vec<Value> = given
        .into_iter()
        .map(|(id, company, source, stars, comment, status, created)| {
            json!({"id": id, "company_id": company, "source_type": source, "stars": stars,
                   "comment": comment, "status": status, "created_at": t(created)})
        })
        .collect();

    Ok(json!({
        "format": "tradefair-account-export/1",
        "exported_at": t(now()),
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "account_type": user.account_type.as_str(),
            "status": user.status.as_str(),
            "created_at": t(user.created_at),
            "company": membership.map(|(c, role)| json!({"company_id": c, "role": role.as_str()})),
        },
        "inquiries": threads,
        "messages_sent": messages,
        "buy_requests": requests,
        "quotes_received": received,
        "notifications": notes,
        "reports_filed": filed,
        "takedown_notices_filed": notices,
        "counter_notices_filed": counters,
        "appeals_filed": my_appeals,
        "ratings_given": given,
        "email": {
            "preferences": preferences.map(|(language, consent, tracking)| json!({
                "language": language, "lead_consent": consent, "tracking_enabled": tracking})),
            "consent_events": consents.into_iter().map(|(event, method, email, at)| json!({
                "event": event, "method": method, "email": email, "at": t(at)})).collect::<Vec<_>>(),
            "subscriptions": subs.into_iter().map(|(id, kind, name, query, frequency, at)| json!({
                "id": id, "kind": kind, "name": name, "query": parsed(&query),
                "frequency": frequency, "created_at": t(at)})).collect::<Vec<_>>(),
        },
    }))
}
