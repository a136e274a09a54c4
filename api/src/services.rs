//! The process's shared services: the database pool, Redis, the limiters and the mail waker,
//! used by both `tradefair serve` (with HTTP) and `tradefair worker` (without), by request
//! handlers and by the background loops (`background`).

use std::sync::Arc;

use redis::aio::ConnectionManager;

use crate::background::MailWaker;
use crate::config::Config;
use crate::limits::{RateLimiter, Revocations};
use crate::progress::Progress;

/// What handlers and background loops share: the database pool, Redis when configured, the
/// limiters and the mail waker.
#[derive(Clone)]
pub struct Services {
    pub config: Arc<Config>,
    pub pool: domain::db::DbPool,
    pub redis: Option<ConnectionManager>,
    pub limiter: Arc<RateLimiter>,
    pub revocations: Arc<Revocations>,
    /// Call `wake()` after committing e-mail jobs.
    pub mail: MailWaker,
    /// The pass counts of this process's background loops.
    pub progress: Progress,
}

impl Services {
    /// Opens the database (applying migrations) and Redis.
    pub async fn connect(config: Config) -> anyhow::Result<Services> {
        let pool = crate::app::open_database(&config).await?;
        let (redis, limiter, revocations, mail) = match &config.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.as_str())?;
                let conn = client.get_connection_manager().await?;
                (
                    Some(conn.clone()),
                    RateLimiter::redis(conn.clone(), &config.redis_prefix),
                    Revocations::redis(conn.clone(), &config.redis_prefix),
                    MailWaker::redis(conn, url, &config.redis_prefix),
                )
            }
            None => (
                None,
                RateLimiter::memory(),
                Revocations::memory(),
                MailWaker::local(),
            ),
        };
        // Created once here, outside any transaction, so services only ever read it.
        {
            let pool = pool.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = pool.get()?;
                domain::email::link_key(&mut conn)?;
                Ok(())
            })
            .await??;
        }
        Ok(Services {
            config: Arc::new(config),
            pool,
            redis,
            limiter: Arc::new(limiter),
            revocations: Arc::new(revocations),
            mail,
            progress: Progress::default(),
        })
    }
}
