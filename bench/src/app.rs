//! The app process of the many-processes test's cache rows (`bench --serve-app`, started by `processes.rs`): `GET
//! /auth/session` answered as `examples/axum` answers it (the same extractor, `refresh_session_cookie`, Auth.js's
//! JSON), on `SeaOrmAdapter`, with or without `CachedAdapter` and its `CacheListener`, so both columns run the same
//! code but for the cache. `GET /bench/stats` gives the cache's hit counters.
//!
//! Environment: `DATABASE_URL`, `DATABASE_MAX_CONNECTIONS`, `PORT`, `AUTH_SECRET`, `AUTH_DATABASE_POOLER=transaction`
//! (with `DATABASE_DIRECT_URL`), `BENCH_APP_CACHE=1` (the cache, one-hour time-to-live, its listener on
//! `DATABASE_DIRECT_URL`; the port is opened once it listens).

use std::time::{Duration, Instant};

use authjs_sea_orm::axum::{Auth, AuthConfig, CurrentSession, MaybeSession, refresh_session_cookie};
use authjs_sea_orm::cache::{CacheListener, CacheStats, CachedAdapter, Invalidation};
use authjs_sea_orm::{Adapter, SeaOrmAdapter};
use axum::Router;
use axum::routing::get;
use serde::Serialize;

use crate::workload::Result;

fn env(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| format!("bench app: set {name}").into())
}

/// Auth.js's session payload, as `examples/axum` writes it.
#[derive(Serialize)]
struct SessionJson {
    user: SessionUser,
    expires: String,
}

#[derive(Serialize)]
struct SessionUser {
    name: Option<String>,
    email: Option<String>,
    image: Option<String>,
}

async fn session<A: Adapter<Extra = ()> + Clone + 'static>(
    MaybeSession(current): MaybeSession<A>,
) -> axum::Json<Option<SessionJson>> {
    axum::Json(current.map(|CurrentSession { session, user }| SessionJson {
        user: SessionUser { name: user.name, email: user.email, image: user.image },
        expires: session.expires().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }))
}

#[derive(Serialize)]
struct Stats {
    session_hits: u64,
    session_misses: u64,
}

fn router<A: Adapter<Extra = ()> + Clone + 'static>(
    auth: Auth<A>,
    stats: impl Fn() -> Stats + Clone + Send + Sync + 'static,
) -> Router {
    Router::new()
        .route("/auth/session", get(session::<A>))
        .route("/bench/stats", get(move || async move { axum::Json(stats()) }))
        .layer(axum::middleware::from_fn(refresh_session_cookie))
        .with_state(auth)
}

/// Serves until killed.
pub(crate) async fn serve() -> Result<()> {
    let url = env("DATABASE_URL")?;
    let port: u16 = env("PORT")?.parse()?;
    let config = AuthConfig::for_url(env("AUTH_SECRET")?, "http://127.0.0.1")?;
    let mut options = authjs_sea_orm::connect_options(&url);
    options.max_connections(env("DATABASE_MAX_CONNECTIONS")?.parse()?);
    let adapter = SeaOrmAdapter::new(sea_orm::Database::connect(options).await?);
    let adapter = match std::env::var("AUTH_DATABASE_POOLER").as_deref() {
        Ok("transaction") => adapter.behind_transaction_pooler(),
        _ => adapter,
    };
    let app = if std::env::var("BENCH_APP_CACHE").is_ok_and(|v| v == "1") {
        let cached = CachedAdapter::builder(adapter).time_to_live(Duration::from_secs(3600)).build();
        let _listener = CacheListener::new(&env("DATABASE_DIRECT_URL")?)?.spawn(cached.invalidator());
        let deadline = Instant::now() + Duration::from_secs(30);
        while cached.invalidation() != Invalidation::Listening {
            if Instant::now() > deadline {
                return Err("bench app: the cache listener did not listen within 30 s".into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let counters = cached.clone();
        let stats = move || {
            let CacheStats { session_hits, session_misses, .. } = counters.stats();
            Stats { session_hits, session_misses }
        };
        router(Auth::new(cached, config), stats)
    } else {
        router(Auth::new(adapter, config), || Stats { session_hits: 0, session_misses: 0 })
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
