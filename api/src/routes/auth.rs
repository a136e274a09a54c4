//! Registration, login, token refresh, logout, the current account and the public keys.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::account::{self, IssuedRefresh, Registration, normalize_email};
use domain::lead_alerts::{self, Language};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::responses::{BadRequest, Unauthorized};
use crate::auth::{AuthUser, jwt};
use crate::body::{Body, OptionalBody};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::utc;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(format = Email, max_length = 254, example = "li.wei@example.com")]
    pub email: String,
    /// At least 10 characters and not a common or easily guessed password.
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    #[schema(format = "line", min_length = 1, max_length = 80, example = "李伟")]
    pub display_name: String,
    /// `buyer` or `supplier`.
    #[schema(example = "supplier")]
    pub account_type: String,
    /// Accepts the current terms of service and privacy notice (`GET /api/v1/policies`).
    /// Required (400 `terms_not_accepted` on the field `accept_terms`) once the operator has
    /// published them; the versions accepted are recorded with the account. The document
    /// states it as always required and `true`: a client cannot know whether they are.
    #[serde(default)]
    #[schema(required = true)]
    pub accept_terms: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    pub company_id: uuid::Uuid,
    /// `owner`, `admin` or `staff`.
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: uuid::Uuid,
    pub email: String,
    /// Whether `email` is verified. Until it is, the account can sign in and browse but not
    /// send inquiries, post buy requests or quote (403 `email_unverified`), and no e-mail but
    /// the verification itself is sent to it.
    pub email_verified: bool,
    /// An address change waiting for its verification link to be followed.
    pub pending_email: Option<String>,
    pub display_name: String,
    /// `zh` or `en`: the language of every e-mail to this account.
    #[schema(example = "zh")]
    pub language: String,
    /// `buyer`, `supplier` or `operator`.
    pub account_type: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The company this account belongs to, if any.
    pub company: Option<MembershipView>,
}

impl UserView {
    pub(crate) fn new(
        user: account::User,
        language: Language,
        company: Option<(uuid::Uuid, domain::company::MemberRole)>,
    ) -> UserView {
        UserView {
            id: user.id,
            email_verified: user.email_verified(),
            email: user.email,
            pending_email: user.pending_email,
            display_name: user.display_name,
            language: language.as_str().into(),
            account_type: user.account_type.as_str().into(),
            created_at: utc(user.created_at),
            company: company.map(|(company_id, role)| MembershipView {
                company_id,
                role: role.as_str().into(),
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationAccepted {
    /// The address, normalized.
    pub email: String,
    /// Always `verification_sent`: the same whether or not the address already had an account.
    #[schema(example = "verification_sent")]
    pub status: String,
}

/// Opens a buyer or supplier account and e-mails a verification link (valid 48 hours).
///
/// The answer is the same when the address already has an account (its owner is told by e-mail
/// instead), so registration does not reveal which addresses have accounts. Sign in with the
/// password to continue; verify the address before sending inquiries, posting buy requests or
/// quoting.
#[utoipa::path(tag = "auth", request_body = RegisterRequest, responses(
    (status = 202, description = "`verification_sent`: the account exists (or the address already had one, whose owner is told instead)", body = RegistrationAccepted),
    (status = 400, response = BadRequest)))]
#[post("/api/v1/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    body: Body<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.0;
    let input = Registration {
        email: r.email,
        password: r.password,
        display_name: r.display_name,
        account_type: r.account_type,
        accept_terms: r.accept_terms,
    };
    let settings = state.config.mail_settings();
    let email = normalize_email(&input.email).unwrap_or_default();
    state
        .db(move |conn| account::register(conn, input, &settings))
        .await?;
    state.mail.wake();
    Ok(HttpResponse::Accepted().json(RegistrationAccepted {
        email,
        status: "verification_sent".into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// EdDSA-signed JWT; send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque; exchange at `/api/v1/auth/refresh`. Single use: each refresh returns a new one.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// A new access token for the sign-in `session` belongs to.
pub(crate) fn tokens(
    state: &AppState,
    user: &account::User,
    session: IssuedRefresh,
) -> ApiResult<TokenResponse> {
    let ttl = state.config.access_token_ttl_secs;
    let (access_token, _) = jwt::issue(
        &state.keys,
        &state.config.public_url,
        ttl,
        jwt::Subject {
            user_id: user.id,
            account_type: user.account_type.as_str(),
            family_id: &session.family_id,
            token_version: user.token_version,
        },
    )?;
    Ok(TokenResponse {
        access_token,
        refresh_token: session.token,
        token_type: "Bearer".into(),
        expires_in: ttl,
    })
}

/// Signs in.
///
/// An unknown address and a wrong password give the same answer. Attempts are limited per account
/// and per client address (429 with `Retry-After`).
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, description = "An access token and a refresh token", body = TokenResponse),
    (status = 401, description = "invalid_credentials", body = ErrorBody),
    (status = 429, description = "rate_limited", body = ErrorBody)))]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.0;
    crate::limits::guards::check_login(&state, &req, &email).await?;

    let (user, session) = state
        .db(move |conn| {
            let user = account::authenticate(conn, &email, &password)?;
            let session = account::issue_refresh_token(conn, user.id)?;
            Ok::<_, account::AccountError>((user, session))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens(&state, &user, session)?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Exchanges a refresh token for new tokens.
///
/// Presenting a token that was already used revokes every token of its family (the login it came
/// from), and the family's access tokens stop working on their next request.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, description = "New tokens; the refresh token presented is used up", body = TokenResponse),
    (status = 401, description = "invalid_refresh_token or refresh_token_reused", body = ErrorBody)))]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Body<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = body.0.refresh_token;
    let outcome = state
        .db(move |conn| account::rotate_refresh_token(conn, &token))
        .await?;
    let session = IssuedRefresh {
        token: outcome.refresh_token,
        family_id: outcome.family_id,
    };
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens(&state, &outcome.user, session)?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    /// A refresh token of this account; its whole family is revoked too (the access token's
    /// own sign-in ends in any case).
    pub refresh_token: Option<String>,
}

/// Signs out of the whole sign-in.
///
/// The access token and every token of its refresh family stop working at once. The body is
/// optional.
#[utoipa::path(tag = "auth", request_body(content = Option<LogoutRequest>, description = "optional"),
    security(("bearer" = [])), responses(
    (status = 204, description = "Signed out; the access token and its refresh family no longer work"),
    (status = 401, response = Unauthorized)))]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    user: AuthUser,
    body: OptionalBody<LogoutRequest>,
) -> ApiResult<HttpResponse> {
    let remaining = (user.claims.exp - OffsetDateTime::now_utc().unix_timestamp()).max(0) as u64;
    state
        .revocations
        .revoke(&user.claims.jti, Duration::from_secs(remaining + 60))
        .await?;
    let token = body.0.and_then(|b| b.refresh_token);
    let family = user.claims.fam.clone();
    let user_id = user.actor.user_id;
    state
        .db(move |conn| {
            account::revoke_refresh_family(conn, user_id, family.as_deref(), token.as_deref())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in account and its company membership.
#[utoipa::path(operation_id = "get_me", tag = "auth", security(("bearer" = [])), responses(
    (status = 200, description = "The signed-in account and its company membership", body = UserView),
    (status = 401, response = Unauthorized)))]
#[get("/api/v1/me")]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let id = user.actor.user_id;
    let view = state.db(move |conn| user_view(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(view))
}

/// The account as `/me` shows it.
pub(crate) fn user_view(
    conn: &mut domain::db::DbConnection,
    id: uuid::Uuid,
) -> Result<UserView, ApiError> {
    let user = account::find_user(conn, id)?;
    let membership = domain::company::membership_of(conn, id)?;
    let language = lead_alerts::preferences_of(conn, id)?.language;
    Ok(UserView::new(user, language, membership))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Jwks {
    /// Public keys (`kty: OKP`, `crv: Ed25519`) that verify access tokens.
    #[schema(value_type = Vec<Object>)]
    pub keys: Vec<serde_json::Value>,
}

/// The public keys that verify access tokens.
#[utoipa::path(operation_id = "get_jwks", tag = "auth", responses(
    (status = 200, description = "The Ed25519 public keys (JWK set) that verify access tokens", body = Jwks)))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Jwks {
        keys: vec![state.keys.jwk.clone()],
    })
}
