//! A real Better Auth server and a Rust app are one sign-in system: `tests/interop-better-auth/server.mjs`
//! (`betterAuth()` of better-auth 1.7.25 on `node:http` through `toNodeHandler`) and an Axum app using
//! `authjs_core::better_auth` (the `MaybeSession`/`CurrentSession` extractors, `refresh_session_cookies`, sign-in and
//! sign-out) over `authjs_sea_orm::better_auth::BetterAuthStore` run on one database with the same secrets, and the
//! test drives both over HTTP with the same cookies, as one browser would. Node's `GET /api/auth/get-session` and the
//! Rust app's `GET /api/session` answer in the same JSON shape, so most checks are "both answer the same, and send
//! the same `Set-Cookie` headers" ([`Apps::both`]).
//!
//! - `node_session_is_read_by_rust`: a user signed up and signed in on Node is signed in on Rust with the same
//!   session and user fields as Node's `get-session` (the sign-up's cookie too; the required extractor as well);
//! - `rust_session_is_read_by_node`: a sign-in done in Rust (for a user who signed up on Node) is accepted by Node,
//!   its `Set-Cookie` attributes are Better Auth's (with and without "remember me");
//! - `refresh_on_either_side_is_seen_by_the_other`: a session whose last refresh is `updateAge` old is refreshed by
//!   the side that reads it first (same token, byte-identical cookie), and the other side sees the same `expiresAt`
//!   to the millisecond and does not refresh again;
//! - `sign_out_on_either_side_ends_the_session_on_both`: this session on either side, and everywhere from Rust;
//! - `expired_session_is_signed_out_on_both`: signed out, the row deleted, the same expiring cookies;
//! - `bad_cookies_are_signed_out_on_both`: tampered, another secret's, unknown, malformed, oversized and duplicated
//!   cookies: both sides signed out (never a 500) with the same `Set-Cookie` headers, or both signed in. Two
//!   differences, both for cookies only the holder of the secret can make, are pinned there: a well-signed token
//!   over 1024 bytes gets no `Set-Cookie` from Rust (refused before any lookup) where Better Auth expires the
//!   cookies of an unknown session; a well-signed token differing from a session's only in case is unknown to Rust
//!   (byte-exact lookups) where Better Auth on MariaDB finds the session (its lookup follows the column's
//!   case-insensitive collation);
//! - `dont_remember_sessions_are_never_refreshed`: a "remember me"-off session (from Node or Rust) is not refreshed
//!   by either side while its `dont_remember` cookie is sent, and is refreshed alike once it is not;
//! - `cookie_cache_compact`, `cookie_cache_jwt`, `cookie_cache_jwe`: Node's `session_data` is read by Rust (after the
//!   row is deleted in SQL both still answer from it), a tampered one is refused by both (falling back to the
//!   database), one without `session_token` is nothing;
//! - `secret_rotation`: with `BETTER_AUTH_SECRETS="2:new,1:old"` on both sides, both refuse a session cookie signed
//!   with the old secret, accept the new one's, and accept a JWE cookie cache of the old secret;
//! - `secure_cookies`: `__Secure-` names (`advanced.useSecureCookies`) on both sides, the unprefixed name ignored;
//! - `rust_first_tables_serve_better_auth`: tables created by `migration::better_auth` (or its `drizzle` module) are
//!   the ones Better Auth expects (`getMigrations`, or drizzle-kit's push, finds nothing to do) and serve it;
//! - `better_auth_tables_are_adopted`: tables Better Auth (or drizzle-kit) created are adopted by the migration with
//!   nothing altered, and then shared.
//!
//! Each case runs on SQLite (one file both open), PostgreSQL and MariaDB, with Better Auth's own table naming and
//! with its Drizzle CLI's (`sqlite::better_auth::…`, `mysql::drizzle::…`). Needs Node 20+ and
//! `npm ci --prefix tests`; without them the tests print `skipped: …` and pass, unless `CI=true`, where they fail,
//! as do missing `AUTHJS_TEST_POSTGRES_URL` / `AUTHJS_TEST_MYSQL_URL`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::sync::Arc;

use authjs_sea_orm::better_auth::{BetterAuthDrizzleTables, BetterAuthStore, SessionStore};
use authjs_sea_orm::core::better_auth::axum::{CurrentSession, MaybeSession, refresh_session_cookies};
use authjs_sea_orm::core::better_auth::cookies::{encode_value, sign};
use authjs_sea_orm::core::better_auth::{
    BetterAuth, BetterAuthConfig, CacheStrategy, CookieCache as RustCookieCache, Secrets, generate_id,
};
use authjs_sea_orm::migration::MigratorTrait;
use authjs_sea_orm::migration::adopt::RECORD_TABLE;
use authjs_sea_orm::migration::better_auth as ba_migration;
use authjs_sea_orm_tests::better_auth::{BetterAuthNode, CookieCache, Naming, NodeConfig, NodeTables};
use authjs_sea_orm_tests::node::better_auth_ready;
use authjs_sea_orm_tests::{Backend, EmptyDb, TestDb, catalog};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------------

/// `BETTER_AUTH_SECRET` of both sides (32 characters or more: Better Auth warns about shorter ones).
const SECRET: &str = "better-auth-interop-secret-0123456789abcdef";
/// Another app's secret.
const OTHER_SECRET: &str = "another-better-auth-app-secret-0123456789";
/// `session.expiresIn` of most cases, in seconds (short enough to tell from Better Auth's 7 days).
const EXPIRES_IN: i64 = 3600;
/// `session.updateAge` of most cases, in seconds.
const UPDATE_AGE: i64 = 60;
/// The password of every user.
const PASSWORD: &str = "correct horse battery staple";

/// Better Auth's `Set-Cookie` attributes after the value, over plain HTTP, for a cookie of `Max-Age` `max_age`.
fn attributes(max_age: Option<i64>) -> String {
    match max_age {
        Some(seconds) => format!("Max-Age={seconds}; Path=/; HttpOnly; SameSite=Lax"),
        None => "Path=/; HttpOnly; SameSite=Lax".to_owned(),
    }
}

/// Better Auth's expiry of cookie `name`.
fn expiry(name: &str) -> String {
    format!("{name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
}

/// The three cookies Better Auth expires when a session ends (sign-out, an expired or unknown session), as a set.
fn ended(prefix: &str) -> BTreeSet<String> {
    ["session_token", "session_data", "dont_remember"]
        .iter()
        .map(|c| expiry(&format!("{prefix}better-auth.{c}")))
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// The Rust app
// ---------------------------------------------------------------------------------------------------------------

/// A date as JavaScript's `toISOString` writes it, as Better Auth's JSON has it.
fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A session and its user in the shape of Better Auth's `get-session` body.
fn session_body(current: &CurrentSession) -> Value {
    let (s, u) = (&current.session, &current.user);
    json!({
        "session": {
            "expiresAt": iso(s.expires_at),
            "token": s.token,
            "createdAt": iso(s.created_at),
            "updatedAt": iso(s.updated_at),
            "ipAddress": s.ip_address,
            "userAgent": s.user_agent,
            "userId": s.user_id,
            "id": s.id,
        },
        "user": {
            "name": u.name,
            "email": u.email,
            "emailVerified": u.email_verified,
            "image": u.image,
            "createdAt": iso(u.created_at),
            "updatedAt": iso(u.updated_at),
            "id": u.id,
        },
    })
}

/// `body` as JSON, with `x-from-cookie-cache: true` when the session came from the cookie cache.
fn answer(body: Value, current: Option<&CurrentSession>) -> Response {
    let mut response = Json(body).into_response();
    if current.is_some_and(|c| c.from_cookie_cache) {
        response.headers_mut().insert("x-from-cookie-cache", HeaderValue::from_static("true"));
    }
    response
}

/// `GET /api/session`: Better Auth's `get-session` body (`null` when signed out), always 200.
async fn session_route(MaybeSession(current): MaybeSession) -> Response {
    answer(current.as_ref().map_or(Value::Null, session_body), current.as_ref())
}

/// `GET /api/me`: the same, but through the required extractor (401 when signed out).
async fn me_route(current: CurrentSession) -> Response {
    answer(session_body(&current), Some(&current))
}

/// `POST /api/sign-in` `{"email", "rememberMe"}`: a sign-in done in Rust (the app checked the user some way of its
/// own; here the e-mail is enough), with Better Auth's session and cookies. 404 for an unknown address.
async fn sign_in_route(State(auth): State<BetterAuth>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let email = body["email"].as_str().unwrap_or_default();
    let remember = body["rememberMe"].as_bool().unwrap_or(true);
    let user = match auth.store().get_user_by_email(email).await {
        Ok(Some(user)) => user,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match auth.sign_in_with_headers(&headers, &user.id, remember).await {
        Ok((session, cookies)) => {
            (cookies, Json(json!({ "token": session.token, "userId": session.user_id }))).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `POST /api/sign-out`: Better Auth's `sign-out`.
async fn sign_out_route(State(auth): State<BetterAuth>, headers: HeaderMap) -> Response {
    match auth.sign_out_with_headers(&headers).await {
        Ok((deleted, cookies)) => (cookies, Json(json!({ "success": true, "deleted": deleted }))).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `POST /api/sign-out-everywhere`: deletes every session of the signed-in user.
async fn sign_out_everywhere_route(
    State(auth): State<BetterAuth>,
    current: CurrentSession,
    headers: HeaderMap,
) -> Response {
    match auth.sign_out_everywhere_with_headers(&headers, &current.user.id).await {
        Ok((deleted, cookies)) => (cookies, Json(json!({ "deleted": deleted }))).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The Rust app served in-process on 127.0.0.1; stopped when dropped.
struct RustApp {
    base: String,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for RustApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl RustApp {
    async fn serve(auth: BetterAuth) -> RustApp {
        let app = Router::new()
            .route("/api/session", get(session_route))
            .route("/api/me", get(me_route))
            .route("/api/sign-in", post(sign_in_route))
            .route("/api/sign-out", post(sign_out_route))
            .route("/api/sign-out-everywhere", post(sign_out_everywhere_route))
            .layer(middleware::from_fn(refresh_session_cookies))
            .with_state(auth);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        RustApp { base, server }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// A browser's cookies and the answers
// ---------------------------------------------------------------------------------------------------------------

/// The cookies a browser sends, in order (`name=value` as they go in the `Cookie` header).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Cookies(Vec<(String, String)>);

impl Cookies {
    fn header(&self) -> String {
        self.0.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// These cookies with `name` set to `value` (replaced in place, or added last).
    fn with(&self, name: &str, value: &str) -> Cookies {
        let mut cookies = self.clone();
        match cookies.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.to_owned(),
            None => cookies.0.push((name.to_owned(), value.to_owned())),
        }
        cookies
    }

    /// These cookies without `name`.
    fn without(&self, name: &str) -> Cookies {
        Cookies(self.0.iter().filter(|(n, _)| n != name).cloned().collect())
    }

    /// One cookie.
    fn one(name: &str, value: &str) -> Cookies {
        Cookies(vec![(name.to_owned(), value.to_owned())])
    }

    /// Applies `Set-Cookie` headers as a browser does: `Max-Age=0` removes, anything else sets.
    fn apply(&mut self, set_cookies: &[String]) {
        for header in set_cookies {
            let pair = header.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if header.contains("; Max-Age=0;") {
                self.0.retain(|(n, _)| n != name);
            } else {
                *self = self.with(name, value);
            }
        }
    }
}

/// An HTTP answer: status, `Set-Cookie` headers in order, body as JSON (`Value::Null` for an empty body), and whether
/// the Rust app said the session came from the cookie cache.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    set_cookies: Vec<String>,
    body: Value,
    from_cookie_cache: bool,
}

impl Reply {
    async fn of(response: reqwest::Response) -> Reply {
        let status = response.status();
        let set_cookies =
            response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        let from_cookie_cache = response.headers().get("x-from-cookie-cache").is_some();
        let text = response.text().await.unwrap();
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, set_cookies, body, from_cookie_cache }
    }

    /// The `Set-Cookie` headers as a set (Better Auth sends `session_data`'s expiry twice with the cookie cache on).
    fn cookie_set(&self) -> BTreeSet<String> {
        self.set_cookies.iter().cloned().collect()
    }

    /// The `Set-Cookie` header of cookie `name` (the last one, as a browser keeps it).
    fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies.iter().rev().find(|h| h.starts_with(&format!("{name}="))).map(String::as_str)
    }

    /// The session token of the body (`null` body: `None`).
    fn token(&self) -> Option<&str> {
        self.body["session"]["token"].as_str()
    }
}

/// `header`'s value part (between `name=` and the first `;`).
fn value_of(header: &str) -> &str {
    header.split(';').next().unwrap().split_once('=').unwrap().1
}

/// `header`'s attributes (after the first `; `).
fn attributes_of(header: &str) -> &str {
    header.split_once("; ").map_or("", |(_, rest)| rest)
}

// ---------------------------------------------------------------------------------------------------------------
// Both apps
// ---------------------------------------------------------------------------------------------------------------

/// Which side a step talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Node,
    Rust,
}

use Side::{Node, Rust};

/// Who creates the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TablesBy {
    /// Better Auth (`getMigrations`) or drizzle-kit, at the server's start.
    Node,
    /// Our migration `migration::better_auth` (or its `drizzle` module), before the server starts.
    Rust,
}

/// The Rust store on `db` for `naming`.
fn store(naming: Naming, db: sea_orm::DatabaseConnection) -> Arc<dyn SessionStore> {
    match naming {
        Naming::BetterAuth => Arc::new(BetterAuthStore::new(db)),
        Naming::Drizzle => Arc::new(BetterAuthStore::<BetterAuthDrizzleTables>::with_schema(db)),
    }
}

/// Runs our migration of `naming` on `db` (creating the tables, or adopting Better Auth's).
async fn migrate(naming: Naming, db: &sea_orm::DatabaseConnection) {
    match naming {
        Naming::BetterAuth => ba_migration::Migrator::up(db, None).await,
        Naming::Drizzle => ba_migration::drizzle::Migrator::up(db, None).await,
    }
    .unwrap_or_else(|e| panic!("migration::better_auth ({naming:?}): {e}"));
}

/// The Rust configuration mirroring a server's [`NodeConfig`] (same secrets through [`Secrets::from_env`], same
/// lifetimes, same cookie cache).
fn rust_config(node: &NodeConfig, base_url: &str) -> BetterAuthConfig {
    let env = node.secrets.clone();
    let secrets = Secrets::from_env(|name| {
        if name == "NODE_ENV" {
            return Some("test".to_owned());
        }
        env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    })
    .unwrap();
    let mut config = BetterAuthConfig::for_url(secrets, base_url);
    if let Some(seconds) = node.expires_in {
        config.expires_in = Duration::seconds(seconds as i64);
    }
    if let Some(seconds) = node.update_age {
        config.update_age = Duration::seconds(seconds as i64);
    }
    config.secure = node.secure_cookies;
    config.cookie_cache = match node.cookie_cache {
        CookieCache::Off => RustCookieCache::default(),
        CookieCache::Compact => RustCookieCache::enabled(CacheStrategy::Compact),
        CookieCache::Jwt => RustCookieCache::enabled(CacheStrategy::Jwt),
        CookieCache::Jwe => RustCookieCache::enabled(CacheStrategy::Jwe),
    };
    config
}

/// Better Auth's server and the Rust app on one fresh database, and an HTTP client for both (cookies are handled
/// by the test, per request).
struct Apps {
    node: BetterAuthNode,
    rust: RustApp,
    /// The store the Rust app uses, for direct checks and set-ups (backdating a session).
    store: Arc<dyn SessionStore>,
    client: reqwest::Client,
    /// The cookie name prefix: `""` or `__Secure-`.
    prefix: &'static str,
    // Last: the database is removed after the apps are stopped.
    db: EmptyDb,
}

impl Apps {
    /// `None` when the test is skipped (no Node packages or no database server, outside CI).
    async fn start(backend: Backend, config: NodeConfig, tables: TablesBy) -> Option<Apps> {
        if !better_auth_ready() {
            return None;
        }
        let db = TestDb::empty(backend).await?;
        if tables == TablesBy::Rust {
            migrate(config.naming, &db.db).await;
        }
        Some(Apps::on(db, config).await)
    }

    /// Both apps on `db` (its tables made already, or made by the server as `config` says).
    async fn on(db: EmptyDb, config: NodeConfig) -> Apps {
        let node = BetterAuthNode::start(&db, &config);
        let store = store(config.naming, db.db.clone());
        let auth = BetterAuth::from_shared(Arc::clone(&store), rust_config(&config, &node.base));
        let rust = RustApp::serve(auth).await;
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let prefix = if config.secure_cookies { "__Secure-" } else { "" };
        Apps { node, rust, store, client, prefix, db }
    }

    /// The default settings of the cases on `naming`: [`EXPIRES_IN`], [`UPDATE_AGE`], the cookie cache off.
    fn config(naming: Naming) -> NodeConfig {
        NodeConfig {
            expires_in: Some(EXPIRES_IN as u64),
            update_age: Some(UPDATE_AGE as u64),
            ..NodeConfig::new(naming, SECRET)
        }
    }

    /// Cookie `name` with the prefix of these apps (`better-auth.` and `__Secure-` if secure).
    fn name(&self, cookie: &str) -> String {
        format!("{}better-auth.{cookie}", self.prefix)
    }

    fn session_token_name(&self) -> String {
        self.name("session_token")
    }

    async fn request(&self, builder: reqwest::RequestBuilder, cookies: &Cookies) -> Reply {
        let builder = if cookies.0.is_empty() { builder } else { builder.header("cookie", cookies.header()) };
        Reply::of(builder.header("user-agent", "interop-test").send().await.unwrap()).await
    }

    /// A POST to Node with `Origin: <baseURL>`, as Better Auth requires.
    async fn node_post(&self, path: &str, body: Value, cookies: &Cookies) -> Reply {
        let builder = self.client.post(self.node.endpoint(path)).header("origin", &self.node.base).json(&body);
        self.request(builder, cookies).await
    }

    /// The session `side` sees for `cookies`: Node's `get-session`, the Rust app's `/api/session`. Both always 200.
    async fn session(&self, side: Side, cookies: &Cookies) -> Reply {
        let url = match side {
            Node => self.node.endpoint("/get-session"),
            Rust => format!("{}/api/session", self.rust.base),
        };
        let reply = self.request(self.client.get(url), cookies).await;
        assert_eq!(reply.status, StatusCode::OK, "{side:?} session: {reply:?}");
        reply
    }

    /// The Rust app's `/api/me` (required extractor): 200 with the session, or 401.
    async fn me(&self, cookies: &Cookies) -> Reply {
        self.request(self.client.get(format!("{}/api/me", self.rust.base)), cookies).await
    }

    /// Both sides' answers for `cookies` (Node first), asserted equal: the same body, and the same `Set-Cookie`
    /// headers. Only for requests that change nothing the other side would then see differently (no refresh due).
    async fn both(&self, cookies: &Cookies, what: &str) -> Reply {
        let node = self.session(Node, cookies).await;
        let rust = self.session(Rust, cookies).await;
        assert_eq!(rust.body, node.body, "{what}: Rust's session (left) and Node's (right)");
        assert_eq!(rust.cookie_set(), node.cookie_set(), "{what}: Rust's Set-Cookie (left) and Node's (right)");
        let me = self.me(cookies).await;
        let expected = if node.body.is_null() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
        assert_eq!(me.status, expected, "{what}: the required extractor");
        node
    }

    /// Signs `email` up on Node (name `name`) and returns its cookies and the user JSON.
    async fn sign_up(&self, email: &str, name: &str) -> (Cookies, Value) {
        let reply = self
            .node_post(
                "/sign-up/email",
                json!({ "email": email, "password": PASSWORD, "name": name }),
                &Cookies::default(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "sign-up of {email}: {reply:?}");
        let mut cookies = Cookies::default();
        cookies.apply(&reply.set_cookies);
        (cookies, reply.body["user"].clone())
    }

    /// Signs `email` in on `side` ("remember me" as `remember`), returning the reply and the cookies it set.
    async fn sign_in(&self, side: Side, email: &str, remember: bool) -> (Reply, Cookies) {
        let reply = match side {
            Node => {
                let body = json!({ "email": email, "password": PASSWORD, "rememberMe": remember });
                self.node_post("/sign-in/email", body, &Cookies::default()).await
            }
            Rust => {
                let builder = self
                    .client
                    .post(format!("{}/api/sign-in", self.rust.base))
                    .json(&json!({ "email": email, "rememberMe": remember }));
                self.request(builder, &Cookies::default()).await
            }
        };
        assert_eq!(reply.status, StatusCode::OK, "{side:?} sign-in of {email}: {reply:?}");
        let mut cookies = Cookies::default();
        cookies.apply(&reply.set_cookies);
        assert!(
            cookies.get(&self.session_token_name()).is_some(),
            "{side:?} sign-in sets the session cookie: {reply:?}"
        );
        (reply, cookies)
    }

    /// Signs out on `side` with `cookies`.
    async fn sign_out(&self, side: Side, cookies: &Cookies) -> Reply {
        let reply = match side {
            Node => self.node_post("/sign-out", json!({}), cookies).await,
            Rust => self.request(self.client.post(format!("{}/api/sign-out", self.rust.base)), cookies).await,
        };
        assert_eq!(reply.status, StatusCode::OK, "{side:?} sign-out: {reply:?}");
        reply
    }

    /// The token of the session cookie in `cookies`: the part before the signature (`[A-Za-z0-9]`, so the same
    /// percent-encoded or not).
    fn token(&self, cookies: &Cookies) -> String {
        let value = cookies.get(&self.session_token_name()).expect("a session cookie");
        value.split_once('.').expect("a signed value").0.to_owned()
    }

    /// Whether the session row of `token` exists.
    async fn row_exists(&self, token: &str) -> bool {
        self.store.session_and_user(token).await.unwrap().is_some()
    }

    /// Moves the session of `token` back in time so that its last refresh is `age` old: `expiresAt` and `updatedAt`
    /// `age` earlier than a refresh now would set them.
    async fn age_session(&self, token: &str, age: Duration) {
        let now = Utc::now();
        let aged = self.store.extend_session(token, now + Duration::seconds(EXPIRES_IN) - age, now - age).await;
        assert!(aged.unwrap().is_some(), "the session to age exists");
    }

    /// Sets the session of `token` to expire at `expires_at`.
    async fn set_expiry(&self, token: &str, expires_at: DateTime<Utc>) {
        let session = self.store.extend_session(token, expires_at, Utc::now()).await.unwrap();
        assert!(session.is_some(), "the session exists");
    }

    /// Deletes the session row of `token` directly in SQL (the column is `token` in both namings).
    async fn delete_row(&self, token: &str) {
        let backend = self.db.db.get_database_backend();
        let sql = match backend {
            DbBackend::MySql => "DELETE FROM `session` WHERE `token` = ?",
            DbBackend::Postgres => r#"DELETE FROM "session" WHERE "token" = $1"#,
            _ => r#"DELETE FROM "session" WHERE "token" = ?"#,
        };
        let result =
            self.db.db.execute_raw(Statement::from_sql_and_values(backend, sql, [token.into()])).await.unwrap();
        assert_eq!(result.rows_affected(), 1, "one session row deleted");
    }
}

/// A fresh `name@example.com`-style address for a case (one database per case, so fixed addresses are fine).
fn email(name: &str) -> String {
    format!("{name}@example.com")
}

// ---------------------------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------------------------

/// A user signed up and signed in on Node is signed in on Rust, with the fields of Node's `get-session`.
async fn node_session_is_read_by_rust(apps: &Apps) {
    let (signed_up, user) = apps.sign_up("Ada.Lovelace@Example.com", "Ada \"Countess\" <Lovelace> Zoë").await;
    assert_eq!(user["email"], "ada.lovelace@example.com", "Better Auth lower-cases the address");
    let reply = apps.both(&signed_up, "the sign-up's session").await;
    assert_eq!(reply.body["user"], user, "get-session's user is the signed-up user");
    assert!(reply.set_cookies.is_empty(), "nothing to refresh: {reply:?}");

    let (_, cookies) = apps.sign_in(Node, "ada.lovelace@example.com", true).await;
    let node = apps.both(&cookies, "a Node sign-in's session").await;
    assert_eq!(node.token(), Some(apps.token(&cookies).as_str()));
    assert_ne!(apps.token(&cookies), apps.token(&signed_up), "each sign-in is a new session");
    let me = apps.me(&cookies).await;
    assert_eq!(me.body, node.body, "the required extractor sees the same session");
    assert!(!me.from_cookie_cache, "the cookie cache is off");
    // Both sessions of the user stay valid.
    apps.both(&signed_up, "the first session, after a second sign-in").await;
}

/// A session created by a sign-in done in Rust is accepted by Node, with Better Auth's cookie attributes.
async fn rust_session_is_read_by_node(apps: &Apps) {
    apps.sign_up(&email("grace"), "Grace").await;
    let (node_sign_in, _) = apps.sign_in(Node, &email("grace"), true).await;
    let (rust_sign_in, cookies) = apps.sign_in(Rust, &email("grace"), true).await;
    let name = apps.session_token_name();
    let (node_header, rust_header) = (node_sign_in.set_cookie(&name).unwrap(), rust_sign_in.set_cookie(&name).unwrap());
    assert_eq!(attributes_of(rust_header), attributes_of(node_header), "session_token attributes");
    assert_eq!(attributes_of(rust_header), attributes(Some(EXPIRES_IN)));
    assert_eq!(rust_sign_in.set_cookies.len(), 1, "Rust sets the session cookie only: {rust_sign_in:?}");
    let token = apps.token(&cookies);
    assert_eq!(value_of(rust_header), encode_value(&sign(&token, SECRET)), "the value is the signed token");
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()), "a token as Better Auth makes them");

    let node = apps.both(&cookies, "a Rust sign-in's session").await;
    let session = &node.body["session"];
    assert_eq!(session["token"], token.as_str());
    assert_eq!(session["userAgent"], "interop-test", "the user agent of the sign-in request");
    assert_eq!(session["ipAddress"], "", "no trusted address");
    let (expires, created) = (
        DateTime::parse_from_rfc3339(session["expiresAt"].as_str().unwrap()).unwrap(),
        DateTime::parse_from_rfc3339(session["createdAt"].as_str().unwrap()).unwrap(),
    );
    assert_eq!(expires - created, Duration::seconds(EXPIRES_IN), "expiresAt = createdAt + expiresIn");
    let id = session["id"].as_str().unwrap();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric()), "an id as Better Auth makes them");

    // "Remember me" off: the same cookies as Better Auth's (no Max-Age, a signed `dont_remember`), a one-day session.
    let (node_sign_in, _) = apps.sign_in(Node, &email("grace"), false).await;
    let (rust_sign_in, cookies) = apps.sign_in(Rust, &email("grace"), false).await;
    let dont_remember = apps.name("dont_remember");
    for name in [&name, &dont_remember] {
        let (node_header, rust_header) =
            (node_sign_in.set_cookie(name).unwrap(), rust_sign_in.set_cookie(name).unwrap());
        assert_eq!(attributes_of(rust_header), attributes_of(node_header), "{name} attributes");
        assert_eq!(attributes_of(rust_header), attributes(None), "{name}: a browser-session cookie");
    }
    assert_eq!(
        rust_sign_in.set_cookie(&dont_remember),
        node_sign_in.set_cookie(&dont_remember),
        "dont_remember is the same signed `true`"
    );
    let node = apps.both(&cookies, "a Rust sign-in's session without remember-me").await;
    let session = &node.body["session"];
    let (expires, created) = (
        DateTime::parse_from_rfc3339(session["expiresAt"].as_str().unwrap()).unwrap(),
        DateTime::parse_from_rfc3339(session["createdAt"].as_str().unwrap()).unwrap(),
    );
    assert_eq!(expires - created, Duration::days(1), "a remember-me-off session lasts one day");

    // Signing in an address nobody signed up with is the app's business: no session.
    let unknown =
        apps.client.post(format!("{}/api/sign-in", apps.rust.base)).json(&json!({ "email": "nobody@example.com" }));
    assert_eq!(apps.request(unknown, &Cookies::default()).await.status, StatusCode::NOT_FOUND);
}

/// A session whose last refresh is `updateAge` old is refreshed by the first side that reads it; the other sees the
/// same token and `expiresAt` to the millisecond, and does not refresh again.
async fn refresh_on_either_side_is_seen_by_the_other(apps: &Apps) {
    apps.sign_up(&email("edsger"), "Edsger").await;
    let name = apps.session_token_name();
    for (first, second) in [(Node, Rust), (Rust, Node)] {
        let (_, cookies) = apps.sign_in(first, &email("edsger"), true).await;
        let token = apps.token(&cookies);
        let before = apps.both(&cookies, "a fresh session").await;
        assert!(before.set_cookies.is_empty(), "a fresh session is not refreshed");

        apps.age_session(&token, Duration::seconds(UPDATE_AGE + 1)).await;
        let refreshed = apps.session(first, &cookies).await;
        let header = refreshed.set_cookie(&name).unwrap_or_else(|| panic!("{first:?} refreshes: {refreshed:?}"));
        assert_eq!(refreshed.set_cookies.len(), 1, "{first:?}: only the session cookie: {refreshed:?}");
        assert_eq!(value_of(header), cookies.get(&name).unwrap(), "{first:?}: the same token, the same cookie value");
        assert_eq!(attributes_of(header), attributes(Some(EXPIRES_IN)), "{first:?}: Max-Age = expiresIn");
        assert_eq!(refreshed.token(), Some(token.as_str()));
        let expires_at = refreshed.body["session"]["expiresAt"].as_str().unwrap().to_owned();
        let age =
            Utc::now() - DateTime::parse_from_rfc3339(&expires_at).unwrap().to_utc() + Duration::seconds(EXPIRES_IN);
        assert!(age < Duration::seconds(UPDATE_AGE), "{first:?}: expiresAt = now + expiresIn: {expires_at}");
        assert_eq!(
            refreshed.body["session"]["updatedAt"].as_str().map(|u| u < expires_at.as_str()),
            Some(true),
            "{first:?}: updatedAt is the refresh"
        );

        let seen = apps.session(second, &cookies).await;
        assert!(seen.set_cookies.is_empty(), "{second:?} does not refresh again: {seen:?}");
        assert_eq!(
            seen.body, refreshed.body,
            "{second:?} sees {first:?}'s refresh (same expiresAt to the millisecond)"
        );
        let (stored, _) = apps.store.session_and_user(&token).await.unwrap().unwrap();
        assert_eq!(iso(stored.expires_at), expires_at, "the row holds the refreshed expiresAt");
    }
}

/// Signing out on either side ends the session on both; signing out everywhere from Rust ends every session of the
/// user.
async fn sign_out_on_either_side_ends_the_session_on_both(apps: &Apps) {
    apps.sign_up(&email("barbara"), "Barbara").await;
    for (signed_in_on, signed_out_on) in [(Node, Rust), (Rust, Node)] {
        let (_, cookies) = apps.sign_in(signed_in_on, &email("barbara"), true).await;
        let (_, other) = apps.sign_in(signed_in_on, &email("barbara"), true).await;
        let token = apps.token(&cookies);
        apps.both(&cookies, "signed in").await;
        let reply = apps.sign_out(signed_out_on, &cookies).await;
        assert_eq!(reply.cookie_set(), ended(apps.prefix), "{signed_out_on:?}'s sign-out expires the cookies");
        assert!(!apps.row_exists(&token).await, "{signed_out_on:?}'s sign-out deletes the row");
        let after = apps.both(&cookies, "the signed-out cookie").await;
        assert_eq!(after.body, Value::Null, "signed out on both");
        assert_eq!(after.cookie_set(), ended(apps.prefix), "an unknown token's cookies are expired");
        apps.both(&other, "another session of the user, after a sign-out").await;
    }

    // Everywhere: two sessions from Node, one from Rust; the Rust one signs out everywhere.
    let sessions = [
        apps.sign_in(Node, &email("barbara"), true).await.1,
        apps.sign_in(Node, &email("barbara"), false).await.1,
        apps.sign_in(Rust, &email("barbara"), true).await.1,
    ];
    let url = format!("{}/api/sign-out-everywhere", apps.rust.base);
    let reply = apps.request(apps.client.post(url), &sessions[2]).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert!(reply.body["deleted"].as_u64().unwrap() >= 3, "every session of the user: {reply:?}");
    assert_eq!(reply.cookie_set(), ended(apps.prefix), "this browser's cookies are expired");
    for cookies in &sessions {
        assert_eq!(apps.both(cookies, "after signing out everywhere").await.body, Value::Null);
    }
}

/// An expired session is signed out on both sides, its row deleted and its cookies expired.
async fn expired_session_is_signed_out_on_both(apps: &Apps) {
    apps.sign_up(&email("alan"), "Alan").await;
    for (signed_in_on, read_on) in [(Node, Rust), (Rust, Node)] {
        let (_, cookies) = apps.sign_in(signed_in_on, &email("alan"), true).await;
        let token = apps.token(&cookies);
        apps.set_expiry(&token, Utc::now() - Duration::seconds(1)).await;
        let reply = apps.session(read_on, &cookies).await;
        assert_eq!(reply.body, Value::Null, "{read_on:?}: an expired session is no session");
        assert_eq!(reply.cookie_set(), ended(apps.prefix), "{read_on:?} expires the cookies");
        assert!(!apps.row_exists(&token).await, "{read_on:?} deletes the expired row");
        // The other side then sees an unknown token: the same answer.
        apps.both(&cookies, "an expired session, after its deletion").await;
    }
}

/// Bad cookies: both sides signed out with the same `Set-Cookie` headers (none for a bad signature, the three
/// expiries for a well-signed unknown token), never a 500; the variants Better Auth accepts are accepted by both.
async fn bad_cookies_are_signed_out_on_both(apps: &Apps) {
    apps.sign_up(&email("hedy"), "Hedy").await;
    let (_, cookies) = apps.sign_in(Node, &email("hedy"), true).await;
    let name = apps.session_token_name();
    let valid = cookies.get(&name).unwrap().to_owned();
    let token = apps.token(&cookies);
    let signed = sign(&token, SECRET);
    let signature = signed.rsplit_once('.').unwrap().1.to_owned();
    let mut flipped = signature.clone().into_bytes();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    let base64url = signature.trim_end_matches('=').replace('+', "-").replace('/', "_");
    let unknown = encode_value(&sign(&generate_id(), SECRET));
    let long_token = "A".repeat(2000);

    // (what, value, signed in?, the Set-Cookie headers Better Auth sends)
    let none = BTreeSet::new();
    let cases: Vec<(&str, String, bool, BTreeSet<String>)> = vec![
        ("valid", valid.clone(), true, none.clone()),
        ("raw, not percent-encoded", signed.clone(), true, none.clone()),
        ("in double quotes", format!("\"{valid}\""), true, none.clone()),
        ("tampered signature", encode_value(&format!("{token}.{flipped}")), false, none.clone()),
        ("another secret's signature", encode_value(&sign(&token, OTHER_SECRET)), false, none.clone()),
        ("base64url signature without padding", format!("{token}.{base64url}"), false, none.clone()),
        ("bare token", token.clone(), false, none.clone()),
        ("tampered token", encode_value(&format!("{}.{signature}", token.to_lowercase())), false, none.clone()),
        ("unknown token, well signed", unknown, false, ended(apps.prefix)),
        ("empty", String::new(), false, none.clone()),
        ("a dot", ".".to_owned(), false, none.clone()),
        ("bad percent-encoding", "%zz".to_owned(), false, none.clone()),
        ("bad percent-encoding in the signature", format!("{token}.%zz"), false, none.clone()),
        ("non-ASCII", format!("é{valid}"), false, none.clone()),
        ("oversized", format!("{token}.{}=", "A".repeat(5000)), false, none.clone()),
    ];
    for (what, value, signed_in, set_cookies) in &cases {
        let reply = apps.both(&Cookies::one(&name, value), what).await;
        assert_eq!(!reply.body.is_null(), *signed_in, "{what}: signed in? {reply:?}");
        assert_eq!(&reply.cookie_set(), set_cookies, "{what}: Better Auth's Set-Cookie headers");
    }

    // A well-signed token longer than any Better Auth makes (2000 characters): signed out on both, but Rust sends no
    // Set-Cookie (it refuses signed values over `MAX_SIGNED_VALUE_LEN` bytes before computing their HMAC or reading
    // the store) where Better Auth looks the token up and expires the three cookies of an unknown session. Only the
    // holder of the secret can make such a cookie.
    let oversized = Cookies::one(&name, &encode_value(&sign(&long_token, SECRET)));
    let (node, rust) = (apps.session(Node, &oversized).await, apps.session(Rust, &oversized).await);
    assert_eq!((&node.body, &rust.body), (&Value::Null, &Value::Null), "an oversized, well-signed token");
    assert_eq!(node.cookie_set(), ended(apps.prefix), "Better Auth: an unknown session's expiries");
    assert_eq!(rust.cookie_set(), BTreeSet::new(), "Rust: nothing (refused before any lookup)");
    assert_eq!(apps.me(&oversized).await.status, StatusCode::UNAUTHORIZED);

    // A well-signed token differing from the session's only in case (only the holder of the secret can make one):
    // an unknown session for Rust, whose lookups are byte-exact, everywhere; Better Auth looks it up with the
    // column's collation, case-insensitive on MariaDB, where it answers with the session of the real token.
    let case_changed = Cookies::one(&name, &encode_value(&sign(&token.to_lowercase(), SECRET)));
    let (node, rust) = (apps.session(Node, &case_changed).await, apps.session(Rust, &case_changed).await);
    assert_eq!(rust.body, Value::Null, "Rust: a case-changed token is unknown");
    assert_eq!(rust.cookie_set(), ended(apps.prefix), "Rust: an unknown session's expiries");
    if apps.db.backend == Backend::MySql {
        assert_eq!(node.token(), Some(token.as_str()), "Better Auth on MariaDB: found case-insensitively");
        assert!(node.set_cookies.is_empty(), "{node:?}");
    } else {
        assert_eq!((&node.body, node.cookie_set()), (&Value::Null, ended(apps.prefix)), "Better Auth: unknown");
    }

    // The first cookie of a name counts (better-call's parser), on both sides.
    let first_valid = Cookies(vec![(name.clone(), valid.clone()), (name.clone(), "garbage".to_owned())]);
    assert!(!apps.both(&first_valid, "valid cookie first, garbage second").await.body.is_null());
    let first_garbage = Cookies(vec![(name.clone(), "garbage".to_owned()), (name.clone(), valid.clone())]);
    assert!(apps.both(&first_garbage, "garbage first, valid cookie second").await.body.is_null());

    // A `__Secure-` name is not read over plain HTTP (and the plain name is not read with secure cookies).
    let other_name = if apps.prefix.is_empty() {
        format!("__Secure-{name}")
    } else {
        name.trim_start_matches("__Secure-").to_owned()
    };
    assert!(apps.both(&Cookies::one(&other_name, &valid), "the other prefix").await.body.is_null());
    // A cookie cache cookie while the cache is off: Better Auth's answer for it, whatever it is.
    apps.both(&cookies.with(&apps.name("session_data"), "eyJub3QiOiJhIGNhY2hlIn0"), "session_data with the cache off")
        .await;
    // The session is still there after all this.
    assert!(apps.row_exists(&token).await);
}

/// A "remember me"-off session (from either side) is never refreshed while its signed `dont_remember` cookie is
/// sent; without the cookie, both sides refresh it alike.
async fn dont_remember_sessions_are_never_refreshed(apps: &Apps) {
    apps.sign_up(&email("frances"), "Frances").await;
    let dont_remember = apps.name("dont_remember");
    let name = apps.session_token_name();
    for signed_in_on in [Node, Rust] {
        let (_, cookies) = apps.sign_in(signed_in_on, &email("frances"), false).await;
        assert!(cookies.get(&dont_remember).is_some(), "{signed_in_on:?} sets dont_remember");
        let token = apps.token(&cookies);
        // Due for a refresh by the rules (its last refresh is updateAge old), were it not for dont_remember.
        apps.age_session(&token, Duration::seconds(UPDATE_AGE + 1)).await;
        let (aged, _) = apps.store.session_and_user(&token).await.unwrap().unwrap();
        for side in [Rust, Node] {
            let reply = apps.session(side, &cookies).await;
            assert!(reply.set_cookies.is_empty(), "{side:?} does not refresh a remember-me-off session: {reply:?}");
            let (stored, _) = apps.store.session_and_user(&token).await.unwrap().unwrap();
            assert_eq!(stored.expires_at, aged.expires_at, "{side:?} left expiresAt alone");
        }
        apps.both(&cookies, "a remember-me-off session").await;

        // Without the `dont_remember` cookie (or with one another secret signed), it is an ordinary session.
        let forged = cookies.with(&dont_remember, &encode_value(&sign("true", OTHER_SECRET)));
        for (what, cookies) in
            [("without dont_remember", cookies.without(&dont_remember)), ("forged dont_remember", forged)]
        {
            let mut refreshes = Vec::new();
            for side in [Rust, Node] {
                apps.age_session(&token, Duration::seconds(UPDATE_AGE + 1)).await;
                let reply = apps.session(side, &cookies).await;
                let header = reply.set_cookie(&name).unwrap_or_else(|| panic!("{what}: {side:?} refreshes: {reply:?}"));
                refreshes.push(header.to_owned());
            }
            assert_eq!(refreshes[0], refreshes[1], "{what}: the same refreshed cookie from both sides");
            assert_eq!(attributes_of(&refreshes[0]), attributes(Some(EXPIRES_IN)), "{what}");
        }
    }
}

/// Node's cookie cache (`strategy`) is read by Rust: both answer from it after the row is deleted in SQL; a tampered
/// one is refused by both (falling back to the database); one without a session cookie is nothing.
async fn cookie_cache(apps: &Apps) {
    let data = apps.name("session_data");
    apps.sign_up(&email("ada"), "Zoë \"Cache\" </x> ünïcødé").await;
    let (sign_in, cookies) = apps.sign_in(Node, &email("ada"), true).await;
    let cached = cookies.get(&data).unwrap_or_else(|| panic!("Node sets the cookie cache: {sign_in:?}")).to_owned();
    let token = apps.token(&cookies);

    let node = apps.session(Node, &cookies).await;
    assert!(node.set_cookies.is_empty(), "Node answers from the cache: {node:?}");
    let rust = apps.session(Rust, &cookies).await;
    assert!(rust.from_cookie_cache, "Rust answers from the cache");
    assert!(rust.set_cookies.is_empty(), "{rust:?}");
    assert_eq!(rust.body, node.body, "the cached session and user");
    assert_eq!(apps.me(&cookies).await.body, node.body);

    // Deleted in SQL: both still answer from the cookie until it expires (Better Auth's staleness).
    apps.delete_row(&token).await;
    let stale = apps.both(&cookies, "the cache of a deleted session").await;
    assert_eq!(stale.body, node.body, "still signed in from the cache");
    assert!(apps.session(Rust, &cookies).await.from_cookie_cache);

    // Tampered: refused, the database read (the row is gone: signed out), the cookies expired.
    let mut bytes = cached.clone().into_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    let tampered = cookies.with(&data, &String::from_utf8(bytes).unwrap());
    let reply = apps.both(&tampered, "a tampered cache of a deleted session").await;
    assert_eq!(reply.body, Value::Null);
    assert_eq!(reply.cookie_set(), ended(apps.prefix));

    // Tampered, the session alive: Node reads the database and writes a new cache; Rust reads the database and
    // expires the bad cache (it never writes one).
    let (_, cookies) = apps.sign_in(Node, &email("ada"), true).await;
    let garbage = cookies.with(&data, "garbage");
    let node = apps.session(Node, &garbage).await;
    let rust = apps.session(Rust, &garbage).await;
    assert!(!rust.from_cookie_cache);
    assert_eq!(rust.body, node.body, "the session, from the database");
    assert_eq!(rust.set_cookies, vec![expiry(&data)], "Rust expires the unusable cache");
    assert_eq!(node.set_cookies.first(), Some(&expiry(&data)), "Node expires it, then writes a new one: {node:?}");

    // A cache cookie without its session cookie is nothing, on both sides.
    let alone = Cookies::one(&data, cookies.get(&data).unwrap());
    assert_eq!(apps.both(&alone, "session_data alone").await.body, Value::Null);
    // Another session's cache with this session's cookie: the cache is not used.
    let (_, second) = apps.sign_in(Node, &email("ada"), true).await;
    let mixed = second.with(&data, cookies.get(&data).unwrap());
    let node = apps.session(Node, &mixed).await;
    let rust = apps.session(Rust, &mixed).await;
    assert_eq!(rust.body, node.body, "another session's cache: the database answers");
    assert_eq!(node.token(), Some(apps.token(&second).as_str()));
    assert!(!rust.from_cookie_cache);
}

/// `BETTER_AUTH_SECRETS="2:new,1:old"` on both sides: a session cookie the old secret signed is refused by both
/// (rotation signs users out), the new one's accepted by both, and a JWE cookie cache encrypted with the old secret
/// still read by both.
async fn secret_rotation(backend: Backend, naming: Naming) {
    const OLD: &str = "the-old-secret-of-the-app-0123456789abcdef";
    const NEW: &str = "the-new-secret-of-the-app-0123456789abcdef";
    if !better_auth_ready() {
        return;
    }
    let Some(db) = TestDb::empty(backend).await else { return };
    let config = NodeConfig { cookie_cache: CookieCache::Jwe, ..Apps::config(naming) };
    // Before the rotation: the app signs with the old secret.
    let old_cookies = {
        let before =
            Apps::on(db, NodeConfig { secrets: vec![("BETTER_AUTH_SECRET", OLD.to_owned())], ..config.clone() }).await;
        before.sign_up(&email("ada"), "Ada").await;
        let (_, cookies) = before.sign_in(Node, &email("ada"), true).await;
        assert!(before.session(Rust, &cookies).await.from_cookie_cache, "Rust reads the old JWE with the old secret");
        let Apps { db, .. } = before;
        (db, cookies)
    };
    let (db, old_cookies) = old_cookies;
    let rotated = NodeConfig { secrets: vec![("BETTER_AUTH_SECRETS", format!("2:{NEW}, 1:{OLD}"))], ..config };
    let apps = Apps::on(db, rotated).await;
    let name = apps.session_token_name();

    let reply = apps.both(&old_cookies, "cookies of the old secret").await;
    assert_eq!(reply.body, Value::Null, "a session cookie of the old secret is refused");
    assert!(reply.set_cookies.is_empty(), "nothing sent for a bad signature: {reply:?}");

    // The same session's token signed with the new secret, with the old secret's JWE cache: the cache is read.
    let token = apps.token(&old_cookies);
    let resigned = old_cookies.with(&name, &encode_value(&sign(&token, NEW)));
    let cached = apps.both(&resigned, "new signature, old JWE cache").await;
    assert_eq!(cached.token(), Some(token.as_str()));
    assert!(apps.session(Rust, &resigned).await.from_cookie_cache, "Rust decrypts the old secret's JWE (by kid)");
    apps.delete_row(&token).await;
    let stale = apps.both(&resigned, "new signature, old JWE cache, row deleted").await;
    assert_eq!(stale.token(), Some(token.as_str()), "answered from the old secret's cache");

    // New sign-ins are signed with the new secret, on both sides.
    for side in [Node, Rust] {
        let (_, cookies) = apps.sign_in(side, &email("ada"), true).await;
        let value = cookies.get(&name).unwrap();
        assert_eq!(value, encode_value(&sign(&apps.token(&cookies), NEW)), "{side:?} signs with the current secret");
        // Node answers a session without a cache cookie from the database and writes the cache; Rust never writes it.
        let node = apps.session(Node, &cookies).await;
        let rust = apps.session(Rust, &cookies).await;
        assert!(!node.body.is_null(), "{side:?}'s session after the rotation, on Node");
        assert_eq!(rust.body, node.body, "{side:?}'s session after the rotation, on Rust");
        assert!(rust.set_cookies.is_empty(), "{rust:?}");
    }
}

/// `__Secure-` cookie names (Better Auth's `advanced.useSecureCookies`, as with an `https://` base URL): both sides
/// read and write them, with `Secure`.
async fn secure_cookies(apps: &Apps) {
    assert_eq!(apps.prefix, "__Secure-");
    apps.sign_up(&email("radia"), "Radia").await;
    let name = apps.session_token_name();
    let (node_sign_in, node_cookies) = apps.sign_in(Node, &email("radia"), true).await;
    let (rust_sign_in, rust_cookies) = apps.sign_in(Rust, &email("radia"), true).await;
    let secure = format!("Max-Age={EXPIRES_IN}; Path=/; HttpOnly; Secure; SameSite=Lax");
    assert_eq!(attributes_of(node_sign_in.set_cookie(&name).unwrap()), secure);
    assert_eq!(attributes_of(rust_sign_in.set_cookie(&name).unwrap()), secure);
    for cookies in [&node_cookies, &rust_cookies] {
        assert!(!apps.both(cookies, "a __Secure- session cookie").await.body.is_null());
    }
    let reply = apps.sign_out(Rust, &rust_cookies).await;
    let expired: BTreeSet<String> = ["session_token", "session_data", "dont_remember"]
        .iter()
        .map(|c| format!("__Secure-better-auth.{c}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"))
        .collect();
    assert_eq!(reply.cookie_set(), expired);
    let node_out = apps.sign_out(Node, &node_cookies).await;
    assert_eq!(node_out.cookie_set(), expired, "Better Auth's secure expiries");
}

/// What the server found to create or change, but for drizzle-kit's push dropping the tables that are not in the
/// Drizzle schema: our migration's own (`seaql_migrations`, the adoption record).
fn pending(node: &BetterAuthNode) -> Vec<String> {
    let ours = |statement: &String| {
        statement.starts_with("DROP TABLE") && ["seaql_migrations", RECORD_TABLE].iter().any(|t| statement.contains(t))
    };
    node.pending.iter().filter(|statement| !ours(statement)).cloned().collect()
}

/// Tables created by our migration are the ones Better Auth expects, and serve it.
async fn rust_first_tables_serve_better_auth(apps: &Apps) {
    assert_eq!(pending(&apps.node), Vec::<String>::new(), "Better Auth finds nothing to create or change");
    apps.sign_up(&email("katherine"), "Katherine").await;
    let (_, cookies) = apps.sign_in(Node, &email("katherine"), true).await;
    assert!(!apps.both(&cookies, "a Node session on Rust's tables").await.body.is_null());
    let (_, cookies) = apps.sign_in(Rust, &email("katherine"), false).await;
    assert!(!apps.both(&cookies, "a Rust session on Rust's tables").await.body.is_null());
    apps.sign_out(Node, &cookies).await;
    assert!(apps.both(&cookies, "signed out").await.body.is_null());
}

/// Tables Better Auth (or drizzle-kit) created are adopted by our migration, nothing altered, and shared.
async fn better_auth_tables_are_adopted(backend: Backend, naming: Naming) {
    if !better_auth_ready() {
        return;
    }
    let Some(db) = TestDb::empty(backend).await else { return };
    let config = Apps::config(naming);
    let apps = Apps::on(db, config.clone()).await;
    apps.sign_up(&email("margaret"), "Margaret").await;
    let (_, before) = apps.sign_in(Node, &email("margaret"), true).await;
    // What Better Auth (getMigrations), or drizzle-kit's push, would change on its own tables, data in them: nothing,
    // but on MariaDB drizzle-kit's push, which reads `boolean` back as `tinyint(1)` and offers to truncate `user`.
    let check = NodeConfig { tables: NodeTables::Check, ..config };
    let pending_before = pending(&BetterAuthNode::start(&apps.db, &check));
    if naming == Naming::BetterAuth {
        assert_eq!(pending_before, Vec::<String>::new(), "Better Auth finds nothing to do on its tables");
    }
    let ours = ["seaql_migrations", RECORD_TABLE];
    let snapshot = catalog::snapshot(&apps.db.db, backend, &ours).await;
    migrate(naming, &apps.db.db).await;
    assert_eq!(catalog::snapshot(&apps.db.db, backend, &ours).await, snapshot, "adoption alters nothing");
    migrate(naming, &apps.db.db).await;
    assert_eq!(catalog::snapshot(&apps.db.db, backend, &ours).await, snapshot, "a second `up` alters nothing");
    assert!(!apps.both(&before, "a session from before the adoption").await.body.is_null());
    let (_, cookies) = apps.sign_in(Rust, &email("margaret"), true).await;
    assert!(!apps.both(&cookies, "a Rust session on adopted tables").await.body.is_null());
    let pending_after = pending(&BetterAuthNode::start(&apps.db, &check));
    assert_eq!(pending_after, pending_before, "Better Auth (or drizzle-kit) sees the same tables after the adoption");
}

// ---------------------------------------------------------------------------------------------------------------
// One test per backend, naming and case: `sqlite::better_auth::node_session_is_read_by_rust`, ...
// ---------------------------------------------------------------------------------------------------------------

/// Runs `case` on fresh apps made with `config` and tables made by `tables`.
async fn run<F>(backend: Backend, config: NodeConfig, tables: TablesBy, case: F)
where
    F: AsyncFnOnce(&Apps),
{
    if let Some(apps) = Apps::start(backend, config, tables).await {
        case(&apps).await;
    }
}

macro_rules! cases {
    ($backend:ident, $naming:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn node_session_is_read_by_rust() {
            run(Backend::$backend, Apps::config(Naming::$naming), TablesBy::Node, crate::node_session_is_read_by_rust)
                .await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn rust_session_is_read_by_node() {
            run(Backend::$backend, Apps::config(Naming::$naming), TablesBy::Node, crate::rust_session_is_read_by_node)
                .await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn refresh_on_either_side_is_seen_by_the_other() {
            let case = crate::refresh_on_either_side_is_seen_by_the_other;
            run(Backend::$backend, Apps::config(Naming::$naming), TablesBy::Node, case).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sign_out_on_either_side_ends_the_session_on_both() {
            let case = crate::sign_out_on_either_side_ends_the_session_on_both;
            run(Backend::$backend, Apps::config(Naming::$naming), TablesBy::Node, case).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn expired_session_is_signed_out_on_both() {
            let case = crate::expired_session_is_signed_out_on_both;
            run(Backend::$backend, Apps::config(Naming::$naming), TablesBy::Node, case).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn bad_cookies_are_signed_out_on_both() {
            let case = crate::bad_cookies_are_signed_out_on_both;
            run(Backend::$backend, Apps::config(Naming::$naming), TablesBy::Node, case).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn dont_remember_sessions_are_never_refreshed() {
            let case = crate::dont_remember_sessions_are_never_refreshed;
            run(Backend::$backend, Apps::config(Naming::$naming), TablesBy::Node, case).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn cookie_cache_compact() {
            let config = NodeConfig { cookie_cache: CookieCache::Compact, ..Apps::config(Naming::$naming) };
            run(Backend::$backend, config, TablesBy::Node, crate::cookie_cache).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn cookie_cache_jwt() {
            let config = NodeConfig { cookie_cache: CookieCache::Jwt, ..Apps::config(Naming::$naming) };
            run(Backend::$backend, config, TablesBy::Node, crate::cookie_cache).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn cookie_cache_jwe() {
            let config = NodeConfig { cookie_cache: CookieCache::Jwe, ..Apps::config(Naming::$naming) };
            run(Backend::$backend, config, TablesBy::Node, crate::cookie_cache).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn secret_rotation() {
            crate::secret_rotation(Backend::$backend, Naming::$naming).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn secure_cookies() {
            let config = NodeConfig { secure_cookies: true, ..Apps::config(Naming::$naming) };
            run(Backend::$backend, config, TablesBy::Node, crate::secure_cookies).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn rust_first_tables_serve_better_auth() {
            let config = NodeConfig { tables: NodeTables::Check, ..Apps::config(Naming::$naming) };
            run(Backend::$backend, config, TablesBy::Rust, crate::rust_first_tables_serve_better_auth).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn better_auth_tables_are_adopted() {
            crate::better_auth_tables_are_adopted(Backend::$backend, Naming::$naming).await;
        }
    };
}

macro_rules! backends {
    ($($module:ident => $backend:ident),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                mod better_auth {
                    use super::*;
                    cases!($backend, BetterAuth);
                }

                mod drizzle {
                    use super::*;
                    cases!($backend, Drizzle);
                }
            }
        )*
    };
}

backends!(sqlite => SqliteFile, postgres => Postgres, mysql => MySql);
