//! The webhook worker: every `TRADEFAIR_WEBHOOK_POLL_MS` it claims due deliveries
//! (`domain::webhook::claim`, under a lease) and sends each one signed per Standard Webhooks
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`), then records the attempt. A
//! delivery is sent at least once; a retry (after a failure, a timeout, or a worker killed
//! mid-send whose lease ran out) carries the same `webhook-id` and body, so a receiver
//! recognises it.
//!
//! Server-side request forgery: the URL is checked again (`domain::webhook::check_url`), the
//! host name resolved here, and every address it resolves to must be public (loopback only
//! with the test-only `webhook_allow_loopback`); the request then goes to that checked
//! address alone (reqwest's `resolve` override), so a second DNS answer cannot redirect it.
//! Redirects are never followed (a 3xx is a failed attempt), and no proxy is used.
//!
//! Clients are kept per (host, checked address, timeouts): building one reads the system's root
//! certificates, which was most of the worker's CPU when every delivery built its own
//! (docs/benchmarks.md, "Webhook delivery"), and a kept client reuses its connections to the
//! endpoint. The address is part of the key, so a host that resolves elsewhere gets a new
//! client pinned to the new, checked address.

use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use moka::sync::Cache;

use domain::webhook::{self, AttemptResult, DueDelivery, Policy, UrlCheck};

use crate::services::Services;

/// Starts the worker loop; abort the handle to stop it.
pub fn start(services: &Services) -> tokio::task::AbortHandle {
    let services = services.clone();
    let task = tokio::spawn(async move {
        let config = services.config.clone();
        let policy = config.webhook_policy();
        let every = Duration::from_millis(config.webhook_poll_ms.max(10));
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match pass(&services, &policy).await {
                // Counted once its results are committed, so a watcher can wait on it.
                Ok(()) => services.progress.passed(crate::progress::Loop::Webhooks),
                Err(e) => tracing::warn!(error = %e, "webhook pass failed; retrying"),
            }
        }
    });
    task.abort_handle()
}

/// One pass: claim, send concurrently, record.
async fn pass(services: &Services, policy: &Policy) -> anyhow::Result<()> {
    let config = services.config.clone();
    let limit = config.webhook_batch_size.max(1);
    let claimed = {
        let pool = services.pool.clone();
        let policy = policy.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<DueDelivery>> {
            let mut conn = pool.get()?;
            Ok(webhook::claim(&mut conn, limit, &policy)?)
        })
        .await??
    };
    if claimed.is_empty() {
        return Ok(());
    }
    let sends = claimed.into_iter().map(|d| {
        let config = config.clone();
        async move {
            let result = send(&d, &config).await;
            (d, result)
        }
    });
    let results = futures_util::future::join_all(sends).await;
    let pool = services.pool.clone();
    let policy = policy.clone();
    let queued_mail = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        let mut conn = pool.get()?;
        let mut queued = false;
        for (d, result) in &results {
            queued |= webhook::record_attempt(&mut conn, &d.id, result, &policy)?;
        }
        Ok(queued)
    })
    .await??;
    if queued_mail {
        services.mail.wake();
    }
    Ok(())
}

fn failed(error: impl Into<String>, started: Instant) -> AttemptResult {
    AttemptResult {
        succeeded: false,
        response_code: None,
        latency_ms: elapsed_ms(started),
        error: Some(error.into()),
    }
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// The address to connect to for `host`: an IP literal as is, a name resolved; every address
/// must be allowed, or the target is refused.
async fn resolve(host: &str, port: u16, allow_loopback: bool) -> Result<SocketAddr, String> {
    let addrs: Vec<SocketAddr> = match host.trim_matches(['[', ']']).parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("cannot resolve {host}: {e}"))?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(format!("{host} has no address"));
    }
    if let Some(bad) = addrs
        .iter()
        .find(|a| !webhook::ip_allowed(a.ip(), allow_loopback))
    {
        return Err(format!(
            "refused: {host} resolves to {}, which is not a public address",
            bad.ip()
        ));
    }
    Ok(addrs[0])
}

/// (host, checked address, connect timeout, timeout) in milliseconds.
type ClientKey = (String, SocketAddr, u64, u64);

static CLIENTS: LazyLock<Cache<ClientKey, reqwest::Client>> = LazyLock::new(|| {
    Cache::builder()
        .max_capacity(1_000)
        .time_to_idle(Duration::from_secs(600))
        .build()
});

/// The client for `host` pinned to `addr`: kept, or built and kept.
fn client_for(
    host: &str,
    addr: SocketAddr,
    config: &crate::config::Config,
) -> Result<reqwest::Client, reqwest::Error> {
    let key = (
        host.to_owned(),
        addr,
        config.webhook_connect_timeout_ms,
        config.webhook_timeout_ms,
    );
    if let Some(client) = CLIENTS.get(&key) {
        return Ok(client);
    }
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_millis(config.webhook_connect_timeout_ms))
        .timeout(Duration::from_millis(config.webhook_timeout_ms))
        .user_agent("Tradefair-Webhooks/1");
    if host.parse::<IpAddr>().is_err() {
        builder = builder.resolve(host, addr);
    }
    let client = builder.build()?;
    CLIENTS.insert(key, client.clone());
    Ok(client)
}

/// Sends one delivery once.
pub async fn send(d: &DueDelivery, config: &crate::config::Config) -> AttemptResult {
    let started = Instant::now();
    let allow = config.webhook_allow_loopback;
    let (host, port) = match webhook::check_url(&d.url, allow) {
        UrlCheck::Ok { host, port } => (host, port),
        UrlCheck::Refused(why) => return failed(format!("refused: {why}"), started),
    };
    let addr = match resolve(&host, port, allow).await {
        Ok(addr) => addr,
        Err(e) => return failed(e, started),
    };
    let client = match client_for(&host, addr, config) {
        Ok(c) => c,
        Err(e) => return failed(format!("client: {e}"), started),
    };
    let timestamp = domain::clock::now().assume_utc().unix_timestamp();
    let secrets: Vec<&str> = d.secrets.iter().map(String::as_str).collect();
    let signature = webhook::signature_header(&secrets, &d.id, timestamp, &d.payload);
    let response = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(d.payload.clone())
        .send()
        .await;
    match response {
        Ok(r) => {
            let code = r.status();
            AttemptResult {
                succeeded: code.is_success(),
                response_code: Some(i32::from(code.as_u16())),
                latency_ms: elapsed_ms(started),
                error: (!code.is_success()).then(|| {
                    if code.is_redirection() {
                        "redirect not followed".to_owned()
                    } else {
                        format!("HTTP {}", code.as_u16())
                    }
                }),
            }
        }
        Err(e) if e.is_timeout() => failed("timed out", started),
        Err(e) => failed(format!("request failed: {e}"), started),
    }
}
