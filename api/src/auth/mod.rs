//! Authentication: access tokens, the signing key, and the extractors that put the signed-in
//! actor into a handler's arguments. Roles are decided by `domain::access`; the extractors only
//! establish who is asking (and that operator routes are for operators).

pub mod api_key;
pub mod extract;
pub mod jwt;
pub mod keys;

pub use extract::{AuthUser, MaybeUser, OperatorUser};
