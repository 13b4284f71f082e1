//! [Loco](https://loco.rs) integration of `authjs-sea-orm`: Auth.js-compatible users, database sessions and magic
//! links on the database of a Loco app.
//!
//! - [`AuthInitializer`] builds the adapter from `ctx.db`, on the app's own tables (a [`Schema`], typically with the
//!   users table mapped onto Loco's `users`), stores the resulting [`Auth`] in `ctx.shared_store` and adds the
//!   middleware that re-sends an extended session's cookie (sliding expiry).
//! - [`SignedIn`] and [`MaybeSignedIn`] are the extractors of a Loco controller: they wrap the Axum extractors
//!   [`CurrentSession`] and `MaybeSession` of `authjs_sea_orm::axum`, reading [`Auth`] from the shared store (the
//!   orphan rule forbids `impl FromRef<AppContext> for Auth<A>` outside `loco-rs` or `authjs-sea-orm`, so the
//!   Axum extractors cannot take Loco's state directly).
//! - The sign-in helpers ([`Auth::create_magic_link`], [`Auth::verify_magic_link`], [`Auth::sign_in`],
//!   [`Auth::sign_out`]) are reached from a handler with Loco's own `SharedStore<Auth<A>>` extractor, or [`auth`].
//!
//! ```ignore
//! // src/app.rs
//! async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
//!     Ok(vec![Box::new(AuthInitializer::<AppTables>::new())])
//! }
//!
//! // src/controllers/home.rs
//! type AppAdapter = SeaOrmAdapter<AppTables>;
//!
//! async fn me(SignedIn(session): SignedIn<AppAdapter>) -> Result<Response> {
//!     format::json(session.user.extra.email) // `extra` is the app's own users::Model
//! }
//! ```
//!
//! Settings come from the `settings.auth` block of the Loco config (see [`AuthSettings`]):
//!
//! ```yaml
//! settings:
//!   auth:
//!     secret: <%= get_env(name="AUTH_SECRET") %>
//! ```

use std::marker::PhantomData;
use std::ops::Deref;

use authjs_sea_orm::axum::AuthRejection;
use authjs_sea_orm::schema::{Schema, Tables};
use authjs_sea_orm::{Adapter, SeaOrmAdapter};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use chrono::Duration;
use loco_rs::Error;
use loco_rs::app::{AppContext, Initializer};
use serde::Deserialize;

pub use authjs_sea_orm::axum::{Auth, AuthConfig, CurrentSession, MagicLink, refresh_session_cookie};

/// The `settings.auth` block of the Loco config. Every field is optional except the secret, which may come from the
/// `AUTH_SECRET` environment variable instead.
#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Secret mixed into hashed verification tokens (Auth.js's `AUTH_SECRET`); falls back to the `AUTH_SECRET`
    /// environment variable.
    pub secret: Option<String>,
    /// Whether cookies are `Secure`; by default, whether `server.host` starts with `https://`.
    pub secure: Option<bool>,
    /// Session cookie name; by default Auth.js's (`authjs.session-token`, `__Secure-` prefixed when secure).
    pub cookie_name: Option<String>,
    /// Session lifetime in seconds (default 30 days).
    pub max_age_secs: Option<i64>,
    /// How often a session is extended, in seconds (default 24 hours).
    pub update_age_secs: Option<i64>,
    /// Magic-link lifetime in seconds (default 24 hours).
    pub verification_max_age_secs: Option<i64>,
    /// Store the SHA-256 of session tokens instead of the tokens
    /// (see `SeaOrmAdapter::with_hashed_session_tokens`).
    pub hash_session_tokens: bool,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("secure", &self.secure)
            .field("cookie_name", &self.cookie_name)
            .field("max_age_secs", &self.max_age_secs)
            .field("update_age_secs", &self.update_age_secs)
            .field("verification_max_age_secs", &self.verification_max_age_secs)
            .field("hash_session_tokens", &self.hash_session_tokens)
            .finish()
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Settings {
    auth: Option<AuthSettings>,
}

impl AuthSettings {
    /// The `settings.auth` block of `ctx`'s config (all defaults when absent).
    ///
    /// # Errors
    /// When the block is malformed.
    pub fn from_context(ctx: &AppContext) -> loco_rs::Result<Self> {
        Ok(ctx.config.settings::<Settings>()?.auth.unwrap_or_default())
    }

    /// The session settings, given the server's `host` (its scheme decides `secure` unless set).
    ///
    /// # Errors
    /// When no secret is configured, neither here nor in `AUTH_SECRET`.
    pub fn to_config(&self, host: &str) -> loco_rs::Result<AuthConfig> {
        let secret = self
            .secret
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| std::env::var("AUTH_SECRET").ok().filter(|s| !s.is_empty()))
            .ok_or_else(|| Error::string("authjs-sea-orm: set settings.auth.secret in the config, or AUTH_SECRET"))?;
        let mut config = AuthConfig::new(secret);
        config.secure = self.secure.unwrap_or_else(|| host.starts_with("https://"));
        config.cookie_name.clone_from(&self.cookie_name);
        if let Some(secs) = self.max_age_secs {
            config.max_age = Duration::seconds(secs);
        }
        if let Some(secs) = self.update_age_secs {
            config.update_age = Duration::seconds(secs);
        }
        if let Some(secs) = self.verification_max_age_secs {
            config.verification_max_age = Duration::seconds(secs);
        }
        Ok(config)
    }
}

/// A Loco initializer that builds [`Auth`] over `ctx.db` with the tables of schema `T` (the Auth.js default tables
/// unless given), puts it in `ctx.shared_store`, and adds [`refresh_session_cookie`] to the router.
///
/// Run the auth migrations in the app's own `Migrator` (see the README): the initializer does not migrate.
pub struct AuthInitializer<T = Tables> {
    config: Option<AuthConfig>,
    _tables: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for AuthInitializer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthInitializer").field("config", &self.config).finish_non_exhaustive()
    }
}

impl<T: Schema> Default for AuthInitializer<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Schema> AuthInitializer<T> {
    /// Settings from the `settings.auth` block of the app's config ([`AuthSettings`]).
    pub fn new() -> Self {
        Self { config: None, _tables: PhantomData }
    }

    /// These session settings instead of the config's `settings.auth` block (which is then not read).
    pub fn with_config(config: AuthConfig) -> Self {
        Self { config: Some(config), _tables: PhantomData }
    }

    /// The [`Auth`] this initializer installs: the adapter over `ctx.db` and the session settings.
    ///
    /// # Errors
    /// When the settings are malformed or no secret is configured.
    pub fn build(&self, ctx: &AppContext) -> loco_rs::Result<Auth<SeaOrmAdapter<T>>> {
        let adapter = SeaOrmAdapter::<T>::with_schema(ctx.db.clone());
        if let Some(config) = &self.config {
            return Ok(Auth::new(adapter, config.clone()));
        }
        let settings = AuthSettings::from_context(ctx)?;
        let config = settings.to_config(&ctx.config.server.host)?;
        let adapter = if settings.hash_session_tokens { adapter.with_hashed_session_tokens() } else { adapter };
        Ok(Auth::new(adapter, config))
    }
}

#[async_trait::async_trait]
impl<T: Schema> Initializer for AuthInitializer<T> {
    fn name(&self) -> String {
        "authjs-sea-orm".to_owned()
    }

    async fn before_run(&self, ctx: &AppContext) -> loco_rs::Result<()> {
        ctx.shared_store.insert(self.build(ctx)?);
        Ok(())
    }

    async fn after_routes(&self, router: axum::Router, _ctx: &AppContext) -> loco_rs::Result<axum::Router> {
        Ok(router.layer(axum::middleware::from_fn(refresh_session_cookie)))
    }
}

/// The [`Auth`] that [`AuthInitializer`] stored in `ctx` (for tasks, workers and handlers); `A` is
/// `SeaOrmAdapter<T>` for the initializer's schema `T`.
///
/// # Errors
/// When no `AuthInitializer` of that adapter ran.
pub fn auth<A: Adapter + 'static>(ctx: &AppContext) -> loco_rs::Result<Auth<A>> {
    ctx.shared_store.get::<Auth<A>>().ok_or_else(|| {
        tracing::error!(
            "no Auth<{}> in the shared store: add AuthInitializer to Hooks::initializers",
            std::any::type_name::<A>()
        );
        Error::InternalServerError
    })
}

fn rejection(rejection: AuthRejection) -> Error {
    match rejection {
        AuthRejection::Unauthorized => Error::Unauthorized("sign in required".to_owned()),
        AuthRejection::Internal(err) => {
            tracing::error!(error = %err, "reading the session failed");
            Error::InternalServerError
        }
        _ => Error::InternalServerError,
    }
}

/// A signed-in request: the Loco counterpart of [`CurrentSession`] (which it holds). Rejects with Loco's 401 when
/// signed out; `Option<SignedIn<A>>` is `None` then instead.
///
/// `A` is the adapter of the [`AuthInitializer`]: `SeaOrmAdapter<AppTables>` (an alias keeps signatures short);
/// `session.user.extra` is the users table's extra part (the app's `users::Model` when the users table is Loco's).
/// `Debug` shows the user's Auth.js fields, not the extra columns.
pub struct SignedIn<A: Adapter = SeaOrmAdapter>(pub CurrentSession<A>);

impl<A: Adapter> Clone for SignedIn<A> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<A: Adapter> std::fmt::Debug for SignedIn<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SignedIn").field(&self.0).finish()
    }
}

impl<A: Adapter> Deref for SignedIn<A> {
    type Target = CurrentSession<A>;

    fn deref(&self) -> &CurrentSession<A> {
        &self.0
    }
}

impl<A: Adapter + 'static> FromRequestParts<AppContext> for SignedIn<A> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Error> {
        let auth = auth::<A>(ctx)?;
        <CurrentSession<A> as FromRequestParts<Auth<A>>>::from_request_parts(parts, &auth)
            .await
            .map(SignedIn)
            .map_err(rejection)
    }
}

impl<A: Adapter + 'static> OptionalFromRequestParts<AppContext> for SignedIn<A> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Option<Self>, Error> {
        let auth = auth::<A>(ctx)?;
        <CurrentSession<A> as OptionalFromRequestParts<Auth<A>>>::from_request_parts(parts, &auth)
            .await
            .map(|current| current.map(SignedIn))
            .map_err(rejection)
    }
}

/// The current session if the request is signed in (the Loco counterpart of `MaybeSession`).
pub struct MaybeSignedIn<A: Adapter = SeaOrmAdapter>(pub Option<CurrentSession<A>>);

impl<A: Adapter> std::fmt::Debug for MaybeSignedIn<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MaybeSignedIn").field(&self.0).finish()
    }
}

impl<A: Adapter + 'static> FromRequestParts<AppContext> for MaybeSignedIn<A> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Error> {
        let signed_in = <SignedIn<A> as OptionalFromRequestParts<AppContext>>::from_request_parts(parts, ctx).await?;
        Ok(MaybeSignedIn(signed_in.map(|s| s.0)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn settings_become_the_session_config() {
        let settings: AuthSettings = serde_json::from_value(serde_json::json!({
            "secret": "s3cret",
            "max_age_secs": 3600,
            "update_age_secs": 60,
            "verification_max_age_secs": 600,
        }))
        .unwrap();
        let config = settings.to_config("http://localhost").unwrap();
        assert_eq!(config.secret, "s3cret");
        assert!(!config.secure);
        assert_eq!(config.cookie_name(), "authjs.session-token");
        assert_eq!(config.max_age, Duration::hours(1));
        assert_eq!(config.update_age, Duration::minutes(1));
        assert_eq!(config.verification_max_age, Duration::minutes(10));
        assert!(!format!("{settings:?}").contains("s3cret"));

        // An https host makes cookies secure unless told otherwise.
        let config = settings.to_config("https://example.com").unwrap();
        assert!(config.secure);
        assert_eq!(config.cookie_name(), "__Secure-authjs.session-token");
        let settings = AuthSettings { secure: Some(false), ..settings };
        assert!(!settings.to_config("https://example.com").unwrap().secure);
    }

    #[test]
    fn unknown_settings_are_rejected() {
        let parsed = serde_json::from_value::<AuthSettings>(serde_json::json!({ "secrett": "typo" }));
        assert!(parsed.is_err());
    }
}
