//! Run with: `AUTH_SECRET=… AUTH_URL=http://localhost:3000 cargo run -p example-jwt-api`
//!
//! Serves the API on `127.0.0.1:3001` (`PORT`) with the settings of [`example_jwt_api::config_from_env`]; refuses to
//! start without a secret. See the README.

use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("example-jwt-api: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = example_jwt_api::config_from_env(|name| std::env::var(name).ok())?;
    let port = match std::env::var("PORT") {
        Ok(port) => port.parse::<u16>().map_err(|err| format!("PORT: {err}"))?,
        Err(_) => 3001,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tracing::info!(
        address = %listener.local_addr()?,
        conventions = ?config.conventions,
        cookie = config.cookie_name(),
        secrets = config.secrets().count(),
        "listening"
    );
    axum::serve(listener, example_jwt_api::app(config)).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

/// Resolves on Ctrl-C.
async fn shutdown() {
    if let Err(err) = tokio::signal::ctrl_c().await {
        tracing::error!(error = %err, "listening for Ctrl-C failed");
        std::future::pending::<()>().await;
    }
}
