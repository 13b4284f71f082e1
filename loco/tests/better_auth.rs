//! The Better Auth integration (feature `better-auth`) in a booted Loco app, with Loco's request testing: an app
//! whose `Migrator` holds `better_auth::migration::Migration` and whose initializers hold `BetterAuthInitializer`,
//! on SQLite and PostgreSQL (a fresh database per test on the server of `AUTHJS_TEST_POSTGRES_URL`, made by Loco's
//! test support; skipped when it is unset, unless `CI=true`):
//! - boot fails on a blank secret, naming the setting and not the secret (SQLite: it fails before the database
//!   matters);
//! - a session row and signed cookie made as the Node app makes them are accepted by a handler taking `SignedIn`
//!   (200 with the user), a tampered cookie is 401 (and `MaybeSignedIn` is signed out), signing out ends the session;
//!   on Better Auth's own tables and, with `tables: drizzle`, on those of its Drizzle CLI (`*_drizzle_tables`).
#![cfg(feature = "better-auth")]
#![allow(missing_docs)] // test crate
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::path::Path;

use authjs_sea_orm::better_auth::cookies::{encode_value, sign};
use authjs_sea_orm::better_auth::{Session, generate_id};
use authjs_sea_orm_loco::better_auth::{self, BetterAuthInitializer, MaybeSignedIn, SignedIn, migration};
use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use chrono::{Duration, Utc};
use loco_rs::TestServer;
use loco_rs::app::{AppContext, Hooks, Initializer};
use loco_rs::bgworker::Queue;
use loco_rs::boot::{BootResult, StartMode, create_app};
use loco_rs::config::Config;
use loco_rs::controller::AppRoutes;
use loco_rs::environment::Environment;
use loco_rs::prelude::*;
use loco_rs::task::Tasks;
use loco_rs::testing::db::{TestSupport, init_test_db_creation};
use loco_rs::testing::request::RequestConfig;
use sea_orm::ConnectionTrait;
use sea_orm_migration::MigratorTrait;

const SECRET: &str = "the Node app's BETTER_AUTH_SECRET, 32+ characters";
const USER_ID: &str = "zq0DOCaD3mQ7pYvAXxk0Jc2v3Wg3cJ0D";

/// The app's migrator, with the added line.
struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        vec![Box::new(migration::Migration)]
    }
}

/// The migrator of an app on the tables of Better Auth's Drizzle CLI (`tables: drizzle`).
struct DrizzleMigrator;

impl MigratorTrait for DrizzleMigrator {
    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        vec![Box::new(migration::drizzle::Migration)]
    }
}

/// The app, with migrator `M`.
struct App<M = Migrator>(PhantomData<M>);

#[async_trait]
impl<M: MigratorTrait + Send + Sync + 'static> Hooks for App<M> {
    fn app_name() -> &'static str {
        "better-auth-test"
    }

    async fn boot(mode: StartMode, environment: &Environment, config: Config) -> Result<BootResult> {
        create_app::<Self, M>(mode, environment, config).await
    }

    async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
        Ok(vec![Box::new(BetterAuthInitializer)])
    }

    fn routes(_ctx: &AppContext) -> AppRoutes {
        AppRoutes::empty().add_route(
            Routes::new().prefix("/api").add("/me", get(me)).add("/hello", get(hello)).add("/sign-out", post(sign_out)),
        )
    }

    async fn connect_workers(_ctx: &AppContext, _queue: &Queue) -> Result<()> {
        Ok(())
    }

    fn register_tasks(_tasks: &mut Tasks) {}

    async fn truncate(_ctx: &AppContext) -> Result<()> {
        Ok(())
    }

    async fn seed(_ctx: &AppContext, _base: &Path) -> Result<()> {
        Ok(())
    }
}

#[debug_handler(state = AppContext)]
async fn me(signed_in: SignedIn) -> Result<Response> {
    format::json(serde_json::json!({ "id": signed_in.user.id, "email": signed_in.user.email }))
}

#[debug_handler(state = AppContext)]
async fn hello(MaybeSignedIn(current): MaybeSignedIn) -> Result<Response> {
    format::text(&format!("Hello, {}", current.map_or_else(|| "stranger".to_owned(), |c| c.user.name)))
}

#[debug_handler]
async fn sign_out(State(ctx): State<AppContext>, headers: HeaderMap) -> Result<Response> {
    let auth = better_auth::better_auth(&ctx)?;
    let (_, cookies) = auth.sign_out_with_headers(&headers).await.map_err(|_| Error::InternalServerError)?;
    Ok((cookies, "signed out").into_response())
}

/// A Loco test config on the database `uri`, with this `settings.better_auth` block.
fn config(uri: &str, better_auth: serde_json::Value) -> Config {
    serde_json::from_value(serde_json::json!({
        "logger": { "enable": false, "level": "error", "format": "compact" },
        "server": { "port": 5150, "host": "http://localhost" },
        "database": {
            "uri": uri, "enable_logging": false, "min_connections": 1, "max_connections": 1,
            "connect_timeout": 5000, "idle_timeout": 5000, "auto_migrate": true,
        },
        "workers": { "mode": "ForegroundBlocking" },
        "settings": { "better_auth": better_auth },
    }))
    .unwrap()
}

/// A fresh database of `backend` by Loco's test support (`None`: PostgreSQL is not configured, outside CI).
async fn fresh_db(backend: &str) -> Option<Box<dyn TestSupport>> {
    let base = match backend {
        "sqlite" => "sqlite://better_auth_test.sqlite?mode=rwc".to_owned(),
        _ => match std::env::var("AUTHJS_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("AUTHJS_TEST_POSTGRES_URL is required in CI"),
            _ => {
                eprintln!("skipped: AUTHJS_TEST_POSTGRES_URL is not set");
                return None;
            }
        },
    };
    let db = init_test_db_creation(&base).unwrap();
    db.init_db().await;
    Some(db)
}

async fn boot(uri: &str, better_auth: serde_json::Value) -> Result<BootResult> {
    App::<Migrator>::boot(StartMode::ServerOnly, &Environment::Test, config(uri, better_auth)).await
}

async fn boot_fails_on_a_blank_secret(backend: &str) {
    let Some(db) = fresh_db(backend).await else { return };
    // `secret: <%= get_env(name="BETTER_AUTH_SECRET", default="") %>` with the variable unset, or blank.
    for blank in ["", "   "] {
        let err = boot(db.get_connection_str(), serde_json::json!({ "secret": blank })).await.err().unwrap();
        let err = err.to_string();
        assert!(err.contains("settings.better_auth") && err.contains("empty or only whitespace"), "{err}");
    }
    let list = serde_json::json!({ "secrets": "2:a-good-secret,1:" });
    let err = boot(db.get_connection_str(), list).await.err().unwrap().to_string();
    assert!(err.contains("secret 1") && !err.contains("a-good-secret"), "{err}");
    db.cleanup_db();
}

/// The `Cookie` header of a session token, signed as Better Auth signs it.
fn cookie(token: &str) -> String {
    format!("better-auth.session_token={}", encode_value(&sign(token, SECRET)))
}

/// The scenario on `backend`, on Better Auth's own tables or (`drizzle`) on those of its Drizzle CLI.
async fn a_node_session_is_accepted_tampering_is_not_and_sign_out_ends_it(backend: &str, drizzle: bool) {
    let Some(db) = fresh_db(backend).await else { return };
    let (uri, environment) = (db.get_connection_str(), &Environment::Test);
    let boot = if drizzle {
        let settings = serde_json::json!({ "secret": SECRET, "tables": "drizzle" });
        App::<DrizzleMigrator>::boot(StartMode::ServerOnly, environment, config(uri, settings)).await.unwrap()
    } else {
        boot(uri, serde_json::json!({ "secret": SECRET })).await.unwrap()
    };
    let ctx = boot.app_context.clone();
    let server =
        TestServer::new_with_config(boot.router.unwrap().into_make_service_with_connect_info::<SocketAddr>(), {
            RequestConfig::default()
        })
        .unwrap();

    // The user as Better Auth writes it, and a session as its sign-in does.
    ctx.db
        .execute_unprepared(&format!(
            r#"INSERT INTO "user" ({columns}) VALUES ('{USER_ID}', 'Ada', 'ada@example.com', {verified}, NULL, {now}, {now})"#,
            columns = if drizzle {
                r#""id", "name", "email", "email_verified", "image", "created_at", "updated_at""#
            } else {
                r#""id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt""#
            },
            verified = if backend == "sqlite" { "1" } else { "true" },
            now = match (backend, drizzle) {
                ("sqlite", false) => "'2026-12-02T16:54:16.760Z'",
                ("sqlite", true) => "1764694456760",
                _ => "now()",
            },
        ))
        .await
        .unwrap();
    let now = Utc::now();
    let session = Session {
        id: generate_id(),
        token: generate_id(),
        user_id: USER_ID.to_owned(),
        expires_at: now + Duration::days(7),
        created_at: now,
        updated_at: now,
        ip_address: Some(String::new()),
        user_agent: Some("node".to_owned()),
    };
    // The initializer's store: the tables of the settings' naming, over `ctx.db`.
    let auth = better_auth::better_auth(&ctx).unwrap();
    let session = auth.store().create_session(session).await.unwrap();
    let signed = cookie(&session.token);

    let response = server.get("/api/me").add_header(COOKIE, &signed).await;
    assert_eq!(response.status_code(), 200);
    assert_eq!(response.json::<serde_json::Value>(), serde_json::json!({ "id": USER_ID, "email": "ada@example.com" }));
    assert_eq!(server.get("/api/hello").add_header(COOKIE, &signed).await.text(), "Hello, Ada");

    // A tampered signature, a token signed with another secret, no cookie: 401, and nothing sent.
    let tampered = format!("{}x", &signed[..signed.len() - 3]);
    let other_secret = format!("better-auth.session_token={}", encode_value(&sign(&session.token, "another secret")));
    for cookie in [tampered.as_str(), other_secret.as_str()] {
        let response = server.get("/api/me").add_header(COOKIE, cookie).await;
        assert_eq!(response.status_code(), 401, "{cookie}");
        assert!(response.headers().get(SET_COOKIE).is_none());
        assert_eq!(server.get("/api/hello").add_header(COOKIE, cookie).await.text(), "Hello, stranger");
    }
    assert_eq!(server.get("/api/me").await.status_code(), 401);

    // Signing out deletes the session and expires the cookies; the cookie is then signed out.
    let response = server.post("/api/sign-out").add_header(COOKIE, &signed).await;
    assert_eq!(response.status_code(), 200);
    let expired: Vec<_> =
        response.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(expired.iter().any(|c| c.starts_with("better-auth.session_token=; Max-Age=0")), "{expired:?}");
    assert_eq!(auth.store().session_and_user(&session.token).await.unwrap(), None);
    assert_eq!(server.get("/api/me").add_header(COOKIE, &signed).await.status_code(), 401);

    // Loco's test support drops the PostgreSQL database: the app's pool must be closed first.
    drop(server);
    ctx.db.clone().close().await.unwrap();
    db.cleanup_db();
}

#[tokio::test]
async fn sqlite_boot_fails_on_a_blank_secret() {
    boot_fails_on_a_blank_secret("sqlite").await;
}

#[tokio::test]
async fn sqlite_a_node_session_is_accepted_tampering_is_not_and_sign_out_ends_it() {
    a_node_session_is_accepted_tampering_is_not_and_sign_out_ends_it("sqlite", false).await;
}

#[tokio::test]
async fn postgres_a_node_session_is_accepted_tampering_is_not_and_sign_out_ends_it() {
    a_node_session_is_accepted_tampering_is_not_and_sign_out_ends_it("postgres", false).await;
}

#[tokio::test]
async fn sqlite_drizzle_tables() {
    a_node_session_is_accepted_tampering_is_not_and_sign_out_ends_it("sqlite", true).await;
}

#[tokio::test]
async fn postgres_drizzle_tables() {
    a_node_session_is_accepted_tampering_is_not_and_sign_out_ends_it("postgres", true).await;
}
