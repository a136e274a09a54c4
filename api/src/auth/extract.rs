use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use domain::Actor;
use domain::access::{PlatformAction, may_on_platform};
use domain::account::{self, AccountType, SessionState};
use futures_util::future::LocalBoxFuture;

use super::jwt::{self, Claims};
use crate::error::ApiError;
use crate::observe::note_account;
use crate::state::AppState;

/// A signed-in account (401 without a valid, unrevoked access token).
pub struct AuthUser {
    pub actor: Actor,
    /// For a request with an API key, stand-in claims (`typ` `api_key`, `jti` naming the key):
    /// the routes that read the claims (logout, erasure) refuse keys before this is made.
    pub claims: Claims,
    /// The API key the request was made with, if any (it acts as `actor`, the member who
    /// created it).
    pub api_key: Option<uuid::Uuid>,
    /// Whether the account's address is verified (checked on this request).
    pub email_verified: bool,
}

impl AuthUser {
    /// Refuses (403 `email_unverified`) what an account may only do once its address is
    /// verified: send inquiries, post buy requests, quote.
    pub fn require_verified(&self) -> Result<(), ApiError> {
        if self.email_verified {
            Ok(())
        } else {
            Err(domain::account::AccountError::EmailUnverified.into())
        }
    }
}

/// The signed-in account if a token is sent; a bad token is still a 401, never anonymous.
pub struct MaybeUser(pub Option<Actor>);

/// A signed-in operator (401 without a token, 403 for other accounts).
pub struct OperatorUser(pub Actor);

pub(crate) fn bearer(req: &HttpRequest) -> Option<Option<String>> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    Some(token)
}

pub(crate) async fn authenticate(
    state: Option<web::Data<AppState>>,
    token: Option<String>,
) -> Result<AuthUser, ApiError> {
    let state = state.ok_or_else(|| ApiError::unavailable("not configured"))?;
    let token = token.ok_or_else(|| {
        ApiError::unauthenticated("invalid_token", "the access token is invalid or expired")
    })?;
    let claims = jwt::verify(&state.keys, &state.config.public_url, &token)?;
    if state.revocations.is_revoked(&claims.jti).await? {
        return Err(ApiError::unauthenticated(
            "invalid_token",
            "the access token is invalid or expired",
        ));
    }
    let user_id = uuid::Uuid::parse_str(&claims.sub).map_err(|_| {
        ApiError::unauthenticated("invalid_token", "the access token is invalid or expired")
    })?;
    let account_type = AccountType::parse(&claims.act).ok_or_else(|| {
        ApiError::unauthenticated("invalid_token", "the access token is invalid or expired")
    })?;
    // The signature only says the token was issued; this says its sign-in has not ended since
    // (logout, refresh-token reuse, password change or reset, a disabled account).
    let family = claims.fam.clone();
    let version = claims.ver;
    let session = state
        .db(move |conn| account::session_state(conn, user_id, family.as_deref(), version))
        .await?;
    let email_verified = match session {
        SessionState::Valid { email_verified } => email_verified,
        SessionState::Ended => {
            return Err(ApiError::unauthenticated(
                "invalid_token",
                "the access token is invalid or expired",
            ));
        }
    };
    Ok(AuthUser {
        actor: Actor {
            user_id,
            account_type,
        },
        claims,
        api_key: None,
        email_verified,
    })
}

/// The user of a request made with an API key (`None` for other requests): the principal the
/// key gate (`auth::api_key::gate`) established, which acts as the member who created the key.
fn key_user(req: &HttpRequest) -> Option<Result<AuthUser, ApiError>> {
    super::api_key::key_secret(req)?;
    let Some(p) = super::api_key::principal(req) else {
        // The gate runs before every handler; without its principal the key was not checked.
        return Some(Err(ApiError::unauthenticated(
            "invalid_api_key",
            "the API key is invalid",
        )));
    };
    Some(Ok(AuthUser {
        claims: Claims {
            sub: p.actor.user_id.to_string(),
            iss: String::new(),
            aud: String::new(),
            exp: 0,
            iat: 0,
            jti: format!("api-key:{}", p.key_id),
            act: p.actor.account_type.as_str().to_owned(),
            typ: "api_key".to_owned(),
            fam: None,
            ver: 0,
        },
        actor: p.actor,
        api_key: Some(p.key_id),
        email_verified: p.email_verified,
    }))
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(user) = key_user(req) {
            return Box::pin(async move { user });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let req = req.clone();
        Box::pin(async move {
            match token {
                None => Err(ApiError::unauthenticated(
                    "unauthenticated",
                    "sign in first",
                )),
                Some(token) => {
                    let user = authenticate(state, token).await?;
                    note_account(&req, user.actor.user_id);
                    Ok(user)
                }
            }
        })
    }
}

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(user) = key_user(req) {
            return Box::pin(async move { user.map(|u| MaybeUser(Some(u.actor))) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let req = req.clone();
        Box::pin(async move {
            match token {
                None => Ok(MaybeUser(None)),
                Some(token) => {
                    let actor = authenticate(state, token).await?.actor;
                    note_account(&req, actor.user_id);
                    Ok(MaybeUser(Some(actor)))
                }
            }
        })
    }
}

impl FromRequest for OperatorUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            if may_on_platform(&user.actor, PlatformAction::Moderate) {
                Ok(OperatorUser(user.actor))
            } else {
                Err(ApiError::forbidden())
            }
        })
    }
}
