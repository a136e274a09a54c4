//! Accounts: registration, credentials, address verification, refresh-token families and the
//! check that ends every access token of a sign-in at once.

mod credentials;
mod error;
mod mail;
mod model;
mod password;
mod refresh;
mod service;
mod web_session;

pub use crate::validate::normalize_email;
pub use credentials::{
    change_password, request_email_change, request_password_reset, require_verified,
    resend_verification, reset_password, update_profile, verify_email,
};
pub use error::AccountError;
pub use mail::{RESET_LINK_TTL, VERIFY_LINK_TTL};
pub use model::{AccountStatus, AccountType, User};
pub use password::{hash_password, verify_password};
pub use refresh::{
    IssuedRefresh, REFRESH_TOKEN_TTL, RefreshOutcome, SessionState, issue_refresh_token,
    revoke_refresh_family, rotate_refresh_token, session_state,
};
pub use service::{
    Registered, Registration, authenticate, create_operator, find_user, find_user_by_email,
    register, register_verified,
};
pub use web_session::{
    StartedWebSession, WEB_SESSION_TTL, WebSession, end_web_session, remove_expired_web_sessions,
    start_web_session, web_session,
};
