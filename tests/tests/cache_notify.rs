//! The session cache without staleness on PostgreSQL: `authjs_sea_orm::cache_triggers` notify every write to a
//! session or user row, by any client, and `authjs_sea_orm::cache::CacheListener` drops what they name from a
//! `CachedAdapter` with a one-hour time-to-live.
//!
//! - `payloads_name_the_row_on_every_schema`: on every test schema (the default tables, tokens hashed or not,
//!   prefixed, plural, `uuid` ids in the schema `auth`, integer ids, both Prisma presets, a schema named with a quote
//!   and a space, a channel named likewise), updates and deletes of sessions and users (cascades included) and a
//!   `TRUNCATE` send exactly the expected payloads, never a token; inserts send nothing; `uninstall` removes it all.
//! - `trigger_installation_is_explicit`: neither the crate's migrations nor the adoption of drizzle-kit's tables
//!   install triggers; the `CacheTriggers` migration does, and its `down` removes them. SQLite and MariaDB: a no-op
//!   (`triggers_are_a_no_op_without_notify`), the cache keeping its time-to-live bound there (`tests/cache.rs`,
//!   `sign_out_elsewhere_is_seen_within_the_ttl`).
//! - `authjs_sign_out_is_seen_at_once`: a real Auth.js app (`tests/interop/authjs-app.mjs`: `@auth/core` with
//!   `@auth/drizzle-adapter`, on the tables drizzle-kit created) signs a user out over HTTP; the Rust app's next
//!   requests answer 401. The delay is measured over 20 sign-outs and must stay under [`BOUND`]; a cache without the
//!   listener still serves the session (the control).
//! - `writes_by_another_process_are_seen_at_once`: a second OS process (`src/bin/cache_peer.rs`: its own pool, cache
//!   and listener) signs out (20 times), renames and deletes a user (the `get_user` of JWT sessions included), and
//!   this process's sign-out reaches its cache too.
//! - `the_listener_works_through_pgbouncer_in_session_mode`: the listener's URL may be a session-mode pooler's.
//! - `connection_loss_serves_nothing_stale_and_recovers`: `pg_terminate_backend` on the listener's connection while
//!   the database refuses new connections: a session deleted right then is not served, every read goes to the
//!   database while the listener is down, and once the database lets it in again it listens and caching resumes.
//!   Its logs name what happened and hold neither the URL's password nor a token.
//!
//! PostgreSQL needs `AUTHJS_TEST_POSTGRES_URL`, MariaDB `AUTHJS_TEST_MYSQL_URL`, the Auth.js app `npm ci --prefix
//! tests`; without them the tests are skipped, unless `CI=true`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::future::Future;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use authjs_sea_orm::axum::{Auth, AuthConfig, CurrentSession, random_token};
use authjs_sea_orm::cache::{CacheListener, CachedAdapter, Invalidation, LISTENER_APPLICATION_NAME, ListenerHandle};
use authjs_sea_orm::cache_triggers::{self, CacheTriggers, DEFAULT_CHANNEL};
use authjs_sea_orm::migration::{MigrationTrait, Migrator, MigratorTrait};
use authjs_sea_orm::schema::{Schema, Tables};
use authjs_sea_orm::{
    Adapter, AdapterSession, HASHED_TOKEN_MARK, SeaOrmAdapter, SessionUpdate, TokenDigest, UserUpdate,
};
use authjs_sea_orm_tests::authjs_app::AuthjsApp;
use authjs_sea_orm_tests::logs::Captured;
use authjs_sea_orm_tests::node::node_ready;
use authjs_sea_orm_tests::schemas::{self, TestSchema};
use authjs_sea_orm_tests::{Backend, Route, Target, TestDb, cases, drizzle, fixtures, with_database};
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::routing::get;
use chrono::Utc;
use sea_orm::sea_query::Table;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityName, Statement};
use tower::ServiceExt;

/// How late a write made elsewhere may be seen with the listener: "well under a second". (Measured: a few ms.)
const BOUND: Duration = Duration::from_millis(500);

type Cached = CachedAdapter<SeaOrmAdapter>;

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/// The payload a write to the session of `token` sends.
fn session_payload(token: &str) -> String {
    format!("s:{}", &TokenDigest::of(token).handle()[HASHED_TOKEN_MARK.len()..])
}

/// `schema.table trigger` of every trigger a user created, sorted.
async fn pg_triggers(db: &DatabaseConnection) -> Vec<String> {
    let sql = "SELECT t.tgrelid::regclass::text || ' ' || t.tgname AS name FROM pg_trigger t WHERE NOT t.tgisinternal";
    let rows = db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap();
    let mut names: Vec<String> = rows.iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect();
    names.sort();
    names
}

/// How many functions named like the triggers' there are.
async fn pg_functions(db: &DatabaseConnection) -> i64 {
    let sql = "SELECT count(*) AS n FROM pg_proc WHERE proname = 'authjs_cache_notify'";
    let row = db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap().unwrap();
    row.try_get("", "n").unwrap()
}

/// The next notification's payload, if one arrives within `wait`.
async fn next_payload(listener: &mut PgListener, wait: Duration) -> Option<String> {
    let received = tokio::time::timeout(wait, listener.recv()).await.ok()?;
    Some(received.unwrap().payload().to_owned())
}

/// The URL of `db`'s database on the server of `AUTHJS_TEST_POSTGRES_URL`, its password replaced by `password`
/// (the test server trusts local connections: the listener connects all the same).
async fn direct_url(db: &DatabaseConnection, password: &str) -> String {
    let row = db.query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT current_database() AS d")).await;
    let name: String = row.unwrap().unwrap().try_get("", "d").unwrap();
    let url = with_database(&std::env::var("AUTHJS_TEST_POSTGRES_URL").unwrap(), &name);
    let (scheme, rest) = url.split_once("://").unwrap();
    let (userinfo, host) = rest.rsplit_once('@').unwrap();
    let user = userinfo.split(':').next().unwrap();
    format!("{scheme}://{user}:{password}@{host}")
}

/// Polls `check` until it holds; returns how long that took, failing after 30 s.
async fn wait_for<F, Fut>(what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}: not within 30 s");
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
    start.elapsed()
}

async fn wait_listening(cache: &Cached) {
    wait_for("the listener listens", || async { cache.invalidation() == Invalidation::Listening }).await;
}

/// A cache with a one-hour time-to-live around `inner`, and its listener on `url` (listening when this returns).
async fn listening_cache(inner: SeaOrmAdapter, url: &str) -> (Cached, ListenerHandle) {
    let cache = CachedAdapter::builder(inner).time_to_live(Duration::from_secs(3600)).build();
    let listener = CacheListener::new(url).unwrap().spawn(cache.invalidator());
    wait_listening(&cache).await;
    (cache, listener)
}

/// A user and a session of theirs (30 days), written without any cache.
async fn given_session(adapter: &SeaOrmAdapter) -> (authjs_sea_orm::AdapterUser, AdapterSession) {
    let user = adapter.create_user(fixtures::user_with_email(&format!("{}@example.com", fixtures::id()))).await;
    let user = user.unwrap();
    let session = adapter.create_session(fixtures::session(&user.id)).await.unwrap();
    (user, session)
}

/// Asserts that `cache` answers the session of `token` from memory (no database read).
async fn assert_cached(cache: &Cached, token: &str) {
    assert!(cache.get_session_and_user(token).await.unwrap().is_some());
    let hits = cache.stats().session_hits;
    assert!(cache.get_session_and_user(token).await.unwrap().is_some());
    assert_eq!(cache.stats().session_hits, hits + 1, "served from memory");
}

/// Reports the delays measured and checks each against [`BOUND`].
fn check_delays(what: &str, mut delays: Vec<Duration>) {
    delays.sort();
    let (p50, max) = (delays[delays.len() / 2], delays[delays.len() - 1]);
    eprintln!("{what}: {} trials, p50 {p50:?}, max {max:?}", delays.len());
    assert!(max < BOUND, "{what}: a write made elsewhere was served for {max:?} (bound {BOUND:?}): {delays:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// The triggers

/// On schema `S` (tokens hashed if `hashed`), with `channel`: each update and delete of a session or user row sends
/// the payload naming it, a `TRUNCATE` sends `*`, inserts send nothing; `install` twice is one installation, and
/// `uninstall` removes triggers and function.
async fn payloads_name_the_row<S: TestSchema>(hashed: bool, channel: &str) {
    let Some(t) = TestDb::with_schema::<S>(Backend::Postgres).await else { return };
    payloads_on::<S::Tables>(&t.db, hashed, channel, |new| cases::new_user::<S>(new)).await;
}

async fn payloads_on<T: Schema>(
    db: &DatabaseConnection,
    hashed: bool,
    channel: &str,
    new_user: impl Fn(
        authjs_sea_orm::NewUser,
    ) -> authjs_sea_orm::NewUser<<T::User as authjs_sea_orm::schema::UserTable>::NewExtra>,
) {
    assert_eq!(pg_triggers(db).await, Vec::<String>::new(), "the schema's migrations install no trigger");
    for _ in 0..2 {
        cache_triggers::install::<T>(db, channel).await.unwrap();
    }
    assert_eq!(pg_triggers(db).await.len(), 4, "two triggers on each of two tables");
    let mut listener = PgListener::connect_with(db.get_postgres_connection_pool()).await.unwrap();
    listener.listen(channel).await.unwrap();
    let base = SeaOrmAdapter::<T>::with_schema(db.clone());
    let adapter = if hashed { base.with_hashed_session_tokens() } else { base };
    let quiet = Duration::from_millis(200);
    let wait = Duration::from_secs(10);

    let email = |tag: &str| format!("{tag}-{}@example.com", fixtures::id());
    let user = adapter.create_user(new_user(fixtures::user_with_email(&email("a")))).await.unwrap();
    let session = adapter.create_session(fixtures::session(&user.id)).await.unwrap();
    let token = session.session_token.clone();
    assert_eq!(next_payload(&mut listener, quiet).await, None, "inserts notify nothing");

    let later = fixtures::one_month_from_now() + chrono::Duration::days(1);
    adapter.update_session(SessionUpdate::expires(&token, later)).await.unwrap();
    let payload = next_payload(&mut listener, wait).await;
    assert_eq!(payload, Some(session_payload(&token)), "an update names the session by its token's digest");
    assert!(!payload.unwrap_or_default().contains(&token));
    let renamed = UserUpdate { email: Some(Some(email("b"))), ..UserUpdate::new(&user.id) };
    adapter.update_user(renamed).await.unwrap();
    assert_eq!(next_payload(&mut listener, wait).await, Some(format!("u:{}", user.id)));
    assert!(adapter.delete_session(&token).await.unwrap().is_some());
    assert_eq!(next_payload(&mut listener, wait).await, Some(session_payload(&token)));

    // Deleting a user deletes their sessions too (cascade): both are named.
    let second = adapter.create_session(fixtures::session(&user.id)).await.unwrap();
    adapter.delete_user(&user.id).await.unwrap();
    let mut got = BTreeSet::new();
    for _ in 0..2 {
        got.insert(next_payload(&mut listener, wait).await.unwrap());
    }
    let expected = BTreeSet::from([format!("u:{}", user.id), session_payload(&second.session_token)]);
    assert_eq!(got, expected);

    let other = adapter.create_user(new_user(fixtures::user_with_email(&email("c")))).await.unwrap();
    adapter.create_session(fixtures::session(&other.id)).await.unwrap();
    let truncate = Table::truncate().table(<T::Session>::default().table_ref()).to_owned();
    db.execute(&truncate).await.unwrap();
    assert_eq!(next_payload(&mut listener, wait).await.as_deref(), Some("*"));
    assert_eq!(next_payload(&mut listener, quiet).await, None, "nothing else");

    cache_triggers::uninstall::<T>(db).await.unwrap();
    cache_triggers::uninstall::<T>(db).await.unwrap();
    assert_eq!(pg_triggers(db).await, Vec::<String>::new());
    assert_eq!(pg_functions(db).await, 0);
    adapter.delete_user(&other.id).await.unwrap();
    assert_eq!(next_payload(&mut listener, quiet).await, None, "uninstalled: nothing is sent");
}

#[tokio::test]
async fn payloads_name_the_row_on_every_schema() {
    payloads_name_the_row::<schemas::Default>(false, DEFAULT_CHANNEL).await;
    payloads_name_the_row::<schemas::Default>(true, DEFAULT_CHANNEL).await;
    payloads_name_the_row::<schemas::Prefixed>(false, "Mixed Case \"channel\"").await;
    payloads_name_the_row::<schemas::Plural>(false, DEFAULT_CHANNEL).await;
    payloads_name_the_row::<schemas::UuidIds>(true, DEFAULT_CHANNEL).await;
    payloads_name_the_row::<schemas::IntegerIds>(false, DEFAULT_CHANNEL).await;
    payloads_name_the_row::<schemas::Prisma>(false, DEFAULT_CHANNEL).await;
    payloads_name_the_row::<schemas::PrismaV4>(true, DEFAULT_CHANNEL).await;
    // Tables in a PostgreSQL schema whose name holds a double quote and a space.
    use authjs_sea_orm::migration::{SchemaManager, v1};
    use schemas::quoted_schema;
    let Some(empty) = TestDb::empty(Backend::Postgres).await else { return };
    v1::create_auth_tables::<quoted_schema::Tables>(&SchemaManager::new(&empty.db)).await.unwrap();
    payloads_on::<quoted_schema::Tables>(&empty.db, false, "it's", |new| new).await;
}

/// The crate's migrations do not install triggers, nor does adopting the tables of a Drizzle app; the `CacheTriggers`
/// migration does, and its `down` removes them.
#[tokio::test]
async fn trigger_installation_is_explicit() {
    let Some(t) = TestDb::new(Backend::Postgres).await else { return };
    assert_eq!(pg_triggers(&t.db).await, Vec::<String>::new(), "the crate's migrations install no trigger");

    struct WithTriggers;
    #[async_trait::async_trait]
    impl MigratorTrait for WithTriggers {
        fn migrations() -> Vec<Box<dyn MigrationTrait>> {
            let mut migrations = authjs_sea_orm::migration::migrations();
            migrations.push(Box::new(CacheTriggers::new()));
            migrations
        }
    }
    WithTriggers::up(&t.db, None).await.unwrap();
    let expected = [
        "\"user\" authjs_cache_notify",
        "\"user\" authjs_cache_notify_truncate",
        "session authjs_cache_notify",
        "session authjs_cache_notify_truncate",
    ];
    assert_eq!(pg_triggers(&t.db).await, expected);
    WithTriggers::down(&t.db, Some(1)).await.unwrap();
    assert_eq!(pg_triggers(&t.db).await, Vec::<String>::new());
    assert_eq!(pg_functions(&t.db).await, 0);

    if !node_ready() {
        return;
    }
    let Some(empty) = TestDb::empty(Backend::Postgres).await else { return };
    drizzle::apply(&empty.db, &drizzle::ddl(Backend::Postgres)).await;
    Migrator::up(&empty.db, None).await.unwrap();
    assert_eq!(pg_triggers(&empty.db).await, Vec::<String>::new(), "adopting drizzle-kit's tables installs nothing");
}

/// SQLite and MySQL/MariaDB have no `NOTIFY`: `install` and the migration do nothing there.
async fn triggers_are_a_no_op_without_notify(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    cache_triggers::install::<Tables>(&t.db, DEFAULT_CHANNEL).await.unwrap();
    CacheTriggers::new().up(&authjs_sea_orm::migration::SchemaManager::new(&t.db)).await.unwrap();
    let sql = match backend {
        Backend::MySql => "SELECT count(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
        _ => "SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger'",
    };
    let row = t.db.query_one_raw(Statement::from_string(t.db.get_database_backend(), sql)).await.unwrap().unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0);
    CacheTriggers::new().down(&authjs_sea_orm::migration::SchemaManager::new(&t.db)).await.unwrap();
    cache_triggers::uninstall::<Tables>(&t.db).await.unwrap();
}

#[tokio::test]
async fn triggers_are_a_no_op_without_notify_on_sqlite() {
    triggers_are_a_no_op_without_notify(Backend::SqliteFile).await;
}

#[tokio::test]
async fn triggers_are_a_no_op_without_notify_on_mysql() {
    triggers_are_a_no_op_without_notify(Backend::MySql).await;
}

// ---------------------------------------------------------------------------------------------------------------
// A real Auth.js app signs out

/// The Rust app: `GET /me` answers the signed-in user's id, or 401.
fn rust_app(cache: Cached) -> Router {
    async fn me(current: CurrentSession<Cached>) -> String {
        current.user.id
    }
    let config = AuthConfig::for_url("a secret of the cache notify test", "http://localhost").unwrap();
    Router::new().route("/me", get(me)).with_state(Auth::new(cache, config))
}

async fn status_of(app: &Router, token: &str) -> StatusCode {
    let request = Request::get("/me").header(header::COOKIE, format!("authjs.session-token={token}"));
    app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap().status()
}

/// Auth.js (`@auth/core` 0.41.3 and `@auth/drizzle-adapter` on the tables drizzle-kit created, triggers installed
/// by the app's call) signs a user out: the Rust app with a one-hour time-to-live answers 401 within [`BOUND`], 20
/// times over; without the listener the same cache would go on serving the session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authjs_sign_out_is_seen_at_once() {
    if !node_ready() {
        return;
    }
    let Some(empty) = TestDb::empty(Backend::Postgres).await else { return };
    drizzle::apply(&empty.db, &drizzle::ddl(Backend::Postgres)).await;
    Migrator::up(&empty.db, None).await.unwrap();
    cache_triggers::install::<Tables>(&empty.db, DEFAULT_CHANNEL).await.unwrap();
    let node = AuthjsApp::start(&empty, "a secret of the cache notify test", "database");
    let adapter = SeaOrmAdapter::new(empty.db.clone());
    let (cache, _listener) = listening_cache(adapter.clone(), &empty.url).await;
    let ttl_only = CachedAdapter::builder(adapter.clone()).time_to_live(Duration::from_secs(3600)).build();
    let app = rust_app(cache.clone());
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let browser = reqwest::Client::builder()
        .cookie_provider(Arc::clone(&jar))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let node_url: reqwest::Url = node.base.parse().unwrap();
    let (user, _) = given_session(&adapter).await;

    let mut delays = Vec::new();
    for trial in 0..20 {
        let token = random_token();
        let session = AdapterSession {
            session_token: token.clone(),
            user_id: user.id.clone(),
            expires: Utc::now() + chrono::Duration::days(30),
        };
        adapter.create_session(session).await.unwrap();
        jar.add_cookie_str(&format!("authjs.session-token={token}; Path=/"), &node_url);
        if trial == 0 {
            let session: serde_json::Value =
                browser.get(format!("{}/auth/session", node.base)).send().await.unwrap().json().await.unwrap();
            assert_eq!(session["user"]["email"].as_str(), user.email.as_deref(), "Auth.js sees the session");
            assert!(ttl_only.get_session_and_user(&token).await.unwrap().is_some());
        }
        assert_eq!(status_of(&app, &token).await, StatusCode::OK);
        let hits = cache.stats().session_hits;
        assert_eq!(status_of(&app, &token).await, StatusCode::OK);
        assert_eq!(cache.stats().session_hits, hits + 1, "the Rust app answers from memory");

        let csrf: serde_json::Value =
            browser.get(format!("{}/auth/csrf", node.base)).send().await.unwrap().json().await.unwrap();
        let csrf = csrf["csrfToken"].as_str().unwrap().to_owned();
        let signed_out = browser
            .post(format!("{}/auth/signout", node.base))
            .form(&[("csrfToken", csrf.as_str())])
            .send()
            .await
            .unwrap();
        let signed_out_at = Instant::now();
        assert!(signed_out.status().is_redirection(), "Auth.js answers its sign-out with a redirect");
        assert_eq!(adapter.get_session_and_user(&token).await.unwrap(), None, "Auth.js deleted the session");
        let mut requests = 0;
        while status_of(&app, &token).await == StatusCode::OK {
            requests += 1;
            assert!(signed_out_at.elapsed() < Duration::from_secs(10), "the Rust app never saw the sign-out");
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        delays.push(signed_out_at.elapsed());
        if trial == 0 {
            eprintln!("first sign-out: {requests} requests still signed in");
            let stale = ttl_only.get_session_and_user(&token).await.unwrap();
            assert!(stale.is_some(), "the control: a cache without the listener still serves the session");
        }
    }
    check_delays("Auth.js sign-out seen by the Rust app", delays);
}

/// PgBouncer in session mode keeps the listening session for its client: the listener works through it too (a pooler in
/// transaction mode does not, and is not tried).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_works_through_pgbouncer_in_session_mode() {
    let target = Target::from(Backend::Postgres).via(Route::PgBouncerSession);
    let Some(empty) = TestDb::empty(target).await else { return };
    Migrator::up(&empty.db, None).await.unwrap();
    cache_triggers::install::<Tables>(&empty.db, DEFAULT_CHANNEL).await.unwrap();
    let adapter = SeaOrmAdapter::new(empty.db.clone());
    let (cache, _listener) = listening_cache(adapter.clone(), &empty.url).await;
    let (_, session) = given_session(&adapter).await;
    assert_cached(&cache, &session.session_token).await;
    adapter.delete_session(&session.session_token).await.unwrap();
    let deleted_at = Instant::now();
    while cache.get_session_and_user(&session.session_token).await.unwrap().is_some() {
        assert!(deleted_at.elapsed() < Duration::from_secs(10), "never seen through PgBouncer");
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    check_delays("sign-out seen through PgBouncer (session mode)", vec![deleted_at.elapsed()]);
}

// ---------------------------------------------------------------------------------------------------------------
// Another process of the Rust app

/// `src/bin/cache_peer.rs`, running; it ends when its stdin closes (dropped).
struct Peer {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Peer {
    fn start(url: &str) -> Peer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cache_peer"))
            .env("AUTHJS_CACHE_PEER_URL", url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut peer = Peer { child, stdin, lines };
        assert_eq!(peer.line(), "ready");
        peer
    }

    fn line(&mut self) -> String {
        tokio::task::block_in_place(|| self.lines.recv_timeout(Duration::from_secs(30)))
            .unwrap_or_else(|_| panic!("the peer process did not answer"))
    }

    /// Sends one command and returns the answer.
    fn call(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        let answer = self.line();
        assert!(!answer.starts_with("error"), "{command}: {answer}");
        answer
    }
}

/// Another process of the Rust app (own pool, cache and listener) signs out, renames and deletes a user: this
/// process's cache (one-hour time-to-live) sees each within [`BOUND`]; a sign-out here reaches the other's cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_by_another_process_are_seen_at_once() {
    let Some(t) = TestDb::new(Backend::Postgres).await else { return };
    cache_triggers::install::<Tables>(&t.db, DEFAULT_CHANNEL).await.unwrap();
    let url = direct_url(&t.db, "peer").await;
    let (cache, _listener) = listening_cache(t.adapter.clone(), &url).await;
    let mut peer = Peer::start(&url);

    let mut delays = Vec::new();
    for _ in 0..20 {
        let (_, session) = given_session(&t.adapter).await;
        let token = session.session_token;
        assert_cached(&cache, &token).await;
        assert_eq!(peer.call(&format!("sign-out {token}")), "ok");
        let signed_out_at = Instant::now();
        while cache.get_session_and_user(&token).await.unwrap().is_some() {
            assert!(signed_out_at.elapsed() < Duration::from_secs(10), "never seen");
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        delays.push(signed_out_at.elapsed());
    }
    check_delays("sign-out by another process", delays);

    // A user renamed, then deleted, elsewhere: their cached row (what JWT sessions read) and sessions follow.
    let (user, session) = given_session(&t.adapter).await;
    let token = session.session_token;
    assert_cached(&cache, &token).await;
    assert!(cache.get_user(&user.id).await.unwrap().is_some());
    let hits = cache.stats().user_hits;
    assert!(cache.get_user(&user.id).await.unwrap().is_some());
    assert_eq!(cache.stats().user_hits, hits + 1, "get_user served from memory");
    assert_eq!(peer.call(&format!("rename {} Grace", user.id)), "ok");
    let renamed = wait_for("the rename", || async {
        cache.get_user(&user.id).await.unwrap().and_then(|u| u.name).as_deref() == Some("Grace")
    })
    .await;
    let (_, owner) = cache.get_session_and_user(&token).await.unwrap().unwrap();
    assert_eq!(owner.name.as_deref(), Some("Grace"), "the session's user too");
    assert_eq!(peer.call(&format!("delete-user {}", user.id)), "ok");
    let deleted = wait_for("the deletion", || async {
        cache.get_user(&user.id).await.unwrap().is_none() && cache.get_session_and_user(&token).await.unwrap().is_none()
    })
    .await;
    check_delays("user renamed and deleted by another process", vec![renamed, deleted]);

    // This process signs out: the other process's cache drops the session.
    let (_, session) = given_session(&t.adapter).await;
    let token = session.session_token;
    for _ in 0..2 {
        assert!(peer.call(&format!("get {token}")).starts_with("in "));
    }
    let hits: u64 = peer.call("hits").split(' ').next().unwrap().parse().unwrap();
    assert!(hits >= 1, "the other process answers from memory");
    cache.delete_session(&token).await.unwrap();
    let seen = wait_for("the peer sees the sign-out", || {
        let out = peer.call(&format!("get {token}")) == "out";
        async move { out }
    })
    .await;
    check_delays("sign-out seen by the other process", vec![seen]);
}

// ---------------------------------------------------------------------------------------------------------------
// The listener's connection drops

/// `pg_terminate_backend` on the listener's connection, the database refusing new connections meanwhile: a session
/// deleted right then is not served (the cache empties as soon as the listener sees its connection go), every read
/// goes to the database until it listens again, and once the database accepts connections it does, by itself, and
/// caching and invalidation resume. The logs say so, without the URL's password or any token.
#[tokio::test]
async fn connection_loss_serves_nothing_stale_and_recovers() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // This test's runtime is single-threaded: the listener's task logs on this thread.
    let _logging = tracing::subscriber::set_default(subscriber);

    let Some(t) = TestDb::new(Backend::Postgres).await else { return };
    cache_triggers::install::<Tables>(&t.db, DEFAULT_CHANNEL).await.unwrap();
    let password = format!("ListenerSecret{}", fixtures::id().replace('-', ""));
    let url = direct_url(&t.db, &password).await;
    // One connection, opened now, for all this test does while the database refuses new ones (a pool free to open
    // another while the last one is on its way back would be refused). `counted` counts the statements it runs.
    let mut options = authjs_sea_orm::connect_options(&url);
    options.max_connections(1).min_connections(1);
    let plain = sea_orm::Database::connect(options).await.unwrap();
    let mut counted = plain.clone();
    let statements = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&statements);
    counted.set_metric_callback(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    let (cache, listener) = listening_cache(SeaOrmAdapter::new(counted), &url).await;
    let (_, a) = given_session(&t.adapter).await;
    let (_, b) = given_session(&t.adapter).await;
    assert_cached(&cache, &a.session_token).await;

    let name: String = {
        let row = t.db.query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT current_database() AS d"));
        row.await.unwrap().unwrap().try_get("", "d").unwrap()
    };
    // From another database: PostgreSQL refuses to close the current one.
    let server = authjs_sea_orm::connect(&std::env::var("AUTHJS_TEST_POSTGRES_URL").unwrap()).await.unwrap();
    let door = |open: bool| format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {open}");
    server.execute_unprepared(&door(false)).await.unwrap();
    let terminate = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_terminate_backend(pid, 5000) AS done FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = $1",
        [LISTENER_APPLICATION_NAME.into()],
    );
    let terminated = plain.query_all_raw(terminate).await.unwrap();
    assert_eq!(terminated.len(), 1, "one listener connection");
    assert!(terminated[0].try_get::<bool>("", "done").unwrap());
    let sql = r#"DELETE FROM "session" WHERE "sessionToken" = $1"#;
    let delete = |token: &str| Statement::from_sql_and_values(DbBackend::Postgres, sql, [token.into()]);
    plain.execute_raw(delete(&a.session_token)).await.unwrap();
    let deleted_at = Instant::now();
    while cache.get_session_and_user(&a.session_token).await.unwrap().is_some() {
        assert!(deleted_at.elapsed() < Duration::from_secs(10), "a session deleted while the listener was cut");
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    check_delays("connection loss seen by the cache", vec![deleted_at.elapsed()]);
    assert_eq!(cache.invalidation(), Invalidation::NotListening);

    statements.store(0, Ordering::SeqCst);
    for _ in 0..3 {
        assert!(cache.get_session_and_user(&b.session_token).await.unwrap().is_some());
    }
    let read = statements.swap(0, Ordering::SeqCst);
    assert_eq!(read, 3, "not listening: every read goes to the database, nothing is stored");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(cache.invalidation(), Invalidation::NotListening, "the database still refuses the listener");

    server.execute_unprepared(&door(true)).await.unwrap();
    server.close().await.unwrap();
    wait_listening(&cache).await;
    assert_cached(&cache, &b.session_token).await;
    plain.execute_raw(delete(&b.session_token)).await.unwrap();
    let deleted_at = Instant::now();
    while cache.get_session_and_user(&b.session_token).await.unwrap().is_some() {
        assert!(deleted_at.elapsed() < Duration::from_secs(10), "the listener came back deaf");
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    check_delays("invalidation after the listener came back", vec![deleted_at.elapsed()]);

    listener.stop().await;
    assert_eq!(cache.invalidation(), Invalidation::NotListening, "stopped: nothing is cached any more");
    let logs = logs.text();
    assert!(logs.contains("session cache listener: listening"), "{logs}");
    assert!(logs.contains("connection lost"), "{logs}");
    assert!(logs.contains("cannot listen"), "{logs}");
    for secret in [password.as_str(), &a.session_token, &b.session_token, &session_payload(&a.session_token)[2..]] {
        assert!(!logs.contains(secret), "a secret in the logs: {logs}");
    }
}
