//! Run with: `cargo run -p example-axum`
//!
//! Serves the example on `127.0.0.1:3000` (`PORT`), on the SQLite file `example-axum.db` (or `DATABASE_URL`),
//! creating the Auth.js tables at start-up. Sign in with an e-mailed link (sent over SMTP with `SMTP_URL`; printed
//! to the console in a debug build or with `AUTH_EMAIL_CONSOLE=1`, and a release build without either refuses to
//! start) or with GitHub (when `AUTH_GITHUB_ID` and `AUTH_GITHUB_SECRET` are set). See the README for every
//! variable.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm::{Adapter, SeaOrmAdapter};
use example_axum::{BoxError, Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    dotenvy::dotenv().ok();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("example-axum: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let port = match std::env::var("PORT") {
        Ok(port) => port.parse::<u16>().map_err(|err| format!("PORT: {err}"))?,
        Err(_) => 3000,
    };
    let config = Config::from_env(port)?;
    let mailer = example_axum::mail::from_env()?;

    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://example-axum.db?mode=rwc".to_owned());
    let backend = url.split(':').next().unwrap_or_default();
    let mut options = authjs_sea_orm::connect_options(&url);
    if let Ok(size) = std::env::var("DATABASE_MAX_CONNECTIONS") {
        let size =
            size.parse::<u32>().ok().filter(|&n| n > 0).ok_or("DATABASE_MAX_CONNECTIONS: not a positive number")?;
        options.max_connections(size);
    }
    let pooler = std::env::var("AUTH_DATABASE_POOLER").unwrap_or_default();
    let transaction_pooler = match pooler.trim() {
        "" | "none" | "session" => false,
        "transaction" => true,
        other => return Err(format!("AUTH_DATABASE_POOLER: {other:?} is not none, session or transaction").into()),
    };
    let direct_url = std::env::var("DATABASE_DIRECT_URL").ok().filter(|u| !u.trim().is_empty());
    let db = sea_orm::Database::connect(options).await?;
    // The migration needs the server itself: a transaction pooler may split its prepared statements' exchanges over
    // two server connections.
    match &direct_url {
        Some(direct) => {
            let direct = authjs_sea_orm::connect(direct).await?;
            Migrator::up(&direct, None).await?;
            direct.close().await?;
        }
        None if transaction_pooler => {
            return Err("AUTH_DATABASE_POOLER=transaction: set DATABASE_DIRECT_URL (the database itself, not the \
                        pooler) for the migration"
                .into());
        }
        None => Migrator::up(&db, None).await?,
    }
    tracing::info!(%backend, transaction_pooler, "database ready");
    let adapter = SeaOrmAdapter::new(db);
    let adapter = if transaction_pooler { adapter.behind_transaction_pooler() } else { adapter };

    match &config.github {
        Some(_) => tracing::info!(callback = %config.url("/auth/callback/github"), "GitHub sign-in enabled"),
        None => tracing::info!("GitHub sign-in disabled (set AUTH_GITHUB_ID and AUTH_GITHUB_SECRET)"),
    }

    // Auth.js never deletes expired rows whose cookie is gone; sweep them hourly.
    let sweeper = adapter.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            let now = chrono::Utc::now();
            match (sweeper.delete_expired_sessions(now).await, sweeper.delete_expired_verification_tokens(now).await) {
                (Ok(sessions), Ok(tokens)) => tracing::debug!(sessions, tokens, "removed expired rows"),
                (Err(err), _) | (_, Err(err)) => tracing::warn!(error = %err, "removing expired rows failed"),
            }
        }
    });

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tracing::info!("listening on http://{} (open {})", listener.local_addr()?, config.base_url);
    let app = example_axum::app(config, adapter, mailer);
    // The peer address feeds the per-IP limit on magic links.
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await?;
    Ok(())
}
