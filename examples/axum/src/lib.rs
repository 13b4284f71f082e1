//! An Axum app signing users in with [`authjs_sea_orm`]: e-mailed magic links and GitHub (OAuth 2 with PKCE), in
//! database sessions or JWT sessions (`AUTH_SESSION_STRATEGY=jwt`) whose cookies are Auth.js's (v5, or next-auth v4
//! with `AUTH_CONVENTIONS=next-auth-v4`), so a Next.js app using Auth.js on the same database and secret shares them.
//!
//! [`app`] builds the router from a [`Config`], a [`SeaOrmAdapter`] and a [`Mailer`]; `src/main.rs` reads the
//! configuration from the environment and serves it, the end-to-end tests start it in-process.
//!
//! Routes:
//!
//! | route | what |
//! |---|---|
//! | `GET /` | home: sign-in form, "Sign in with GitHub" |
//! | `POST /auth/signin/email` | sends a magic link, then "check your e-mail" (429 over the [`LinkLimit`]) |
//! | `GET /auth/callback/email?token=…&email=…` | the magic link: signs in, creating the user on first sign-in |
//! | `POST /auth/signin/github` | starts the GitHub authorization code flow (PKCE, `state`) |
//! | `GET /auth/callback/github` | GitHub's redirect back: signs in, signs up or links the account |
//! | `GET /account` | the signed-in user and their linked accounts (signed out: redirect to `/`) |
//! | `GET /auth/session` | the session as Auth.js gives it (`{"user": {…}, "expires": …}`), `null` when signed out |
//! | `POST /auth/signout`, `POST /auth/signout-everywhere` | ends this session, or all of the user's sessions |
//! | `GET /auth/error?error=…` | the error page (Auth.js's error codes) |
//! | `GET /style.css` | the pages' style sheet |
//!
//! Every `POST` needs the CSRF token of the forms (checked by the library's [`authjs_sea_orm::axum::csrf`]): without
//! it the answer is 403. Every response carries a `Content-Security-Policy` (with `frame-ancestors 'none'`) and
//! `X-Frame-Options: DENY`.
//!
//! Serve it with `app.into_make_service_with_connect_info::<std::net::SocketAddr>()`, so that the per-IP limit on
//! magic links knows the client's address (without it, only the per-address limit applies).

use std::sync::Arc;

use authjs_sea_orm::SeaOrmAdapter;
use authjs_sea_orm::axum::cookies::Conventions;
use authjs_sea_orm::axum::limit::Limiter;
use authjs_sea_orm::axum::{Auth, AuthConfig, SessionStrategy, refresh_session_cookie};
use authjs_sea_orm::jwt::SecretError;
use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use url::Url;

mod github;
mod handlers;
pub mod mail;
mod pages;

pub use authjs_sea_orm::axum::limit::LinkLimit;
pub use github::{GithubConfig, GithubProfile};
pub use mail::{ConsoleMailer, Mailer, SmtpMailer};

/// A boxed error, for the few fallible set-up steps.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The app's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the app is reached (`AUTH_URL`), such as `http://127.0.0.1:3000`: magic links and the GitHub callback URL
    /// (`{base_url}/auth/callback/github`) are built from it. An `https` URL makes every cookie `Secure` (and the
    /// session cookie `__Secure-authjs.session-token`).
    pub base_url: Url,
    /// Session and magic-link settings: `auth.secret` (and `auth.previous_secrets`) from `AUTH_SECRET` (and
    /// `AUTH_SECRET_1..3`), `auth.strategy` from `AUTH_SESSION_STRATEGY`, `auth.conventions` from
    /// `AUTH_CONVENTIONS`.
    pub auth: AuthConfig,
    /// GitHub sign-in, when configured.
    pub github: Option<GithubConfig>,
    /// The name shown in pages and e-mails.
    pub app_name: String,
    /// How many magic links may be asked for, per address and per client IP.
    pub link_limit: LinkLimit,
}

impl Config {
    /// Settings for an app reached at `base_url`, with Auth.js's session defaults, the default [`LinkLimit`] and no
    /// GitHub sign-in.
    ///
    /// # Errors
    /// When `secret` is empty or only whitespace.
    pub fn new(base_url: Url, secret: impl Into<String>) -> Result<Self, SecretError> {
        Self::with_secrets(base_url, [secret.into()])
    }

    /// [`Config::new`] with Auth.js's secret list (the current secret first).
    fn with_secrets(base_url: Url, secrets: impl IntoIterator<Item = String>) -> Result<Self, SecretError> {
        let mut auth = AuthConfig::from_secrets(secrets)?;
        auth.secure = base_url.scheme() == "https";
        let app_name = "authjs-sea-orm example".to_owned();
        Ok(Self { base_url, auth, github: None, app_name, link_limit: LinkLimit::default() })
    }

    /// Settings from the environment: `AUTH_URL` (default `http://127.0.0.1:{port}`); `AUTH_CONVENTIONS`
    /// (`authjs-v5`, the default, or `next-auth-v4`); the secrets as that Auth.js generation reads them (v5:
    /// `AUTH_SECRET_3`, `AUTH_SECRET_2`, `AUTH_SECRET_1`, `AUTH_SECRET`, the first set one current; v4:
    /// `NEXTAUTH_SECRET`, else `AUTH_SECRET`), a random one with a warning when none is set;
    /// `AUTH_SESSION_STRATEGY` (`database`, the default, or `jwt`); and GitHub sign-in when `AUTH_GITHUB_ID` and
    /// `AUTH_GITHUB_SECRET` are set (see [`GithubConfig::from_env`]).
    pub fn from_env(port: u16) -> Result<Self, BoxError> {
        let base_url = match env("AUTH_URL") {
            Some(url) => Url::parse(&url).map_err(|err| format!("AUTH_URL: {err}"))?,
            None => Url::parse(&format!("http://127.0.0.1:{port}"))?,
        };
        let conventions: Conventions = match env("AUTH_CONVENTIONS") {
            Some(name) => name.parse().map_err(|err| format!("AUTH_CONVENTIONS: {err}"))?,
            None => Conventions::default(),
        };
        let strategy: SessionStrategy = match env("AUTH_SESSION_STRATEGY") {
            Some(name) => name.parse().map_err(|err| format!("AUTH_SESSION_STRATEGY: {err}"))?,
            None => SessionStrategy::default(),
        };
        let mut secrets = conventions.secrets_from(env);
        if secrets.is_empty() {
            tracing::warn!(
                "AUTH_SECRET is not set: using a random secret, so links sent and sessions started before a restart \
                 will not work (generate one with `openssl rand -hex 32`)"
            );
            secrets.push(authjs_sea_orm::axum::random_token());
        }
        let mut config = Self::with_secrets(base_url, secrets).map_err(|err| format!("AUTH_SECRET: {err}"))?;
        config.auth.conventions = conventions;
        config.auth.strategy = strategy;
        config.github = GithubConfig::from_env()?;
        Ok(config)
    }

    /// An absolute URL of this app: `path` (starting with `/`) on [`Config::base_url`].
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        url.set_path(path);
        url.set_query(None);
        url.set_fragment(None);
        url
    }
}

/// A non-empty environment variable.
pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) auth: Auth,
    pub(crate) adapter: SeaOrmAdapter,
    pub(crate) config: Arc<Config>,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) github: Option<Arc<github::Github>>,
    pub(crate) limiter: Arc<Limiter>,
}

impl FromRef<AppState> for Auth {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// The app: pages, sign-in and sign-out routes, with CSRF protection on every `POST` and sliding session expiry
/// (an extended session's cookie is re-sent by [`refresh_session_cookie`]), and security headers on every response.
pub fn app(config: Config, adapter: SeaOrmAdapter, mailer: Arc<dyn Mailer>) -> Router {
    let auth = Auth::new(adapter.clone(), config.auth.clone());
    let github = config.github.as_ref().map(|gh| Arc::new(github::Github::new(gh, &config)));
    let limiter = Arc::new(Limiter::new(config.link_limit));
    let csp = pages::content_security_policy(&config);
    let state = AppState { auth, adapter, config: Arc::new(config), mailer, github, limiter };
    Router::new()
        .route("/", get(handlers::home))
        .route("/style.css", get(pages::style))
        .route("/account", get(handlers::account))
        .route("/auth/session", get(handlers::session))
        .route("/auth/signin/email", post(handlers::email_sign_in))
        .route("/auth/verify-request", get(handlers::verify_request))
        .route("/auth/callback/email", get(handlers::email_callback))
        .route("/auth/signin/github", post(github::sign_in))
        .route("/auth/callback/github", get(github::callback))
        .route("/auth/signout", post(handlers::sign_out))
        .route("/auth/signout-everywhere", post(handlers::sign_out_everywhere))
        .route("/auth/error", get(handlers::error_page))
        .fallback(handlers::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), handlers::csrf_guard))
        .layer(axum::middleware::from_fn(refresh_session_cookie))
        .layer(axum::middleware::map_response_with_state(csp, pages::security_headers))
        .with_state(state)
}
