//! End-to-end tests: the real app served on a random 127.0.0.1 port over a temporary SQLite file, driven over HTTP
//! by `reqwest` clients with cookie stores (redirects followed by hand, so each hop can be inspected), and a fake
//! GitHub (authorize, token endpoint checking PKCE, `/user`, `/user/emails`) served the same way.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use authjs_sea_orm::axum::cookies::Conventions;
use authjs_sea_orm::axum::{SessionStrategy, hash_token};
use authjs_sea_orm::entity::{user, verification_token};
use authjs_sea_orm::jwt::{self, JwtFormat, SessionClaims};
use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm::{AccountType, Adapter, AdapterSession, NewUser, SeaOrmAdapter, VerificationToken};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use chrono::{Duration, Utc};
use example_axum::{Config, GithubConfig, LinkLimit};
use reqwest::cookie::Jar;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, RETRY_AFTER, SET_COOKIE, X_FRAME_OPTIONS};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Statement};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

mod common;

use common::{Browser, RecordingMailer, SECRET, SESSION_COOKIE, hidden_field, location, query_param};

// ---------------------------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------------------------

/// The app, served in-process.
struct TestApp {
    base: Url,
    adapter: SeaOrmAdapter,
    mailer: Arc<RecordingMailer>,
    db_path: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.db_path.display()));
        }
    }
}

async fn start_app(github: Option<GithubConfig>) -> TestApp {
    start_app_with(|config| config.github = github).await
}

async fn start_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    start_app_served(tweak, true).await
}

/// The app with a tweaked `Config`, served with or without `ConnectInfo` (the client's address).
async fn start_app_served(tweak: impl FnOnce(&mut Config), connect_info: bool) -> TestApp {
    let db_path = std::env::temp_dir().join(format!("example-axum-{}.db", uuid::Uuid::new_v4().simple()));
    let db = authjs_sea_orm::connect(&format!("sqlite://{}?mode=rwc", db_path.display())).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let adapter = SeaOrmAdapter::new(db);
    let mailer = Arc::new(RecordingMailer::default());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let mut config = Config::new(base.clone(), SECRET).unwrap();
    tweak(&mut config);
    let app = example_axum::app(config, adapter.clone(), mailer.clone());
    tokio::spawn(async move {
        if connect_info {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        } else {
            axum::serve(listener, app).await.unwrap();
        }
    });
    TestApp { base, adapter, mailer, db_path }
}

impl TestApp {
    fn browser(&self) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser { client, jar, base: self.base.clone() }
    }

    /// A request carrying only `Cookie: authjs.session-token=<token>` (no cookie store).
    async fn get_with_session(&self, path: &str, token: &str) -> reqwest::Response {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        client
            .get(self.base.join(path).unwrap())
            .header(COOKIE, format!("{SESSION_COOKIE}={token}"))
            .send()
            .await
            .unwrap()
    }

    /// Signs `browser` in through the e-mail form and the magic link; returns the session token.
    async fn sign_in_with_email(&self, browser: &Browser, email: &str) -> String {
        let csrf = browser.csrf_token().await;
        let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", email)]).await;
        assert_eq!(location(&response), "/auth/verify-request");
        let link = self.mailer.last_link_to(&email.trim().to_lowercase());
        let response = browser.get(&link).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/account");
        browser.session_token().expect("signed in")
    }

    /// Signs `browser` in through the e-mail form and the magic link, under session cookie `name` (any strategy).
    async fn sign_in_with_email_as(&self, browser: &Browser, email: &str, name: &str) {
        let csrf = browser.csrf_token().await;
        let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", email)]).await;
        assert_eq!(location(&response), "/auth/verify-request");
        let response = browser.get(&self.mailer.last_link_to(&email.trim().to_lowercase())).await;
        assert_eq!(location(&response), "/account");
        let names: Vec<String> =
            set_cookies(&response).iter().filter_map(|c| Some(c.split_once('=')?.0.to_owned())).collect();
        assert!(names.iter().any(|n| n.starts_with(name)), "a session cookie: {names:?}");
    }

    async fn user_count(&self) -> u64 {
        user::Entity::find().count(self.adapter.connection()).await.unwrap()
    }

    async fn verification_token_count(&self) -> u64 {
        verification_token::Entity::find().count(self.adapter.connection()).await.unwrap()
    }
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------------------------
// A fake GitHub
// ---------------------------------------------------------------------------------------------------------------

const GITHUB_CLIENT_ID: &str = "test-client-id";
const GITHUB_CLIENT_SECRET: &str = "test-client-secret";

/// A GitHub user: `/user`, and `/user/emails` (`None`: answered 403, as without the `user:email` scope).
#[derive(Clone, Default)]
struct FakeUser {
    profile: Value,
    emails: Option<Value>,
}

struct PendingCode {
    challenge: String,
    redirect_uri: String,
    user: FakeUser,
}

#[derive(Default)]
struct FakeState {
    /// The GitHub user the next authorization signs in as.
    user: FakeUser,
    codes: HashMap<String, PendingCode>,
    tokens: HashMap<String, FakeUser>,
    pkce_failures: usize,
}

/// GitHub's OAuth endpoints, `/user` and `/user/emails`, on 127.0.0.1. `set_user` (and `set_emails`) pick who the
/// next sign-in is.
#[derive(Clone, Default)]
struct FakeGithub {
    state: Arc<Mutex<FakeState>>,
    base: Option<Url>,
}

impl FakeGithub {
    async fn start() -> Self {
        let mut fake = FakeGithub::default();
        let router = axum::Router::new()
            .route("/login/oauth/authorize", get(fake_authorize))
            .route("/login/oauth/access_token", post(fake_token))
            .route("/api/user", get(fake_user))
            .route("/api/user/emails", get(fake_user_emails))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        fake.base = Some(Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        fake
    }

    fn config(&self) -> GithubConfig {
        let base = self.base.as_ref().unwrap();
        let mut config = GithubConfig::new(GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET);
        config.authorize_url = base.join("/login/oauth/authorize").unwrap();
        config.token_url = base.join("/login/oauth/access_token").unwrap();
        config.api_url = base.join("/api").unwrap();
        config
    }

    /// The next user; `email` is their public address, and their only one in `/user/emails`, primary and verified.
    fn set_user(&self, id: u64, login: &str, name: Option<&str>, email: Option<&str>) {
        let emails =
            email.map(|email| json!({ "email": email, "primary": true, "verified": true, "visibility": "public" }));
        self.state.lock().unwrap().user = FakeUser {
            profile: json!({
                "id": id,
                "login": login,
                "name": name,
                "email": email,
                "avatar_url": format!("https://avatars.example.com/u/{id}"),
                "type": "User",
            }),
            emails: Some(Value::Array(emails.into_iter().collect())),
        };
    }

    /// The next user's `/user/emails`: `(address, primary, verified)`s, or `None` for a 403.
    fn set_emails(&self, emails: Option<&[(&str, bool, bool)]>) {
        self.state.lock().unwrap().user.emails = emails.map(|emails| {
            emails
                .iter()
                .map(|(email, primary, verified)| json!({ "email": email, "primary": primary, "verified": verified }))
                .collect()
        });
    }

    fn pkce_failures(&self) -> usize {
        self.state.lock().unwrap().pkce_failures
    }
}

async fn fake_authorize(State(fake): State<FakeGithub>, Query(q): Query<HashMap<String, String>>) -> Response {
    let param = |k: &str| q.get(k).cloned().unwrap_or_default();
    if param("client_id") != GITHUB_CLIENT_ID
        || param("response_type") != "code"
        || param("code_challenge_method") != "S256"
        || param("code_challenge").is_empty()
        || param("state").is_empty()
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    let redirect_uri = param("redirect_uri");
    {
        let mut state = fake.state.lock().unwrap();
        let user = state.user.clone();
        let pending = PendingCode { challenge: param("code_challenge"), redirect_uri: redirect_uri.clone(), user };
        state.codes.insert(code.clone(), pending);
    }
    let mut target = Url::parse(&redirect_uri).unwrap();
    target.query_pairs_mut().append_pair("code", &code).append_pair("state", &param("state"));
    Redirect::to(target.as_str()).into_response()
}

async fn fake_token(State(fake): State<FakeGithub>, Form(f): Form<HashMap<String, String>>) -> Response {
    let param = |k: &str| f.get(k).cloned().unwrap_or_default();
    let invalid = |error: &str| (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response();
    if param("client_id") != GITHUB_CLIENT_ID || param("client_secret") != GITHUB_CLIENT_SECRET {
        return invalid("invalid_client");
    }
    let mut state = fake.state.lock().unwrap();
    let Some(pending) = state.codes.remove(&param("code")) else {
        return invalid("invalid_grant");
    };
    if param("grant_type") != "authorization_code" || param("redirect_uri") != pending.redirect_uri {
        return invalid("invalid_grant");
    }
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(param("code_verifier")));
    if challenge != pending.challenge {
        state.pkce_failures += 1;
        return invalid("invalid_grant");
    }
    let token = format!("gho_{}", uuid::Uuid::new_v4().simple());
    state.tokens.insert(token.clone(), pending.user);
    Json(json!({ "access_token": token, "token_type": "bearer", "scope": "read:user,user:email" })).into_response()
}

/// The user of the request's bearer token.
fn fake_bearer(fake: &FakeGithub, headers: &HeaderMap) -> Option<FakeUser> {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    token.and_then(|t| fake.state.lock().unwrap().tokens.get(t).cloned())
}

fn fake_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "message": message }))).into_response()
}

async fn fake_user(State(fake): State<FakeGithub>, headers: HeaderMap) -> Response {
    match fake_bearer(&fake, &headers) {
        Some(user) => Json(user.profile).into_response(),
        None => fake_error(StatusCode::UNAUTHORIZED, "Bad credentials"),
    }
}

async fn fake_user_emails(State(fake): State<FakeGithub>, headers: HeaderMap) -> Response {
    match fake_bearer(&fake, &headers).map(|user| user.emails) {
        Some(Some(emails)) => Json(emails).into_response(),
        Some(None) => fake_error(StatusCode::FORBIDDEN, "Resource not accessible by integration"),
        None => fake_error(StatusCode::UNAUTHORIZED, "Bad credentials"),
    }
}

/// Runs the GitHub flow from the "Sign in with GitHub" button to the app's final redirect (not followed).
async fn github_flow(browser: &Browser) -> reqwest::Response {
    let csrf = browser.csrf_token().await;
    let start = browser.post("/auth/signin/github", &[("csrf_token", &csrf)]).await;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let authorize = Url::parse(&location(&start)).unwrap();
    assert_eq!(authorize.path(), "/login/oauth/authorize");
    let to_callback = browser.get(authorize.as_str()).await;
    assert!(to_callback.status().is_redirection(), "fake GitHub refused: {}", to_callback.status());
    let callback = Url::parse(&location(&to_callback)).unwrap();
    assert_eq!(callback.path(), "/auth/callback/github");
    browser.get(callback.as_str()).await
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Magic link sign-in, sign-out
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn magic_link_signs_in_and_sign_out_ends_the_session() {
    let app = start_app(None).await;
    let browser = app.browser();

    let response = browser.get("/account").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed out: /account redirects");
    assert_eq!(location(&response), "/");

    let home = browser.get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains("action=\"/auth/signin/email\""));
    assert!(!html.contains("Sign in with GitHub"), "GitHub is not configured");
    let csrf = hidden_field(&html, "csrf_token").unwrap();

    let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", "  Ada@Example.COM ")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/auth/verify-request");
    let page = browser.follow(response).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Check your e-mail"));

    let link = Url::parse(&app.mailer.last_link_to("ada@example.com")).unwrap();
    assert_eq!(link.origin(), app.base.origin());
    assert_eq!(link.path(), "/auth/callback/email");
    assert_eq!(query_param(&link, "email").as_deref(), Some("ada@example.com"));
    assert_eq!(query_param(&link, "token").map(|t| t.len()), Some(64));

    let response = browser.get(link.as_str()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account");
    let cookie = set_cookies(&response).into_iter().find(|c| c.starts_with(SESSION_COOKIE)).expect("session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");

    let token = browser.session_token().unwrap();
    let (session, user) = app.adapter.get_session_and_user(&token).await.unwrap().expect("session stored");
    assert_eq!(session.user_id, user.id);
    assert_eq!(user.email.as_deref(), Some("ada@example.com"));
    assert!(user.email_verified.is_some(), "a magic link verifies the address");

    let account = browser.follow(response).await;
    assert_eq!(account.status(), StatusCode::OK);
    let html = account.text().await.unwrap();
    assert!(html.contains("ada@example.com"));
    assert!(!html.contains("not verified"));
    assert!(html.contains("No linked accounts"));

    let csrf = hidden_field(&html, "csrf_token").unwrap();
    let response = browser.post("/auth/signout", &[("csrf_token", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    assert_eq!(browser.session_token(), None, "the cookie is removed");
    assert!(app.adapter.get_session_and_user(&token).await.unwrap().is_none(), "the session row is deleted");

    let response = app.get_with_session("/account", &token).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the old cookie no longer works");
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_the_user() {
    let app = start_app(None).await;
    let (laptop, phone) = (app.browser(), app.browser());
    let laptop_token = app.sign_in_with_email(&laptop, "bo@example.com").await;
    let phone_token = app.sign_in_with_email(&phone, "bo@example.com").await;
    let html = laptop.get("/account").await.text().await.unwrap();
    assert!(html.contains("2 active session(s)"), "{html}");

    let csrf = hidden_field(&html, "csrf_token").unwrap();
    let response = laptop.post("/auth/signout-everywhere", &[("csrf_token", &csrf)]).await;
    assert_eq!(location(&response), "/");
    assert_eq!(laptop.session_token(), None);
    assert!(app.adapter.get_session_and_user(&laptop_token).await.unwrap().is_none());
    assert!(app.adapter.get_session_and_user(&phone_token).await.unwrap().is_none());
    assert_eq!(location(&phone.get("/account").await), "/", "the other browser is signed out too");
}

#[tokio::test]
async fn secure_cookies_are_removed_with_their_secure_attribute() {
    // As behind an HTTPS proxy: `__Secure-`/`__Host-` cookies, which browsers only accept (and delete) with `Secure`.
    let app = start_app_with(|config| config.auth.secure = true).await;
    let token = user_with_session(&app, "sec@example.com", Utc::now() + Duration::days(30)).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let home = client.get(app.base.clone()).send().await.unwrap();
    let csrf_cookie = set_cookies(&home).into_iter().find(|c| c.starts_with("__Host-authjs.csrf-token=")).unwrap();
    assert!(csrf_cookie.contains("; Secure") && csrf_cookie.contains("Path=/"), "{csrf_cookie}");

    let csrf = "0123456789abcdef";
    let cookies =
        format!("__Secure-authjs.session-token={token}; __Host-authjs.csrf-token={csrf}|{}", hash_token(csrf, SECRET));
    let account = client.get(app.base.join("/account").unwrap()).header(COOKIE, &cookies).send().await.unwrap();
    assert_eq!(account.status(), StatusCode::OK);

    let response = client
        .post(app.base.join("/auth/signout").unwrap())
        .header(COOKIE, &cookies)
        .form(&[("csrf_token", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let removals: Vec<_> =
        set_cookies(&response).into_iter().filter(|c| c.starts_with("__Secure-authjs.session-token=")).collect();
    assert_eq!(removals.len(), 1, "{removals:?}");
    assert!(removals[0].contains("; Secure") && removals[0].contains("Max-Age=0"), "{}", removals[0]);
    assert!(app.adapter.get_session_and_user(&token).await.unwrap().is_none());
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Reused, tampered and expired links
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn reused_tampered_and_expired_links_are_rejected() {
    let app = start_app(None).await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", "cy@example.com")]).await;
    let link = Url::parse(&app.mailer.last_link_to("cy@example.com")).unwrap();
    let token = query_param(&link, "token").unwrap();

    let expect_error = |response: reqwest::Response, code: &str| {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), format!("/auth/error?error={code}"));
    };

    // Tampered token: one character changed.
    let last = if token.ends_with('0') { "1" } else { "0" };
    let tampered = format!("/auth/callback/email?token={}{last}&email=cy%40example.com", &token[..token.len() - 1]);
    expect_error(browser.get(&tampered).await, "Verification");
    // The right token for another address.
    let other = format!("/auth/callback/email?token={token}&email=eve%40example.com");
    expect_error(browser.get(&other).await, "Verification");
    // Missing parameters: 400, the error page.
    let response = browser.get("/auth/callback/email").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("Verification"));
    assert_eq!(browser.session_token(), None);

    // The real link still works once (the failed attempts did not use it up)...
    let response = browser.get(link.as_str()).await;
    assert_eq!(location(&response), "/account");
    // ...and only once, even for another browser.
    let other_browser = app.browser();
    let response = other_browser.get(link.as_str()).await;
    expect_error(response, "Verification");
    assert_eq!(other_browser.session_token(), None);
    let page = other_browser.get("/auth/error?error=Verification").await;
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page.text().await.unwrap().contains("This sign-in link is not valid"));

    // An expired link, stored as Auth.js stores it (hashed with the secret).
    let raw = authjs_sea_orm::axum::random_token();
    app.adapter
        .create_verification_token(VerificationToken {
            identifier: "cy@example.com".into(),
            token: hash_token(&raw, SECRET),
            expires: Utc::now() - Duration::minutes(1),
        })
        .await
        .unwrap();
    let response = other_browser.get(&format!("/auth/callback/email?token={raw}&email=cy%40example.com")).await;
    expect_error(response, "Expired");
    let page = other_browser.get("/auth/error?error=Expired").await;
    assert!(page.text().await.unwrap().contains("has expired"));
    assert_eq!(other_browser.session_token(), None);
}

// ---------------------------------------------------------------------------------------------------------------
// 3 and 4. Session expiry
// ---------------------------------------------------------------------------------------------------------------

async fn user_with_session(app: &TestApp, email: &str, expires: chrono::DateTime<Utc>) -> String {
    let user = app.adapter.create_user(NewUser { email: Some(email.into()), ..NewUser::default() }).await.unwrap();
    let token = authjs_sea_orm::axum::random_token();
    let session = AdapterSession { session_token: token.clone(), user_id: user.id, expires };
    app.adapter.create_session(session).await.unwrap();
    token
}

#[tokio::test]
async fn an_expired_session_is_signed_out_and_deleted() {
    let app = start_app(None).await;
    let token = user_with_session(&app, "dee@example.com", Utc::now() - Duration::minutes(5)).await;
    assert!(app.adapter.get_session_and_user(&token).await.unwrap().is_some(), "the adapter returns expired rows");

    let response = app.get_with_session("/account", &token).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    assert!(app.adapter.get_session_and_user(&token).await.unwrap().is_none(), "the expired row is deleted");

    let home = app.get_with_session("/", &token).await.text().await.unwrap();
    assert!(home.contains("Sign in"), "the home page shows the sign-in form");
}

#[tokio::test]
async fn sliding_expiry_extends_the_session_and_resends_the_cookie() {
    let app = start_app(None).await;
    // Extended 25 hours ago: more than `update_age` (24 h).
    let stale = Utc::now() + Duration::days(30) - Duration::hours(25);
    let token = user_with_session(&app, "eli@example.com", stale).await;

    let response = app.get_with_session("/account", &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with(&format!("{SESSION_COOKIE}={token}")))
        .expect("the extended session's cookie is re-sent");
    assert!(cookie.contains("Expires=") && cookie.contains("HttpOnly"), "{cookie}");
    let (session, _) = app.adapter.get_session_and_user(&token).await.unwrap().unwrap();
    assert!(session.expires > Utc::now() + Duration::days(30) - Duration::minutes(1), "extended to now + max_age");

    // Extended an hour ago: left alone, no cookie.
    let fresh = Utc::now() + Duration::days(30) - Duration::hours(1);
    let token = user_with_session(&app, "fay@example.com", fresh).await;
    let before = app.adapter.get_session_and_user(&token).await.unwrap().unwrap().0.expires;
    let response = app.get_with_session("/account", &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookies(&response).iter().all(|c| !c.starts_with(SESSION_COOKIE)));
    assert_eq!(app.adapter.get_session_and_user(&token).await.unwrap().unwrap().0.expires, before);
}

// ---------------------------------------------------------------------------------------------------------------
// 5. GitHub
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn github_sign_up_then_sign_in_again() {
    let github = FakeGithub::start().await;
    let app = start_app(Some(github.config())).await;
    github.set_user(4242, "octocat", Some("The Octocat"), Some("Octo@Example.COM"));

    let browser = app.browser();
    assert!(browser.get("/").await.text().await.unwrap().contains("Sign in with GitHub"));
    let csrf = browser.csrf_token().await;
    let start = browser.post("/auth/signin/github", &[("csrf_token", &csrf)]).await;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let authorize = Url::parse(&location(&start)).unwrap();
    assert_eq!(query_param(&authorize, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query_param(&authorize, "client_id").as_deref(), Some(GITHUB_CLIENT_ID));
    assert_eq!(
        query_param(&authorize, "redirect_uri").as_deref(),
        Some(app.base.join("/auth/callback/github").unwrap().as_str())
    );
    let state = query_param(&authorize, "state").unwrap();
    let flow_cookies = set_cookies(&start);
    let state_cookie = flow_cookies.iter().find(|c| c.starts_with("authjs-axum.state=")).expect("state cookie");
    assert!(state_cookie.contains(&state) && state_cookie.contains("HttpOnly") && state_cookie.contains("Max-Age="));
    assert!(flow_cookies.iter().any(|c| c.starts_with("authjs-axum.pkce=") && c.contains("HttpOnly")));

    let response = browser.follow(start).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.url().path(), "/account");
    let html = response.text().await.unwrap();
    assert!(html.contains("The Octocat") && html.contains("octo@example.com") && html.contains("not verified"));
    assert!(html.contains("<td>github</td><td>4242</td>"), "{html}");
    assert_eq!(browser.cookie("authjs-axum.state"), None, "the flow's cookies are removed");
    assert_eq!(browser.cookie("authjs-axum.pkce"), None);

    let user = app.adapter.get_user_by_account("github", "4242").await.unwrap().expect("user created");
    assert_eq!(user.email.as_deref(), Some("octo@example.com"), "lower-cased");
    assert_eq!(user.email_verified, None);
    assert_eq!(user.name.as_deref(), Some("The Octocat"));
    assert_eq!(user.image.as_deref(), Some("https://avatars.example.com/u/4242"));
    let account = app.adapter.get_account("github", "4242").await.unwrap().unwrap();
    assert_eq!(account.r#type, AccountType::Oauth);
    assert_eq!(account.user_id, user.id);
    assert!(account.access_token.as_deref().is_some_and(|t| t.starts_with("gho_")));
    assert_eq!(account.token_type.as_deref(), Some("bearer"));
    assert_eq!(account.scope.as_deref(), Some("read:user,user:email"));
    let (_, session_user) = app.adapter.get_session_and_user(&browser.session_token().unwrap()).await.unwrap().unwrap();
    assert_eq!(session_user.id, user.id);

    // The same GitHub account in another browser signs the same user in.
    let other = app.browser();
    let response = github_flow(&other).await;
    assert_eq!(location(&response), "/account");
    let (_, again) = app.adapter.get_session_and_user(&other.session_token().unwrap()).await.unwrap().unwrap();
    assert_eq!(again.id, user.id);
    assert_eq!(app.user_count().await, 1);

    // Signed in as that user already: nothing changes.
    let response = github_flow(&other).await;
    assert_eq!(location(&response), "/account");
    assert_eq!(app.user_count().await, 1);

    // A GitHub user without a public address or display name.
    github.set_user(5, "quiet", None, None);
    let third = app.browser();
    assert_eq!(location(&github_flow(&third).await), "/account");
    let quiet = app.adapter.get_user_by_account("github", "5").await.unwrap().unwrap();
    assert_eq!((quiet.name.as_deref(), quiet.email), (Some("quiet"), None));
}

#[tokio::test]
async fn github_account_of_another_user_is_not_linked() {
    let github = FakeGithub::start().await;
    let app = start_app(Some(github.config())).await;
    github.set_user(1, "bob", Some("Bob"), Some("bob@example.com"));
    assert_eq!(location(&github_flow(&app.browser()).await), "/account");
    let bob = app.adapter.get_user_by_account("github", "1").await.unwrap().unwrap();

    // Alice, signed in with e-mail, comes back from GitHub as Bob's account.
    let alice = app.browser();
    let alice_token = app.sign_in_with_email(&alice, "alice@example.com").await;
    let response = github_flow(&alice).await;
    assert_eq!(location(&response), "/auth/error?error=OAuthAccountNotLinked");
    let page = alice.follow(response).await;
    assert_eq!(page.status(), StatusCode::CONFLICT);
    assert!(page.text().await.unwrap().contains("OAuthAccountNotLinked"));

    assert_eq!(app.adapter.get_account("github", "1").await.unwrap().unwrap().user_id, bob.id, "still Bob's");
    assert_eq!(alice.session_token().as_deref(), Some(alice_token.as_str()), "Alice is still signed in as herself");
    let (_, still_alice) = app.adapter.get_session_and_user(&alice_token).await.unwrap().unwrap();
    assert_eq!(still_alice.email.as_deref(), Some("alice@example.com"));
}

#[tokio::test]
async fn github_address_of_an_existing_user_is_not_linked() {
    let github = FakeGithub::start().await;
    let app = start_app(Some(github.config())).await;
    app.sign_in_with_email(&app.browser(), "ada@example.com").await;
    let users = app.user_count().await;

    github.set_user(77, "ada-gh", Some("Ada"), Some("ADA@example.com"));
    let browser = app.browser();
    let response = github_flow(&browser).await;
    assert_eq!(location(&response), "/auth/error?error=OAuthAccountNotLinked");
    assert_eq!(browser.session_token(), None, "not signed in");
    assert!(app.adapter.get_account("github", "77").await.unwrap().is_none(), "no dangerous e-mail linking");
    assert_eq!(app.user_count().await, users, "no user created");
}

#[tokio::test]
async fn linking_github_while_signed_in_links_to_that_user() {
    let github = FakeGithub::start().await;
    let app = start_app(Some(github.config())).await;
    let browser = app.browser();
    let token = app.sign_in_with_email(&browser, "lin@example.com").await;
    let (_, lin) = app.adapter.get_session_and_user(&token).await.unwrap().unwrap();

    let html = browser.get("/account").await.text().await.unwrap();
    assert!(html.contains("Link GitHub"));
    let csrf = hidden_field(&html, "csrf_token").unwrap();
    github.set_user(99, "lin-gh", Some("Lin"), Some("lin.elsewhere@example.com"));
    let start = browser.post("/auth/signin/github", &[("csrf_token", &csrf)]).await;
    let page = browser.follow(start).await;
    assert_eq!(page.url().path(), "/account");
    assert!(page.text().await.unwrap().contains("<td>github</td><td>99</td>"));
    assert_eq!(app.adapter.get_account("github", "99").await.unwrap().unwrap().user_id, lin.id);
    assert_eq!(browser.session_token().as_deref(), Some(token.as_str()), "the same session goes on");
    assert_eq!(app.user_count().await, 1);

    // Later, GitHub alone signs Lin in.
    let elsewhere = app.browser();
    assert_eq!(location(&github_flow(&elsewhere).await), "/account");
    let (_, user) = app.adapter.get_session_and_user(&elsewhere.session_token().unwrap()).await.unwrap().unwrap();
    assert_eq!(user.id, lin.id);
}

#[tokio::test]
async fn github_callback_checks_state_and_pkce() {
    let github = FakeGithub::start().await;
    let app = start_app(Some(github.config())).await;
    github.set_user(7, "mallory", None, Some("m@example.com"));
    let browser = app.browser();

    // A state that is not the cookie's.
    let csrf = browser.csrf_token().await;
    let start = browser.post("/auth/signin/github", &[("csrf_token", &csrf)]).await;
    let to_callback = browser.get(&location(&start)).await;
    let mut callback = Url::parse(&location(&to_callback)).unwrap();
    let code = query_param(&callback, "code").unwrap();
    callback.query_pairs_mut().clear().append_pair("code", &code).append_pair("state", "forged");
    let response = browser.get(callback.as_str()).await;
    assert_eq!(location(&response), "/auth/error?error=OAuthCallbackError");

    // A callback without the flow's cookies (another browser, or replayed).
    let response = app.browser().get(&format!("/auth/callback/github?code={code}&state=x")).await;
    assert_eq!(location(&response), "/auth/error?error=OAuthCallbackError");

    // A wrong PKCE verifier: the token endpoint refuses the code.
    let start = browser.post("/auth/signin/github", &[("csrf_token", &csrf)]).await;
    let to_callback = browser.get(&location(&start)).await;
    browser
        .jar
        .add_cookie_str("authjs-axum.pkce=not-the-verifier-0123456789012345678901234567890123; Path=/", &app.base);
    let response = browser.get(&location(&to_callback)).await;
    assert_eq!(location(&response), "/auth/error?error=OAuthCallbackError");
    assert_eq!(github.pkce_failures(), 1);

    // The user refused on GitHub.
    let start = browser.post("/auth/signin/github", &[("csrf_token", &csrf)]).await;
    let state = query_param(&Url::parse(&location(&start)).unwrap(), "state").unwrap();
    let response = browser.get(&format!("/auth/callback/github?error=access_denied&state={state}")).await;
    assert_eq!(location(&response), "/auth/error?error=AccessDenied");

    assert_eq!(browser.session_token(), None);
    assert_eq!(app.user_count().await, 0);
    assert!(app.adapter.get_account("github", "7").await.unwrap().is_none());
}

// ---------------------------------------------------------------------------------------------------------------
// 6. A session written by Auth.js
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_session_written_by_authjs_is_accepted() {
    let app = start_app(None).await;
    let db = app.adapter.connection();
    let user_id = uuid::Uuid::new_v4().to_string();
    let session_token = uuid::Uuid::new_v4().to_string();
    let now_ms = Utc::now().timestamp_millis();
    // As @auth/drizzle-adapter writes them on SQLite: dates as integer epoch milliseconds.
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        r#"INSERT INTO "user" ("id", "name", "email", "emailVerified") VALUES (?, ?, ?, ?)"#,
        [user_id.clone().into(), "Grace".into(), "grace@example.com".into(), now_ms.into()],
    ))
    .await
    .unwrap();
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        r#"INSERT INTO "session" ("sessionToken", "userId", "expires") VALUES (?, ?, ?)"#,
        [session_token.clone().into(), user_id.clone().into(), (now_ms + 30 * 24 * 3600 * 1000).into()],
    ))
    .await
    .unwrap();

    let response = app.get_with_session("/account", &session_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Grace") && html.contains("grace@example.com") && html.contains(&user_id));
}

// ---------------------------------------------------------------------------------------------------------------
// 7. CSRF
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_forbidden() {
    let github = FakeGithub::start().await;
    let app = start_app(Some(github.config())).await;
    let browser = app.browser();
    let email = [("email", "zed@example.com")];

    // No cookie, no field.
    let response = browser.post("/auth/signin/email", &email).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("CSRF"));

    // The cookie, but no field or a wrong one.
    let csrf = browser.csrf_token().await;
    assert!(
        browser
            .cookie("authjs.csrf-token")
            .is_some_and(|c| c.starts_with(&format!("{csrf}%7C")) || c.starts_with(&format!("{csrf}|")))
    );
    assert_eq!(browser.post("/auth/signin/email", &email).await.status(), StatusCode::FORBIDDEN);
    let wrong = [("csrf_token", "0".repeat(64)), ("email", "zed@example.com".into())];
    assert_eq!(browser.client.post(browser.url("/auth/signin/email")).form(&wrong).send().await.unwrap().status(), 403);

    // Another browser's token: its field does not match this browser's cookie.
    let attacker = app.browser();
    let attacker_csrf = attacker.csrf_token().await;
    let forged = [("csrf_token", attacker_csrf.as_str()), ("email", "zed@example.com")];
    assert_eq!(browser.post("/auth/signin/email", &forged).await.status(), StatusCode::FORBIDDEN);

    // A cookie the attacker made up (not hashed with the secret), with the matching field.
    let fresh = app.browser();
    fresh.jar.add_cookie_str("authjs.csrf-token=abc|def; Path=/", &app.base);
    let made_up = [("csrf_token", "abc"), ("email", "zed@example.com")];
    assert_eq!(fresh.post("/auth/signin/email", &made_up).await.status(), StatusCode::FORBIDDEN);

    // Starting GitHub sign-in and signing out need it too.
    assert_eq!(browser.post("/auth/signin/github", &[]).await.status(), StatusCode::FORBIDDEN);
    let token = app.sign_in_with_email(&browser, "zed@example.com").await;
    assert_eq!(app.mailer.count(), 1, "only the valid request sent a link");
    assert_eq!(browser.post("/auth/signout", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(browser.post("/auth/signout-everywhere", &[]).await.status(), StatusCode::FORBIDDEN);
    assert!(app.adapter.get_session_and_user(&token).await.unwrap().is_some(), "still signed in");

    // The header works for scripts.
    let csrf = browser.csrf_token().await;
    let response = browser.client.post(browser.url("/auth/signout")).header("x-csrf-token", csrf).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(app.adapter.get_session_and_user(&token).await.unwrap().is_none());
}

// ---------------------------------------------------------------------------------------------------------------
// 8. Malformed magic links
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_magic_links_get_400_and_the_error_page() {
    let app = start_app(None).await;
    let browser = app.browser();
    let long = format!("{}%40example.com", "a".repeat(321 - "@example.com".len()));
    let queries = [
        String::new(),
        "token=abc".to_owned(),
        "email=ada%40example.com".to_owned(),
        "token=&email=ada%40example.com".to_owned(),
        "token=abc&email=".to_owned(),
        "token=abc&email=not-an-address".to_owned(),
        "token=abc&email=a%00b%40example.com".to_owned(),
        "token=abc&email=ada%40example.com%00".to_owned(),
        "token=abc&email=a%0D%0Ab%40example.com".to_owned(),
        format!("token=abc&email={long}"),
        "token=abc&email=ada%40example.com&email=bob%40example.com".to_owned(),
    ];
    for query in &queries {
        let response = browser.get(&format!("/auth/callback/email?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(response.headers().contains_key(CONTENT_SECURITY_POLICY));
        let html = response.text().await.unwrap();
        assert!(
            html.contains("This sign-in link is not valid") && html.contains("<code>Verification</code>"),
            "{query}"
        );
    }
    assert_eq!(browser.session_token(), None);
    assert_eq!(app.user_count().await, 0);

    // A 320-byte address is an address: an unknown token for it keeps the redirect.
    let longest = format!("{}%40example.com", "a".repeat(320 - "@example.com".len()));
    let response = browser.get(&format!("/auth/callback/email?token=abc&email={longest}")).await;
    assert_eq!(location(&response), "/auth/error?error=Verification");

    // The sign-in form answers invalid addresses with a redirect to the error page, storing and sending nothing.
    let csrf = browser.csrf_token().await;
    let long = format!("{}@example.com", "a".repeat(321 - "@example.com".len()));
    let refused = [
        "not-an-address",
        "a\0b@example.com",
        "a@example.com\r\nBcc: x@evil.com",
        "\"a\"@example.com",
        &long,
        // A display name: lettre would mail the address inside the brackets, while the whole string was stored.
        "CEO <attacker@evil.test>",
        "attacker@evil.test (CEO)",
        "a@example.com, attacker@evil.test",
    ];
    for email in refused {
        let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", email)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email:?}");
        assert_eq!(location(&response), "/auth/error?error=InvalidEmail", "{email:?}");
    }
    assert_eq!(app.verification_token_count().await, 0);
    assert_eq!(app.mailer.count(), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// 9. Limits on magic-link requests
// ---------------------------------------------------------------------------------------------------------------

/// Asks for a link for `email`; returns the response.
async fn ask_for_link(browser: &Browser, csrf: &str, email: &str) -> reqwest::Response {
    browser.post("/auth/signin/email", &[("csrf_token", csrf), ("email", email)]).await
}

#[tokio::test]
async fn magic_links_are_limited_per_address_and_per_ip() {
    assert_eq!(
        LinkLimit::default(),
        LinkLimit { per_address: 5, per_ip: 20, window: std::time::Duration::from_secs(15 * 60) }
    );
    let app = start_app_with(|config| {
        config.link_limit.per_address = 2;
        config.link_limit.per_ip = 3;
    })
    .await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;

    // Per address, however it is spelled.
    assert_eq!(location(&ask_for_link(&browser, &csrf, "ada@example.com").await), "/auth/verify-request");
    assert_eq!(location(&ask_for_link(&browser, &csrf, " ADA@example.com").await), "/auth/verify-request");
    let refused = ask_for_link(&browser, &csrf, "Ada@Example.com").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    assert!(refused.headers().contains_key(CONTENT_SECURITY_POLICY));
    let html = refused.text().await.unwrap();
    assert!(html.contains("Too many sign-in links") && html.contains("TooManyRequests"), "{html}");
    assert_eq!(app.mailer.count(), 2, "no link sent");
    assert_eq!(app.verification_token_count().await, 2, "no token stored");

    // Per IP, whatever the address: the refused request did not count.
    assert_eq!(location(&ask_for_link(&browser, &csrf, "bob@example.com").await), "/auth/verify-request");
    let refused = ask_for_link(&browser, &csrf, "cy@example.com").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!((app.mailer.count(), app.verification_token_count().await), (3, 3));
}

#[tokio::test]
async fn without_the_client_address_only_the_per_address_limit_applies() {
    let app = start_app_served(
        |config| {
            config.link_limit.per_address = 1;
            config.link_limit.per_ip = 1;
        },
        false,
    )
    .await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    assert_eq!(location(&ask_for_link(&browser, &csrf, "ada@example.com").await), "/auth/verify-request");
    assert_eq!(location(&ask_for_link(&browser, &csrf, "bob@example.com").await), "/auth/verify-request");
    assert_eq!(ask_for_link(&browser, &csrf, "ada@example.com").await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.mailer.count(), 2);
}

// ---------------------------------------------------------------------------------------------------------------
// 10. GitHub: verified addresses only
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn github_uses_only_the_verified_primary_address() {
    let github = FakeGithub::start().await;
    let app = start_app(Some(github.config())).await;

    // The public address is not the primary one: the verified primary is used.
    github.set_user(21, "pat", Some("Pat"), Some("pat.public@example.com"));
    github.set_emails(Some(&[("pat.public@example.com", false, true), ("Pat@Example.com", true, true)]));
    assert_eq!(location(&github_flow(&app.browser()).await), "/account");
    let pat = app.adapter.get_user_by_account("github", "21").await.unwrap().unwrap();
    assert_eq!(pat.email.as_deref(), Some("pat@example.com"));

    // Someone whose GitHub primary address is an existing user's, unverified: neither refused as that user's
    // address nor linked to them; they are signed up without an address.
    let victim = app.browser();
    let victim_token = app.sign_in_with_email(&victim, "victim@example.com").await;
    github.set_user(22, "mallory", Some("Mallory"), Some("victim@example.com"));
    github.set_emails(Some(&[("victim@example.com", true, false), ("mallory@example.com", false, true)]));
    let mallory = app.browser();
    assert_eq!(location(&github_flow(&mallory).await), "/account");
    let (_, signed_in) = app.adapter.get_session_and_user(&mallory.session_token().unwrap()).await.unwrap().unwrap();
    assert_eq!(signed_in.email, None, "the unverified address is not used");
    assert_eq!(app.adapter.get_account("github", "22").await.unwrap().unwrap().user_id, signed_in.id);
    let (_, victim_user) = app.adapter.get_session_and_user(&victim_token).await.unwrap().unwrap();
    assert_ne!(victim_user.id, signed_in.id);
    assert!(app.adapter.get_account("github", "22").await.unwrap().is_some_and(|a| a.user_id != victim_user.id));
    assert_eq!(app.user_count().await, 3);

    // Without access to `/user/emails` the sign-in fails rather than trusting the public address.
    github.set_user(23, "noscope", None, Some("noscope@example.com"));
    github.set_emails(None);
    let browser = app.browser();
    assert_eq!(location(&github_flow(&browser).await), "/auth/error?error=OAuthCallbackError");
    assert_eq!(browser.session_token(), None);
    assert!(app.adapter.get_account("github", "23").await.unwrap().is_none());
}

// ---------------------------------------------------------------------------------------------------------------
// 11. HTTPS: `__Host-` cookies for the GitHub flow
// ---------------------------------------------------------------------------------------------------------------

/// The `name=value` of each `Set-Cookie` of `response` whose name is `name`.
fn cookie_pair(response: &reqwest::Response, name: &str) -> String {
    let cookie = set_cookies(response).into_iter().find(|c| c.starts_with(&format!("{name}="))).expect(name);
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && cookie.contains("HttpOnly"), "{cookie}");
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn over_https_the_github_flow_cookies_are_host_cookies() {
    let github = FakeGithub::start().await;
    github.set_user(31, "tls", None, Some("tls@example.com"));
    // Served over plain HTTP here, as behind a TLS-terminating proxy: the app's public URL is https.
    let app = start_app_with(|config| {
        *config =
            Config::new(config.base_url.as_str().replacen("http:", "https:", 1).parse().unwrap(), SECRET).unwrap();
        config.github = Some(github.config());
    })
    .await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let csrf = "0123456789abcdef";
    let csrf_cookie = format!("__Host-authjs.csrf-token={csrf}|{}", hash_token(csrf, SECRET));
    let start = |cookies: String| {
        client.post(app.base.join("/auth/signin/github").unwrap()).header(COOKIE, cookies).form(&[("csrf_token", csrf)])
    };

    let response = start(csrf_cookie.clone()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let state = cookie_pair(&response, "__Host-authjs-axum.state");
    let pkce = cookie_pair(&response, "__Host-authjs-axum.pkce");
    assert!(set_cookies(&response).iter().all(|c| !c.starts_with("__Secure-") && !c.starts_with("authjs-axum")));

    // The callback reads them (GitHub redirects to the https URL; this test server speaks http).
    let to_callback = client.get(location(&response)).send().await.unwrap();
    let mut callback = Url::parse(&location(&to_callback)).unwrap();
    assert_eq!(callback.scheme(), "https");
    callback.set_scheme("http").unwrap();
    let signed_in = client.get(callback.clone()).header(COOKIE, format!("{state}; {pkce}")).send().await.unwrap();
    assert_eq!(location(&signed_in), "/account");
    assert!(set_cookies(&signed_in).iter().any(|c| c.starts_with("__Secure-authjs.session-token=")));

    // The same values planted as `__Secure-` cookies (a sibling subdomain can set those) are not read.
    let response = start(csrf_cookie).send().await.unwrap();
    let planted =
        [&cookie_pair(&response, "__Host-authjs-axum.state"), &cookie_pair(&response, "__Host-authjs-axum.pkce")]
            .map(|pair| pair.replacen("__Host-", "__Secure-", 1))
            .join("; ");
    let mut callback = Url::parse(&location(&client.get(location(&response)).send().await.unwrap())).unwrap();
    callback.set_scheme("http").unwrap();
    let refused = client.get(callback).header(COOKIE, planted).send().await.unwrap();
    assert_eq!(location(&refused), "/auth/error?error=OAuthCallbackError");
}

// ---------------------------------------------------------------------------------------------------------------
// 12. Security headers
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_response_forbids_framing_and_the_pages_need_nothing_the_policy_blocks() {
    let github = FakeGithub::start().await;
    let app = start_app(Some(github.config())).await;
    let browser = app.browser();
    let github_origin = github.base.as_ref().unwrap().origin().ascii_serialization();
    let token = app.sign_in_with_email(&browser, "hal@example.com").await;

    let check = |response: &reqwest::Response| {
        let csp = response.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        for directive in [
            "default-src 'none'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            &format!("form-action 'self' {github_origin}"),
        ] {
            assert!(csp.split("; ").any(|d| d == directive), "{} {csp}", response.url());
        }
        assert_eq!(response.headers()[X_FRAME_OPTIONS], "DENY", "{}", response.url());
    };
    let mut pages = Vec::new();
    for path in
        ["/", "/account", "/auth/verify-request", "/auth/error?error=Verification", "/nope", "/auth/callback/email"]
    {
        let response = browser.get(path).await;
        check(&response);
        assert!(response.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{path}");
        pages.push(response.text().await.unwrap());
    }
    let forbidden = browser.post("/auth/signout", &[]).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    check(&forbidden);
    check(&app.get_with_session("/account", &token).await);

    // What the pages use is allowed: the same-origin style sheet, forms posting to this app; no inline style or
    // script, which `default-src 'none'` would block.
    for html in &pages {
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/style.css\">"), "{html}");
        assert!(!html.contains("<style") && !html.contains("<script") && !html.contains("style="), "{html}");
        assert!(html.split("action=\"").skip(1).all(|rest| rest.starts_with('/')), "{html}");
    }
    let css = browser.get("/style.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()[CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(css.text().await.unwrap().contains("font-family"));
}

// ---------------------------------------------------------------------------------------------------------------
// 9. Both session strategies, both Auth.js generations
// ---------------------------------------------------------------------------------------------------------------

/// Every way the example can keep sessions: database or JWT, under Auth.js v5's or next-auth v4's cookie names.
const MODES: [(SessionStrategy, Conventions); 4] = [
    (SessionStrategy::Database, Conventions::AuthJsV5),
    (SessionStrategy::Database, Conventions::NextAuthV4),
    (SessionStrategy::Jwt, Conventions::AuthJsV5),
    (SessionStrategy::Jwt, Conventions::NextAuthV4),
];

async fn start_app_in(strategy: SessionStrategy, conventions: Conventions) -> TestApp {
    start_app_with(|config| {
        config.auth.strategy = strategy;
        config.auth.conventions = conventions;
    })
    .await
}

/// A request carrying only `Cookie: <cookies>` (no cookie store).
async fn get_with_cookies(app: &TestApp, path: &str, cookies: &str) -> reqwest::Response {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    client.get(app.base.join(path).unwrap()).header(COOKIE, cookies).send().await.unwrap()
}

/// `GET /auth/session` with `cookies`: its JSON, after checking it is a 200.
async fn session_json(app: &TestApp, cookies: &str) -> Value {
    let response = get_with_cookies(app, "/auth/session", cookies).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn magic_link_sign_in_account_session_and_sign_out_in_every_mode() {
    for (strategy, conventions) in MODES {
        let mode = format!("{strategy:?}/{conventions:?}");
        let app = start_app_in(strategy, conventions).await;
        let name = conventions.session_cookie(false);
        let csrf_name = conventions.csrf_cookie(false);
        let browser = app.browser();

        let home = browser.get("/").await;
        assert!(set_cookies(&home).iter().any(|c| c.starts_with(&format!("{csrf_name}="))), "{mode}: CSRF cookie");
        let csrf = hidden_field(&home.text().await.unwrap(), "csrf_token").unwrap();
        let response = browser.post("/auth/signin/email", &[("csrf_token", &csrf), ("email", "ada@example.com")]).await;
        assert_eq!(location(&response), "/auth/verify-request", "{mode}");
        let response = browser.get(&app.mailer.last_link_to("ada@example.com")).await;
        assert_eq!(location(&response), "/account", "{mode}");
        let cookie = set_cookies(&response).into_iter().find(|c| c.starts_with(&format!("{name}="))).expect(&mode);
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Expires="),
            "{cookie}"
        );
        let value = browser.cookie(name).expect("signed in");
        let user = app.adapter.get_user_by_email("ada@example.com").await.unwrap().unwrap();

        match strategy {
            SessionStrategy::Database => {
                let (session, owner) = app.adapter.get_session_and_user(&value).await.unwrap().expect(&mode);
                assert_eq!((session.user_id, owner.id), (user.id.clone(), user.id.clone()));
            }
            _ => {
                assert_eq!(value.split('.').count(), 5, "{mode}: a compact JWE");
                let claims = jwt::decode(conventions.jwt_format(), &[SECRET], name, &value, Utc::now()).expect(&mode);
                assert_eq!(claims.sub.as_deref(), Some(user.id.as_str()), "{mode}");
                assert_eq!(claims.email.as_deref(), Some("ada@example.com"), "{mode}");
                let lifetime = claims.exp.unwrap() - claims.iat.unwrap();
                assert_eq!(lifetime, Duration::days(30).num_seconds(), "{mode}");
                assert_eq!(app.adapter.list_sessions_by_user_id(&user.id).await.unwrap(), vec![], "{mode}: no row");
            }
        }

        let account = browser.get("/account").await;
        assert_eq!(account.status(), StatusCode::OK, "{mode}");
        let html = account.text().await.unwrap();
        assert!(html.contains("ada@example.com"), "{mode}");
        let cookies = format!("{name}={value}");
        let session = session_json(&app, &cookies).await;
        assert_eq!(session["user"], json!({"name": null, "email": "ada@example.com", "image": null}), "{mode}");
        let expires = chrono::DateTime::parse_from_rfc3339(session["expires"].as_str().unwrap()).unwrap();
        assert!((expires.to_utc() - (Utc::now() + Duration::days(30))).num_seconds().abs() < 60, "{mode}");
        // Another generation's cookie name is not read.
        let other = match conventions {
            Conventions::AuthJsV5 => Conventions::NextAuthV4,
            _ => Conventions::AuthJsV5,
        };
        let elsewhere = format!("{}={value}", other.session_cookie(false));
        assert_eq!(session_json(&app, &elsewhere).await, Value::Null, "{mode}");

        let csrf = hidden_field(&html, "csrf_token").unwrap();
        let response = browser.post("/auth/signout", &[("csrf_token", &csrf)]).await;
        assert_eq!(location(&response), "/", "{mode}");
        let removal = set_cookies(&response).into_iter().find(|c| c.starts_with(&format!("{name}="))).expect(&mode);
        assert!(removal.contains("Max-Age=0"), "{mode}: {removal}");
        assert_eq!(browser.cookie(name), None, "{mode}: the cookie is removed");
        assert_eq!(session_json(&app, "").await, Value::Null, "{mode}");
        match strategy {
            SessionStrategy::Database => {
                assert_eq!(location(&get_with_cookies(&app, "/account", &cookies).await), "/", "{mode}: row deleted");
            }
            _ => {
                // A JWT is not stored anywhere: a copy kept elsewhere stays valid until it expires (as in Auth.js).
                let copy = get_with_cookies(&app, "/account", &cookies).await;
                assert_eq!(copy.status(), StatusCode::OK, "{mode}: sign-out cannot revoke a copied JWT");
            }
        }
    }
}

#[tokio::test]
async fn a_large_jwt_is_chunked_and_sign_out_removes_every_chunk() {
    for conventions in [Conventions::AuthJsV5, Conventions::NextAuthV4] {
        let app = start_app_in(SessionStrategy::Jwt, conventions).await;
        let name = conventions.session_cookie(false);
        let long_name = "N".repeat(6000);
        let new =
            NewUser { name: Some(long_name.clone()), email: Some("long@example.com".into()), ..NewUser::default() };
        app.adapter.create_user(new).await.unwrap();
        let browser = app.browser();
        app.sign_in_with_email_as(&browser, "long@example.com", name).await;
        let (first, second) = (browser.cookie(&format!("{name}.0")), browser.cookie(&format!("{name}.1")));
        assert_eq!(browser.cookie(name), None, "{conventions:?}: chunked, not one cookie");
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_eq!(first.len(), conventions.chunk_size(), "{conventions:?}");
        let token = format!("{first}{second}{}", browser.cookie(&format!("{name}.2")).unwrap_or_default());
        let claims = jwt::decode(conventions.jwt_format(), &[SECRET], name, &token, Utc::now()).unwrap();
        assert_eq!(claims.name.as_deref(), Some(long_name.as_str()));

        let html = browser.get("/account").await.text().await.unwrap();
        assert!(html.contains("long@example.com"), "{conventions:?}: the chunks are joined");
        let csrf = hidden_field(&html, "csrf_token").unwrap();
        let response = browser.post("/auth/signout", &[("csrf_token", &csrf)]).await;
        let removed: Vec<_> = set_cookies(&response).into_iter().filter(|c| c.contains("Max-Age=0")).collect();
        assert!(removed.iter().any(|c| c.starts_with(&format!("{name}.0="))), "{removed:?}");
        assert!(removed.iter().any(|c| c.starts_with(&format!("{name}.1="))), "{removed:?}");
        assert_eq!((browser.cookie(&format!("{name}.0")), browser.cookie(&format!("{name}.1"))), (None, None));
    }
}

#[tokio::test]
async fn a_jwt_session_is_reissued_after_update_age_and_stale_chunks_expire() {
    let app = start_app_in(SessionStrategy::Jwt, Conventions::AuthJsV5).await;
    let name = Conventions::AuthJsV5.session_cookie(false);
    let user = app.adapter.create_user(NewUser { email: Some("jo@example.com".into()), ..NewUser::default() }).await;
    let user = user.unwrap();
    let issued = |age: Duration| {
        let claims = SessionClaims::for_user(&user, Utc::now() - age, Duration::days(30));
        jwt::encode(JwtFormat::AuthJsV5, SECRET, name, &claims).unwrap()
    };

    // Issued an hour ago: read, not re-issued.
    let response = get_with_cookies(&app, "/account", &format!("{name}={}", issued(Duration::hours(1)))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookies(&response).iter().all(|c| !c.starts_with(name)), "{:?}", set_cookies(&response));

    // Issued 25 hours ago, sent in two chunks: re-issued with a new expiry as one cookie, the chunks expired.
    let old = issued(Duration::hours(25));
    let (a, b) = old.split_at(100);
    let response = get_with_cookies(&app, "/account", &format!("{name}.0={a}; {name}.1={b}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let set = set_cookies(&response);
    let fresh = set.iter().find_map(|c| c.strip_prefix(&format!("{name}="))).expect("re-issued");
    let fresh = fresh.split(';').next().unwrap();
    let claims = jwt::decode(JwtFormat::AuthJsV5, &[SECRET], name, fresh, Utc::now()).unwrap();
    assert!((claims.exp.unwrap() - (Utc::now() + Duration::days(30)).timestamp()).abs() < 60, "exp = now + max_age");
    assert_eq!(claims.sub.as_deref(), Some(user.id.as_str()));
    for chunk in [format!("{name}.0="), format!("{name}.1=")] {
        assert!(set.iter().any(|c| c.starts_with(&chunk) && c.contains("Max-Age=0")), "{chunk} expired: {set:?}");
    }
}

#[tokio::test]
async fn secret_rotation_reads_tokens_of_the_previous_secret() {
    let app = start_app_with(|config| {
        config.auth.strategy = SessionStrategy::Jwt;
        config.auth = config.auth.clone().with_secrets(["new secret".to_owned(), SECRET.to_owned()]).unwrap();
    })
    .await;
    let name = Conventions::AuthJsV5.session_cookie(false);
    let user = app.adapter.create_user(NewUser { email: Some("rot@example.com".into()), ..NewUser::default() }).await;
    let claims = SessionClaims::for_user(&user.unwrap(), Utc::now(), Duration::days(30));
    let old = jwt::encode(JwtFormat::AuthJsV5, SECRET, name, &claims).unwrap();
    assert_eq!(get_with_cookies(&app, "/account", &format!("{name}={old}")).await.status(), StatusCode::OK);
    let unknown = jwt::encode(JwtFormat::AuthJsV5, "a third secret", name, &claims).unwrap();
    assert_eq!(location(&get_with_cookies(&app, "/account", &format!("{name}={unknown}")).await), "/");
}

#[tokio::test]
async fn hostile_jwt_cookies_are_signed_out() {
    for conventions in [Conventions::AuthJsV5, Conventions::NextAuthV4] {
        let app = start_app_in(SessionStrategy::Jwt, conventions).await;
        let format = conventions.jwt_format();
        let name = conventions.session_cookie(false);
        let user = app.adapter.create_user(NewUser { email: Some("h@example.com".into()), ..NewUser::default() }).await;
        let id = user.unwrap().id;
        let claims = |sub: Option<&str>, at: chrono::DateTime<Utc>| SessionClaims {
            sub: sub.map(str::to_owned),
            ..SessionClaims::issued(at, Duration::days(30))
        };
        let valid = jwt::encode(format, SECRET, name, &claims(Some(&id), Utc::now())).unwrap();
        assert_eq!(get_with_cookies(&app, "/account", &format!("{name}={valid}")).await.status(), StatusCode::OK);

        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let mut tampered = valid.clone().into_bytes();
        let middle = tampered.len() / 2 + 3;
        tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
        let payload = serde_json::to_vec(&claims(Some(&id), Utc::now())).unwrap();
        let alg_none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(&payload));
        let dir_none = format!("{}..{}..", b64(br#"{"alg":"dir","enc":"none"}"#), b64(&payload));
        let chunks50: String = (0..50).map(|i| format!("{name}.{i}={}; ", &valid[..20])).collect();
        let cases: Vec<(&str, String)> = vec![
            ("tampered", format!("{name}={}", String::from_utf8(tampered).unwrap())),
            (
                "expired",
                format!(
                    "{name}={}",
                    jwt::encode(format, SECRET, name, &claims(Some(&id), Utc::now() - Duration::days(31))).unwrap()
                ),
            ),
            (
                "wrong secret",
                format!(
                    "{name}={}",
                    jwt::encode(format, "another secret", name, &claims(Some(&id), Utc::now())).unwrap()
                ),
            ),
            (
                "wrong salt",
                format!(
                    "{name}={}",
                    jwt::encode(JwtFormat::AuthJsV5, SECRET, "x", &claims(Some(&id), Utc::now())).unwrap()
                ),
            ),
            (
                "unknown user",
                format!("{name}={}", jwt::encode(format, SECRET, name, &claims(Some("nobody"), Utc::now())).unwrap()),
            ),
            ("no sub", format!("{name}={}", jwt::encode(format, SECRET, name, &claims(None, Utc::now())).unwrap())),
            ("alg none", format!("{name}={alg_none}")),
            ("enc none", format!("{name}={dir_none}")),
            ("truncated", format!("{name}={}", &valid[..valid.len() - 10])),
            ("header only", format!("{name}={}", valid.split('.').next().unwrap())),
            ("100 KB", format!("{name}={}", "A".repeat(100 * 1024))),
            ("50 chunks", chunks50),
            ("chunk gap", format!("{name}.0={}; {name}.2={}", &valid[..50], &valid[50..])),
            ("not base64", format!("{name}=%00%ff.%22..<>")),
        ];
        for (label, cookies) in cases {
            let label = format!("{conventions:?}, {label}");
            let account = get_with_cookies(&app, "/account", &cookies).await;
            assert_eq!(account.status(), StatusCode::SEE_OTHER, "{label}");
            assert_eq!(location(&account), "/", "{label}");
            assert_eq!(session_json(&app, &cookies).await, Value::Null, "{label}");
            let home = get_with_cookies(&app, "/", &cookies).await;
            assert_eq!(home.status(), StatusCode::OK, "{label}");
        }
        // v4 tokens carry no salt: the v5 "wrong salt" token above was refused for its format under v4.
    }
}
