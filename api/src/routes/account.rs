//! What the owner of an account does with it after registering: edit the profile, verify the
//! address (and switch to a new one), change the password, and reset a forgotten one.

use actix_web::{HttpRequest, HttpResponse, patch, post, web};
use domain::account;
use domain::lead_alerts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{TokenResponse, UserView, tokens, user_view};
use super::responses::{BadRequest, Unauthorized};
use super::subscriptions::parse_language;
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::limits::guards;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MailRequested {
    /// `verification_sent`, `already_verified` or `reset_requested`.
    #[schema(example = "verification_sent")]
    pub status: String,
}

fn requested(status: &str) -> HttpResponse {
    HttpResponse::Accepted().json(MailRequested {
        status: status.into(),
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[schema(format = "line", min_length = 1, max_length = 80, example = "李伟")]
    pub display_name: Option<String>,
    /// `zh` or `en`: the language of every e-mail to this account.
    pub language: Option<String>,
    /// Open and click tracking in lead e-mail.
    pub tracking_enabled: Option<bool>,
}

/// Changes the display name, the e-mail language or the contact preferences.
///
/// Fields left out stay as they are.
#[utoipa::path(tag = "auth", request_body = UpdateMeRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The account with the changes applied", body = UserView),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized)))]
#[patch("/api/v1/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let language = parse_language(b.language.as_deref())?;
    let actor = user.actor;
    let view = state
        .db(move |conn| {
            account::update_profile(conn, actor.user_id, b.display_name.as_deref())?;
            if language.is_some() || b.tracking_enabled.is_some() {
                lead_alerts::update_preferences(conn, &actor, language, b.tracking_enabled)?;
            }
            user_view(conn, actor.user_id)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// At least 10 characters and not a common or easily guessed password.
    pub new_password: String,
}

/// Changes the password (the current one is required).
///
/// Every session of the account ends, this one included; the answer carries the tokens of a new
/// sign-in.
#[utoipa::path(tag = "auth", request_body = ChangePasswordRequest, security(("bearer" = [])), responses(
    (status = 200, description = "The tokens of a new sign-in; every earlier session has ended", body = TokenResponse),
    (status = 400, description = "validation_failed (`current_password`: incorrect; `new_password`: too weak)", body = ErrorBody),
    (status = 401, response = Unauthorized)))]
#[post("/api/v1/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.0;
    let id = user.actor.user_id;
    guards::check_password_change(&state, id).await?;
    let (user, session) = state
        .db(move |conn| {
            let user = account::change_password(conn, id, &current_password, &new_password)?;
            let session = account::issue_refresh_token(conn, id)?;
            Ok::<_, account::AccountError>((user, session))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens(&state, &user, session)?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeEmailRequest {
    /// The new address; it takes effect once the link sent to it is followed.
    #[schema(example = "li.wei@example.cn")]
    pub email: String,
    pub current_password: String,
}

/// Asks to switch the account to a new address.
///
/// A verification link goes to the new address; until it is followed the old address stays in use
/// (`pending_email` shows the new one). The answer is the same when the new address already has an
/// account (its owner is told).
#[utoipa::path(tag = "auth", request_body = ChangeEmailRequest, security(("bearer" = [])), responses(
    (status = 202, description = "`verification_sent`: a link went to the new address (the answer is the same when it already has an account)", body = MailRequested),
    (status = 400, description = "validation_failed (`email`, `current_password`: incorrect)", body = ErrorBody),
    (status = 401, response = Unauthorized),
    (status = 429, description = "`rate_limited`: too many address changes asked for; see `Retry-After`", body = ErrorBody)))]
#[post("/api/v1/me/email")]
pub async fn change_email(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<ChangeEmailRequest>,
) -> ApiResult<HttpResponse> {
    let id = user.actor.user_id;
    guards::check_verification_mail(&state, id).await?;
    let ChangeEmailRequest {
        email,
        current_password,
    } = body.0;
    let settings = state.config.mail_settings();
    state
        .db(move |conn| {
            account::request_email_change(conn, id, &email, &current_password, &settings)
        })
        .await?;
    state.mail.wake();
    Ok(requested("verification_sent"))
}

/// Sends the verification e-mail again (for a pending address change if there is one).
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 202, description = "`verification_sent` or `already_verified`", body = MailRequested),
    (status = 401, response = Unauthorized),
    (status = 429, description = "`rate_limited`: a verification e-mail was sent too recently; see `Retry-After`", body = ErrorBody)))]
#[post("/api/v1/me/verification")]
pub async fn resend_verification(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    let id = user.actor.user_id;
    guards::check_verification_mail(&state, id).await?;
    let settings = state.config.mail_settings();
    let sent = state
        .db(move |conn| account::resend_verification(conn, id, &settings))
        .await?;
    if sent {
        state.mail.wake();
        Ok(requested("verification_sent"))
    } else {
        Ok(requested("already_verified"))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(example = "li.wei@example.com")]
    pub email: String,
}

/// Asks for a password reset link (single use, valid 30 minutes).
///
/// The answer is the same whether or not the address has an account. Limited per client address and
/// per address asked about (429 with `Retry-After`).
#[utoipa::path(operation_id = "request_password_reset", tag = "auth", request_body = ResetRequest, responses(
    (status = 202, description = "`reset_requested`", body = MailRequested),
    (status = 400, response = BadRequest),
    (status = 429, description = "`rate_limited`: too many reset requests from this client or for this address; see `Retry-After`", body = ErrorBody)))]
#[post("/api/v1/auth/password-reset")]
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<ResetRequest>,
) -> ApiResult<HttpResponse> {
    let email = body.0.email;
    guards::check_reset_request(&state, &req, &email).await?;
    let settings = state.config.mail_settings();
    state
        .db(move |conn| account::request_password_reset(conn, &email, &settings))
        .await?;
    state.mail.wake();
    Ok(requested("reset_requested"))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmRequest {
    /// The `token` of the link in the reset e-mail.
    pub token: String,
    /// At least 10 characters and not a common or easily guessed password.
    pub new_password: String,
}

/// Sets a new password with the token from a reset e-mail.
///
/// Every session of the account ends; sign in with the new password. Following the link also
/// verifies the address.
#[utoipa::path(operation_id = "confirm_password_reset", tag = "auth", request_body = ResetConfirmRequest, responses(
    (status = 204, description = "The password is set and every session of the account has ended"),
    (status = 400, description = "invalid_link, validation_failed (`new_password`)", body = ErrorBody),
    (status = 409, description = "link_expired, link_superseded (already used)", body = ErrorBody)))]
#[post("/api/v1/auth/password-reset/confirm")]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    body: Body<ResetConfirmRequest>,
) -> ApiResult<HttpResponse> {
    let ResetConfirmRequest {
        token,
        new_password,
    } = body.0;
    state
        .db(move |conn| account::reset_password(conn, &token, &new_password))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
