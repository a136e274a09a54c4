//! The throttles of flows that both front ends offer (signing in, sending an inquiry, resetting
//! or changing a password, changing the address), in one place so that the JSON routes and the
//! web pages cannot drift apart.

use std::time::Duration;

use actix_web::HttpRequest;
use domain::account::normalize_email;
use uuid::Uuid;

use super::Quota;
use crate::client_addr::client_addr;
use crate::error::ApiError;
use crate::state::AppState;

/// Sign-in attempts: per client address and per account (the normalized address).
pub async fn check_login(state: &AppState, req: &HttpRequest, email: &str) -> Result<(), ApiError> {
    let cfg = &state.config;
    let per_address = Quota {
        name: "login-address",
        burst: cfg.login_address_burst,
        period: Duration::from_secs(cfg.login_address_period_secs),
    };
    state
        .limiter
        .check(&per_address, &client_addr(req, cfg.trust_proxy))
        .await?;
    let account_key = normalize_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    let per_account = Quota {
        name: "login-account",
        burst: cfg.login_account_burst,
        period: Duration::from_secs(cfg.login_account_period_secs),
    };
    state.limiter.check(&per_account, &account_key).await
}

/// Sending inquiries: per client address and per account.
pub async fn check_inquiry(
    state: &AppState,
    req: &HttpRequest,
    user_id: Uuid,
) -> Result<(), ApiError> {
    let cfg = &state.config;
    let per_address = Quota {
        name: "inquiry-address",
        burst: cfg.inquiry_address_burst,
        period: Duration::from_secs(cfg.inquiry_address_period_secs),
    };
    state
        .limiter
        .check(&per_address, &client_addr(req, cfg.trust_proxy))
        .await?;
    let per_account = Quota {
        name: "inquiry-account",
        burst: cfg.inquiry_account_burst,
        period: Duration::from_secs(cfg.inquiry_account_period_secs),
    };
    state
        .limiter
        .check(&per_account, &user_id.to_string())
        .await
}

/// Reset requests per client address, and per address asked about.
const RESET_PER_ADDRESS: Quota = Quota {
    name: "password-reset-address",
    burst: 10,
    period: Duration::from_secs(60),
};
const RESET_PER_ACCOUNT: Quota = Quota {
    name: "password-reset-account",
    burst: 3,
    period: Duration::from_secs(15 * 60),
};
/// Verification e-mails an account can ask for (again), address changes included.
const VERIFICATION_PER_ACCOUNT: Quota = Quota {
    name: "verification-account",
    burst: 3,
    period: Duration::from_secs(10 * 60),
};

/// Asking for a password reset link: per client address and per address asked about.
pub async fn check_reset_request(
    state: &AppState,
    req: &HttpRequest,
    email: &str,
) -> Result<(), ApiError> {
    let address = client_addr(req, state.config.trust_proxy);
    state.limiter.check(&RESET_PER_ADDRESS, &address).await?;
    let key = normalize_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    state.limiter.check(&RESET_PER_ACCOUNT, &key).await
}

/// A password change: a wrong current password counts against the same budget as a wrong
/// sign-in.
pub async fn check_password_change(state: &AppState, user_id: Uuid) -> Result<(), ApiError> {
    let cfg = &state.config;
    let per_account = Quota {
        name: "login-account",
        burst: cfg.login_account_burst,
        period: Duration::from_secs(cfg.login_account_period_secs),
    };
    state
        .limiter
        .check(&per_account, &user_id.to_string())
        .await
}

/// Verification e-mails sent on request: a resend or an address change.
pub async fn check_verification_mail(state: &AppState, user_id: Uuid) -> Result<(), ApiError> {
    state
        .limiter
        .check(&VERIFICATION_PER_ACCOUNT, &user_id.to_string())
        .await
}
