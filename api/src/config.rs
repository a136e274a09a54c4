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
    /// `SMTP_URL`: the relay outgoing mail goes to (`smtp://user:pass@host:587`,
    /// `?tls=starttls|opportunistic|none`, or `smtps://host:465` for implicit TLS). Without
    /// it, each message is written to `<data dir>/mail/<job id>.eml`.
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
    /// `TRADEFAIR_API_KEY_BURST` / `_PERIOD_MS`: requests per API key: a burst, then one per
    /// period.
    pub api_key_burst: u32,
    pub api_key_period_ms: u64,
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
    /// `TRADEFAIR_SEARCH_COUNT_BOUND`: how many hits a search counts exactly for its total and
    /// facets; past that they are estimated from those hits (`total_is_estimate`).
    pub search_count_bound: u64,
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
    /// Prefix promotional (lead) subjects with 广告/AD, as China's rules for commercial e-mail ask.
    pub mail_ad_prefix: bool,
    /// Instant lead e-mails per recipient per UTC day; later leads wait for the daily digest.
    pub lead_instant_daily_cap: i64,
    /// Lead e-mails without an open or click before a re-permission request.
    pub lead_unengaged_after_sends: i32,
    /// Days after a re-permission request without engagement before lead mail pauses.
    pub lead_repermission_grace_days: i64,
    /// How long a double opt-in confirmation link stays valid.
    pub consent_link_ttl_hours: i64,
    /// Items first published longer ago than this are not sent as new leads.
    pub lead_max_age_days: i64,
    /// How often the lead loop looks for digests whose window has closed.
    pub lead_digest_check_secs: u64,
    /// `TRADEFAIR_MAIL_FROM`: the From of every message (also names the Message-ID host and,
    /// by default, the DKIM signing domain).
    pub mail_from: String,
    /// `TRADEFAIR_MAIL_WORKER`: run the mail worker inside this process (`serve`; `worker`
    /// always runs it unless this is false).
    pub mail_worker: bool,
    /// `TRADEFAIR_MAIL_POLL_MS`: how often an idle worker looks for due jobs (a wake-up from
    /// this process or, with Redis, from any process comes sooner).
    pub mail_poll_ms: u64,
    /// `TRADEFAIR_MAIL_CONCURRENCY`: messages one worker sends at once.
    pub mail_concurrency: usize,
    /// `TRADEFAIR_MAIL_BATCH_SIZE`: jobs claimed at once.
    pub mail_batch_size: i64,
    /// `TRADEFAIR_MAIL_LEASE_SECS`: how long a claim lasts before another worker may take the
    /// job (a job is only started while at least `mail_smtp_timeout_secs` of it remain).
    pub mail_lease_secs: u64,
    /// `TRADEFAIR_MAIL_SMTP_POOL_SIZE` / `TRADEFAIR_MAIL_SMTP_TIMEOUT_SECS`: SMTP connections
    /// kept open, and the timeout of each SMTP command.
    pub mail_smtp_pool_size: u32,
    pub mail_smtp_timeout_secs: u64,
    /// `TRADEFAIR_MAIL_RETRY_BASE_SECS` / `_MAX_SECS`: backoff after a temporary failure
    /// (doubling per attempt, ±20 % jitter).
    pub mail_retry_base_secs: u64,
    pub mail_retry_max_secs: u64,
    /// `TRADEFAIR_MAIL_GIVE_UP_HOURS`: a job still failing temporarily this long after it was
    /// queued fails (an unreachable relay never counts).
    pub mail_give_up_hours: u64,
    /// `TRADEFAIR_MAIL_SOFT_BOUNCE_LIMIT` / `_WINDOW_HOURS`: soft bounces of one address, spread
    /// over at least the window, that suppress it.
    pub mail_soft_bounce_limit: i32,
    pub mail_soft_bounce_window_hours: u64,
    /// `TRADEFAIR_MAIL_DOMAIN_PAUSE_SECS`: how long a policy block (5.7.x) pauses a domain.
    pub mail_domain_pause_secs: u64,
    /// `TRADEFAIR_MAIL_DOMAIN_BURST` / `_PERIOD_MS`: per recipient domain, this many messages
    /// at once, then one per period (GCRA; shared through Redis when configured).
    pub mail_domain_burst: u32,
    pub mail_domain_period_ms: u64,
    /// `TRADEFAIR_MAIL_OUTAGE_BACKOFF_MAX_MS`: while the relay is unreachable the worker waits
    /// 0.5 s, doubling up to this, between tries (jobs are not charged an attempt).
    pub mail_outage_backoff_max_ms: u64,
    /// `TRADEFAIR_DKIM_KEY_FILE`: signs every message when set: an RSA key (PKCS#1 or PKCS#8
    /// PEM) or an Ed25519 key (PKCS#8 PEM, or the base64 32-byte seed).
    pub dkim_key_file: Option<PathBuf>,
    /// `TRADEFAIR_DKIM_SELECTOR` (default `tradefair`) and `TRADEFAIR_DKIM_DOMAIN` (default: the
    /// domain of `mail_from`).
    pub dkim_selector: String,
    pub dkim_domain: Option<String>,
    /// `TRADEFAIR_BOUNCE_TOKEN`: the shared secret the MTA sends as a bearer token to
    /// `POST /api/v1/email/bounces` (operators' access tokens work too).
    pub bounce_token: Option<String>,
    /// `TRADEFAIR_CREDIT_REFRESH_SECS`: how often `serve` sends licence expiry warnings, lowers
    /// penalty levels whose points expired and recomputes credit profiles.
    pub credit_refresh_secs: u64,
    /// `TRADEFAIR_LICENCE_WARNING_DAYS`: days before a business licence expires at which its
    /// company is warned, comma-separated (each once; and once more when it has expired).
    pub licence_warning_days: String,
    /// `TRADEFAIR_PENALTY_WARN_POINTS` / `_RESTRICT_POINTS` / `_SUSPEND_POINTS`: active penalty
    /// points at which a company is warned, restricted (no publishing or quoting) and suspended.
    pub penalty_warn_points: i32,
    pub penalty_restrict_points: i32,
    pub penalty_suspend_points: i32,
    /// `TRADEFAIR_PENALTY_VALIDITY_DAYS`: how long penalty points stay active.
    pub penalty_validity_days: i64,
    /// `TRADEFAIR_REVIEW_CLAIM_MINUTES`: how long an operator's claim on a review item lasts.
    pub review_claim_minutes: i64,
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
    /// `TRADEFAIR_METRICS_TOKEN`: `GET /metrics` on the API address answers only requests
    /// with `Authorization: Bearer <this>`; without it (and without `metrics_bind`) there is no
    /// `/metrics` (404).
    pub metrics_token: Option<String>,
    /// `TRADEFAIR_METRICS_BIND`: a second address that serves only `/metrics` (and the health
    /// checks), without a token unless `metrics_token` is set too; `/metrics` then leaves the
    /// API address.
    pub metrics_bind: Option<String>,
    /// `TRADEFAIR_CORS_ORIGINS`: browser origins allowed to call the API, comma-separated
    /// (`https://app.example.com,https://admin.example.com`); empty (the default) sends no CORS
    /// headers at all.
    pub cors_origins: String,
    /// `TRADEFAIR_TRUST_REQUEST_ID`: take the request id from an incoming
    /// `X-Request-Id` (default: when `trust_proxy` is on; otherwise every id is generated).
    pub trust_request_id: Option<bool>,
    /// `TRADEFAIR_MEDIA_URL`: `s3://bucket/prefix` stores media in an S3-compatible bucket
    /// (endpoint, region and credentials from the usual `AWS_*` variables); without it, files
    /// under `<data dir>/media`.
    pub media_url: Option<String>,
    /// `TRADEFAIR_MEDIA_S3_ENDPOINT` / `_REGION` / `_ACCESS_KEY_ID` / `_SECRET_ACCESS_KEY`:
    /// override the `AWS_*` variables for the media bucket.
    pub media_s3_endpoint: Option<String>,
    pub media_s3_region: Option<String>,
    pub media_s3_access_key_id: Option<String>,
    pub media_s3_secret_access_key: Option<String>,
    /// `TRADEFAIR_MEDIA_IMAGE_MAX_BYTES`: largest upload of a product image, logo or banner.
    pub media_image_max_bytes: u64,
    /// `TRADEFAIR_MEDIA_DOCUMENT_MAX_BYTES`: largest licence scan or attachment.
    pub media_document_max_bytes: u64,
    /// `TRADEFAIR_MEDIA_MAX_PIXELS`: largest decoded image (width × height).
    pub media_max_pixels: u64,
    /// `TRADEFAIR_MEDIA_DAILY_COUNT` / `_DAILY_BYTES`: uploads per account per UTC day.
    pub media_daily_count: i64,
    pub media_daily_bytes: i64,
    /// `TRADEFAIR_MEDIA_ORPHAN_HOURS`: uploads never attached are removed this long after.
    pub media_orphan_hours: u64,
    /// `TRADEFAIR_MEDIA_ORPHAN_CHECK_SECS`: how often `serve` looks for them.
    pub media_orphan_check_secs: u64,
    /// `TRADEFAIR_THEME_DIR`: `templates/*.html` and `assets/site.css` here replace the built-in
    /// ones of the web pages (read once at start).
    pub theme_dir: Option<PathBuf>,
    /// The platform operator's facts every page footer shows (guideline 第九条) and the ICP
    /// filing numbers a site in mainland China must show: `TRADEFAIR_SITE_NAME`,
    /// `TRADEFAIR_OPERATOR_NAME`, `TRADEFAIR_OPERATOR_CREDIT_CODE`, `TRADEFAIR_OPERATOR_ADDRESS`,
    /// `TRADEFAIR_OPERATOR_LICENCE_URL`, `TRADEFAIR_ICP_NUMBER`, `TRADEFAIR_PSB_NUMBER`.
    pub site_name: String,
    pub operator_name: Option<String>,
    pub operator_credit_code: Option<String>,
    pub operator_address: Option<String>,
    pub operator_licence_url: Option<String>,
    pub icp_number: Option<String>,
    pub psb_number: Option<String>,
    /// `TRADEFAIR_SITEMAP_URLS_PER_FILE`: URLs per sitemap file (default and maximum 50,000).
    pub sitemap_urls_per_file: i64,
    /// `TRADEFAIR_WEBHOOK_WORKER`: whether this process sends webhooks (default on).
    pub webhook_worker: bool,
    /// `TRADEFAIR_WEBHOOK_POLL_MS`: how often the webhook worker looks for due deliveries.
    pub webhook_poll_ms: u64,
    /// `TRADEFAIR_WEBHOOK_BATCH_SIZE`: deliveries claimed (and sent concurrently) per pass.
    pub webhook_batch_size: i64,
    /// `TRADEFAIR_WEBHOOK_CONNECT_TIMEOUT_MS` / `_TIMEOUT_MS`: connecting, and the whole request.
    pub webhook_connect_timeout_ms: u64,
    pub webhook_timeout_ms: u64,
    /// `TRADEFAIR_WEBHOOK_RETRY_BASE_MS` / `_RETRY_CAP_SECS`: the first retry's delay (doubling
    /// each time, with jitter) and the longest delay.
    pub webhook_retry_base_ms: u64,
    pub webhook_retry_cap_secs: u64,
    /// `TRADEFAIR_WEBHOOK_GIVE_UP_SECS`: a delivery still failing this long after its event is
    /// given up (default 3 days).
    pub webhook_give_up_secs: u64,
    /// `TRADEFAIR_WEBHOOK_DISABLE_AFTER_SECS`: an endpoint failing every attempt this long is
    /// disabled and its owners and admins get an e-mail (default 3 days).
    pub webhook_disable_after_secs: u64,
    /// `TRADEFAIR_WEBHOOK_LEASE_SECS`: how long a claimed delivery is its worker's; a worker
    /// killed while sending leaves it to be sent again (same `webhook-id`) after this.
    pub webhook_lease_secs: u64,
    /// `TRADEFAIR_WEBHOOK_ALLOW_LOOPBACK`: FOR TESTS ONLY. Lets webhooks reach loopback
    /// addresses (127.0.0.0/8, ::1, `localhost`), so the test suite can run its receiver; every
    /// other non-public range stays refused. Never set it in production.
    pub webhook_allow_loopback: bool,
    /// `TRADEFAIR_IMPORT_WORKER`: whether this process runs catalog imports (default on).
    pub import_worker: bool,
    /// `TRADEFAIR_IMPORT_POLL_MS`: how often the import worker looks for queued imports.
    pub import_poll_ms: u64,
    /// `TRADEFAIR_IMPORT_BATCH_ROWS`: rows committed together (with the job's progress).
    pub import_batch_rows: usize,
    /// `TRADEFAIR_IMPORT_BATCH_PAUSE_MS`: the worker's pause between batches, in which the
    /// other writers get the database: by default 20 ms on SQLite (one write lock) and none
    /// on PostgreSQL (row locks; the pause only cost throughput there, 833 → 544 rows/s).
    pub import_batch_pause_ms: Option<u64>,
    /// `TRADEFAIR_IMPORT_LEASE_SECS`: how long a claimed import is its worker's after its last
    /// committed batch; a killed worker's import resumes elsewhere after this.
    pub import_lease_secs: u64,
    /// `TRADEFAIR_IMPORT_MAX_BYTES`: the largest import file (default 10 MB).
    pub import_max_bytes: usize,
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
            api_key_burst: 120,
            api_key_period_ms: 500,
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
            search_count_bound: search::COUNT_BOUND,
            quotes_per_request: 10,
            monthly_quote_quota: 20,
            expiry_check_secs: 60,
            response_rate_refresh_secs: 600,
            mail_ad_prefix: true,
            lead_instant_daily_cap: 10,
            lead_unengaged_after_sends: 10,
            lead_repermission_grace_days: 14,
            consent_link_ttl_hours: 72,
            lead_max_age_days: 7,
            lead_digest_check_secs: 60,
            mail_from: "Tradefair <noreply@localhost>".into(),
            mail_worker: true,
            mail_poll_ms: 1000,
            mail_concurrency: 8,
            mail_batch_size: 50,
            mail_lease_secs: 120,
            mail_smtp_pool_size: 8,
            mail_smtp_timeout_secs: 30,
            mail_retry_base_secs: 60,
            mail_retry_max_secs: 3600,
            mail_give_up_hours: 120,
            mail_soft_bounce_limit: 5,
            mail_soft_bounce_window_hours: 72,
            mail_domain_pause_secs: 3600,
            mail_domain_burst: 50,
            mail_domain_period_ms: 50,
            mail_outage_backoff_max_ms: 30_000,
            dkim_key_file: None,
            dkim_selector: "tradefair".into(),
            dkim_domain: None,
            bounce_token: None,
            credit_refresh_secs: 600,
            licence_warning_days: "30,7".into(),
            penalty_warn_points: 6,
            penalty_restrict_points: 12,
            penalty_suspend_points: 24,
            penalty_validity_days: 365,
            review_claim_minutes: 30,
            counter_notice_days: 15,
            takedown_check_secs: 60,
            retention_years: 3,
            retention_purge_secs: 3600,
            metrics_token: None,
            metrics_bind: None,
            cors_origins: String::new(),
            trust_request_id: None,
            media_url: None,
            media_s3_endpoint: None,
            media_s3_region: None,
            media_s3_access_key_id: None,
            media_s3_secret_access_key: None,
            media_image_max_bytes: 10 * 1024 * 1024,
            media_document_max_bytes: 20 * 1024 * 1024,
            media_max_pixels: 40_000_000,
            media_daily_count: 200,
            media_daily_bytes: 1024 * 1024 * 1024,
            media_orphan_hours: 24,
            media_orphan_check_secs: 600,
            theme_dir: None,
            site_name: "Tradefair".into(),
            operator_name: None,
            operator_credit_code: None,
            operator_address: None,
            operator_licence_url: None,
            icp_number: None,
            psb_number: None,
            sitemap_urls_per_file: 50_000,
            webhook_worker: true,
            webhook_poll_ms: 1000,
            webhook_batch_size: 20,
            webhook_connect_timeout_ms: 5_000,
            webhook_timeout_ms: 15_000,
            webhook_retry_base_ms: 5_000,
            webhook_retry_cap_secs: 10 * 3600,
            webhook_give_up_secs: 3 * 24 * 3600,
            webhook_disable_after_secs: 3 * 24 * 3600,
            webhook_lease_secs: 60,
            webhook_allow_loopback: false,
            import_worker: true,
            import_poll_ms: 1000,
            import_batch_rows: 100,
            import_batch_pause_ms: None,
            import_lease_secs: 60,
            import_max_bytes: 10 * 1024 * 1024,
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

    /// The import worker's pause between batches (`import_batch_pause_ms`, else by database).
    pub fn import_batch_pause(&self) -> std::time::Duration {
        let ms = self.import_batch_pause_ms.unwrap_or_else(|| {
            if self.database_url().starts_with("postgres") {
                0
            } else {
                20
            }
        });
        std::time::Duration::from_millis(ms)
    }

    /// The inquiry anti-spam limits the domain enforces.
    pub fn spam_limits(&self) -> domain::inquiry::SpamLimits {
        domain::inquiry::SpamLimits {
            new_account_age: time::Duration::days(i64::from(self.inquiry_new_account_days)),
            new_account_daily_threads: self.inquiry_new_account_daily_cap,
            duplicate_max_companies: self.inquiry_duplicate_max_companies,
        }
    }

    /// What lead e-mail composition needs from the configuration.
    pub fn mail_settings(&self) -> domain::lead_alerts::MailSettings {
        domain::lead_alerts::MailSettings {
            public_url: self.public_url.clone(),
            message_id_host: self.message_id_host(),
            ad_prefix: self.mail_ad_prefix,
            instant_daily_cap: self.lead_instant_daily_cap,
            unengaged_after_sends: self.lead_unengaged_after_sends,
            repermission_grace_days: self.lead_repermission_grace_days,
            consent_link_ttl_hours: self.consent_link_ttl_hours,
            lead_max_age_days: self.lead_max_age_days,
        }
    }

    /// The delivery rules the mail worker and the bounce endpoint apply.
    pub fn delivery_policy(&self) -> domain::email::DeliveryPolicy {
        let secs = |s: u64| time::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2));
        domain::email::DeliveryPolicy {
            lease: secs(self.mail_lease_secs.max(1)),
            batch_size: self.mail_batch_size.max(1),
            retry_base: secs(self.mail_retry_base_secs),
            retry_max: secs(self.mail_retry_max_secs.max(self.mail_retry_base_secs)),
            give_up_after: secs(self.mail_give_up_hours.saturating_mul(3600)),
            soft_bounce_limit: self.mail_soft_bounce_limit.max(1),
            soft_bounce_window: secs(self.mail_soft_bounce_window_hours.saturating_mul(3600)),
            domain_pause: secs(self.mail_domain_pause_secs),
        }
    }

    /// The host part of Message-IDs (`<job id@host>`): the domain of `mail_from`. Pass it to
    /// `domain::email::enqueue`.
    /// The webhook worker's retry and disabling rules.
    pub fn webhook_policy(&self) -> domain::webhook::Policy {
        let secs =
            |s: u64| time::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2_000_000));
        domain::webhook::Policy {
            retry_base: time::Duration::milliseconds(
                i64::try_from(self.webhook_retry_base_ms).unwrap_or(i64::MAX / 2_000),
            ),
            retry_cap: secs(self.webhook_retry_cap_secs),
            give_up_after: secs(self.webhook_give_up_secs),
            disable_after: secs(self.webhook_disable_after_secs),
            lease: secs(self.webhook_lease_secs.max(1)),
            message_id_host: self.message_id_host(),
        }
    }

    pub fn message_id_host(&self) -> String {
        let from = self.mail_from.trim();
        let address = match (from.rfind('<'), from.rfind('>')) {
            (Some(start), Some(end)) if start < end => &from[start + 1..end],
            _ => from,
        };
        address
            .rsplit_once('@')
            .map(|(_, d)| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "localhost".into())
    }

    /// The penalty thresholds and validity the domain applies.
    pub fn penalty_policy(&self) -> domain::penalty::PenaltyPolicy {
        domain::penalty::PenaltyPolicy {
            warn_at: self.penalty_warn_points.max(1),
            restrict_at: self.penalty_restrict_points.max(1),
            suspend_at: self.penalty_suspend_points.max(1),
            validity: time::Duration::days(self.penalty_validity_days.max(1)),
        }
    }

    /// `licence_warning_days` as numbers (unparsable entries are ignored).
    pub fn licence_warning_days(&self) -> Vec<u32> {
        self.licence_warning_days
            .split(',')
            .filter_map(|d| d.trim().parse().ok())
            .collect()
    }

    /// The metrics token, when one is set (an empty value is none).
    pub fn metrics_token(&self) -> Option<&str> {
        self.metrics_token.as_deref().filter(|t| !t.is_empty())
    }

    /// The separate metrics address, when one is set.
    pub fn metrics_bind(&self) -> Option<&str> {
        self.metrics_bind
            .as_deref()
            .filter(|b| !b.trim().is_empty())
    }

    /// The allowed CORS origins (none: CORS is off).
    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_origins
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect()
    }

    /// Whether an incoming `X-Request-Id` is taken as this request's id.
    pub fn trust_request_id(&self) -> bool {
        self.trust_request_id.unwrap_or(self.trust_proxy)
    }

    /// The size limit of an upload for `purpose`.
    pub fn media_max_bytes(&self, purpose: domain::media::Purpose) -> u64 {
        if purpose.accepts_pdf() {
            self.media_document_max_bytes
        } else {
            self.media_image_max_bytes
        }
    }

    pub fn media_quota(&self) -> domain::media::Quota {
        domain::media::Quota {
            max_count: self.media_daily_count,
            max_bytes: self.media_daily_bytes,
        }
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

#[cfg(test)]
mod tests {
    use super::Config;
    use std::time::Duration;

    #[test]
    fn the_import_pause_depends_on_the_database_unless_set() {
        let sqlite = Config::default();
        assert_eq!(sqlite.import_batch_pause(), Duration::from_millis(20));
        let postgres = Config {
            database_url: Some("postgres://u@127.0.0.1/db".into()),
            ..Config::default()
        };
        assert_eq!(postgres.import_batch_pause(), Duration::ZERO);
        let set = Config {
            import_batch_pause_ms: Some(5),
            ..postgres
        };
        assert_eq!(set.import_batch_pause(), Duration::from_millis(5));
    }
}
