//! GCRA rate limiting. In process: governor's keyed limiter. With Redis: the same algorithm as
//! a Lua script over the server's clock, so every process sees one budget per key. If Redis
//! fails, the process falls back to its own limiter rather than letting everything through.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota as GovQuota};
use redis::aio::ConnectionManager;

use super::redis_key;
use crate::error::ApiError;

/// `burst` attempts at once, then one more every `period`.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub name: &'static str,
    pub burst: u32,
    pub period: Duration,
}

#[derive(Default)]
pub struct MemoryLimiter {
    limiters: Mutex<HashMap<&'static str, Arc<DefaultKeyedRateLimiter<String>>>>,
}

impl MemoryLimiter {
    fn check(&self, quota: &Quota, key: &str) -> Result<(), Duration> {
        let limiter = {
            let mut map = self.limiters.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(quota.name)
                .or_insert_with(|| {
                    let burst = NonZeroU32::new(quota.burst.max(1)).unwrap_or(NonZeroU32::MIN);
                    let gq = GovQuota::with_period(quota.period.max(Duration::from_millis(1)))
                        .unwrap_or_else(|| GovQuota::per_second(NonZeroU32::MIN))
                        .allow_burst(burst);
                    Arc::new(DefaultKeyedRateLimiter::keyed(gq))
                })
                .clone()
        };
        let result = limiter.check_key(&key.to_owned());
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        result.map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

const GCRA: &str = r#"
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - interval * burst
if allow_at > now then return allow_at - now end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return 0
"#;

pub struct RedisLimiter {
    conn: ConnectionManager,
    prefix: String,
    script: redis::Script,
    fallback: MemoryLimiter,
}

impl RedisLimiter {
    async fn check(&self, quota: &Quota, key: &str) -> Result<(), Duration> {
        let mut conn = self.conn.clone();
        let reply: redis::RedisResult<i64> = self
            .script
            .key(redis_key(&self.prefix, &["rl", quota.name, key]))
            .arg(quota.period.as_millis() as i64)
            .arg(quota.burst.max(1))
            .invoke_async(&mut conn)
            .await;
        match reply {
            Ok(0) => Ok(()),
            Ok(wait_ms) => Err(Duration::from_millis(wait_ms.max(0) as u64)),
            Err(e) => {
                tracing::warn!(error = %e, "redis rate limit failed; using the local limiter");
                self.fallback.check(quota, key)
            }
        }
    }
}

pub enum RateLimiter {
    Memory(MemoryLimiter),
    Redis(RedisLimiter),
}

impl RateLimiter {
    pub fn memory() -> RateLimiter {
        RateLimiter::Memory(MemoryLimiter::default())
    }

    pub fn redis(conn: ConnectionManager, prefix: &str) -> RateLimiter {
        RateLimiter::Redis(RedisLimiter {
            conn,
            prefix: prefix.to_owned(),
            script: redis::Script::new(GCRA),
            fallback: MemoryLimiter::default(),
        })
    }

    /// Counts one use of `key`'s budget; when it is spent, counts nothing and says how long to
    /// wait (for callers that wait rather than refuse, such as the mail worker).
    pub async fn wait_time(&self, quota: &Quota, key: &str) -> Option<Duration> {
        let outcome = match self {
            RateLimiter::Memory(m) => m.check(quota, key),
            RateLimiter::Redis(r) => r.check(quota, key).await,
        };
        outcome.err()
    }

    /// Counts one attempt; a 429 with `Retry-After` when the budget is spent.
    pub async fn check(&self, quota: &Quota, key: &str) -> Result<(), ApiError> {
        let outcome = match self {
            RateLimiter::Memory(m) => m.check(quota, key),
            RateLimiter::Redis(r) => r.check(quota, key).await,
        };
        outcome.map_err(|wait| ApiError::rate_limited(wait.as_secs_f64().ceil() as u64))
    }
}
