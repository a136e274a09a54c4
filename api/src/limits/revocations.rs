//! Revoked access tokens (by `jti`) until they expire. Access tokens live minutes, so the list
//! stays short. With Redis every process sees a logout at once; if Redis cannot answer, the
//! request is refused (503) rather than let a revoked token through.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use redis::aio::ConnectionManager;

use super::redis_key;
use crate::error::ApiError;

pub enum Revocations {
    Memory(Mutex<HashMap<String, Instant>>),
    Redis {
        conn: ConnectionManager,
        prefix: String,
    },
}

impl Revocations {
    pub fn memory() -> Revocations {
        Revocations::Memory(Mutex::new(HashMap::new()))
    }

    pub fn redis(conn: ConnectionManager, prefix: &str) -> Revocations {
        Revocations::Redis {
            conn,
            prefix: prefix.to_owned(),
        }
    }

    pub async fn revoke(&self, jti: &str, ttl: Duration) -> Result<(), ApiError> {
        let ttl = ttl.max(Duration::from_secs(1));
        match self {
            Revocations::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                map.retain(|_, until| *until > now);
                map.insert(jti.to_owned(), now + ttl);
                Ok(())
            }
            Revocations::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = redis_key(prefix, &["revoked", jti]);
                conn.set_ex::<_, _, ()>(key, 1, ttl.as_secs())
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "cannot record a revocation in redis");
                        ApiError::unavailable("the session store is not reachable")
                    })
            }
        }
    }

    pub async fn is_revoked(&self, jti: &str) -> Result<bool, ApiError> {
        match self {
            Revocations::Memory(map) => {
                let map = map.lock().unwrap_or_else(|p| p.into_inner());
                Ok(map.get(jti).is_some_and(|until| *until > Instant::now()))
            }
            Revocations::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                conn.exists(redis_key(prefix, &["revoked", jti]))
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "cannot check revocations in redis");
                        ApiError::unavailable("the session store is not reachable")
                    })
            }
        }
    }
}
