//! Erasure at the account holder's request.
//!
//! Removed: the e-mail address, display name and password (the account row stays, anonymized
//! and disabled, as the anchor of what must be kept), refresh tokens, the account's own
//! notifications, e-mail preferences, subscriptions and pending lead matches; queued e-mails
//! are cancelled and every e-mail job and consent record loses the address (and consent records
//! the IP address and user agent). Kept, with the author now shown as the erased account: the
//! messages they sent (the other side holds the conversation), the threads they opened (closed
//! now), their buy requests (closed if open) and the quotes on them, reports, takedown notices
//! and appeals they filed, the ratings they gave (published under the erased name), and the audit
//! log.

use diesel::prelude::*;
use serde_json::json;
use time::PrimitiveDateTime;

use super::RetentionError;
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::{
    consent_events, email_address_failures, email_jobs, email_preferences, inquiries, lead_matches,
    notifications, refresh_tokens, subscriptions, users, web_sessions,
};
use crate::db::{self, DbConnection};
use crate::error::FieldError;

/// The display name of an erased account, wherever its messages and records still show it.
pub const ERASED_NAME: &str = "已注销用户 (erased account)";

#[derive(Debug, Clone)]
pub struct Erasure {
    pub erased_at: PrimitiveDateTime,
    pub closed_buy_requests: usize,
    pub closed_threads: usize,
    pub notifications_deleted: usize,
}

/// The account holder (a buyer, or a supplier account in no company) erases their account;
/// `password` confirms it. Operators are refused (403); a company member must leave first (409).
pub fn erase_account(
    conn: &mut DbConnection,
    actor: &Actor,
    password: &str,
) -> Result<Erasure, RetentionError> {
    if !may_on_platform(actor, PlatformAction::EraseOwnAccount) {
        return Err(RetentionError::Forbidden);
    }
    let me = actor.user_id.to_string();
    let row: Option<(String, String, String)> = users::table
        .find(&me)
        .select((users::email, users::password_hash, users::status))
        .first(conn)
        .optional()?;
    let Some((email, hash, status)) = row else {
        return Err(RetentionError::AccountNotFound);
    };
    if status != "active" {
        return Err(RetentionError::AccountNotFound);
    }
    if crate::company::membership_of(conn, actor.user_id)?.is_some() {
        return Err(RetentionError::MemberOfCompany);
    }
    // The slow check before the transaction: it needs no lock.
    if !crate::account::verify_password(password, &hash) {
        return Err(RetentionError::Validation(vec![FieldError::new(
            "password",
            "incorrect",
            "the password is not this account's",
        )]));
    }
    db::transaction(conn, |conn| {
        if crate::company::membership_of(conn, actor.user_id)?.is_some() {
            return Err(RetentionError::MemberOfCompany);
        }
        let at = now();
        let erased_email = format!("erased-{}@erased.invalid", actor.user_id.simple());
        diesel::update(users::table.find(&me))
            .set((
                users::email.eq(&erased_email),
                users::display_name.eq(ERASED_NAME),
                users::password_hash.eq("!erased"),
                users::status.eq("disabled"),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        diesel::delete(refresh_tokens::table.filter(refresh_tokens::user_id.eq(&me)))
            .execute(conn)?;
        diesel::delete(web_sessions::table.filter(web_sessions::user_id.eq(&me))).execute(conn)?;
        let notifications_deleted =
            diesel::delete(notifications::table.filter(notifications::user_id.eq(&me)))
                .execute(conn)?;

        // Open buy requests of the individual close (they can no longer be answered); the
        // requests and their quotes stay as records.
        // Through the listing's write path: their open change requests are withdrawn too.
        let open = crate::listing::close_buy_requests_of(conn, actor.user_id, at)?;
        let closed_threads = diesel::update(
            inquiries::table
                .filter(inquiries::buyer_id.eq(&me))
                .filter(inquiries::status.eq_any(["new", "replied"])),
        )
        .set((inquiries::status.eq("closed"), inquiries::updated_at.eq(at)))
        .execute(conn)?;

        // E-mail: nothing more is sent, and no record keeps the address.
        diesel::delete(lead_matches::table.filter(lead_matches::user_id.eq(&me))).execute(conn)?;
        diesel::delete(subscriptions::table.filter(subscriptions::user_id.eq(&me)))
            .execute(conn)?;
        diesel::delete(email_preferences::table.find(&me)).execute(conn)?;
        diesel::update(consent_events::table.filter(consent_events::user_id.eq(&me)))
            .set((
                consent_events::email.eq(&erased_email),
                consent_events::ip.eq(None::<String>),
                consent_events::user_agent.eq(None::<String>),
            ))
            .execute(conn)?;
        diesel::update(
            email_jobs::table
                .filter(email_jobs::user_id.eq(&me))
                .filter(email_jobs::status.eq("queued")),
        )
        .set(email_jobs::status.eq("cancelled"))
        .execute(conn)?;
        diesel::update(email_jobs::table.filter(email_jobs::user_id.eq(&me)))
            .set((
                email_jobs::to_address.eq(&erased_email),
                email_jobs::to_domain.eq("erased.invalid"),
                email_jobs::subject.eq(""),
                email_jobs::text_body.eq(""),
                email_jobs::html_body.eq(""),
            ))
            .execute(conn)?;
        diesel::delete(
            email_address_failures::table.filter(email_address_failures::address.eq(&email)),
        )
        .execute(conn)?;

        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "erase",
                subject_type: "user",
                subject_id: &me,
                before: json!({"status": "active"}),
                after: json!({"status": "disabled", "erased": true,
                              "closed_buy_requests": open.len(),
                              "closed_threads": closed_threads}),
                reason: "erasure requested by the account holder",
            },
        )?;
        Ok(Erasure {
            erased_at: at,
            closed_buy_requests: open.len(),
            closed_threads,
            notifications_deleted,
        })
    })
}
