//! Hostile input against the real app, on every backend: the app served on a random 127.0.0.1 port over a fresh
//! database (SQLite file, PostgreSQL, MariaDB from `authjs-sea-orm-tests`' `TestDb::empty`), driven over HTTP.
//!
//! - Tables of hostile session cookies, magic-link query strings, sign-in form fields and error codes, each row with
//!   the exact status it must get, and no `ERROR`-level log line for any of them (the app's logs are captured by a
//!   subscriber installed for the test's thread: `#[tokio::test]` runs a current-thread runtime, so the server task
//!   and its connection tasks are polled on that thread).
//! - Look-alike addresses on MariaDB tables whose `user.email` and `verificationToken.identifier` were converted to a
//!   case- and accent-insensitive collation (`utf8mb4_unicode_ci`, `utf8mb4_general_ci`): a link for
//!   `victim@exämple.com` must never sign its holder in as `victim@example.com`.
//! - Full-width addresses are normalized with Unicode NFKC before lower-casing, as @auth/core does.
//!
//! Every test is stamped per backend (`sqlite::`, `postgres::`, `mysql::`); the look-alike tests run on `mysql::`
//! only. PostgreSQL and MariaDB need `AUTHJS_TEST_POSTGRES_URL` / `AUTHJS_TEST_MYSQL_URL`; with `CI=true` a missing
//! one is a failure.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use authjs_sea_orm::entity::{Timestamp, session, user, verification_token};
use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm::{Adapter, AdapterUser, NewUser, SeaOrmAdapter};
use authjs_sea_orm_tests::{Backend, EmptyDb, TestDb};
use axum::http::{HeaderValue, StatusCode};
use chrono::{Duration, Utc};
use example_axum::Config;
use reqwest::cookie::Jar;
use reqwest::header::COOKIE;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Set, Statement,
};
use tracing::Level;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use url::Url;

mod common;

use common::{Browser, RecordingMailer, SECRET, SESSION_COOKIE, location, query_param};

// ---------------------------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------------------------

/// The log events of one test (`WARN` and above), captured from every task polled on the test's thread.
#[derive(Clone, Default)]
struct Logs {
    events: Arc<Mutex<Vec<(Level, String)>>>,
}

impl Logs {
    /// Installs the capturing subscriber as this thread's default until the guard is dropped.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let layer = Capture(Arc::clone(&self.events)).with_filter(LevelFilter::WARN);
        tracing::subscriber::set_default(tracing_subscriber::registry().with(layer))
    }

    /// A position in the log, for [`Logs::errors_since`].
    fn mark(&self) -> usize {
        self.events.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// The `ERROR` events logged since `mark`.
    fn errors_since(&self, mark: usize) -> Vec<String> {
        let events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events[mark.min(events.len())..]
            .iter()
            .filter(|(level, _)| *level == Level::ERROR)
            .map(|(_, e)| e.clone())
            .collect()
    }
}

/// A layer recording each event's level, target and fields.
struct Capture(Arc<Mutex<Vec<(Level, String)>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: tracing_subscriber::layer::Context<'_, S>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                let _ = write!(self.0, " {}={:?}", field.name(), value);
            }
        }
        let mut fields = Fields(format!("{}:", event.metadata().target()));
        event.record(&mut fields);
        let mut text = fields.0;
        if text.len() > 600 {
            let mut end = 600;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text.push('…');
        }
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push((*event.metadata().level(), text));
    }
}

/// The app, served in-process over a fresh, migrated database.
struct TestApp {
    backend: Backend,
    base: Url,
    /// A connection of the test's own (its statements are not counted), for direct reads and writes.
    db: DatabaseConnection,
    /// An adapter on [`TestApp::db`].
    adapter: SeaOrmAdapter,
    mailer: Arc<RecordingMailer>,
    /// Statements run by the app (its adapter's connection has a metric callback).
    statements: Arc<AtomicUsize>,
    logs: Logs,
    server: tokio::task::JoinHandle<()>,
    // Last: the database is dropped after the connections.
    _empty: EmptyDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// `None` when the backend's server URL is unset (a failure with `CI=true`: see `TestDb::empty`).
    async fn start(backend: Backend, logs: &Logs) -> Option<TestApp> {
        let empty = TestDb::empty(backend).await?;
        Migrator::up(&empty.db, None).await.unwrap_or_else(|e| panic!("migrate {backend}: {e}"));
        let db = empty.db.clone();

        let statements = Arc::new(AtomicUsize::new(0));
        let mut counted = empty.db.clone();
        let counter = Arc::clone(&statements);
        counted.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });

        let mailer = Arc::new(RecordingMailer::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let mut config = Config::new(base.clone(), SECRET).unwrap();
        // The tests send many links from one IP address, some to one address.
        config.link_limit.per_ip = 10_000;
        config.link_limit.per_address = 10_000;
        let app = example_axum::app(config, SeaOrmAdapter::new(counted), mailer.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        Some(TestApp {
            backend,
            base,
            adapter: SeaOrmAdapter::new(db.clone()),
            db,
            mailer,
            statements,
            logs: logs.clone(),
            server,
            _empty: empty,
        })
    }

    fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    fn browser(&self) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser { client, jar, base: self.base.clone() }
    }

    /// A client without a cookie store or redirects.
    fn bare_client(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    async fn verification_tokens(&self) -> Vec<verification_token::Model> {
        verification_token::Entity::find().all(&self.db).await.unwrap()
    }

    /// The user `browser`'s session cookie belongs to, if it is signed in.
    async fn signed_in_user(&self, browser: &Browser) -> Option<AdapterUser> {
        let token = browser.session_token()?;
        self.adapter.get_session_and_user(&token).await.unwrap().map(|(_, user)| user)
    }

    /// Signs `browser` in as `email` through the form and the magic link; returns the user.
    async fn sign_in_with_email(&self, browser: &Browser, email: &str) -> AdapterUser {
        let csrf = browser.csrf_token().await;
        let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", email)]).await;
        assert_eq!(location(&response), "/auth/verify-request", "requesting a link for {email}");
        let link = self.mailer.last().expect("a link was sent").url;
        let response = browser.get(&link).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/account");
        self.signed_in_user(browser).await.expect("signed in")
    }
}

/// A short, printable form of a hostile value for failure messages.
fn show(value: &str) -> String {
    let shown: String = value.chars().take(60).collect();
    if value.chars().count() > 60 { format!("{shown:?}… ({} bytes)", value.len()) } else { format!("{shown:?}") }
}

/// Row failures, reported together so one run shows every failing row.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        if !ok {
            self.0.push(message());
        }
    }

    fn assert_none(self, what: &str) {
        assert!(self.0.is_empty(), "{what}: {} failing row(s):\n  {}", self.0.len(), self.0.join("\n  "));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// A. Hostile session cookies
// ---------------------------------------------------------------------------------------------------------------

/// Whether a cookie value can be a session token at all.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lookup {
    /// Over 512 bytes, control characters, the `sha256:` marker of a stored hash: "no session" without a query.
    NoQuery,
    /// Could be a token: looked up (at most one statement), found nothing.
    MayQuery,
}

/// The `sha256:`-marked value a hashing adapter stores for a session token: a row with this value is planted in the
/// session table, so a lookup by the raw cookie value would find it.
fn stored_hash_value() -> String {
    format!("sha256:{}", "0123456789abcdef".repeat(4))
}

/// `(label, Cookie header, lookup)`.
fn cookie_rows() -> Vec<(String, Vec<u8>, Lookup)> {
    let one = |v: &str| format!("{SESSION_COOKIE}={v}").into_bytes();
    let mut rows = vec![
        ("percent-encoded NUL %00".to_owned(), one("%00"), Lookup::NoQuery),
        ("NUL inside a token abc%00def".to_owned(), one("abc%00def"), Lookup::NoQuery),
        ("percent-encoded %01".to_owned(), one("%01"), Lookup::NoQuery),
        ("percent-encoded DEL %7F".to_owned(), one("%7F"), Lookup::NoQuery),
        ("percent-encoded CR LF".to_owned(), one("a%0D%0Ab"), Lookup::NoQuery),
        ("raw tab inside".to_owned(), one("a\tb"), Lookup::NoQuery),
        ("percent-encoded tab inside".to_owned(), one("a%09b"), Lookup::NoQuery),
        ("513 bytes".to_owned(), one(&"a".repeat(513)), Lookup::NoQuery),
        ("513 hex bytes".to_owned(), one(&"0123456789abcdef".repeat(33)[..513]), Lookup::NoQuery),
        ("100 KB".to_owned(), one(&"x".repeat(100_000)), Lookup::NoQuery),
        ("stored hash sha256:<64 hex> (a row holds it)".to_owned(), one(&stored_hash_value()), Lookup::NoQuery),
        ("sha256:<64 hex>, no row".to_owned(), one(&format!("sha256:{}", "f".repeat(64))), Lookup::NoQuery),
        ("percent-encoded unicode été".to_owned(), one("%C3%A9t%C3%A9"), Lookup::MayQuery),
        ("percent-encoded emoji".to_owned(), one("%F0%9F%94%91"), Lookup::MayQuery),
        ("raw UTF-8 bytes".to_owned(), one("été🔑"), Lookup::MayQuery),
        ("invalid UTF-8 after decoding %FF%FE".to_owned(), one("%FF%FE"), Lookup::MayQuery),
        ("double-quoted".to_owned(), one("\"abc\""), Lookup::MayQuery),
        ("lone double quote".to_owned(), one("\""), Lookup::MayQuery),
        ("percent-encoded quotes %22%27".to_owned(), one("%22%27"), Lookup::MayQuery),
        ("semicolons a;b;c".to_owned(), one("a;b;c"), Lookup::MayQuery),
        ("only semicolons".to_owned(), one(";;;"), Lookup::MayQuery),
        ("empty value".to_owned(), one(""), Lookup::MayQuery),
        ("' OR '1'='1".to_owned(), one("%27%20OR%20%271%27%3D%271"), Lookup::MayQuery),
        ("'; DROP TABLE session; --".to_owned(), one("%27%3B%20DROP%20TABLE%20session%3B%20--"), Lookup::MayQuery),
        ("LIKE wildcards %25 and _".to_owned(), one("%25_%25"), Lookup::MayQuery),
        ("backslashes".to_owned(), one("\\\\'\\"), Lookup::MayQuery),
        ("invalid percent-encoding %ZZ".to_owned(), one("%ZZ%"), Lookup::MayQuery),
    ];
    rows.push((
        "two session cookies".to_owned(),
        format!("{SESSION_COOKIE}=first; {SESSION_COOKIE}=second").into_bytes(),
        Lookup::MayQuery,
    ));
    rows.push((
        "two Cookie-style pairs, one empty name".to_owned(),
        format!("={}; {SESSION_COOKIE}=x", "y".repeat(10)).into_bytes(),
        Lookup::MayQuery,
    ));
    rows
}

async fn session_cookies_are_signed_out(app: &TestApp) {
    // A user with a real session, and a row whose token is the stored-hash form: a cookie carrying that value must
    // not be looked up as a raw token.
    let user =
        app.adapter.create_user(NewUser { email: Some("holder@example.com".into()), ..NewUser::default() }).await;
    let user = user.unwrap();
    session::ActiveModel {
        session_token: Set(stored_hash_value()),
        user_id: Set(user.id.clone()),
        expires: Set(Timestamp::from(Utc::now() + Duration::days(30))),
    }
    .insert(&app.db)
    .await
    .unwrap();

    let client = app.bare_client();
    let mut failures = Failures::default();
    for (label, header, lookup) in cookie_rows() {
        let value = HeaderValue::from_bytes(&header).unwrap();
        let mark = app.logs.mark();

        let before = app.statements();
        let response = client.get(app.base.join("/account").unwrap()).header(COOKIE, value.clone()).send().await;
        let response = response.unwrap();
        let (status, to) = (response.status(), location(&response));
        let body = response.text().await.unwrap();
        let account_statements = app.statements() - before;
        failures.check(status == StatusCode::SEE_OTHER && to == "/", || {
            format!("GET /account [{label}]: {status} Location {to:?}, expected 303 to \"/\" ({})", show(&body))
        });

        let before = app.statements();
        let response = client.get(app.base.clone()).header(COOKIE, value).send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        let home_statements = app.statements() - before;
        failures.check(status == StatusCode::OK, || format!("GET / [{label}]: {status}, expected 200"));
        failures.check(status != StatusCode::OK || body.contains("action=\"/auth/signin/email\""), || {
            format!("GET / [{label}]: not the signed-out page")
        });

        match lookup {
            Lookup::NoQuery => failures.check(account_statements == 0 && home_statements == 0, || {
                format!(
                    "[{label}]: cannot be a token, but {account_statements} + {home_statements} statement(s) ran \
                     (expected none)"
                )
            }),
            Lookup::MayQuery => failures.check(account_statements <= 1 && home_statements <= 1, || {
                format!("[{label}]: {account_statements} + {home_statements} statement(s) (expected at most 1 each)")
            }),
        }
        let errors = app.logs.errors_since(mark);
        failures.check(errors.is_empty(), || format!("[{label}]: ERROR logged: {errors:?}"));
    }
    failures.assert_none(&format!("hostile session cookies on {}", app.backend));

    // Nothing was dropped or changed: the planted row is still there.
    let sessions = session::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].user_id, user.id);
}

// ---------------------------------------------------------------------------------------------------------------
// A. Hostile magic-link query strings
// ---------------------------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Callback {
    /// Missing or invalid parameters: 400.
    BadRequest,
    /// A well-formed address with a token that was never issued: 303 to `/auth/error?error=Verification`.
    Verification,
}

fn callback_rows() -> Vec<(&'static str, String, Callback)> {
    use Callback::*;
    let long_local = "a".repeat(321 - "@example.com".len());
    vec![
        ("NUL in the address", "email=a%00@b.com&token=x".to_owned(), BadRequest),
        ("NUL at the end", "email=name@example.com%00&token=x".to_owned(), BadRequest),
        ("control character %01", "email=a%01b@example.com&token=x".to_owned(), BadRequest),
        ("DEL %7F", "email=a%7Fb@example.com&token=x".to_owned(), BadRequest),
        ("tab inside", "email=a%09b@example.com&token=x".to_owned(), BadRequest),
        ("CR LF inside", "email=a%0D%0Ab@example.com&token=x".to_owned(), BadRequest),
        ("321-byte address", format!("email={long_local}@example.com&token=x"), BadRequest),
        ("10 KB address", format!("email={}@example.com&token=x", "a".repeat(10_000)), BadRequest),
        ("missing token", "email=name%40example.com".to_owned(), BadRequest),
        ("missing email", "token=x".to_owned(), BadRequest),
        ("no query at all", String::new(), BadRequest),
        ("empty email", "email=&token=x".to_owned(), BadRequest),
        ("double quotes", "email=%22name%22@example.com&token=x".to_owned(), BadRequest),
        ("quoted local part with @", "email=%22a%40b%22@example.com&token=x".to_owned(), BadRequest),
        ("two @", "email=a@b@c&token=x".to_owned(), BadRequest),
        ("no @", "email=name.example.com&token=x".to_owned(), BadRequest),
        ("well-formed, unknown token", "email=name%40example.com&token=bogus".to_owned(), Verification),
        (
            "300-byte well-formed address (wider than MySQL's varchar(255))",
            format!("email={}@{}.com&token=bogus", "a".repeat(64), "b".repeat(231)),
            Verification,
        ),
        (
            "full-width ｎame@example.com, bogus token",
            "email=%EF%BD%8Eame@example.com&token=bogus".to_owned(),
            Verification,
        ),
        ("upper case, bogus token", "email=NAME@EXAMPLE.COM&token=bogus".to_owned(), Verification),
        ("apostrophe (valid atext)", "email=o%27brien@example.com&token=bogus".to_owned(), Verification),
        ("SQL in the token", "email=name@example.com&token=%27%20OR%20%271%27%3D%271".to_owned(), Verification),
        ("NUL in the token", "email=name@example.com&token=%00".to_owned(), Verification),
        ("10 KB token", format!("email=name@example.com&token={}", "f".repeat(10_000)), Verification),
        ("invalid UTF-8 in the token", "email=name@example.com&token=%FF%FE".to_owned(), Verification),
    ]
}

async fn callback_query_strings(app: &TestApp) {
    let client = app.bare_client();
    let mut failures = Failures::default();
    for (label, query, expected) in callback_rows() {
        let mark = app.logs.mark();
        let url = app.base.join(&format!("/auth/callback/email?{query}")).unwrap();
        let response = client.get(url).send().await.unwrap();
        let (status, to) = (response.status(), location(&response));
        let signs_in =
            response.headers().get_all("set-cookie").iter().any(|c| c.as_bytes().starts_with(b"authjs.session"));
        let body = response.text().await.unwrap();
        let ok = match expected {
            Callback::BadRequest => status == StatusCode::BAD_REQUEST,
            Callback::Verification => status == StatusCode::SEE_OTHER && to == "/auth/error?error=Verification",
        };
        failures.check(ok, || {
            format!("[{label}] {}: {status} Location {to:?} ({}), expected {expected:?}", show(&query), show(&body))
        });
        failures.check(!signs_in, || format!("[{label}]: sets a session cookie"));
        let errors = app.logs.errors_since(mark);
        failures.check(errors.is_empty(), || format!("[{label}]: ERROR logged: {errors:?}"));
    }
    failures.assert_none(&format!("hostile magic-link queries on {}", app.backend));
    assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), 0, "no session was created");
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 0, "no user was created");
}

// ---------------------------------------------------------------------------------------------------------------
// A. Hostile sign-in form fields
// ---------------------------------------------------------------------------------------------------------------

fn form_rows() -> Vec<(&'static str, String)> {
    vec![
        ("NUL", "a\0b@example.com".to_owned()),
        ("NUL at the end", "name@example.com\0".to_owned()),
        ("control character U+0001", "a\u{1}b@example.com".to_owned()),
        ("DEL", "a\u{7f}b@example.com".to_owned()),
        ("tab inside", "a\tb@example.com".to_owned()),
        ("CR LF inside (header injection)", "a@example.com\r\nBcc: x@evil.com".to_owned()),
        ("C1 control U+0085 inside", "a\u{85}b@example.com".to_owned()),
        ("321 bytes", format!("{}@example.com", "a".repeat(321 - "@example.com".len()))),
        ("2000 bytes", format!("{}@example.com", "a".repeat(2000))),
        ("double quotes", "\"name\"@example.com".to_owned()),
        ("quoted local part with @", "\"a@b\"@example.com".to_owned()),
        ("a@b@c", "a@b@c".to_owned()),
        ("empty", String::new()),
        ("only spaces", "   ".to_owned()),
        ("no @", "name.example.com".to_owned()),
        ("empty local part", "@example.com".to_owned()),
        ("empty domain", "name@".to_owned()),
    ]
}

async fn sign_in_form_fields(app: &TestApp) {
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let mut failures = Failures::default();
    for (label, email) in form_rows() {
        let mark = app.logs.mark();
        let sent = app.mailer.count();
        let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", &email)]).await;
        let (status, to) = (response.status(), location(&response));
        let body = response.text().await.unwrap();
        failures.check(status == StatusCode::SEE_OTHER && to.starts_with("/auth/error?error="), || {
            format!(
                "[{label}] {}: {status} Location {to:?} ({}), expected 303 to /auth/error",
                show(&email),
                show(&body)
            )
        });
        let stored = app.verification_tokens().await;
        failures.check(stored.is_empty(), || {
            format!(
                "[{label}]: verification token(s) stored for {:?}",
                stored.iter().map(|t| show(&t.identifier)).collect::<Vec<_>>()
            )
        });
        failures.check(app.mailer.count() == sent, || format!("[{label}]: a link was sent"));
        let errors = app.logs.errors_since(mark);
        failures.check(errors.is_empty(), || format!("[{label}]: ERROR logged: {errors:?}"));
        // Leave the table empty for the next row, whatever this one did.
        verification_token::Entity::delete_many().exec(&app.db).await.unwrap();
    }

    // A valid address after all of that.
    let mark = app.logs.mark();
    let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", "name@example.com")]).await;
    failures.check(response.status() == StatusCode::SEE_OTHER && location(&response) == "/auth/verify-request", || {
        format!(
            "[valid address]: {} Location {:?}, expected 303 to /auth/verify-request",
            response.status(),
            location(&response)
        )
    });
    let stored = app.verification_tokens().await;
    failures.check(stored.len() == 1 && stored[0].identifier == "name@example.com", || {
        format!("[valid address]: stored {:?}", stored.iter().map(|t| t.identifier.clone()).collect::<Vec<_>>())
    });
    let errors = app.logs.errors_since(mark);
    failures.check(errors.is_empty(), || format!("[valid address]: ERROR logged: {errors:?}"));

    // A valid 300-byte address: stored where the identifier column is `text`; refused like an invalid address
    // where it is MySQL's `varchar(255)`. Never a 500.
    verification_token::Entity::delete_many().exec(&app.db).await.unwrap();
    let long = format!("{}@example.com", "l".repeat(288));
    let mark = app.logs.mark();
    let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", &long)]).await;
    let expected =
        if app.backend == Backend::MySql { "/auth/error?error=InvalidEmail" } else { "/auth/verify-request" };
    failures.check(response.status() == StatusCode::SEE_OTHER && location(&response) == expected, || {
        format!(
            "[300-byte address]: {} Location {:?}, expected 303 to {expected}",
            response.status(),
            location(&response)
        )
    });
    let stored = app.verification_tokens().await.len();
    failures
        .check(stored == usize::from(app.backend != Backend::MySql), || format!("[300-byte address]: {stored} stored"));
    let errors = app.logs.errors_since(mark);
    failures.check(errors.is_empty(), || format!("[300-byte address]: ERROR logged: {errors:?}"));
    failures.assert_none(&format!("hostile sign-in form fields on {}", app.backend));
}

// ---------------------------------------------------------------------------------------------------------------
// A. Hostile error codes
// ---------------------------------------------------------------------------------------------------------------

fn error_rows() -> Vec<(&'static str, String)> {
    vec![
        ("script tag", "%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_owned()),
        ("attribute breakout", "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E".to_owned()),
        ("NUL", "%00".to_owned()),
        ("control characters", "%01%07%1B%5B31m%7F".to_owned()),
        ("CR LF", "Verification%0D%0ASet-Cookie:%20x=y".to_owned()),
        ("invalid UTF-8", "%FF%FE%FD".to_owned()),
        ("unicode", "%F0%9F%94%91%E2%80%AE%EF%BD%8E".to_owned()),
        ("10 KB", "A".repeat(10_000)),
        ("path traversal", "..%2F..%2Fetc%2Fpasswd".to_owned()),
        ("SQL", "%27%3B%20DROP%20TABLE%20user%3B%20--".to_owned()),
        ("empty", String::new()),
        ("known code with a NUL", "Verification%00".to_owned()),
    ]
}

async fn error_page_codes(app: &TestApp) {
    let client = app.bare_client();
    let mut failures = Failures::default();
    for (label, code) in error_rows() {
        let mark = app.logs.mark();
        let url = app.base.join(&format!("/auth/error?error={code}")).unwrap();
        let response = client.get(url).send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        failures.check(status == StatusCode::BAD_REQUEST && body.contains("Sign-in failed"), || {
            format!("[{label}]: {status} ({}), expected 400 and the error page", show(&body))
        });
        failures
            .check(!body.contains("<script>") && !body.contains("<img"), || format!("[{label}]: markup not escaped"));
        let errors = app.logs.errors_since(mark);
        failures.check(errors.is_empty(), || format!("[{label}]: ERROR logged: {errors:?}"));
    }
    // Two `error` parameters: the query is rejected (400), not a server error.
    let mark = app.logs.mark();
    let response = client.get(app.base.join("/auth/error?error=a&error=b").unwrap()).send().await.unwrap();
    failures.check(response.status() == StatusCode::BAD_REQUEST, || {
        format!("[two error parameters]: {}, expected 400", response.status())
    });
    let errors = app.logs.errors_since(mark);
    failures.check(errors.is_empty(), || format!("[two error parameters]: ERROR logged: {errors:?}"));
    failures.assert_none(&format!("hostile error codes on {}", app.backend));
}

// ---------------------------------------------------------------------------------------------------------------
// B. Look-alike addresses on case- and accent-insensitive MariaDB collations
// ---------------------------------------------------------------------------------------------------------------

/// Addresses that survive normalization (trimming, NFKC, lower-casing) as something other than the victim's, but
/// that a `_ci` collation may compare equal to it.
const VICTIM: &str = "victim@example.com";
const LOOKALIKES: [&str; 6] = [
    "victim@exämple.com",
    "victím@example.com",
    "VICTÍM@EXAMPLE.COM",
    "vİctim@example.com",         // lower-cases to "vi̇ctim": i + U+0307 COMBINING DOT ABOVE
    "victim@example.com\u{200B}", // ZERO WIDTH SPACE (not whitespace, not removed by trim or NFKC)
    "vic\u{00AD}tim@example.com", // SOFT HYPHEN
];

async fn convert_to_collation(app: &TestApp, collation: &str) {
    for sql in [
        format!("ALTER TABLE `user` MODIFY `email` varchar(255) COLLATE {collation} NULL"),
        format!("ALTER TABLE `verificationToken` MODIFY `identifier` varchar(255) COLLATE {collation} NOT NULL"),
    ] {
        app.db.execute_unprepared(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::MySql,
            "SELECT COLLATION_NAME FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'user' AND COLUMN_NAME = 'email'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), collation);
}

/// How many `user` rows the database itself considers equal to `email` (by the column's collation).
async fn users_matching(app: &TestApp, email: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::MySql,
            "SELECT COUNT(*) FROM `user` WHERE `email` = ?",
            [email.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn lookalike_addresses(app: &TestApp, collation: &str) {
    assert_eq!(app.backend, Backend::MySql);
    convert_to_collation(app, collation).await;

    let victim_browser = app.browser();
    let victim = app.sign_in_with_email(&victim_browser, VICTIM).await;
    assert_eq!(victim.email.as_deref(), Some(VICTIM));
    let victim_row = user::Entity::find_by_id(victim.id.clone()).one(&app.db).await.unwrap().unwrap();
    // The setup is hostile: the collation itself confuses the first look-alike with the victim.
    assert_eq!(users_matching(app, "victim@exämple.com").await, 1, "{collation} should confuse ä with a");

    let mut failures = Failures::default();
    let mut confused = Vec::new();
    let mut outcomes = Vec::new();
    for lookalike in LOOKALIKES {
        let label = show(lookalike);
        let attacker = app.browser();
        let mark = app.logs.mark();
        let csrf = attacker.csrf_token().await;
        let sent = app.mailer.count();
        let response = attacker.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", lookalike)]).await;
        let (status, to) = (response.status(), location(&response));
        if to != "/auth/verify-request" {
            // Refused when the link is requested.
            failures.check(status == StatusCode::SEE_OTHER && to.starts_with("/auth/error"), || {
                format!("[{label}] request: {status} Location {to:?}, expected /auth/verify-request or /auth/error")
            });
            failures.check(app.mailer.count() == sent, || format!("[{label}]: refused, yet a link was sent"));
            outcomes.push(format!("{label} -> request refused: {status} {to}"));
            continue;
        }
        let mail = app.mailer.last().unwrap();
        assert_eq!(app.mailer.count(), sent + 1);
        // The link goes to the look-alike's mailbox, not the victim's: whoever holds it is the attacker.
        assert_ne!(mail.to, VICTIM, "{label} normalizes to the victim's address: not a look-alike");
        if users_matching(app, &mail.to).await > 0 {
            confused.push(mail.to.clone());
        }

        let response = attacker.get(&mail.url).await;
        let (status, to) = (response.status(), location(&response));
        let body = response.text().await.unwrap();
        failures.check(!status.is_server_error(), || {
            format!("[{label}] link: {status} ({}), ERROR logs {:?}", show(&body), app.logs.errors_since(mark))
        });
        let signed_in = app.signed_in_user(&attacker).await;
        outcomes.push(format!("{label} -> {status} {to} (signed in: {})", signed_in.is_some()));
        match signed_in {
            Some(user) => {
                failures.check(user.id != victim.id, || format!("[{label}]: SIGNED IN AS THE VICTIM"));
                failures.check(user.email.as_deref() == Some(mail.to.as_str()), || {
                    format!("[{label}]: signed in as {:?}, expected the look-alike {:?}", user.email, mail.to)
                });
                failures.check(status == StatusCode::SEE_OTHER && to == "/account", || {
                    format!("[{label}] link: signed in, but {status} Location {to:?}")
                });
            }
            None => failures.check(
                (status == StatusCode::SEE_OTHER && to.starts_with("/auth/error")) || status.is_client_error(),
                || format!("[{label}] link: not signed in, but {status} Location {to:?} (expected a refusal)"),
            ),
        }
    }

    // The victim is untouched and still signed in.
    let after = user::Entity::find_by_id(victim.id.clone()).one(&app.db).await.unwrap();
    failures.check(after.as_ref() == Some(&victim_row), || format!("the victim's row changed: {after:?}"));
    let still = app.signed_in_user(&victim_browser).await.map(|u| u.id);
    failures.check(still.as_deref() == Some(victim.id.as_str()), || "the victim was signed out".to_owned());
    eprintln!("{collation}: look-alikes the collation confuses with the victim: {confused:?}");
    eprintln!("{collation}: outcomes:\n  {}", outcomes.join("\n  "));
    failures.assert_none(&format!("look-alike addresses on {collation}"));
}

async fn lookalike_addresses_unicode_ci(app: &TestApp) {
    lookalike_addresses(app, "utf8mb4_unicode_ci").await;
}

async fn lookalike_addresses_general_ci(app: &TestApp) {
    lookalike_addresses(app, "utf8mb4_general_ci").await;
}

// ---------------------------------------------------------------------------------------------------------------
// C. Full-width addresses
// ---------------------------------------------------------------------------------------------------------------

async fn full_width_addresses_are_nfkc_normalized(app: &TestApp) {
    let mut first_user = None;
    for input in ["ｎame@example.com", "ＮＡＭＥ＠ｅｘａｍｐｌｅ．ｃｏｍ", " Ｎａｍｅ@Example.com "]
    {
        let mark = app.logs.mark();
        verification_token::Entity::delete_many().exec(&app.db).await.unwrap();
        let browser = app.browser();
        let csrf = browser.csrf_token().await;
        let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", input)]).await;
        assert_eq!(location(&response), "/auth/verify-request", "{input}");

        let mail = app.mailer.last().unwrap();
        assert_eq!(mail.to, "name@example.com", "{input}: the link is sent to the NFKC-normalized address");
        let link = Url::parse(&mail.url).unwrap();
        assert_eq!(query_param(&link, "email").as_deref(), Some("name@example.com"), "{input}: the link's email");
        let stored: Vec<_> = app.verification_tokens().await.into_iter().map(|t| t.identifier).collect();
        assert_eq!(stored, ["name@example.com"], "{input}: the stored identifier");

        let response = browser.get(link.as_str()).await;
        assert_eq!(location(&response), "/account", "{input}: the link signs in");
        let user = app.signed_in_user(&browser).await.expect("signed in");
        assert_eq!(user.email.as_deref(), Some("name@example.com"));
        // One user for every spelling.
        let id = first_user.get_or_insert_with(|| user.id.clone());
        assert_eq!(&user.id, id, "{input}: the same user");
        assert!(app.logs.errors_since(mark).is_empty(), "{input}: {:?}", app.logs.errors_since(mark));
    }
    let users = user::Entity::find().filter(user::Column::Email.is_not_null()).all(&app.db).await.unwrap();
    assert_eq!(users.len(), 1, "{users:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// The log capture itself
// ---------------------------------------------------------------------------------------------------------------

/// The capture sees `ERROR` events of the server task (so "no `ERROR` logged" above is not vacuous): a failing
/// mailer is logged at `ERROR` by the sign-in handler.
async fn log_capture_sees_server_errors(app: &TestApp) {
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let mark = app.logs.mark();
    app.mailer.failing.store(true, Ordering::SeqCst);
    let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", "name@example.com")]).await;
    assert_eq!(location(&response), "/auth/error?error=EmailSignin");
    let errors = app.logs.errors_since(mark);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("sending the magic link failed"), "{errors:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// One module per backend
// ---------------------------------------------------------------------------------------------------------------

macro_rules! backend {
    ($module:ident => $backend:ident, [$($extra:ident),* $(,)?]) => {
        mod $module {
            use super::*;

            backend!(@tests $backend;
                session_cookies_are_signed_out,
                callback_query_strings,
                sign_in_form_fields,
                error_page_codes,
                full_width_addresses_are_nfkc_normalized,
                log_capture_sees_server_errors,
                $($extra,)*
            );
        }
    };
    (@tests $backend:ident; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let logs = Logs::default();
                let _guard = logs.install();
                if let Some(app) = TestApp::start(Backend::$backend, &logs).await {
                    super::$case(&app).await;
                }
            }
        )*
    };
}

backend!(sqlite => SqliteFile, []);
backend!(postgres => Postgres, []);
backend!(mysql => MySql, [lookalike_addresses_unicode_ci, lookalike_addresses_general_ci]);
