//! Shared application state and the one way handlers reach the database: on the blocking
//! thread pool, taking the pooled connection there too, never on an actix worker.

use std::sync::Arc;

use actix_web::web;
use domain::db::{DbConnection, DbPool};

use crate::auth::keys::JwtKeys;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::limits::{RateLimiter, Revocations};
use crate::mail::MailWaker;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub keys: Arc<JwtKeys>,
    pub limiter: Arc<RateLimiter>,
    pub revocations: Arc<Revocations>,
    pub config: Arc<Config>,
    pub search: search::Search,
    /// Wakes the mail workers; call `state.mail.wake()` after committing e-mail jobs.
    pub mail: MailWaker,
    /// Where media bytes are stored (files or an S3-compatible bucket).
    pub media: crate::media::MediaStore,
}

impl AppState {
    /// Runs a domain call with a pooled connection on the blocking pool.
    pub async fn db<T, E, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let outcome = web::block(move || -> Result<T, ApiError> {
            let mut conn = pool.get().map_err(|e| {
                tracing::warn!(error = %e, "no database connection");
                ApiError::unavailable("the database is not reachable")
            })?;
            f(&mut conn).map_err(Into::into)
        })
        .await;
        match outcome {
            Ok(result) => result,
            Err(e) => Err(ApiError::internal(&e)),
        }
    }
}
