//! Accounts: registration, credentials, refresh-token families.

mod error;
mod model;
mod password;
mod refresh;
mod service;

pub use error::AccountError;
pub use model::{AccountStatus, AccountType, User};
pub use password::{hash_password, verify_password};
pub use refresh::{
    REFRESH_TOKEN_TTL, RefreshOutcome, issue_refresh_token, revoke_refresh_family,
    rotate_refresh_token,
};
pub use service::{
    Registration, authenticate, create_operator, find_user, find_user_by_email, normalize_email,
    register,
};
