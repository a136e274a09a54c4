//! Registration, login, token refresh, logout, the current account and the public keys.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::account::{self, Registration, normalize_email};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::auth::{AuthUser, jwt};
use crate::body::Body;
use crate::client_addr::client_addr;
use crate::error::{ApiResult, ErrorBody};
use crate::limits::Quota;
use crate::state::AppState;
use crate::time_fmt::utc;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "li.wei@example.com")]
    pub email: String,
    /// At least 10 characters and not a common or easily guessed password.
    pub password: String,
    #[schema(example = "李伟")]
    pub display_name: String,
    /// `buyer` or `supplier`.
    #[schema(example = "supplier")]
    pub account_type: String,
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
    pub display_name: String,
    /// `buyer`, `supplier` or `operator`.
    pub account_type: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The company this account belongs to, if any.
    pub company: Option<MembershipView>,
}

impl UserView {
    fn new(
        user: account::User,
        company: Option<(uuid::Uuid, domain::company::MemberRole)>,
    ) -> UserView {
        UserView {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            account_type: user.account_type.as_str().into(),
            created_at: utc(user.created_at),
            company: company.map(|(company_id, role)| MembershipView {
                company_id,
                role: role.as_str().into(),
            }),
        }
    }
}

/// Opens a buyer or supplier account.
#[utoipa::path(tag = "auth", request_body = RegisterRequest, responses(
    (status = 201, body = UserView), (status = 400, body = ErrorBody), (status = 409, description = "email_taken", body = ErrorBody)))]
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
    };
    let user = state.db(move |conn| account::register(conn, input)).await?;
    Ok(HttpResponse::Created().json(UserView::new(user, None)))
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

async fn tokens(
    state: &AppState,
    user: &account::User,
    refresh_token: String,
) -> ApiResult<TokenResponse> {
    let ttl = state.config.access_token_ttl_secs;
    let (access_token, _) = jwt::issue(
        &state.keys,
        &state.config.public_url,
        ttl,
        user.id,
        user.account_type.as_str(),
    )?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: ttl,
    })
}

/// Signs in. An unknown address and a wrong password give the same answer. Attempts are limited
/// per account and per client address (429 with `Retry-After`).
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenResponse), (status = 401, description = "invalid_credentials", body = ErrorBody),
    (status = 429, description = "rate_limited", body = ErrorBody)))]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.0;
    let cfg = &state.config;
    let address = client_addr(&req, cfg.trust_proxy);
    let per_address = Quota {
        name: "login-address",
        burst: cfg.login_address_burst,
        period: Duration::from_secs(cfg.login_address_period_secs),
    };
    state.limiter.check(&per_address, &address).await?;
    let account_key = normalize_email(&email).unwrap_or_else(|| email.trim().to_lowercase());
    let per_account = Quota {
        name: "login-account",
        burst: cfg.login_account_burst,
        period: Duration::from_secs(cfg.login_account_period_secs),
    };
    state.limiter.check(&per_account, &account_key).await?;

    let (user, refresh_token) = state
        .db(move |conn| {
            let user = account::authenticate(conn, &email, &password)?;
            let refresh_token = account::issue_refresh_token(conn, user.id)?;
            Ok::<_, account::AccountError>((user, refresh_token))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens(&state, &user, refresh_token).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Exchanges a refresh token for new tokens. Presenting a token that was already used revokes
/// every token of its family (the login it came from).
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenResponse),
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
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens(&state, &outcome.user, outcome.refresh_token).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    /// The session's refresh token; its whole family is revoked.
    pub refresh_token: Option<String>,
}

/// Signs out: the access token stops working at once and the refresh token's family is revoked.
#[utoipa::path(tag = "auth", request_body = LogoutRequest, security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody)))]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<LogoutRequest>,
) -> ApiResult<HttpResponse> {
    let remaining = (user.claims.exp - OffsetDateTime::now_utc().unix_timestamp()).max(0) as u64;
    state
        .revocations
        .revoke(&user.claims.jti, Duration::from_secs(remaining + 60))
        .await?;
    if let Some(token) = body.0.refresh_token {
        let user_id = user.actor.user_id;
        state
            .db(move |conn| account::revoke_refresh_family(conn, user_id, &token))
            .await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in account and its company membership.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
#[get("/api/v1/me")]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let id = user.actor.user_id;
    let (user, membership) = state
        .db(move |conn| {
            let user = account::find_user(conn, id)?;
            let membership = domain::company::membership_of(conn, id)?;
            Ok::<_, account::AccountError>((user, membership))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(UserView::new(user, membership)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Jwks {
    /// Public keys (`kty: OKP`, `crv: Ed25519`) that verify access tokens.
    #[schema(value_type = Vec<Object>)]
    pub keys: Vec<serde_json::Value>,
}

/// The public keys that verify access tokens.
#[utoipa::path(tag = "auth", responses((status = 200, body = Jwks)))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Jwks {
        keys: vec![state.keys.jwk.clone()],
    })
}
