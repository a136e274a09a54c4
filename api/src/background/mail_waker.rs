//! Waking mail workers after jobs were committed.
//!
//! The job row in the database is the only copy of a job; a wake-up only says "look now"
//! instead of at the next poll. In process it is a `Notify`; with Redis it is also a PUBLISH on
//! a channel every worker process subscribes to with a connection of its own (the shared
//! `ConnectionManager` answers within 500 ms or fails, which a blocking subscription would
//! trip). A lost wake-up costs at most one poll interval.

use std::sync::Arc;

use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use tokio::sync::Notify;

#[derive(Clone)]
pub struct MailWaker {
    local: Arc<Notify>,
    redis: Option<RedisWake>,
}

#[derive(Clone)]
struct RedisWake {
    conn: ConnectionManager,
    url: String,
    channel: String,
}

impl MailWaker {
    /// Wakes only workers in this process.
    pub fn local() -> MailWaker {
        MailWaker {
            local: Arc::new(Notify::new()),
            redis: None,
        }
    }

    /// Also wakes workers in other processes through Redis (`<prefix>mail:wake`).
    pub fn redis(conn: ConnectionManager, url: &str, prefix: &str) -> MailWaker {
        MailWaker {
            local: Arc::new(Notify::new()),
            redis: Some(RedisWake {
                conn,
                url: url.to_owned(),
                channel: crate::limits::redis_key(prefix, &["mail", "wake"]),
            }),
        }
    }

    /// Call after committing new jobs: the workers look for due jobs now. Never blocks and
    /// never fails (a lost wake-up only delays sending until the next poll).
    pub fn wake(&self) {
        self.local.notify_one();
        if let Some(redis) = &self.redis
            && let Ok(handle) = tokio::runtime::Handle::try_current()
        {
            let mut conn = redis.conn.clone();
            let channel = redis.channel.clone();
            handle.spawn(async move {
                let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                    .arg(&channel)
                    .arg(1)
                    .query_async(&mut conn)
                    .await;
                if let Err(e) = sent {
                    tracing::debug!(error = %e, "mail wake-up not published");
                }
            });
        }
    }

    /// Resolves at the next wake-up (one that came while nobody waited is kept).
    pub(crate) async fn woken(&self) {
        self.local.notified().await
    }

    /// With Redis: forwards wake-ups published by any process to this process's workers,
    /// reconnecting after failures. Abort the returned task to stop.
    pub(crate) fn listen(&self) -> Option<tokio::task::JoinHandle<()>> {
        let redis = self.redis.clone()?;
        let local = self.local.clone();
        Some(tokio::spawn(async move {
            loop {
                match subscribe(&redis).await {
                    Ok(mut pubsub) => {
                        // Something may have been queued while we were not listening.
                        local.notify_one();
                        let mut messages = pubsub.on_message();
                        while messages.next().await.is_some() {
                            local.notify_one();
                        }
                        tracing::warn!("mail wake-up subscription ended; reconnecting");
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot subscribe to mail wake-ups; polling")
                    }
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }))
    }
}

async fn subscribe(redis: &RedisWake) -> redis::RedisResult<redis::aio::PubSub> {
    let client = redis::Client::open(redis.url.as_str())?;
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(&redis.channel).await?;
    Ok(pubsub)
}
