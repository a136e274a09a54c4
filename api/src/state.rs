//! Shared application state and the one way handlers reach the database: on the blocking
//! thread pool, taking the pooled connection there too, never on an actix worker.

use std::sync::Arc;

use actix_web::web;
use domain::db::{DbConnection, DbPool};

use crate::auth::keys::JwtKeys;
use crate::background::MailWaker;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::limits::{RateLimiter, Revocations};
use crate::observe::Metrics;

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
    /// This server's metrics (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// Where media bytes are stored (files or an S3-compatible bucket).
    pub media: crate::media::MediaStore,
    /// Public media verdicts and bytes kept in memory (see `media::public_cache`).
    pub public_media: Arc<crate::media::PublicMedia>,
    /// The category tree, read once (see `categories`).
    pub category_tree: Arc<std::sync::OnceLock<Vec<domain::catalog::CategoryNode>>>,
}

impl AppState {
    /// The category tree. Categories change only with a migration (no route or service writes
    /// them), so the first read serves the life of the process: pages show the tree on every
    /// view and would otherwise read it each time.
    pub async fn categories(&self) -> ApiResult<Vec<domain::catalog::CategoryNode>> {
        if let Some(tree) = self.category_tree.get() {
            return Ok(tree.clone());
        }
        let tree = self.db(domain::catalog::list_categories).await?;
        Ok(self.category_tree.get_or_init(|| tree).clone())
    }

    /// Runs a domain call with a pooled connection on the blocking pool.
    pub async fn db<T, E, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // The request's span follows the work onto the blocking pool, so its log lines carry
        // the request id too.
        let span = tracing::Span::current();
        let outcome = web::block(move || -> Result<T, ApiError> {
            let _entered = span.enter();
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

    /// Runs a search on the blocking pool and records how long it took under `kind`.
    pub async fn run_search<T, F>(&self, kind: &'static str, f: F) -> ApiResult<T>
    where
        F: FnOnce(&search::Search) -> T + Send + 'static,
        T: Send + 'static,
    {
        let searcher = self.search.clone();
        let span = tracing::Span::current();
        let (result, seconds) = web::block(move || {
            let _entered = span.enter();
            let started = std::time::Instant::now();
            let result = f(&searcher);
            (result, started.elapsed().as_secs_f64())
        })
        .await
        .map_err(|e| ApiError::internal(&e))?;
        self.metrics.record_search(kind, seconds);
        Ok(result)
    }
}
