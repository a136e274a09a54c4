//! Consent to lead e-mail: double opt-in, withdrawal (one-click unsubscribe, account setting,
//! complaint) and the record of every step (when, how, from where).

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::LeadMailError;
use super::compose;
use super::model::{
    ConsentSource, Language, LeadConsent, MailSettings, Preferences, PreferencesRow,
};
use crate::access::Actor;
use crate::clock::now;
use crate::db::schema::{consent_events, email_preferences, users};
use crate::db::{self, DbConnection};
use crate::email::{LinkPurpose, LinkToken, sign_link, verify_link};
use crate::ids::new_id;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consent_events)]
pub struct ConsentEvent {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub event: String,
    pub method: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: PrimitiveDateTime,
}

fn defaults(user_id: Uuid) -> Preferences {
    Preferences {
        user_id,
        language: Language::Zh,
        lead_consent: LeadConsent::None,
        consent_requested_at: None,
        consent_confirmed_at: None,
        consent_withdrawn_at: None,
        tracking_enabled: true,
        unengaged_sends: 0,
        repermission_sent_at: None,
    }
}

pub(crate) fn preferences_in_tx(
    conn: &mut DbConnection,
    user_id: Uuid,
) -> QueryResult<Preferences> {
    let row: Option<PreferencesRow> = email_preferences::table
        .find(user_id.to_string())
        .select(PreferencesRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row
        .map(Preferences::from)
        .unwrap_or_else(|| defaults(user_id)))
}

/// Writes the preferences (insert the first time, update after: no upsert, which the
/// multi-backend connection cannot express portably).
pub(crate) fn save_preferences(conn: &mut DbConnection, p: &Preferences) -> QueryResult<()> {
    let row = p.to_row();
    let updated = diesel::update(email_preferences::table.find(&row.user_id))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(email_preferences::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

pub(crate) fn user_contact(
    conn: &mut DbConnection,
    user_id: Uuid,
) -> QueryResult<(String, String)> {
    users::table
        .find(user_id.to_string())
        .select((users::email, users::display_name))
        .first(conn)
}

/// The address and name of an account whose address is verified: lead mail and notification
/// e-mail go only to addresses proven to be the owner's (`NotFound` otherwise).
pub(crate) fn verified_contact(
    conn: &mut DbConnection,
    user_id: Uuid,
) -> QueryResult<(String, String)> {
    users::table
        .find(user_id.to_string())
        .filter(users::email_verified_at.is_not_null())
        .select((users::email, users::display_name))
        .first(conn)
}

pub(crate) fn record_event(
    conn: &mut DbConnection,
    user_id: Uuid,
    event: &str,
    method: &str,
    source: &ConsentSource,
) -> QueryResult<()> {
    let (email, _) = user_contact(conn, user_id)?;
    diesel::insert_into(consent_events::table)
        .values((
            consent_events::id.eq(new_id().to_string()),
            consent_events::user_id.eq(user_id.to_string()),
            consent_events::email.eq(email),
            consent_events::event.eq(event),
            consent_events::method.eq(method),
            consent_events::ip.eq(&source.ip),
            consent_events::user_agent.eq(source
                .user_agent
                .as_deref()
                .map(|u| u.chars().take(300).collect::<String>())),
            consent_events::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn micros(t: PrimitiveDateTime) -> i64 {
    (t.assume_utc().unix_timestamp_nanos() / 1000) as i64
}

/// Starts double opt-in unless consent is already confirmed: marks it pending and queues the
/// confirmation e-mail with a signed link that names this request (so an older link, or one
/// from before a withdrawal, cannot confirm). Call inside the caller's transaction.
pub(crate) fn request_consent_in_tx(
    conn: &mut DbConnection,
    user_id: Uuid,
    settings: &MailSettings,
    source: &ConsentSource,
    method: &str,
) -> Result<Preferences, LeadMailError> {
    let mut prefs = preferences_in_tx(conn, user_id)?;
    match prefs.lead_consent {
        LeadConsent::Confirmed => return Ok(prefs),
        // One confirmation e-mail per hour at most: asking again re-sends after that.
        LeadConsent::Pending
            if prefs
                .consent_requested_at
                .is_some_and(|t| now() - t < time::Duration::hours(1)) =>
        {
            return Ok(prefs);
        }
        _ => {}
    }
    let at = now();
    prefs.lead_consent = LeadConsent::Pending;
    prefs.consent_requested_at = Some(at);
    save_preferences(conn, &prefs)?;
    record_event(conn, user_id, "requested", method, source)?;
    let key = crate::email::link_key(conn)?;
    let expires = at + time::Duration::hours(settings.consent_link_ttl_hours);
    let token = sign_link(
        &key,
        &LinkToken {
            purpose: LinkPurpose::ConfirmConsent,
            user_id,
            job_id: None,
            data: Some(micros(at).to_string()),
            expires_at: Some(expires.assume_utc().unix_timestamp()),
        },
    );
    let (address, name) = user_contact(conn, user_id)?;
    let email = compose::consent_confirmation(settings, &prefs, &address, &name, &token);
    crate::email::enqueue(conn, email, &settings.message_id_host)?;
    Ok(prefs)
}

/// `POST /me/email-consent`: asks for (or re-sends) the confirmation e-mail.
pub fn request_consent(
    conn: &mut DbConnection,
    actor: &Actor,
    settings: &MailSettings,
    source: &ConsentSource,
) -> Result<Preferences, LeadMailError> {
    if actor.is_operator() {
        return Err(LeadMailError::Forbidden);
    }
    db::transaction(conn, |conn| {
        request_consent_in_tx(conn, actor.user_id, settings, source, "account")
    })
}

/// The confirmation link was followed and its page's button pressed. Also answers a
/// re-permission request (a paused or still-confirmed recipient confirms again).
pub fn confirm_consent(
    conn: &mut DbConnection,
    token: &str,
    source: &ConsentSource,
) -> Result<Preferences, LeadMailError> {
    let key = crate::email::link_key(conn)?;
    let claims = verify_link(&key, token, LinkPurpose::ConfirmConsent)?;
    db::transaction(conn, |conn| {
        let mut prefs = preferences_in_tx(conn, claims.user_id)?;
        let requested = prefs
            .consent_requested_at
            .map(micros)
            .map(|m| m.to_string());
        let repermission = prefs
            .repermission_sent_at
            .map(micros)
            .map(|m| m.to_string());
        let names_request = requested.is_some() && requested == claims.data;
        let names_repermission = repermission.is_some() && repermission == claims.data;
        match prefs.lead_consent {
            LeadConsent::Pending if names_request => {}
            LeadConsent::Confirmed | LeadConsent::PausedUnengaged if names_repermission => {}
            // Pressing the button twice is not an error.
            LeadConsent::Confirmed if names_request => return Ok(prefs),
            _ => return Err(LeadMailError::LinkSuperseded),
        }
        let at = now();
        let event = if prefs.lead_consent == LeadConsent::PausedUnengaged {
            "resumed"
        } else {
            "confirmed"
        };
        prefs.lead_consent = LeadConsent::Confirmed;
        prefs.consent_confirmed_at = Some(at);
        prefs.unengaged_sends = 0;
        prefs.repermission_sent_at = None;
        save_preferences(conn, &prefs)?;
        record_event(conn, claims.user_id, event, "confirm_link", source)?;
        Ok(prefs)
    })
}

/// Stops all lead e-mail to the user. `job_id` is the message whose link was used.
pub(crate) fn withdraw_in_tx(
    conn: &mut DbConnection,
    user_id: Uuid,
    method: &str,
    job_id: Option<Uuid>,
    source: &ConsentSource,
) -> QueryResult<Preferences> {
    // Lock the preferences row first, so two withdrawals at once (a mail client's one-click
    // POST and the reader's own click) are counted once: the second sees the first's result.
    diesel::update(email_preferences::table.find(user_id.to_string()))
        .set(email_preferences::unengaged_sends.eq(email_preferences::unengaged_sends))
        .execute(conn)?;
    let mut prefs = preferences_in_tx(conn, user_id)?;
    if prefs.lead_consent == LeadConsent::Withdrawn {
        // Already withdrawn: nothing changes and nothing more is counted.
        return Ok(prefs);
    }
    if let Some(job) = job_id {
        crate::email::record_event_in_tx(
            conn,
            job,
            crate::email::EventKind::Unsubscribed,
            Some(method),
        )?;
    }
    prefs.lead_consent = LeadConsent::Withdrawn;
    prefs.consent_withdrawn_at = Some(now());
    save_preferences(conn, &prefs)?;
    record_event(conn, user_id, "withdrawn", method, source)?;
    Ok(prefs)
}

/// One-click unsubscribe (RFC 8058): the signed link alone is the authority.
pub fn unsubscribe_by_link(
    conn: &mut DbConnection,
    token: &str,
    source: &ConsentSource,
) -> Result<Preferences, LeadMailError> {
    let key = crate::email::link_key(conn)?;
    let claims = verify_link(&key, token, LinkPurpose::Unsubscribe)?;
    db::transaction(conn, |conn| {
        Ok(withdraw_in_tx(
            conn,
            claims.user_id,
            "one_click",
            claims.job_id,
            source,
        )?)
    })
}

/// The account setting that stops lead e-mail.
pub fn withdraw_consent(
    conn: &mut DbConnection,
    actor: &Actor,
    source: &ConsentSource,
) -> Result<Preferences, LeadMailError> {
    db::transaction(conn, |conn| {
        Ok(withdraw_in_tx(
            conn,
            actor.user_id,
            "account",
            None,
            source,
        )?)
    })
}

/// Who a preferences link belongs to.
pub fn preferences_link_owner(conn: &mut DbConnection, token: &str) -> Result<Uuid, LeadMailError> {
    let key = crate::email::link_key(conn)?;
    Ok(verify_link(&key, token, LinkPurpose::Preferences)?.user_id)
}

pub fn get_preferences(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Preferences, LeadMailError> {
    Ok(preferences_in_tx(conn, actor.user_id)?)
}

pub fn update_preferences(
    conn: &mut DbConnection,
    actor: &Actor,
    language: Option<Language>,
    tracking_enabled: Option<bool>,
) -> Result<Preferences, LeadMailError> {
    db::transaction(conn, |conn| {
        let mut prefs = preferences_in_tx(conn, actor.user_id)?;
        if let Some(l) = language {
            prefs.language = l;
        }
        if let Some(t) = tracking_enabled {
            prefs.tracking_enabled = t;
        }
        save_preferences(conn, &prefs)?;
        Ok(prefs)
    })
}

/// The consent record, oldest first.
pub fn consent_history(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Vec<ConsentEvent>, LeadMailError> {
    Ok(consent_events::table
        .filter(consent_events::user_id.eq(actor.user_id.to_string()))
        .order((consent_events::created_at.asc(), consent_events::id.asc()))
        .select(ConsentEvent::as_select())
        .load(conn)?)
}
