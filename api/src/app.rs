//! Building and running the server.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::StatusCode;
use actix_web::middleware::{Condition, from_fn};
use actix_web::{App, HttpServer, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::keys::JwtKeys;
use crate::background::{Background, Services, start_background};
use crate::config::Config;
use crate::error::ApiError;
use crate::methods::Routes;
use crate::observe::endpoint::{self, MetricsAccess};
use crate::progress::{Loop, Progress};
use crate::state::AppState;

/// Opens the database pool and applies pending migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<domain::db::DbPool> {
    // The domain's cross-area reactions, and the search index's word segmentation for
    // screening, before anything uses it.
    domain::wire();
    search::install_segmenter();
    std::fs::create_dir_all(config.data_dir())?;
    let url = config.database_url();
    let size = config.db_pool_size;
    tokio::task::spawn_blocking(move || -> anyhow::Result<domain::db::DbPool> {
        let pool = domain::db::connect_pool(&url, size)?;
        let mut conn = pool.get()?;
        let applied = domain::db::run_migrations(&mut conn)
            .map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
        if !applied.is_empty() {
            tracing::info!(?applied, "applied migrations");
        }
        Ok(pool)
    })
    .await?
}

/// The process's background work: the search indexer thread and, in a server, the other
/// background loops (`crate::background`).
pub struct IndexerHandle {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    background: Option<Background>,
}

impl IndexerHandle {
    /// Stops the background loops (the mail worker finishes the messages in flight) and the
    /// indexer, and waits for the indexer (it releases the index writer). Call it off the
    /// async workers (e.g. in `spawn_blocking`).
    pub fn stop(&mut self) {
        if let Some(background) = self.background.take() {
            background.stop_blocking();
        }
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the one indexer of this process on `<data dir>/search`.
pub fn start_indexer(
    config: &Config,
    pool: domain::db::DbPool,
    search: search::Search,
) -> std::io::Result<IndexerHandle> {
    let store = search::IndexStore::new(config.data_dir());
    let indexer = search::Indexer::new(
        store,
        pool,
        search,
        Duration::from_millis(config.index_poll_ms.max(10)),
    );
    let stop = indexer.stop_flag();
    let thread = std::thread::Builder::new()
        .name("search-indexer".into())
        .spawn(move || indexer.run())?;
    Ok(IndexerHandle {
        stop,
        thread: Some(thread),
        background: None,
    })
}

/// Runs `job` on the blocking pool every `every` until aborted; failures are logged and the
/// next tick retries. `what` names the job in the log; each finished tick counts as a pass of
/// `which` in `progress`.
fn start_periodic(
    pool: domain::db::DbPool,
    every: Duration,
    what: &'static str,
    (which, progress): (Loop, Progress),
    job: impl Fn(&mut domain::db::DbConnection) -> anyhow::Result<usize> + Clone + Send + Sync + 'static,
) -> tokio::task::AbortHandle {
    let job = Arc::new(job);
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let pool = pool.clone();
            let job = job.clone();
            let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                job(&mut conn)
            })
            .await;
            match outcome {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(job = what, count = n, "periodic job done"),
                Ok(Err(e)) => {
                    tracing::warn!(job = what, error = %e, "periodic job failed; retrying")
                }
                Err(e) => tracing::error!(job = what, error = %e, "periodic job task failed"),
            }
            progress.passed(which);
        }
    });
    task.abort_handle()
}

/// Every `every`, reminds owners of open listings that end within 24 hours (once per end date;
/// see `domain::listing::notify_expiring_listings`). Several processes may run this at once:
/// each listing is claimed by one of them.
pub fn start_expiry_reminders(
    pool: domain::db::DbPool,
    every: Duration,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::ExpiryReminders, progress.clone());
    start_periodic(pool, every, "expiry reminders", counted, |conn| {
        Ok(domain::listing::notify_expiring_listings(conn)?)
    })
}

/// Every `every`, recomputes each company's response rate and writes the changed ones with
/// their outbox events (see `domain::storefront::refresh_response_rates`).
pub fn start_response_rate_refresh(
    pool: domain::db::DbPool,
    every: Duration,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::ResponseRates, progress.clone());
    start_periodic(pool, every, "response rates", counted, |conn| {
        Ok(domain::storefront::refresh_response_rates(conn)?)
    })
}

/// Every `every`: warns companies whose business licence ends soon or has ended
/// (`domain::company::notify_licence_expiry`, once per threshold), lowers the penalty level of
/// companies whose points expired (`domain::penalty::relax_levels`) and recomputes credit
/// profiles (`domain::credit::refresh_credit`). Safe in several processes at once.
pub fn start_credit_jobs(
    pool: domain::db::DbPool,
    every: Duration,
    warning_days: Vec<u32>,
    policy: domain::penalty::PenaltyPolicy,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::CreditJobs, progress.clone());
    start_periodic(pool, every, "licences and credit", counted, move |conn| {
        let warned = domain::company::notify_licence_expiry(conn, &warning_days)?;
        let relaxed = domain::penalty::relax_levels(conn, &policy)?;
        let refreshed = domain::credit::refresh_credit(conn)?;
        Ok(warned + relaxed + refreshed)
    })
}

/// Every `every`, records as final the takedowns whose counter-notice window ended (see
/// `domain::takedown::finalize_due`).
pub fn start_takedown_finalizer(
    pool: domain::db::DbPool,
    every: Duration,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::TakedownFinalizer, progress.clone());
    start_periodic(pool, every, "takedown finalization", counted, |conn| {
        Ok(domain::takedown::finalize_due(conn)?)
    })
}

/// Every `every`, purges the registration records of companies that left more than
/// `retention_years` ago (see `domain::retention::purge_due`).
pub fn start_retention_purge(
    pool: domain::db::DbPool,
    every: Duration,
    retention_years: u32,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::RetentionPurge, progress.clone());
    start_periodic(pool, every, "retention purge", counted, move |conn| {
        Ok(domain::retention::purge_due(conn, retention_years)?)
    })
}

/// Every `every`, removes uploads never attached within `grace`, and their bytes where no
/// other upload shares them (see `crate::media::remove_orphans`).
pub fn start_media_orphan_cleanup(
    pool: domain::db::DbPool,
    store: crate::media::MediaStore,
    every: Duration,
    grace: Duration,
) -> tokio::task::AbortHandle {
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match crate::media::remove_orphans(&pool, &store, grace).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "orphan uploads removed"),
                Err(e) => tracing::warn!(error = %e, "orphan upload clean-up failed; retrying"),
            }
        }
    });
    task.abort_handle()
}

pub struct Application {
    server: Server,
    port: u16,
    metrics_port: Option<u16>,
    state: AppState,
    indexer: IndexerHandle,
    progress: Progress,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        crate::cors::check_origins(&config)?;
        let services = Services::connect(config.clone()).await?;
        let pool = services.pool.clone();
        let keys = match &config.jwt_key_file {
            Some(path) => JwtKeys::load_file(path)?,
            None => JwtKeys::load_or_generate(&config.keys_dir())?,
        };
        let search = search::Search::new();
        search::set_count_bound(config.search_count_bound);
        let mut indexer = start_indexer(&config, pool.clone(), search.clone())?;
        let mut background = start_background(&services)?;
        // Lead matching reads this process's index, so it runs where the index does.
        background.add(crate::lead_mail::start_lead_mail(
            pool.clone(),
            search.clone(),
            config.mail_settings(),
            services.mail.clone(),
            Duration::from_millis(config.index_poll_ms.max(10)),
            Duration::from_secs(config.lead_digest_check_secs.max(1)),
            services.progress.clone(),
        ));
        let media = crate::media::MediaStore::from_config(&config)?;
        background.add(start_media_orphan_cleanup(
            pool.clone(),
            media.clone(),
            Duration::from_secs(config.media_orphan_check_secs.max(1)),
            Duration::from_secs(config.media_orphan_hours.saturating_mul(3600)),
        ));
        indexer.background = Some(background);
        let state = AppState {
            media,
            search,
            pool,
            keys: Arc::new(keys),
            limiter: services.limiter.clone(),
            revocations: services.revocations.clone(),
            config: services.config.clone(),
            mail: services.mail.clone(),
            metrics: Arc::new(crate::observe::Metrics::new()),
            category_tree: Arc::default(),
        };
        let progress = services.progress.clone();
        let listener = TcpListener::bind(&config.bind)?;
        let port = listener.local_addr()?.port();
        let metrics_listener = config.metrics_bind().map(TcpListener::bind).transpose()?;
        let metrics_addr = metrics_listener
            .as_ref()
            .map(TcpListener::local_addr)
            .transpose()?;
        let access = MetricsAccess {
            token: config.metrics_token().map(str::to_owned),
            listener: metrics_addr,
        };
        let app_state = state.clone();
        let spec = crate::openapi::openapi();
        let site = web::Data::new(crate::web::Site::new(&config)?);
        let routes = Arc::new(Routes::from_spec(&spec));
        let mut server = HttpServer::new(move || {
            build_app(
                app_state.clone(),
                site.clone(),
                spec.clone(),
                routes.clone(),
                access.clone(),
            )
        })
        .listen(listener)?;
        if let Some(metrics_listener) = metrics_listener {
            server = server.listen(metrics_listener)?;
        }
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        Ok(Application {
            server: server.run(),
            port,
            metrics_port: metrics_addr.map(|a| a.port()),
            state,
            indexer,
            progress,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the separate metrics address (`TRADEFAIR_METRICS_BIND`), if any.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The pass counts of this process's background loops.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    pub async fn run(mut self) -> std::io::Result<()> {
        let result = self.server.await;
        tokio::task::spawn_blocking(move || self.indexer.stop())
            .await
            .ok();
        result
    }

    /// The server future and the indexer, for callers that manage both (tests).
    pub fn into_parts(self) -> (Server, IndexerHandle) {
        (self.server, self.indexer)
    }
}

fn build_app(
    state: AppState,
    site: web::Data<crate::web::Site>,
    spec: utoipa::openapi::OpenApi,
    routes: Arc<Routes>,
    metrics_access: MetricsAccess,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let max_body = state.config.max_body_bytes;
    let cors = crate::cors::cors(&state.config);
    let (app, _) = App::new()
        .app_data(web::Data::new(state))
        .app_data(site)
        .app_data(web::PayloadConfig::new(max_body))
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("invalid query string: {err}"),
            )
            .into()
        }))
        .app_data(web::PathConfig::default().error_handler(|_, _| {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such resource").into()
        }))
        .into_utoipa_app()
        .configure(crate::routes::configure)
        .split_for_parts();
    // Swagger UI would otherwise send the document to swagger.io's validator.
    let swagger_config = utoipa_swagger_ui::Config::default().validator_url("none");
    // Middleware runs outside in: the last `wrap` first.
    app.app_data(web::Data::from(routes))
        .app_data(web::Data::new(metrics_access))
        .service(web::resource("/metrics").route(web::get().to(endpoint::metrics_endpoint)))
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .url("/openapi.json", spec)
                .config(swagger_config),
        )
        .service(web::redirect("/docs", "/docs/"))
        .configure(crate::web::configure)
        .default_service(web::to(crate::methods::no_route))
        // Innermost: sees HEAD as GET, and the route's pattern.
        .wrap(from_fn(crate::auth::api_key::gate))
        .wrap(from_fn(crate::methods::head_as_get))
        .wrap(Condition::new(cors.is_some(), cors.unwrap_or_default()))
        .wrap(from_fn(endpoint::metrics_listener_only))
        .wrap(from_fn(crate::security_headers::security_headers))
        .wrap(from_fn(crate::observe::observe))
}
