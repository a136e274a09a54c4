//! The throttles of flows that both front ends offer (signing in, sending an inquiry), in one
//! place so that the JSON routes and the web pages cannot drift apart.

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
