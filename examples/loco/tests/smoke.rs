//! Smoke tests of the Loco example, over HTTP on 127.0.0.1:
//! - boot on a fresh SQLite file (migrating it), a full magic-link sign-in with the link taken from the e-mail that
//!   Loco's SMTP mailer delivered to a local sink, the protected page and the JSON endpoint, reuse of the link,
//!   sign-out, each form submitted with its CSRF token;
//! - `POST`s without a valid CSRF token are 403 and do nothing;
//! - the CLI: `example-loco db migrate` creates Loco's and the auth tables;
//! - zero setup: `example-loco start` in an empty directory serves the home page.
#![allow(missing_docs)] // test crate
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use example_loco::app::App;
use example_loco_migration::Migrator;
use loco_rs::app::{AppContext, Hooks};
use loco_rs::boot::{StartMode, create_app};
use loco_rs::environment::Environment;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const TABLES: [&str; 6] =
    ["users", "accounts", "sessions", "verification_tokens", "authenticators", "seaql_migrations"];

/// A directory of its own under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("example-loco-{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sqlite_url(dir: &std::path::Path) -> String {
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
    rows.iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect()
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
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if command.starts_with("DATA") {
                        write.write_all(b"354 go ahead\r\n").await.ok();
                        let mut data = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            // SMTP dot-stuffing.
                            data.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
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

/// The path and query of the magic link in a message (quoted-printable text part).
fn magic_link(message: &str) -> String {
    let decoded = message.replace("=\n", "").replace("=3D", "=");
    let start = decoded.find("/auth/callback/email?").expect("the message holds the magic link");
    decoded[start..].split(|c: char| c.is_whitespace() || c == '"' || c == '<').next().unwrap().replace("&amp;", "&")
}

/// The `name=value` of the cookie named `name` that `response` sets (HttpOnly, SameSite=Lax).
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    let header = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))?;
    assert!(header.contains("HttpOnly") && header.contains("SameSite=Lax"), "{header}");
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
        let dir = temp_dir(name);
        let (smtp_port, mailbox) = smtp_sink().await;
        let mut config = App::load_config(&Environment::Test).await.unwrap();
        config.database.uri = sqlite_url(&dir);
        config.mailer = Some(
            serde_json::from_value(serde_json::json!({
                "stub": false,
                "smtp": { "enable": true, "host": "127.0.0.1", "port": smtp_port, "secure": false },
            }))
            .unwrap(),
        );
        let boot = create_app::<App, Migrator>(StartMode::ServerOnly, &Environment::Test, config).await.unwrap();
        let ctx = boot.app_context.clone();
        let router = boot.router.unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { ctx, base, http, mailbox, server, dir }
    }

    fn mails(&self) -> Vec<String> {
        self.mailbox.lock().unwrap().clone()
    }

    /// The CSRF cookie (`name=value`) and field of a fresh visit to the sign-in form.
    async fn csrf(&self) -> (String, String) {
        let response = self.http.get(format!("{}/auth/sign-in", self.base)).send().await.unwrap();
        let cookie = set_cookie(&response, "authjs.csrf-token").expect("the form sets the CSRF cookie");
        let html = response.text().await.unwrap();
        assert!(html.contains("name=\"email\""), "{html}");
        (cookie, csrf_field(&html))
    }

    /// A `POST` of `form` to `path`, with `cookies` (`a=b; c=d`).
    async fn post(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(format!("{}{path}", self.base)).header(COOKIE, cookies).form(form).send().await.unwrap()
    }

    async fn stop(self) {
        self.server.abort();
        self.ctx.db.close_by_ref().await.ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

#[tokio::test]
async fn magic_link_sign_in_reaches_the_protected_page() {
    let app = Running::start("http").await;
    let (ctx, base, http) = (&app.ctx, &app.base, &app.http);
    for table in TABLES {
        assert!(tables(&ctx.db).await.contains(&table.to_owned()), "boot migrated {table}");
    }

    // Signed out: the page redirects to the form, the API answers 401.
    let response = http.get(format!("{base}/protected")).send().await.unwrap();
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()[LOCATION], "/auth/sign-in");
    assert_eq!(http.get(format!("{base}/api/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let (csrf_cookie, csrf) = app.csrf().await;

    // Not an address: 400 and the form again, with the same token.
    let response = app.post("/auth/sign-in", &csrf_cookie, &[("csrf_token", &csrf), ("email", "nope")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(csrf_field(&response.text().await.unwrap()), csrf);

    // Ask for a link, with the form's token: Loco's mailer sends it.
    let response =
        app.post("/auth/sign-in", &csrf_cookie, &[("csrf_token", &csrf), ("email", " Ada@Example.COM ")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("ada@example.com"));
    let message = {
        let messages = app.mails();
        assert_eq!(messages.len(), 1, "one e-mail sent");
        messages[0].clone()
    };
    assert!(message.contains("To: ada@example.com"));
    let link = magic_link(&message);

    // Follow it: the user is created in Loco's users table and signed in.
    let response = http.get(format!("{base}{link}")).send().await.unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()[LOCATION], "/protected");
    let cookie = session_cookie(&response).expect("the session cookie is set");
    let cookies = format!("{cookie}; {csrf_cookie}");

    let response = http.get(format!("{base}/protected")).header(COOKIE, &cookies).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(set_cookie(&response, "authjs.csrf-token"), None, "the CSRF cookie is kept");
    let page = response.text().await.unwrap();
    assert!(page.contains("Hello ada!") && page.contains("ada@example.com"), "{page}");
    assert_eq!(csrf_field(&page), csrf, "the sign-out form carries the cookie's token");
    let me = http.get(format!("{base}/api/me")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
    let me: serde_json::Value = serde_json::from_str(&me).unwrap();
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["name"], "ada");
    let home = http.get(format!("{base}/")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Signed in as ada@example.com"));

    // One user row serves Loco and the adapter: Loco's NOT NULL columns were filled, the address verified.
    let row = ctx
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT id, pid, api_key, password, email_verified_at FROM users WHERE email = 'ada@example.com'",
        ))
        .await
        .unwrap()
        .expect("the user exists");
    assert_eq!(row.try_get::<i64>("", "id").unwrap(), me["id"].as_i64().unwrap());
    assert_eq!(row.try_get::<uuid::Uuid>("", "pid").unwrap().to_string(), me["pid"].as_str().unwrap());
    assert!(row.try_get::<String>("", "api_key").unwrap().starts_with("lo-"));
    assert!(row.try_get::<String>("", "password").unwrap().starts_with('!'));
    assert!(row.try_get::<Option<String>>("", "email_verified_at").unwrap().is_some());

    // The link is single-use.
    let response = http.get(format!("{base}{link}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Sign out, with the page's token: the session is gone, the old cookie no longer works.
    let response = app.post("/auth/sign-out", &cookies, &[("csrf_token", &csrf)]).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let response = http.get(format!("{base}/api/me")).header(COOKIE, &cookie).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    app.stop().await;
}

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_forbidden() {
    let app = Running::start("csrf").await;
    let (cookie, token) = app.csrf().await;
    let (other_cookie, other_token) = app.csrf().await;
    assert_ne!(token, other_token);
    let email = ("email", "eve@example.com");
    let forged = format!("authjs.csrf-token={token}|0000");

    for (label, cookies, form) in [
        ("no cookie, no field", "", vec![email]),
        ("the cookie, no field", cookie.as_str(), vec![email]),
        ("the field, no cookie", "", vec![("csrf_token", token.as_str()), email]),
        ("another visitor's field", cookie.as_str(), vec![("csrf_token", other_token.as_str()), email]),
        ("a cookie not signed with the secret", forged.as_str(), vec![("csrf_token", token.as_str()), email]),
    ] {
        let response = app.post("/auth/sign-in", cookies, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{label}");
        assert!(response.text().await.unwrap().contains("Forbidden"), "{label}");
    }
    assert!(app.mails().is_empty(), "no link was sent");

    // Signed in, signing out needs the token too.
    let response = app.post("/auth/sign-in", &other_cookie, &[("csrf_token", &other_token), email]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let link = magic_link(&app.mails()[0]);
    let session = session_cookie(&app.http.get(format!("{}{link}", app.base)).send().await.unwrap()).unwrap();
    let cookies = format!("{session}; {cookie}");
    let response = app.post("/auth/sign-out", &cookies, &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let me = app.http.get(format!("{}/api/me", app.base)).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK, "still signed in");

    // The header works for scripts.
    let response = app
        .http
        .post(format!("{}/auth/sign-out", app.base))
        .header(COOKIE, &cookies)
        .header("x-csrf-token", &token)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let me = app.http.get(format!("{}/api/me", app.base)).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

    app.stop().await;
}

fn example_loco() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_example-loco"));
    command.env_remove("LOCO_CONFIG_FOLDER").env_remove("DATABASE_URL").env_remove("LOCO_ENV");
    command
}

#[tokio::test]
async fn cli_db_migrate_creates_loco_and_auth_tables() {
    let dir = temp_dir("migrate");
    let url = sqlite_url(&dir);
    let output = example_loco()
        .args(["db", "migrate"])
        .env("LOCO_ENV", "test")
        .env("DATABASE_URL", &url)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let db = Database::connect(&url).await.unwrap();
    let found = tables(&db).await;
    for table in TABLES {
        assert!(found.contains(&table.to_owned()), "{table} in {found:?}");
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

#[tokio::test]
async fn start_needs_no_setup() {
    // An empty directory: no config/ (the app falls back to its own), no database (SQLite file created, migrated).
    let dir = temp_dir("start");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Server(
        example_loco()
            .args(["start", "--binding", "127.0.0.1", "--port", &port.to_string()])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut home = None;
    for _ in 0..300 {
        if let Ok(response) = http.get(format!("{base}/")).send().await {
            home = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let home = home.expect("the server answers within 30 s");
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("Sign in with a magic link"));
    assert!(dir.join("example-loco_development.db").exists());
    drop(server);
    std::fs::remove_dir_all(&dir).ok();
}
