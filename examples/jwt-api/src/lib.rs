//! An Axum API with no database that accepts the sessions of a Next.js app using Auth.js with JWT sessions
//! (`session.strategy = "jwt"`, no adapter): Auth.js v5 (`next-auth@5`, `@auth/core`) by default, next-auth v4 with
//! `AUTH_CONVENTIONS=next-auth-v4`. It depends on [`authjs_core`] (feature `axum`) only: no SeaORM, no driver.
//!
//! The browser sends the app's session cookie (`authjs.session-token`, `__Secure-authjs.session-token` over HTTPS,
//! `next-auth.session-token` for v4, or their chunks `.0`, `.1`, … when the token is large);
//! [`AuthConfig::jwt_claims`] decrypts it with the app's secret (or any of its rotated secrets) and checks its expiry.
//!
//! | route | what |
//! |---|---|
//! | `GET /me` | the session's standard claims ([`Me`]: `sub`, `name`, `email`, `picture`, `exp`); 401 signed out |
//! | `GET /health` | `ok` |
//!
//! [`config_from_env`] reads the settings as the Next.js app's Auth.js reads its own environment; [`app`] builds the
//! router; `src/main.rs` serves it.

use std::sync::Arc;

use authjs_core::axum::cookies::{Conventions, UnknownSetting};
use authjs_core::axum::{AuthConfig, AuthRejection};
use authjs_core::jwt::{SecretError, SessionClaims};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use axum_extra::extract::cookie::CookieJar;
use serde::Serialize;

/// Why the API refused to start. Messages name the variable, never its value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BootError {
    /// `AUTH_CONVENTIONS` is neither `authjs-v5` nor `next-auth-v4`.
    #[error("AUTH_CONVENTIONS: {0}")]
    Conventions(UnknownSetting),
    /// No secret is set, or one is blank.
    #[error(
        "{0} (the secrets: AUTH_SECRET_3, AUTH_SECRET_2, AUTH_SECRET_1, AUTH_SECRET, those set; with \
         AUTH_CONVENTIONS=next-auth-v4, NEXTAUTH_SECRET or else AUTH_SECRET)"
    )]
    Secret(SecretError),
}

/// The session settings from environment variables, read as the Next.js app's Auth.js reads its own; `var` looks a
/// variable up (`|name| std::env::var(name).ok()`):
///
/// - `AUTH_CONVENTIONS`: `authjs-v5` (default) or `next-auth-v4`: cookie names and JWT format;
/// - the secrets, as [`Conventions::secrets_from`] reads them: v5 `AUTH_SECRET` and, for rotation, `AUTH_SECRET_1`
///   to `AUTH_SECRET_3` (all decrypt); v4 `NEXTAUTH_SECRET`, else `AUTH_SECRET`;
/// - `AUTH_URL` (else `NEXTAUTH_URL`): the app's URL; `http://…` gives the plain cookie names
///   (`authjs.session-token`), anything else or unset the `__Secure-` ones, as on a deployed app.
///
/// # Errors
/// [`BootError::Conventions`] for an unknown `AUTH_CONVENTIONS`, [`BootError::Secret`] when no secret is set or one
/// is only whitespace.
pub fn config_from_env(var: impl Fn(&str) -> Option<String>) -> Result<AuthConfig, BootError> {
    let set = |name: &str| var(name).filter(|value| !value.trim().is_empty());
    let conventions = match set("AUTH_CONVENTIONS") {
        Some(name) => name.parse().map_err(BootError::Conventions)?,
        None => Conventions::default(),
    };
    let mut config = AuthConfig::from_secrets(conventions.secrets_from(&var)).map_err(BootError::Secret)?;
    // As `AuthConfig::for_url` decides (which takes one secret): secure unless the app is served over plain HTTP.
    if let Some(url) = set("AUTH_URL").or_else(|| set("NEXTAUTH_URL")) {
        config.secure = !url.trim_start().to_ascii_lowercase().starts_with("http://");
    }
    config.conventions = conventions;
    Ok(config)
}

/// The router: `GET /me` and `GET /health`.
pub fn app(config: AuthConfig) -> Router {
    Router::new().route("/me", get(me)).route("/health", get(health)).with_state(Arc::new(config))
}

/// What `GET /me` answers: the session JWT's standard claims. The claims an app's `jwt` callback adds (provider
/// tokens, say) are not sent back.
#[derive(Debug, Serialize)]
pub struct Me {
    /// The user's id.
    pub sub: Option<String>,
    /// The user's name.
    pub name: Option<String>,
    /// The user's e-mail address.
    pub email: Option<String>,
    /// The user's image URL.
    pub picture: Option<String>,
    /// When the session expires, in epoch seconds.
    pub exp: Option<i64>,
}

impl From<SessionClaims> for Me {
    fn from(claims: SessionClaims) -> Self {
        Self { sub: claims.sub, name: claims.name, email: claims.email, picture: claims.picture, exp: claims.exp }
    }
}

/// The signed-in user, or 401 when the request carries no valid session cookie.
async fn me(State(config): State<Arc<AuthConfig>>, jar: CookieJar) -> Result<impl IntoResponse, AuthRejection> {
    let claims = config.jwt_claims(&jar).ok_or(AuthRejection::Unauthorized)?;
    Ok(([(header::CACHE_CONTROL, "private, no-store")], Json(Me::from(claims))))
}

/// Liveness: `ok`.
async fn health() -> &'static str {
    "ok"
}
