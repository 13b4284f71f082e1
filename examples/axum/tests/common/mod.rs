//! Harness pieces shared by the example's integration tests: a mailer that records the links, the app served
//! in-process on a random 127.0.0.1 port over a given database, and small HTTP helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use authjs_sea_orm::SeaOrmAdapter;
use example_axum::mail::{MagicLinkEmail, Mailer};
use example_axum::{BoxError, Config};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::LOCATION;
use sea_orm::DatabaseConnection;
use url::Url;

/// The `AUTH_SECRET` of the tests.
pub(crate) const SECRET: &str = "test-secret-0123456789";
/// Auth.js's session cookie over plain HTTP.
pub(crate) const SESSION_COOKIE: &str = "authjs.session-token";

/// A mailer recording the links instead of sending them.
#[derive(Default)]
pub(crate) struct RecordingMailer {
    sent: Mutex<Vec<MagicLinkEmail>>,
    /// When set, sending fails (the app logs that at `ERROR` and shows the `EmailSignin` error page).
    pub(crate) failing: AtomicBool,
}

impl RecordingMailer {
    /// How many links were sent.
    pub(crate) fn count(&self) -> usize {
        self.sent.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// The last e-mail sent.
    pub(crate) fn last(&self) -> Option<MagicLinkEmail> {
        self.sent.lock().unwrap_or_else(PoisonError::into_inner).last().cloned()
    }

    /// The last link sent to `to` (a normalized address); panics if there is none.
    pub(crate) fn last_link_to(&self, to: &str) -> String {
        let sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        sent.iter().rev().find(|m| m.to == to).map(|m| m.url.clone()).unwrap_or_else(|| panic!("no link sent to {to}"))
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send_magic_link(&self, email: &MagicLinkEmail) -> Result<(), BoxError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err("the test mailer is failing".into());
        }
        self.sent.lock().unwrap_or_else(PoisonError::into_inner).push(email.clone());
        Ok(())
    }
}

/// The example app served in-process (with `ConnectInfo`, as `main.rs` serves it); the server stops when dropped.
pub(crate) struct RustApp {
    /// Where it is served: `http://127.0.0.1:<port>`.
    pub(crate) base: Url,
    /// An adapter on the app's database, for direct checks.
    pub(crate) adapter: SeaOrmAdapter,
    /// The links the app sent.
    pub(crate) mailer: Arc<RecordingMailer>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for RustApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl RustApp {
    /// Serves the app over `db` (already migrated) with [`SECRET`] and the `Config` that `tweak` adjusts.
    pub(crate) async fn serve(db: DatabaseConnection, tweak: impl FnOnce(&mut Config)) -> RustApp {
        let adapter = SeaOrmAdapter::new(db);
        let mailer = Arc::new(RecordingMailer::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let mut config = Config::new(base.clone(), SECRET).expect("a secret");
        tweak(&mut config);
        let app = example_axum::app(config, adapter.clone(), mailer.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        RustApp { base, adapter, mailer, server }
    }
}

/// A client that keeps its cookies in `jar` and does not follow redirects (so each hop can be inspected).
pub(crate) fn browser_client(jar: Arc<Jar>) -> reqwest::Client {
    reqwest::Client::builder().cookie_provider(jar).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The response's `Location` header, or `""`.
pub(crate) fn location(response: &reqwest::Response) -> String {
    response.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The value of the hidden form field `name` in `html`.
pub(crate) fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// The value of the query parameter `name` of `url`.
pub(crate) fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// A browser: a cookie store; redirects are not followed, except by [`Browser::follow`].
pub(crate) struct Browser {
    pub(crate) client: reqwest::Client,
    pub(crate) jar: Arc<Jar>,
    pub(crate) base: Url,
}

impl Browser {
    pub(crate) fn url(&self, path_or_url: &str) -> Url {
        self.base.join(path_or_url).unwrap()
    }

    pub(crate) async fn get(&self, path_or_url: &str) -> reqwest::Response {
        self.client.get(self.url(path_or_url)).send().await.unwrap()
    }

    pub(crate) async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(fields).send().await.unwrap()
    }

    /// Follows redirects (across hosts) with GET, up to 10 hops.
    pub(crate) async fn follow(&self, mut response: reqwest::Response) -> reqwest::Response {
        for _ in 0..10 {
            if !response.status().is_redirection() {
                return response;
            }
            let next = response.url().join(&location(&response)).unwrap();
            response = self.client.get(next).send().await.unwrap();
        }
        panic!("too many redirects");
    }

    /// The CSRF token of the home page's forms.
    pub(crate) async fn csrf_token(&self) -> String {
        let html = self.get("/").await.text().await.unwrap();
        hidden_field(&html, "csrf_token").expect("the page has a CSRF field")
    }

    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
        let header = self.jar.cookies(&self.base)?;
        header.to_str().unwrap().split("; ").find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }

    pub(crate) fn session_token(&self) -> Option<String> {
        self.cookie(SESSION_COOKIE)
    }
}
