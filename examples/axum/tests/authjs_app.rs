//! A real Auth.js app and this example are one sign-in system: `tests/interop/authjs-app.mjs` (`Auth()` of
//! `@auth/core` 0.41.3 on Node's `http` module, the real `@auth/drizzle-adapter`) and the example app, served
//! in-process, run on the same database with the same `AUTH_SECRET`, and one `reqwest` client with one cookie jar
//! drives both, as one browser would: both listen on 127.0.0.1, and cookies are per host, not per port.
//!
//! - `node_sign_in_is_shared` / `rust_sign_in_is_shared`: a magic-link sign-in on one app signs the browser in on
//!   both (`/account` and `/auth/session` of each, as the user row of that address; with `jwt` sessions the cookie is
//!   a JWE that either app made and the other decodes, and no session row is written);
//! - `links_work_on_either_app_once`: a link mailed by one app signs in on the other, once: a second use is refused
//!   by both apps;
//! - `sign_out_on_either_app_ends_the_session_on_both`: both directions; the two apps also hand out the same CSRF
//!   token, read from the one `authjs.csrf-token` cookie they both accept.
//!
//! Each case runs on SQLite (one file both open), PostgreSQL and MariaDB (a fresh database each, created by our
//! migration; MariaDB in UTC on both sides), in each session strategy (`database`, `jwt`): `sqlite::database::…`,
//! `mysql::jwt::…`. Needs Node 20+ and `npm ci --prefix tests`; without them the tests print `skipped: …`
//! and pass, unless `CI=true`, where they fail, as do missing `AUTHJS_TEST_POSTGRES_URL` / `AUTHJS_TEST_MYSQL_URL`.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use authjs_sea_orm::Adapter;
use authjs_sea_orm::axum::SessionStrategy;
use authjs_sea_orm::entity::session;
use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm_tests::authjs_app::AuthjsApp;
use authjs_sea_orm_tests::node::node_ready;
use authjs_sea_orm_tests::{Backend, EmptyDb, TestDb};
use axum::http::StatusCode;
use common::{RustApp, SECRET, SESSION_COOKIE, browser_client, hidden_field, location};
use example_axum::Config;
use reqwest::cookie::{CookieStore, Jar};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;
use url::Url;

// ---------------------------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------------------------

/// Auth.js's `session.strategy`, set on both apps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    Database,
    Jwt,
}

impl Strategy {
    /// `AUTH_SESSION_STRATEGY` of the Node app.
    fn name(self) -> &'static str {
        match self {
            Strategy::Database => "database",
            Strategy::Jwt => "jwt",
        }
    }

    /// Sets the strategy on the example app's configuration (`AUTH_SESSION_STRATEGY` of `Config::from_env`).
    fn configure(self, config: &mut Config) {
        config.auth.strategy = match self {
            Strategy::Database => SessionStrategy::Database,
            Strategy::Jwt => SessionStrategy::Jwt,
        };
    }
}

/// Both apps on one fresh database, and one browser for both.
struct Apps {
    strategy: Strategy,
    rust: RustApp,
    /// `tests/interop/authjs-app.mjs`, on the same database with the same `AUTH_SECRET`; stopped when dropped.
    _node: AuthjsApp,
    /// Its base URL, `http://127.0.0.1:<port>`.
    node_base: Url,
    client: reqwest::Client,
    jar: Arc<Jar>,
    // Last: the database is removed after the apps are stopped.
    _db: EmptyDb,
}

/// Which app a step talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Rust,
    Node,
}

use Side::{Node, Rust};

impl Apps {
    /// `None` when the test is skipped (no Node or no database server, outside CI).
    async fn start(backend: Backend, strategy: Strategy) -> Option<Apps> {
        if !node_ready() {
            return None;
        }
        let db = TestDb::empty(backend).await?;
        Migrator::up(&db.db, None).await.unwrap_or_else(|e| panic!("migrate {backend}: {e}"));
        let rust = RustApp::serve(db.db.clone(), |config| strategy.configure(config)).await;
        // TZ far from UTC, so that nothing depends on the host's time zone.
        let node = AuthjsApp::start_with_env(&db, SECRET, strategy.name(), &[("TZ", "Pacific/Auckland")]);
        let node_base = Url::parse(&node.base).unwrap();
        let jar = Arc::new(Jar::default());
        let client = browser_client(Arc::clone(&jar));
        Some(Apps { strategy, rust, _node: node, node_base, client, jar, _db: db })
    }

    fn base(&self, side: Side) -> &Url {
        match side {
            Rust => &self.rust.base,
            Node => &self.node_base,
        }
    }

    fn url(&self, side: Side, path: &str) -> Url {
        self.base(side).join(path).unwrap()
    }

    async fn get(&self, url: Url) -> reqwest::Response {
        self.client.get(url).send().await.unwrap()
    }

    async fn post(&self, side: Side, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(side, path)).form(fields).send().await.unwrap()
    }

    /// The session cookie the browser holds (the jar is per host: both apps see the same one).
    fn session_cookie(&self) -> Option<String> {
        let header = self.jar.cookies(&self.rust.base)?;
        header.to_str().unwrap().split("; ").find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == SESSION_COOKIE).then(|| v.to_owned())
        })
    }

    /// The CSRF token of `side`'s forms: the Rust home page's hidden field, Auth.js's `GET /auth/csrf`.
    async fn csrf_token(&self, side: Side) -> String {
        match side {
            Rust => {
                let html = self.get(self.url(Rust, "/")).await.text().await.unwrap();
                hidden_field(&html, "csrf_token").expect("the home page has a CSRF field")
            }
            Node => {
                let body: Value = self.get(self.url(Node, "/auth/csrf")).await.json().await.unwrap();
                body["csrfToken"].as_str().expect("Auth.js returns a csrfToken").to_owned()
            }
        }
    }

    /// Asks `side` for a magic link for `email` and returns it as mailed.
    async fn request_link(&self, side: Side, email: &str) -> Url {
        let csrf = self.csrf_token(side).await;
        match side {
            Rust => {
                let response = self.post(Rust, "/auth/signin/email", &[("csrf_token", &csrf), ("email", email)]).await;
                assert_eq!(location(&response), "/auth/verify-request", "Rust: asking for a link for {email}");
                Url::parse(&self.rust.mailer.last_link_to(email)).unwrap()
            }
            Node => {
                let response = self.post(Node, "/auth/signin/email", &[("csrfToken", &csrf), ("email", email)]).await;
                assert_eq!(response.status(), StatusCode::FOUND, "Node: asking for a link for {email}");
                assert!(location(&response).contains("/auth/verify-request"), "Node: {}", location(&response));
                let mut links = self.url(Node, "/test/links");
                links.query_pairs_mut().append_pair("email", email);
                let sent: Vec<String> = self.get(links).await.json().await.unwrap();
                Url::parse(sent.last().unwrap_or_else(|| panic!("Node sent no link to {email}"))).unwrap()
            }
        }
    }

    /// `link` (mailed by either app) opened on `side`: the same path and query on that app's origin.
    async fn open_link(&self, side: Side, link: &Url) -> reqwest::Response {
        let mut url = self.url(side, link.path());
        url.set_query(link.query());
        self.get(url).await
    }

    /// Opens `link` on `side` and asserts that it signed the browser in (the app's redirect after a sign-in, and a
    /// session cookie).
    async fn sign_in_with(&self, side: Side, link: &Url) {
        let before = self.session_cookie();
        let response = self.open_link(side, link).await;
        match side {
            Rust => assert_eq!(
                (response.status(), location(&response)),
                (StatusCode::SEE_OTHER, "/account".to_owned()),
                "Rust: signing in with a link"
            ),
            Node => {
                assert_eq!(response.status(), StatusCode::FOUND, "Node: signing in with a link");
                assert!(!location(&response).contains("error"), "Node refused the link: {}", location(&response));
            }
        }
        let after = self.session_cookie();
        assert!(after.is_some() && after != before, "{side:?}: a new session cookie after the link");
    }

    /// Opens a used `link` on `side` and asserts that it is refused (Auth.js's `Verification` error) and that the
    /// browser's session cookie is unchanged.
    async fn link_is_refused(&self, side: Side, link: &Url) {
        let before = self.session_cookie();
        let response = self.open_link(side, link).await;
        assert!(response.status().is_redirection(), "{side:?}: a used link: {}", response.status());
        assert!(
            location(&response).ends_with("/auth/error?error=Verification"),
            "{side:?}: a used link must be refused: {}",
            location(&response)
        );
        assert_eq!(self.session_cookie(), before, "{side:?}: a refused link changes no cookie");
    }

    /// Signs in on `side` with a link of its own for `email`.
    async fn sign_in(&self, side: Side, email: &str) {
        let link = self.request_link(side, email).await;
        self.sign_in_with(side, &link).await;
    }

    /// `POST /auth/signout` on `side`, with its CSRF token.
    async fn sign_out(&self, side: Side) {
        let csrf = self.csrf_token(side).await;
        let field = if side == Rust { "csrf_token" } else { "csrfToken" };
        let response = self.post(side, "/auth/signout", &[(field, &csrf)]).await;
        assert!(response.status().is_redirection(), "{side:?}: sign-out: {}", response.status());
        assert_eq!(self.session_cookie(), None, "{side:?}: sign-out removes the session cookie");
    }

    /// The user both apps see as signed in: `(id, e-mail)`, checked on `/account` and `/auth/session` of each. The
    /// Rust `/account` page names the e-mail; Node's gives the id; `/auth/session` is Auth.js's JSON on both.
    async fn signed_in_on_both(&self) -> (String, String) {
        let node: Value = {
            let response = self.get(self.url(Node, "/account")).await;
            assert_eq!(response.status(), StatusCode::OK, "Node /account: signed in");
            response.json().await.unwrap()
        };
        let (id, email) = (node["id"].as_str().unwrap().to_owned(), node["email"].as_str().unwrap().to_owned());
        let rust = self.get(self.url(Rust, "/account")).await;
        assert_eq!(rust.status(), StatusCode::OK, "Rust /account: signed in");
        let page = rust.text().await.unwrap();
        assert!(page.contains(&email), "Rust /account names {email}");
        let (rust, node) = (self.session_json(Rust).await, self.session_json(Node).await);
        for (side, session) in [(Rust, &rust), (Node, &node)] {
            assert_eq!(session["user"]["email"], Value::from(email.as_str()), "{side:?} /auth/session: {session}");
            assert!(session["expires"].is_string(), "{side:?} /auth/session has `expires`: {session}");
        }
        // Auth.js's shape on both: the same keys, the same user part.
        let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
        assert_eq!(keys(&rust), keys(&node), "/auth/session: Rust {rust}, Node {node}");
        assert_eq!(rust["user"], node["user"], "/auth/session's user");
        let stored = self.rust.adapter.get_user_by_email(&email).await.unwrap().expect("the user row");
        assert_eq!(stored.id, id, "Node's signed-in user is the user row of {email}");
        let token = self.session_cookie().unwrap();
        match self.strategy {
            Strategy::Database => {
                let (_, user) = self.rust.adapter.get_session_and_user(&token).await.unwrap().expect("a session row");
                assert_eq!(user.id, id, "the cookie's session row belongs to the user");
            }
            Strategy::Jwt => {
                assert_eq!(token.split('.').count(), 5, "a JWT session cookie holds a compact JWE");
                let rows = session::Entity::find().count(self.rust.adapter.connection()).await.unwrap();
                assert_eq!(rows, 0, "JWT sessions write no session row");
            }
        }
        (id, email)
    }

    /// Asserts that neither app sees a signed-in user.
    async fn signed_out_on_both(&self) {
        let node = self.get(self.url(Node, "/account")).await;
        assert_eq!(node.status(), StatusCode::UNAUTHORIZED, "Node /account: signed out");
        let rust = self.get(self.url(Rust, "/account")).await;
        assert_eq!((rust.status(), location(&rust)), (StatusCode::SEE_OTHER, "/".to_owned()), "Rust /account");
        for side in [Rust, Node] {
            let session = self.session_json(side).await;
            assert_eq!(session, Value::Null, "{side:?} /auth/session: signed out");
        }
    }

    /// `GET /auth/session` of `side`, as JSON.
    async fn session_json(&self, side: Side) -> Value {
        let response = self.get(self.url(side, "/auth/session")).await;
        assert_eq!(response.status(), StatusCode::OK, "{side:?} /auth/session");
        response.json().await.unwrap()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------------------------

/// A sign-in by magic link on the Auth.js app signs the browser in on both apps.
async fn node_sign_in_is_shared(apps: &Apps) {
    apps.signed_out_on_both().await;
    apps.sign_in(Node, "ada@example.com").await;
    let (_, email) = apps.signed_in_on_both().await;
    assert_eq!(email, "ada@example.com");
}

/// A sign-in by magic link on the Rust app signs the browser in on both apps.
async fn rust_sign_in_is_shared(apps: &Apps) {
    apps.signed_out_on_both().await;
    apps.sign_in(Rust, "grace@example.com").await;
    let (_, email) = apps.signed_in_on_both().await;
    assert_eq!(email, "grace@example.com");
}

/// A link mailed by one app signs in on the other, exactly once: the second use is refused by both. Both links
/// are for one address, so both sign in the same user.
async fn links_work_on_either_app_once(apps: &Apps) {
    let email = "edsger@example.com";
    let from_node = apps.request_link(Node, email).await;
    assert_eq!(from_node.origin(), apps.node_base.origin(), "Node mails links to itself");
    apps.sign_in_with(Rust, &from_node).await;
    let (first, _) = apps.signed_in_on_both().await;
    apps.link_is_refused(Rust, &from_node).await;
    apps.link_is_refused(Node, &from_node).await;

    let from_rust = apps.request_link(Rust, email).await;
    assert_eq!(from_rust.origin(), apps.rust.base.origin(), "Rust mails links to itself");
    apps.sign_in_with(Node, &from_rust).await;
    let (second, _) = apps.signed_in_on_both().await;
    assert_eq!(first, second, "one address, one user");
    apps.link_is_refused(Node, &from_rust).await;
    apps.link_is_refused(Rust, &from_rust).await;
}

/// Signing out on either app signs the browser out of both; and both apps accept the one CSRF cookie.
async fn sign_out_on_either_app_ends_the_session_on_both(apps: &Apps) {
    apps.sign_in(Node, "barbara@example.com").await;
    apps.signed_in_on_both().await;
    let token = apps.session_cookie().unwrap();
    // One `authjs.csrf-token` cookie, made by whichever app came first, is valid on both: the same token.
    assert_eq!(apps.csrf_token(Rust).await, apps.csrf_token(Node).await);
    apps.sign_out(Rust).await;
    apps.signed_out_on_both().await;
    if apps.strategy == Strategy::Database {
        assert!(apps.rust.adapter.get_session_and_user(&token).await.unwrap().is_none(), "the session row is gone");
    }

    apps.sign_in(Rust, "barbara@example.com").await;
    apps.signed_in_on_both().await;
    let token = apps.session_cookie().unwrap();
    apps.sign_out(Node).await;
    apps.signed_out_on_both().await;
    if apps.strategy == Strategy::Database {
        assert!(apps.rust.adapter.get_session_and_user(&token).await.unwrap().is_none(), "the session row is gone");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// One test per backend, strategy and case: `sqlite::database::node_sign_in_is_shared`, ...
// ---------------------------------------------------------------------------------------------------------------

macro_rules! cases {
    ($backend:ident, $strategy:ident $(, #[$attr:meta])?) => {
        cases!(@each $backend, $strategy, [$($attr)?];
            node_sign_in_is_shared,
            rust_sign_in_is_shared,
            links_work_on_either_app_once,
            sign_out_on_either_app_ends_the_session_on_both,
        );
    };
    (@each $backend:ident, $strategy:ident, [$($attr:meta)?]; $case:ident, $($rest:ident,)*) => {
        #[tokio::test]
        $(#[$attr])?
        async fn $case() {
            if let Some(apps) = Apps::start(Backend::$backend, Strategy::$strategy).await {
                crate::$case(&apps).await;
            }
        }
        cases!(@each $backend, $strategy, [$($attr)?]; $($rest,)*);
    };
    (@each $backend:ident, $strategy:ident, [$($attr:meta)?];) => {};
}

macro_rules! backends {
    ($($module:ident => $backend:ident),* $(,)?) => {
        $(
            mod $module {
                use super::*;
                mod database {
                    use super::*;
                    cases!($backend, Database);
                }

                mod jwt {
                    use super::*;
                    cases!($backend, Jwt);
                }
            }
        )*
    };
}

backends!(sqlite => SqliteFile, postgres => Postgres, mysql => MySql);
