//! Building and running the server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::StatusCode;
use actix_web::middleware::{Condition, from_fn};
use actix_web::{App, HttpServer, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::keys::JwtKeys;
use crate::background::periodic::start_media_orphan_cleanup;
use crate::background::{IndexerHandle, start_background, start_indexer, start_lead_matching};
use crate::config::Config;
use crate::error::ApiError;
use crate::methods::Routes;
use crate::observe::endpoint::{self, MetricsAccess};
use crate::progress::Progress;
use crate::services::Services;
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
        background.add(start_lead_matching(
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
            public_media: Arc::default(),
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
        .wrap(from_fn(crate::methods::literal_paths_first))
        .wrap(from_fn(crate::auth::api_key::gate))
        .wrap(from_fn(crate::methods::head_as_get))
        .wrap(Condition::new(cors.is_some(), cors.unwrap_or_default()))
        .wrap(from_fn(endpoint::metrics_listener_only))
        .wrap(from_fn(crate::security_headers::security_headers))
        .wrap(from_fn(crate::observe::observe))
}
