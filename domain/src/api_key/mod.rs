//! API keys: a company's owners and admins create them for their own software (an ERP that
//! keeps the catalog in step, a CRM that reads the lead inbox). A key acts as its company with
//! exactly its scopes: the HTTP layer checks the scope each route needs; the services then
//! decide as for the member who created the key, so a key never does more than its creator
//! may. The secret is shown once, at creation; only its SHA-256 is stored.

mod error;
mod model;
mod service;

pub use error::ApiKeyError;
pub use model::{ApiKey, KeyPrincipal, NewApiKey, SECRET_PREFIX, Scope};
pub use service::{
    LAST_USED_GRANULARITY, MAX_ACTIVE_KEYS, authenticate, create, list, record_write, revoke, touch,
};
