//! Configuration: built-in defaults, then an optional TOML file (`TRADEFAIR_CONFIG`, default
//! `tradefair.toml` when present), then environment variables. Nothing global: the value is
//! passed into `Application::build`, so tests run many servers with different settings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `TRADEFAIR_BIND`
    pub bind: String,
    /// `TRADEFAIR_DATA_DIR`: SQLite file, signing keys, search index, .eml files.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`: `postgres://…` selects PostgreSQL; otherwise a SQLite file path.
    pub database_url: Option<String>,
    /// `REDIS_URL`: shared rate limits and revocations; in-process state without it.
    pub redis_url: Option<String>,
    /// `TRADEFAIR_REDIS_PREFIX`: key prefix, so several deployments or tests share a server.
    pub redis_prefix: String,
    /// `SMTP_URL`: outgoing mail (used by the lead e-mail features).
    pub smtp_url: Option<String>,
    /// `TRADEFAIR_PUBLIC_URL`: the JWT issuer and the base of links.
    pub public_url: String,
    /// `TRADEFAIR_ACCESS_TOKEN_TTL_SECS`
    pub access_token_ttl_secs: i64,
    /// `TRADEFAIR_DB_POOL_SIZE`
    pub db_pool_size: u32,
    /// `TRADEFAIR_TRUST_PROXY`: take the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `TRADEFAIR_LOGIN_ACCOUNT_BURST` / `_PERIOD_SECS`: attempts per account, then one per period.
    pub login_account_burst: u32,
    pub login_account_period_secs: u64,
    /// `TRADEFAIR_LOGIN_ADDRESS_BURST` / `_PERIOD_SECS`: attempts per client address.
    pub login_address_burst: u32,
    pub login_address_period_secs: u64,
    /// `TRADEFAIR_INQUIRY_ACCOUNT_BURST` / `_PERIOD_SECS`: new inquiry requests per account.
    pub inquiry_account_burst: u32,
    pub inquiry_account_period_secs: u64,
    /// `TRADEFAIR_INQUIRY_ADDRESS_BURST` / `_PERIOD_SECS`: new inquiry requests per address.
    pub inquiry_address_burst: u32,
    pub inquiry_address_period_secs: u64,
    /// `TRADEFAIR_INQUIRY_NEW_ACCOUNT_DAYS`: accounts younger than this are "new" …
    pub inquiry_new_account_days: u32,
    /// `TRADEFAIR_INQUIRY_NEW_ACCOUNT_DAILY_CAP`: … and open at most this many threads in 24 h.
    pub inquiry_new_account_daily_cap: u32,
    /// `TRADEFAIR_INQUIRY_DUPLICATE_MAX_COMPANIES`: distinct companies one buyer may send the
    /// same message to in 24 h.
    pub inquiry_duplicate_max_companies: u32,
    /// `TRADEFAIR_MAX_BODY_BYTES`
    pub max_body_bytes: usize,
    /// `TRADEFAIR_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `TRADEFAIR_JWT_KEY_FILE`: an Ed25519 private key (PKCS#8 PEM) that signs access tokens.
    /// Without it a key is generated into `<data dir>/keys/` on first start.
    pub jwt_key_file: Option<PathBuf>,
    /// `TRADEFAIR_INDEX_POLL_MS`: how often the search indexer looks for new outbox events.
    pub index_poll_ms: u64,
    /// `TRADEFAIR_QUOTES_PER_REQUEST`: how many quotes a buy request takes (fixed on the request
    /// when it is created).
    pub quotes_per_request: i32,
    /// `TRADEFAIR_MONTHLY_QUOTE_QUOTA`: new quotes per company per calendar month (UTC).
    pub monthly_quote_quota: i64,
    /// `TRADEFAIR_EXPIRY_CHECK_SECS`: how often `serve` reminds owners of listings that end
    /// within 24 hours.
    pub expiry_check_secs: u64,
    /// `TRADEFAIR_RESPONSE_RATE_REFRESH_SECS`: how often `serve` recomputes each company's
    /// response rate for search ranking.
    pub response_rate_refresh_secs: u64,
    /// `TRADEFAIR_COUNTER_NOTICE_DAYS`: the supplier's window for a counter-notice after an IP
    /// notice is accepted (fixed on the case at acceptance).
    pub counter_notice_days: u32,
    /// `TRADEFAIR_TAKEDOWN_CHECK_SECS`: how often `serve` records takedowns whose
    /// counter-notice window ended as final (reads treat them as final from the deadline on).
    pub takedown_check_secs: u64,
    /// `TRADEFAIR_RETENTION_YEARS`: how long a company's registration records are kept after it
    /// left the platform before the purge removes them.
    pub retention_years: u32,
    /// `TRADEFAIR_RETENTION_PURGE_SECS`: how often `serve` runs the retention purge.
    pub retention_purge_secs: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            redis_url: None,
            redis_prefix: "tradefair:".into(),
            smtp_url: None,
            public_url: "http://127.0.0.1:8080".into(),
            access_token_ttl_secs: 900,
            db_pool_size: 16,
            trust_proxy: false,
            login_account_burst: 5,
            login_account_period_secs: 60,
            login_address_burst: 30,
            login_address_period_secs: 2,
            inquiry_account_burst: 10,
            inquiry_account_period_secs: 360,
            inquiry_address_burst: 30,
            inquiry_address_period_secs: 120,
            inquiry_new_account_days: 7,
            inquiry_new_account_daily_cap: 20,
            inquiry_duplicate_max_companies: 20,
            max_body_bytes: 256 * 1024,
            workers: None,
            jwt_key_file: None,
            index_poll_ms: 100,
            quotes_per_request: 10,
            monthly_quote_quota: 20,
            expiry_check_secs: 60,
            response_rate_refresh_secs: 600,
            counter_notice_days: 15,
            takedown_check_secs: 60,
            retention_years: 3,
            retention_purge_secs: 3600,
        }
    }
}

impl Config {
    /// Reads the optional file and the environment.
    pub fn load() -> anyhow::Result<Config> {
        let file = std::env::var("TRADEFAIR_CONFIG").ok();
        let mut builder = config::Config::builder();
        match &file {
            Some(path) => {
                builder = builder.add_source(config::File::with_name(path).required(true))
            }
            None => {
                builder =
                    builder.add_source(config::File::with_name("tradefair.toml").required(false))
            }
        }
        builder =
            builder.add_source(config::Environment::with_prefix("TRADEFAIR").try_parsing(true));
        let mut cfg: Config = builder.build()?.try_deserialize()?;
        // The conventional unprefixed names win over the file.
        for (var, slot) in [
            ("DATABASE_URL", &mut cfg.database_url),
            ("REDIS_URL", &mut cfg.redis_url),
            ("SMTP_URL", &mut cfg.smtp_url),
        ] {
            if let Ok(value) = std::env::var(var) {
                *slot = Some(value).filter(|v| !v.is_empty());
            }
        }
        Ok(cfg)
    }

    /// The database URL, defaulting to a SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            self.data_dir
                .join("tradefair.db")
                .to_string_lossy()
                .into_owned()
        })
    }

    /// The inquiry anti-spam limits the domain enforces.
    pub fn spam_limits(&self) -> domain::inquiry::SpamLimits {
        domain::inquiry::SpamLimits {
            new_account_age: time::Duration::days(i64::from(self.inquiry_new_account_days)),
            new_account_daily_threads: self.inquiry_new_account_daily_cap,
            duplicate_max_companies: self.inquiry_duplicate_max_companies,
        }
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}
