//! Rate limits and token revocations: in-process by default, in Redis when `REDIS_URL` is set so
//! that several server processes share them. Redis holds only this ephemeral state.

pub mod guards;
mod rate;
mod revocations;

pub use rate::{Quota, RateLimiter};
pub use revocations::Revocations;

/// Prefixes a Redis key with the deployment's prefix.
pub(crate) fn redis_key(prefix: &str, parts: &[&str]) -> String {
    let mut key = prefix.to_owned();
    key.push_str(&parts.join(":"));
    key
}
