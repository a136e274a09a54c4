//! What an owner does with their own account after registration: verify the address, switch
//! to a new one (verified before it takes effect), change or reset the password (either ends
//! every other session), and edit the profile.

use diesel::prelude::*;
use uuid::Uuid;

use super::model::UserRow;
use super::password::password_problem;
use super::refresh::revoke_all_families;
use super::{AccountError, AccountStatus, User, find_user, hash_password};
use crate::clock::now;
use crate::db::schema::users;
use crate::db::{self, DbConnection, unique_violation_on};
use crate::email::{LinkPurpose, verify_link};
use crate::lead_alerts::MailSettings;
use crate::validate::Validator;
use crate::validate::normalize_email;

fn load_row(conn: &mut DbConnection, id: Uuid) -> Result<UserRow, AccountError> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AccountError::NotFound)
}

/// Refuses what an unverified account may not do yet (send inquiries, post buy requests,
/// quote).
pub fn require_verified(conn: &mut DbConnection, user_id: Uuid) -> Result<(), AccountError> {
    let user = find_user(conn, user_id)?;
    if user.email_verified() {
        Ok(())
    } else {
        Err(AccountError::EmailUnverified)
    }
}

/// Mails the verification link for `address`, or, when `owner` (another account) already has
/// the address, tells that owner instead: the link could never verify it into this account.
fn verify_or_tell_owner(
    conn: &mut DbConnection,
    settings: &MailSettings,
    row: &UserRow,
    owner: Option<(String, String)>,
    address: &str,
    change: bool,
) -> QueryResult<()> {
    match owner {
        Some((id, name)) => super::mail::send_address_taken(
            conn,
            settings,
            crate::ids::parse_db_id(&id),
            &name,
            address,
        ),
        None => super::mail::send_verification(
            conn,
            settings,
            crate::ids::parse_db_id(&row.id),
            &row.display_name,
            address,
            change,
        ),
    }
}

/// Sends the verification e-mail again: for the pending address if a change waits, else for
/// the current one if it is not verified yet. `false` when there is nothing to verify.
pub fn resend_verification(
    conn: &mut DbConnection,
    user_id: Uuid,
    settings: &MailSettings,
) -> Result<bool, AccountError> {
    crate::email::link_key(conn)?;
    db::transaction(conn, |conn| {
        let row = load_row(conn, user_id)?;
        let (address, change) = match (&row.pending_email, row.email_verified_at) {
            (Some(pending), _) => (pending.clone(), true),
            (None, None) => (row.email.clone(), false),
            (None, Some(_)) => return Ok(false),
        };
        let owner: Option<(String, String)> = users::table
            .filter(users::email.eq(&address))
            .filter(users::id.ne(&row.id))
            .select((users::id, users::display_name))
            .first(conn)
            .optional()?;
        verify_or_tell_owner(conn, settings, &row, owner, &address, change)?;
        Ok(true)
    })
}

/// Follows a verification link. The link names the address it was sent to: the current
/// address becomes verified, or a pending change takes effect. A link for an address that is
/// neither any more (a newer change replaced it) is `LinkSuperseded`.
pub fn verify_email(conn: &mut DbConnection, token: &str) -> Result<User, AccountError> {
    let key = crate::email::link_key(conn)?;
    let claims = verify_link(&key, token, LinkPurpose::VerifyEmail)?;
    let address = claims.data.unwrap_or_default();
    db::transaction(conn, |conn| {
        let row = load_row(conn, claims.user_id)?;
        if row.status != AccountStatus::Active.as_str() {
            return Err(AccountError::Disabled);
        }
        let at = now();
        if row.email == address {
            if row.email_verified_at.is_none() {
                diesel::update(users::table.find(&row.id))
                    .set((users::email_verified_at.eq(at), users::updated_at.eq(at)))
                    .execute(conn)?;
            }
        } else if row.pending_email.as_deref() == Some(address.as_str()) {
            diesel::update(users::table.find(&row.id))
                .set((
                    users::email.eq(&address),
                    users::pending_email.eq(None::<String>),
                    users::email_verified_at.eq(at),
                    users::updated_at.eq(at),
                ))
                .execute(conn)
                .map_err(|e| {
                    if unique_violation_on(&e, "users", "email") {
                        AccountError::EmailTaken
                    } else {
                        AccountError::Database(e)
                    }
                })?;
        } else {
            return Err(AccountError::LinkSuperseded);
        }
        find_user(conn, claims.user_id)
    })
}

/// Asks to switch the account to `new_email` (the current password proves it is the owner).
/// Nothing changes until the new address is verified. If the address already has an account,
/// its owner is told instead, and the caller gets the same answer.
pub fn request_email_change(
    conn: &mut DbConnection,
    user_id: Uuid,
    new_email: &str,
    current_password: &str,
    settings: &MailSettings,
) -> Result<User, AccountError> {
    let row = load_row(conn, user_id)?;
    let mut v = Validator::new();
    let email = normalize_email(new_email);
    if email.is_none() {
        v.push("email", "invalid_email", "must be a valid e-mail address");
    }
    if !super::verify_password(current_password, &row.password_hash) {
        v.push(
            "current_password",
            "incorrect",
            "is not the account's password",
        );
    }
    v.finish().map_err(AccountError::Validation)?;
    let email = email.unwrap_or_default();
    crate::email::link_key(conn)?;
    db::transaction(conn, |conn| {
        let owner: Option<(String, String)> = users::table
            .filter(users::email.eq(&email))
            .select((users::id, users::display_name))
            .first(conn)
            .optional()?;
        match owner {
            Some((id, _)) if id == row.id => {
                // Back to the current address: drop the pending change.
                diesel::update(users::table.find(&row.id))
                    .set(users::pending_email.eq(None::<String>))
                    .execute(conn)?;
            }
            owner => {
                // Pending either way, so that the account's own view does not tell whether the
                // address is taken; a taken one can never be verified into this account.
                diesel::update(users::table.find(&row.id))
                    .set((users::pending_email.eq(&email), users::updated_at.eq(now())))
                    .execute(conn)?;
                verify_or_tell_owner(conn, settings, &row, owner, &email, true)?;
            }
        }
        find_user(conn, user_id)
    })
}

/// Sets a new password, raises the token version (every access token issued before stops
/// working) and revokes every refresh token, in one transaction.
fn set_password(
    conn: &mut DbConnection,
    row: &UserRow,
    password_hash: String,
    verify_address: bool,
) -> Result<User, AccountError> {
    db::transaction(conn, |conn| {
        let at = now();
        let updated = diesel::update(
            users::table
                .find(&row.id)
                .filter(users::token_version.eq(row.token_version)),
        )
        .set((
            users::password_hash.eq(&password_hash),
            users::token_version.eq(row.token_version + 1),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
        if updated == 0 {
            // Someone else changed the password (or used the link) in between.
            return Err(AccountError::LinkSuperseded);
        }
        if verify_address && row.email_verified_at.is_none() {
            // The reset link reached the address, which proves it.
            diesel::update(users::table.find(&row.id))
                .set(users::email_verified_at.eq(at))
                .execute(conn)?;
        }
        revoke_all_families(conn, crate::ids::parse_db_id(&row.id))?;
        find_user(conn, crate::ids::parse_db_id(&row.id))
    })
}

fn check_new_password(row: &UserRow, password: &str) -> Result<(), AccountError> {
    let mut v = Validator::new();
    if let Some((code, message)) = password_problem(password, &[&row.email, &row.display_name]) {
        v.push("new_password", code, message);
    }
    v.finish().map_err(AccountError::Validation)
}

/// Changes the password of a signed-in owner who knows the current one. Every session ends;
/// the caller issues a new one for the request that made the change.
pub fn change_password(
    conn: &mut DbConnection,
    user_id: Uuid,
    current_password: &str,
    new_password: &str,
) -> Result<User, AccountError> {
    let row = load_row(conn, user_id)?;
    if !super::verify_password(current_password, &row.password_hash) {
        return Err(AccountError::Validation(vec![
            crate::error::FieldError::new(
                "current_password",
                "incorrect",
                "is not the account's password",
            ),
        ]));
    }
    check_new_password(&row, new_password)?;
    let hash = hash_password(new_password)?;
    set_password(conn, &row, hash, false)
}

/// Asks for a reset link. Unknown, disabled and known addresses all get `Ok(())`, so that the
/// answer tells nothing; only an active account's address gets the e-mail.
pub fn request_password_reset(
    conn: &mut DbConnection,
    email: &str,
    settings: &MailSettings,
) -> Result<(), AccountError> {
    let Some(email) = normalize_email(email) else {
        return Ok(());
    };
    crate::email::link_key(conn)?;
    db::transaction(conn, |conn| {
        let row: Option<UserRow> = users::table
            .filter(users::email.eq(&email))
            .filter(users::status.eq(AccountStatus::Active.as_str()))
            .select(UserRow::as_select())
            .first(conn)
            .optional()?;
        if let Some(row) = row {
            super::mail::send_reset(
                conn,
                settings,
                crate::ids::parse_db_id(&row.id),
                &row.display_name,
                &row.email,
                row.token_version,
            )?;
        }
        Ok(())
    })
}

/// Sets a new password through a reset link. The link is bound to the token version it was
/// made under, so it works once, and not after any other password change.
pub fn reset_password(
    conn: &mut DbConnection,
    token: &str,
    new_password: &str,
) -> Result<User, AccountError> {
    let key = crate::email::link_key(conn)?;
    let claims = verify_link(&key, token, LinkPurpose::ResetPassword)?;
    let row = load_row(conn, claims.user_id)?;
    if row.status != AccountStatus::Active.as_str() {
        return Err(AccountError::LinkInvalid);
    }
    if claims.data.as_deref() != Some(row.token_version.to_string().as_str()) {
        return Err(AccountError::LinkSuperseded);
    }
    check_new_password(&row, new_password)?;
    let hash = hash_password(new_password)?;
    set_password(conn, &row, hash, true)
}

/// Changes the display name; `None` leaves it.
pub fn update_profile(
    conn: &mut DbConnection,
    user_id: Uuid,
    display_name: Option<&str>,
) -> Result<User, AccountError> {
    let mut v = Validator::new();
    let name = display_name.map(|n| v.text("display_name", n, 1, 80));
    v.finish().map_err(AccountError::Validation)?;
    if let Some(name) = name {
        diesel::update(users::table.find(user_id.to_string()))
            .set((users::display_name.eq(name), users::updated_at.eq(now())))
            .execute(conn)?;
    }
    find_user(conn, user_id)
}
