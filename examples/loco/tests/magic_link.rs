//! The four lines of `authjs-sea-orm-loco` in Loco's SaaS starter, over HTTP on 127.0.0.1:
//! - boot on a fresh SQLite file (migrating the starter's `users` and the auth tables), magic-link sign-in of a
//!   one-letter address with the link taken from the e-mail that Loco's SMTP mailer delivered to a local sink, the
//!   session endpoint and the signed-in page, a user row the starter's own model, validator and login accept, reuse of
//!   the link, a second link, sign-out, each form submitted with its CSRF token;
//! - `POST`s without a valid CSRF token are 403 and do nothing, while the starter's JSON API needs none;
//! - bad input is a 4xx, never a 500;
//! - the CLI: `db migrate` creates Loco's and the auth tables, `db down` drops the auth tables;
//! - `start` in development needs no `AUTH_SECRET`; production refuses to start without one, or with the development
//!   default.
//!
//! Every test passes with and without `AUTH_SECRET` in the environment.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use example_loco::app::App;
use example_loco::models::users;
use loco_rs::app::{AppContext, Hooks};
use loco_rs::boot::{create_app, StartMode};
use loco_rs::controller::middleware::remote_ip::{ClientIpSource, RemoteIpMiddleware};
use loco_rs::environment::Environment;
use loco_rs::prelude::Validatable;
use migration::Migrator;
use reqwest::header::{COOKIE, LOCATION, RETRY_AFTER, SET_COOKIE};
use reqwest::StatusCode;
use sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DbBackend, IntoActiveModel, Statement,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

// What the app logs of magic links (a module of this test: it uses the harness below).
#[path = "magic_link/logs.rs"]
mod logs;

const AUTH_TABLES: [&str; 4] = [
    "accounts",
    "sessions",
    "verification_tokens",
    "authenticators",
];

/// A directory of its own under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "example-loco-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("app.sqlite").display())
}

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect()
}

/// A minimal SMTP server that keeps the DATA of every message: enough for lettre's client without TLS.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let store = Arc::clone(&messages);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.ok();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO")
                    {
                        b"250 sink\r\n"
                    } else if command.starts_with("DATA") {
                        write.write_all(b"354 go ahead\r\n").await.ok();
                        let mut data = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            // SMTP dot-stuffing.
                            data.push_str(
                                line.strip_prefix('.')
                                    .filter(|_| line.starts_with(".."))
                                    .unwrap_or(&line),
                            );
                            data.push('\n');
                        }
                        store.lock().unwrap().push(data);
                        b"250 queued\r\n"
                    } else if command.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.ok();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.ok();
                }
            });
        }
    });
    (port, messages)
}

/// The path and query of the magic link in a message (quoted-printable parts).
fn magic_link(message: &str) -> String {
    let decoded = message.replace("=\n", "").replace("=3D", "=");
    let start = decoded
        .find("/auth/callback/email?")
        .expect("the message holds the magic link");
    decoded[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

/// The `name=value` of the cookie named `name` that `response` sets (HttpOnly, SameSite=Lax).
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    let header = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))?;
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );
    Some(header.split(';').next().unwrap().to_owned())
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    set_cookie(response, "authjs.session-token")
}

/// The value of a page's hidden CSRF field.
fn csrf_field(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("the page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The app booted as `cargo loco start` does, on a fresh SQLite file, mailing through Loco's SMTP mailer to a sink.
struct Running {
    ctx: AppContext,
    base: String,
    http: reqwest::Client,
    mailbox: Arc<Mutex<Vec<String>>>,
    server: JoinHandle<()>,
    dir: PathBuf,
}

impl Running {
    async fn start(name: &str) -> Self {
        Self::start_with(name, |_| {}).await
    }

    /// [`Running::start`] with the test config changed by `change`.
    async fn start_with(name: &str, change: impl FnOnce(&mut loco_rs::config::Config)) -> Self {
        let dir = temp_dir(name);
        let (smtp_port, mailbox) = smtp_sink().await;
        let mut config = App::load_config(&Environment::Test).await.unwrap();
        change(&mut config);
        config.database.uri = sqlite_url(&dir);
        config.mailer = Some(
            serde_json::from_value(serde_json::json!({
                "stub": false,
                "smtp": { "enable": true, "host": "127.0.0.1", "port": smtp_port, "secure": false },
            }))
            .unwrap(),
        );
        let boot = create_app::<App, Migrator>(StartMode::ServerOnly, &Environment::Test, config)
            .await
            .unwrap();
        let ctx = boot.app_context.clone();
        let router = boot.router.unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            ctx,
            base,
            http,
            mailbox,
            server,
            dir,
        }
    }

    fn mails(&self) -> Vec<String> {
        self.mailbox.lock().unwrap().clone()
    }

    async fn get(&self, path: &str, cookies: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, cookies)
            .send()
            .await
            .unwrap()
    }

    /// The CSRF cookie (`name=value`) and field of a fresh visit to the sign-in form.
    async fn csrf(&self) -> (String, String) {
        let response = self.get("/auth/sign-in", "").await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie =
            set_cookie(&response, "authjs.csrf-token").expect("the form sets the CSRF cookie");
        let html = response.text().await.unwrap();
        assert!(html.contains("name=\"email\""), "{html}");
        (cookie, csrf_field(&html))
    }

    /// A `POST` of `form` to `path`, with `cookies` (`a=b; c=d`).
    async fn post(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, cookies)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Asks for a link for `email` with the CSRF pair and follows the link it mailed: the session cookie.
    async fn sign_in(&self, (cookie, token): &(String, String), email: &str) -> String {
        let before = self.mails().len();
        let response = self
            .post(
                "/auth/sign-in",
                cookie,
                &[("csrf_token", token), ("email", email)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let mails = self.mails();
        assert_eq!(mails.len(), before + 1, "one e-mail sent");
        let response = self.get(&magic_link(&mails[before]), "").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[LOCATION], "/");
        session_cookie(&response).expect("the session cookie is set")
    }

    async fn stop(self) {
        self.server.abort();
        self.ctx.db.close_by_ref().await.ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

#[tokio::test]
async fn a_one_letter_address_signs_in_with_a_magic_link() {
    let app = Running::start("sign-in").await;
    let db = &app.ctx.db;
    let found = tables(db).await;
    for table in ["users", "seaql_migrations"].into_iter().chain(AUTH_TABLES) {
        assert!(
            found.contains(&table.to_owned()),
            "boot migrated {table}: {found:?}"
        );
    }

    // Signed out: the session endpoint is Loco's 401, the form is the sign-in form.
    assert_eq!(
        app.get("/auth/session", "").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let csrf = app.csrf().await;
    let (csrf_cookie, token) = &csrf;

    // Not an address, or one the starter's validator refuses: 400 and the form again, with the same token.
    for bad in ["nope", "josé@example.com", "a@b@c"] {
        let response = app
            .post(
                "/auth/sign-in",
                csrf_cookie,
                &[("csrf_token", token), ("email", bad)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        let html = response.text().await.unwrap();
        assert_eq!(&csrf_field(&html), token);
        assert!(html.contains("name=\"email\""), "{html}");
    }
    assert!(app.mails().is_empty(), "no link for a refused address");

    // Ask for a link: Loco's mailer sends it over SMTP, to the normalized address.
    let response = app
        .post(
            "/auth/sign-in",
            csrf_cookie,
            &[("csrf_token", token), ("email", " B@Example.COM ")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("b@example.com"));
    let message = app.mails()[0].clone();
    assert!(message.contains("To: b@example.com"), "{message}");
    assert!(
        message.contains("Subject: Sign in to 127.0.0.1")
            || message.contains("Subject: Sign in to localhost")
    );
    let link = magic_link(&message);

    // Follow it: the user is created in the starter's users table and signed in.
    let response = app.get(&link, "").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/");
    let session = session_cookie(&response).expect("the session cookie is set");

    let response = app.get("/auth/session", &session).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        session_cookie(&response),
        None,
        "a fresh session is not extended"
    );
    let me: serde_json::Value = response.json().await.unwrap();
    assert_eq!(me["user"]["email"], "b@example.com");
    assert_eq!(
        me["user"]["name"], "b@example.com",
        "a one-letter local part is too short a name: the address"
    );
    let page = app
        .get("/auth/sign-in", &format!("{session}; {csrf_cookie}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Signed in as b@example.com"), "{page}");
    assert_eq!(
        &csrf_field(&page),
        token,
        "the sign-out form carries the cookie's token"
    );
    assert_eq!(
        app.get("/", &session).await.status(),
        StatusCode::OK,
        "the starter's home page"
    );

    // One row serves Loco and the adapter: the starter's model reads it and its validator accepts it.
    let user = users::Model::find_by_email(db, "b@example.com")
        .await
        .unwrap();
    assert_eq!(user.id.to_string(), me["user"]["id"].as_str().unwrap());
    assert_eq!(user.name, "b@example.com");
    assert!(user.api_key.starts_with("lo-") && uuid::Uuid::parse_str(&user.api_key[3..]).is_ok());
    assert!(!user.pid.is_nil());
    assert!(user.email_verified_at.is_some());
    assert!(
        user.clone().into_active_model().validate().is_ok(),
        "the starter's validator accepts the row"
    );
    assert!(!user.verify_password("") && !user.verify_password(&user.password));
    let login = serde_json::json!({ "email": "b@example.com", "password": user.password });
    let response = app
        .http
        .post(format!("{}/api/auth/login", app.base))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "no password logs a magic-link user in"
    );
    // The starter's own updates (its `before_save` runs the validator) work on the row.
    let user = user
        .into_active_model()
        .set_forgot_password_sent(db)
        .await
        .unwrap();
    assert!(user.reset_token.is_some());

    // The link is single-use; a new link signs the same user in again.
    let response = app.get(&link, "").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("invalid or was already used"));
    let again = app.sign_in(&csrf, "b@example.com").await;
    let me_again: serde_json::Value = app.get("/auth/session", &again).await.json().await.unwrap();
    assert_eq!(me_again["user"]["id"], me["user"]["id"]);

    // Sign out, with the page's token: the session is gone, the old cookie no longer works.
    let cookies = format!("{again}; {csrf_cookie}");
    let response = app
        .post("/auth/sign-out", &cookies, &[("csrf_token", token)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/");
    assert_eq!(
        app.get("/auth/session", &again).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/auth/session", &session).await.status(),
        StatusCode::OK,
        "the other session lives on"
    );

    app.stop().await;
}

#[tokio::test]
async fn an_extended_session_resends_its_cookie() {
    // `update_age_secs: 0`: every request extends the session (Auth.js's sliding expiry).
    let app = Running::start_with("sliding", |config| {
        config.settings.as_mut().unwrap()["auth"]["update_age_secs"] = 0.into();
    })
    .await;
    let session = app.sign_in(&app.csrf().await, "ada@example.com").await;
    let response = app.get("/auth/session", &session).await;
    assert_eq!(response.status(), StatusCode::OK);
    let resent = session_cookie(&response).expect("the extended session's cookie is sent again");
    assert_eq!(resent, session, "same token, later expiry");
    assert_eq!(response.headers().get_all(SET_COOKIE).iter().count(), 1);
    app.stop().await;
}

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_forbidden() {
    let app = Running::start("csrf").await;
    let (cookie, token) = app.csrf().await;
    let other = app.csrf().await;
    assert_ne!(token, other.1);
    let email = ("email", "eve@example.com");
    let forged = format!("authjs.csrf-token={token}|0000");

    for (label, cookies, form) in [
        ("no cookie, no field", "", vec![email]),
        ("the cookie, no field", cookie.as_str(), vec![email]),
        (
            "the field, no cookie",
            "",
            vec![("csrf_token", token.as_str()), email],
        ),
        (
            "another visitor's field",
            cookie.as_str(),
            vec![("csrf_token", other.1.as_str()), email],
        ),
        (
            "a cookie not signed with the secret",
            forged.as_str(),
            vec![("csrf_token", token.as_str()), email],
        ),
    ] {
        let response = app.post("/auth/sign-in", cookies, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{label}");
        assert!(
            response.text().await.unwrap().contains("Forbidden"),
            "{label}"
        );
    }
    assert!(app.mails().is_empty(), "no link was sent");

    // Signed in, signing out needs the token too.
    let session = app.sign_in(&other, "eve@example.com").await;
    let cookies = format!("{session}; {cookie}");
    let response = app.post("/auth/sign-out", &cookies, &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/auth/session", &session).await.status(),
        StatusCode::OK,
        "still signed in"
    );

    // The header works for scripts.
    let response = app
        .http
        .post(format!("{}/auth/sign-out", app.base))
        .header(COOKIE, &cookies)
        .header("x-csrf-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/auth/session", &session).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // The guard covers the magic-link routes only: the starter's JSON API takes no CSRF token.
    let register =
        serde_json::json!({ "name": "loco", "email": "loco@example.com", "password": "12341234" });
    let response = app
        .http
        .post(format!("{}/api/auth/register", app.base))
        .json(&register)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(users::Model::find_by_email(&app.ctx.db, "loco@example.com")
        .await
        .is_ok());

    app.stop().await;
}

#[tokio::test]
async fn bad_input_is_a_client_error() {
    let app = Running::start("bad-input").await;
    let (cookie, token) = app.csrf().await;

    // Links: missing, partial, forged, mangled.
    for query in [
        "",
        "?",
        "?token=abc",
        "?email=a%40b.c",
        "?token=abc&email=a%40b.c",
        "?token=%FF%00&email=%E0%80",
    ] {
        let response = app.get(&format!("/auth/callback/email{query}"), "").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(
            response.text().await.unwrap().contains("invalid"),
            "{query}"
        );
    }

    // Forms: no e-mail field, a huge one, a body too large for the guard, not a form.
    let response = app
        .post("/auth/sign-in", &cookie, &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let huge = "a".repeat(10_000) + "@example.com";
    let response = app
        .post(
            "/auth/sign-in",
            &cookie,
            &[("csrf_token", &token), ("email", &huge)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        !response.text().await.unwrap().contains(&huge),
        "a huge input is not echoed"
    );
    let padding = "x".repeat(100_000);
    let response = app
        .post(
            "/auth/sign-in",
            &cookie,
            &[
                ("csrf_token", &token),
                ("email", "a@example.com"),
                ("p", &padding),
            ],
        )
        .await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let response = app
        .http
        .post(format!("{}/auth/sign-in", app.base))
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &token)
        .json(&serde_json::json!({ "email": "a@example.com" }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());

    // Cookies that cannot be sessions.
    for session in [
        "authjs.session-token=",
        "authjs.session-token=%00",
        "authjs.session-token=nope",
    ] {
        assert_eq!(
            app.get("/auth/session", session).await.status(),
            StatusCode::UNAUTHORIZED,
            "{session}"
        );
        assert_eq!(
            app.get("/auth/sign-in", session).await.status(),
            StatusCode::OK,
            "{session}"
        );
    }
    assert!(app.mails().is_empty());

    app.stop().await;
}

/// The number of rows in `verification_tokens`.
async fn verification_rows(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COUNT(*) AS n FROM verification_tokens",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Asks for a link for `email` with the CSRF pair.
async fn ask_for_link(app: &Running, cookie: &str, token: &str, email: &str) -> reqwest::Response {
    app.post(
        "/auth/sign-in",
        cookie,
        &[("csrf_token", token), ("email", email)],
    )
    .await
}

/// The seconds of a 429's `Retry-After`.
fn retry_after(response: &reqwest::Response) -> u64 {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    response.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_sixth_link_for_one_address_is_refused() {
    let app = Running::start("limit").await;
    let (cookie, token) = app.csrf().await;
    let ask = |email| ask_for_link(&app, &cookie, &token, email);

    // Five links for one address, however it is spelled, within 15 minutes.
    for email in [
        "ada@example.com",
        "Ada@Example.com",
        " ADA@example.com",
        "ada@EXAMPLE.com",
        "ada@example.com",
    ] {
        assert_eq!(ask(email).await.status(), StatusCode::OK, "{email}");
    }
    assert_eq!(app.mails().len(), 5);
    assert_eq!(verification_rows(&app.ctx.db).await, 5);

    // The sixth: 429, no row, no mail; the form again, with its token and the reason.
    let refused = ask("ada@example.com").await;
    let wait = retry_after(&refused);
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    let html = refused.text().await.unwrap();
    assert!(html.contains("Too many sign-in links"), "{html}");
    assert_eq!(csrf_field(&html), token);
    assert_eq!(app.mails().len(), 5, "no mail sent");
    assert_eq!(verification_rows(&app.ctx.db).await, 5, "no token stored");

    // Other addresses go on (the client has asked for 6 of its 20).
    assert_eq!(ask("bob@example.com").await.status(), StatusCode::OK);
    assert_eq!(app.mails().len(), 6);
    app.stop().await;
}

#[tokio::test]
async fn configured_sign_in_limits_apply() {
    let app = Running::start_with("limit-settings", |config| {
        let auth = &mut config.settings.as_mut().unwrap()["auth"];
        auth["sign_in_per_address"] = 1.into();
        auth["sign_in_per_client"] = 3.into();
        auth["sign_in_window_secs"] = 60.into();
    })
    .await;
    let (cookie, token) = app.csrf().await;
    let ask = |email| ask_for_link(&app, &cookie, &token, email);

    // One link per address...
    assert_eq!(ask("ada@example.com").await.status(), StatusCode::OK);
    let wait = retry_after(&ask("ada@example.com").await);
    assert!((1..=60).contains(&wait), "{wait}");
    // ...and three per client, the refused request not counted.
    assert_eq!(ask("bob@example.com").await.status(), StatusCode::OK);
    assert_eq!(ask("cy@example.com").await.status(), StatusCode::OK);
    retry_after(&ask("dee@example.com").await);
    assert_eq!(app.mails().len(), 3);
    assert_eq!(verification_rows(&app.ctx.db).await, 3);
    app.stop().await;
}

#[tokio::test]
async fn behind_a_proxy_the_client_is_the_address_loco_resolves() {
    // Loco's `remote_ip` middleware, trusting the proxy's `X-Forwarded-For`.
    let app = Running::start_with("limit-proxy", |config| {
        config.server.middlewares.remote_ip = Some(RemoteIpMiddleware {
            enable: true,
            source: ClientIpSource::RightmostXForwardedFor,
        });
        config.settings.as_mut().unwrap()["auth"]["sign_in_per_client"] = 1.into();
    })
    .await;
    let (cookie, token) = app.csrf().await;
    let ask = |email: &'static str, client: &'static str| {
        app.http
            .post(format!("{}/auth/sign-in", app.base))
            .header(COOKIE, &cookie)
            .header("x-forwarded-for", client)
            .form(&[("csrf_token", token.as_str()), ("email", email)])
            .send()
    };
    let ok = |response: reqwest::Response| response.status() == StatusCode::OK;
    assert!(ok(ask("ada@example.com", "203.0.113.1").await.unwrap()));
    retry_after(&ask("bob@example.com", "203.0.113.1").await.unwrap());
    assert!(
        ok(ask("bob@example.com", "203.0.113.2").await.unwrap()),
        "another client"
    );
    // IPv6 clients by their /64.
    assert!(ok(ask("cy@example.com", "2001:db8:1:2::1").await.unwrap()));
    retry_after(&ask("dee@example.com", "2001:db8:1:2::ffff").await.unwrap());
    assert_eq!(app.mails().len(), 3);
    assert_eq!(verification_rows(&app.ctx.db).await, 3);
    app.stop().await;
}

/// The app's CLI, run in the app's directory (Loco reads `config/` there) on the database `url`.
fn cli(environment: &str, url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_example_loco-cli"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("LOCO_CONFIG_FOLDER")
        .env("LOCO_ENV", environment)
        .env("DATABASE_URL", url)
        .env("LOG_LEVEL", "error");
    command
}

#[tokio::test]
async fn cli_db_migrate_creates_the_auth_tables_and_db_down_drops_them() {
    let dir = temp_dir("migrate");
    let url = sqlite_url(&dir);
    let output = cli("development", &url)
        .args(["db", "migrate"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let db = Database::connect(&url).await.unwrap();
    let found = tables(&db).await;
    for table in ["users"].into_iter().chain(AUTH_TABLES) {
        assert!(found.contains(&table.to_owned()), "{table} in {found:?}");
    }
    db.close().await.ok();

    let output = cli("development", &url)
        .args(["db", "down"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let db = Database::connect(&url).await.unwrap();
    let found = tables(&db).await;
    assert!(found.contains(&"users".to_owned()), "{found:?}");
    for table in AUTH_TABLES {
        assert!(
            !found.contains(&table.to_owned()),
            "{table} dropped: {found:?}"
        );
    }
    db.close().await.ok();
    std::fs::remove_dir_all(&dir).ok();
}

/// Kills the server when the test ends, passed or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn development_starts_without_auth_secret() {
    let dir = temp_dir("start");
    let port = free_port();
    let server = Server(
        cli("development", &sqlite_url(&dir))
            .env_remove("AUTH_SECRET")
            .env("PORT", port.to_string())
            .env("BINDING", "127.0.0.1")
            .arg("start")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{port}/auth/sign-in");
    let mut form = None;
    for _ in 0..300 {
        if let Ok(response) = reqwest::get(&url).await {
            form = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let form = form.expect("the server answers within 30 s");
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form
        .text()
        .await
        .unwrap()
        .contains("Send me a sign-in link"));
    drop(server);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn production_requires_auth_secret() {
    let dir = temp_dir("production");
    let production = |secret: Option<&str>| {
        let mut command = cli("production", &sqlite_url(&dir));
        command
            .args([
                "start",
                "--binding",
                "127.0.0.1",
                "--port",
                &free_port().to_string(),
            ])
            .env("HOST", "https://example.com")
            .env("JWT_SECRET", "a-jwt-secret")
            .env("MAILER_HOST", "127.0.0.1")
            .env("MAILER_USER", "user")
            .env("MAILER_PASSWORD", "password");
        match secret {
            Some(secret) => command.env("AUTH_SECRET", secret),
            None => command.env_remove("AUTH_SECRET"),
        };
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        for _ in 0..600 {
            if child.try_wait().unwrap().is_some() {
                return child.wait_with_output().unwrap();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        child.kill().ok();
        panic!("production started (or hung for 60 s) with AUTH_SECRET {secret:?}");
    };
    let output = production(None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("AUTH_SECRET"), "{stderr}");

    let output = production(Some("insecure-development-secret"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("AUTH_SECRET") && !stderr.contains("insecure-development-secret"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
