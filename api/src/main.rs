//! The `tradefair` binary.

use std::io::Read;

use anyhow::Context;
use api::{Application, Config};
use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's allocator: rendering a page allocates many small short-lived
/// strings, and glibc's `malloc`, `free` and `malloc_consolidate` took a fifth of the server's
/// CPU time under load (docs/benchmarks.md, web pages).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tradefair",
    version,
    about = "Tradefair B2B marketplace server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the HTTP server (migrations are applied first).
    Serve {
        /// Loads the demo suppliers, products and logins first (once; later starts skip it).
        #[arg(long)]
        demo: bool,
    },
    /// Runs the background jobs (mail worker, reminders, periodic refreshes) without HTTP;
    /// run as many as needed beside `serve`. Stops on SIGINT or SIGTERM.
    Worker,
    /// Applies pending database migrations and exits.
    Migrate,
    /// Creates an operator account; the password is read from standard input.
    CreateOperator {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = "Operator")]
        name: String,
    },
    /// Loads the demo data and exits.
    SeedDemo,
    /// Rebuilds the search index from the database into a new directory and swaps it in;
    /// a running server on the same data dir follows the swap without stopping.
    Reindex,
    /// Prints the OpenAPI document.
    Openapi,
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Record retention.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
}

#[derive(clap::Subcommand)]
enum RetentionCommand {
    /// Purges the registration records of companies that left more than
    /// `TRADEFAIR_RETENTION_YEARS` ago (what `serve` does periodically) and prints how many.
    Purge,
}

#[derive(clap::Subcommand)]
enum AuditCommand {
    /// Recomputes the hash chain; exits with status 1 at the first entry that does not check out.
    Verify,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr; stdout carries what commands print for people and scripts.
    api::logging::init()?;
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi => {
            print!("{}", api::openapi::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            let config = Config::load()?;
            api::app::open_database(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::CreateOperator {
            email,
            password_stdin,
            name,
        } => {
            anyhow::ensure!(
                password_stdin,
                "pass --password-stdin and write the password to standard input"
            );
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let config = Config::load()?;
            let pool = api::app::open_database(&config).await?;
            let user = tokio::task::spawn_blocking(move || {
                let mut conn = pool.get()?;
                domain::account::create_operator(&mut conn, &email, &password, &name)
                    .map_err(|e| anyhow::anyhow!("{e}: {:?}", domain::DomainError::fields(&e)))
            })
            .await??;
            println!("operator {} created ({})", user.email, user.id);
            Ok(())
        }
        Command::Reindex => {
            let config = Config::load()?;
            let pool = api::app::open_database(&config).await?;
            let store = search::IndexStore::new(config.data_dir());
            let index =
                tokio::task::spawn_blocking(move || search::rebuild(&store, &pool)).await??;
            println!("search index rebuilt: {}", index.name);
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let config = Config::load()?;
            let pool = api::app::open_database(&config).await?;
            let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = pool.get()?;
                Ok(domain::audit::verify(&mut conn)?)
            })
            .await??;
            match outcome {
                Ok(n) => {
                    println!("audit log intact: {n} entries");
                    Ok(())
                }
                Err(broken) => {
                    println!(
                        "audit log BROKEN at entry {}: {}",
                        broken.seq, broken.problem
                    );
                    std::process::exit(1);
                }
            }
        }
        Command::Worker => {
            let mut config = Config::load()?;
            // The e-mail is this command's main job; `TRADEFAIR_MAIL_WORKER=false` still turns
            // it off.
            if std::env::var("TRADEFAIR_MAIL_WORKER").is_err() {
                config.mail_worker = true;
            }
            warn_on_test_build();
            let services = api::services::Services::connect(config)
                .await
                .context("cannot start the worker")?;
            let background = api::background::start_background(&services)?;
            println!(
                "Tradefair worker running (mail worker {})",
                if services.config.mail_worker {
                    "on"
                } else {
                    "off"
                }
            );
            shutdown_signal().await;
            tracing::info!("stopping background jobs");
            background.stop().await;
            Ok(())
        }
        Command::Retention {
            command: RetentionCommand::Purge,
        } => {
            let config = Config::load()?;
            let years = config.retention_years;
            let pool = api::app::open_database(&config).await?;
            let purged = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                Ok(domain::retention::purge_due(&mut conn, years)?)
            })
            .await??;
            println!("retention purge: {purged} companies purged (retention {years} years)");
            Ok(())
        }
        Command::SeedDemo => {
            let config = Config::load()?;
            seed_demo(&config).await
        }
        Command::Serve { demo } => {
            let config = Config::load()?;
            warn_on_test_build();
            if demo {
                seed_demo(&config).await?;
            }
            let app = Application::build(config.clone())
                .await
                .context("cannot start the server")?;
            tracing::info!(port = app.port(), bind = %config.bind, "listening");
            // The address actually bound (the port may have been 0), for people and scripts.
            let host = config
                .bind
                .rsplit_once(':')
                .map(|(h, _)| h)
                .unwrap_or("127.0.0.1");
            println!(
                "Tradefair is serving on http://{host}:{} (API docs at /docs/)",
                app.port()
            );
            app.run().await?;
            Ok(())
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

async fn seed_demo(config: &Config) -> anyhow::Result<()> {
    let pool = api::app::open_database(config).await?;
    let logins =
        tokio::task::spawn_blocking(move || -> anyhow::Result<domain::demo::DemoLogins> {
            let mut conn = pool.get()?;
            Ok(domain::demo::load(&mut conn)?)
        })
        .await??;
    let store = api::media::MediaStore::from_config(config)?;
    let pool = api::app::open_database(config).await?;
    let pictured =
        api::media::demo::picture_demo_products(&pool, &store, config.data_dir()).await?;
    if pictured > 0 {
        println!("Drew {pictured} demo product pictures.");
    }
    let drawn = api::media::demo::draw_demo_buy_requests(&pool, &store, config.data_dir()).await?;
    if drawn > 0 {
        println!("Attached a drawing to {drawn} demo buy requests.");
    }
    if logins.loaded {
        println!(
            "Loaded demo data: {} suppliers, {} products.",
            logins.suppliers, logins.products
        );
    } else {
        println!("Demo data is already loaded.");
    }
    println!("Demo logins (password for all: {}):", logins.password);
    println!("  operator: {}", logins.operator);
    println!("  buyer:    {}", logins.buyer);
    println!("  supplier: {}", logins.supplier);
    Ok(())
}

/// The test features make the clock movable and password hashes cheap: a server or worker
/// built with them must not run a real marketplace, so both say so when they start.
fn warn_on_test_build() {
    if domain::TEST_BUILD {
        tracing::warn!(
            "built with the test features (movable clock, cheap password hashes): \
             for tests only, never for a real marketplace; build with `cargo build -p api`"
        );
    }
}
