//! Better Auth sessions in a Loco app (feature `better-auth`): the counterpart of the Auth.js integration of this
//! crate for a Loco service sharing a Better Auth app's users and sessions (better-auth 1.7): [`authjs_sea_orm`]'s
//! `BetterAuthStore` over `ctx.db` and `authjs-core`'s [`BetterAuth`] (cookies, secrets, session rules), installed
//! by [`BetterAuthInitializer`], read by the [`SignedIn`] and [`MaybeSignedIn`] extractors. The steps are in the
//! [crate docs](crate#better-auth).
//!
//! # Settings
//!
//! The `settings.better_auth` block of the Loco config ([`BetterAuthSettings`]); every field is optional, and
//! without the block the Node app's environment is read as Better Auth reads it ([`BetterAuthConfig::from_env`]):
//!
//! ```yaml
//! settings:
//!   better_auth:
//!     base_url: https://app.example.com   # else BETTER_AUTH_URL...: https makes the cookies Secure
//!     expires_in: 604800                  # session.expiresIn, seconds (7 days)
//!     update_age: 86400                   # session.updateAge, seconds (1 day)
//!     cookie_cache: compact               # session.cookieCache.strategy when it is enabled: compact, jwt or jwe
//!     tables: better-auth                 # or drizzle: the tables of Better Auth's Drizzle CLI
//! ```
//!
//! The secret is the Node app's: `BETTER_AUTH_SECRETS`, else `BETTER_AUTH_SECRET`, else `AUTH_SECRET` ([`Secrets`]),
//! unless `secret` (and `secrets`, `BETTER_AUTH_SECRETS`'s `version:secret` list) are set here. Boot fails with the
//! reason (never the secret) on a blank secret, a malformed list, or Better Auth's public default secret
//! ([`DEFAULT_SECRET`](authjs_sea_orm::better_auth::DEFAULT_SECRET), what Better Auth runs with when none is set)
//! outside Loco's development and test environments (`boot_fails_on_a_blank_secret`,
//! `settings_become_the_config`).

use authjs_sea_orm::better_auth::axum::BetterAuthRejection;
use authjs_sea_orm::better_auth::{BetterAuthDrizzleTables, BetterAuthStore, BetterAuthTables, SecretsError};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use chrono::Duration;
use loco_rs::Error;
use loco_rs::app::{AppContext, Initializer};
use loco_rs::environment::Environment;
use serde::Deserialize;

/// The extractors of `authjs-core`, for routers whose state is a [`BetterAuth`] (Loco handlers take [`SignedIn`]
/// and [`MaybeSignedIn`]), and the middleware [`BetterAuthInitializer`] installs.
pub use authjs_sea_orm::better_auth::axum::{CurrentSession, MaybeSession, refresh_session_cookies};
pub use authjs_sea_orm::better_auth::{BetterAuth, BetterAuthConfig, CacheStrategy, CookieCache, Secrets};
/// The migrations of Better Auth's tables, to add to the app's `Migrator`: [`migration::Migration`] for Better
/// Auth's own tables (created, or adopted when Better Auth created them), [`migration::drizzle::Migration`] for those
/// of its Drizzle CLI.
pub use authjs_sea_orm::migration::better_auth as migration;

/// Which naming of Better Auth's tables the app's database has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Tables {
    /// `better-auth`: the tables of Better Auth's own migrations (`npx auth migrate`) ([`BetterAuthTables`]).
    #[default]
    BetterAuth,
    /// `drizzle`: the tables of Better Auth's Drizzle CLI (`npx auth generate`) ([`BetterAuthDrizzleTables`]).
    Drizzle,
}

/// The `settings.better_auth` block of the Loco config (see the [module docs](self#settings)). `Debug` shows no
/// secret.
#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BetterAuthSettings {
    /// Better Auth's `secret` (`BETTER_AUTH_SECRET`). With it or `secrets`, the environment's secrets are not read.
    pub secret: Option<String>,
    /// Better Auth's `secrets` as `BETTER_AUTH_SECRETS` writes them: `version:secret` entries separated by commas,
    /// the current one first (`secret` is then the legacy secret).
    pub secrets: Option<String>,
    /// The Node app's base URL (Better Auth's `baseURL`); else the environment's (`BETTER_AUTH_URL`, ...). The cookies
    /// are `Secure` (`__Secure-` names) when it is `https://`.
    pub base_url: Option<String>,
    /// Whether the cookies are `Secure`, whatever the base URL (Better Auth's `advanced.useSecureCookies`).
    pub secure: Option<bool>,
    /// `session.expiresIn` in seconds (default 7 days).
    pub expires_in: Option<i64>,
    /// `session.updateAge` in seconds (default 1 day).
    pub update_age: Option<i64>,
    /// The strategy of `session.cookieCache` when the Node app enables it (`compact`, `jwt` or `jwe`); off when
    /// absent.
    pub cookie_cache: Option<String>,
    /// Which naming of the tables (`better-auth`, the default, or `drizzle`).
    pub tables: Tables,
    /// Better Auth's `advanced.cookiePrefix` (default `better-auth`).
    pub cookie_prefix: Option<String>,
    /// The cookies' `Domain` (Better Auth's `advanced.crossSubDomainCookies.domain`); none by default.
    pub domain: Option<String>,
    /// Whether the client's address is the `X-Forwarded-For` header's (one address only), behind a proxy that sets
    /// it; off by default.
    pub trust_forwarded_for: bool,
    /// Better Auth's `session.disableSessionRefresh`: sessions are never extended.
    pub disable_session_refresh: bool,
}

impl std::fmt::Debug for BetterAuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BetterAuthSettings")
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("secrets", &self.secrets.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("secure", &self.secure)
            .field("expires_in", &self.expires_in)
            .field("update_age", &self.update_age)
            .field("cookie_cache", &self.cookie_cache)
            .field("tables", &self.tables)
            .field("cookie_prefix", &self.cookie_prefix)
            .field("domain", &self.domain)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("disable_session_refresh", &self.disable_session_refresh)
            .finish()
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Settings {
    better_auth: Option<BetterAuthSettings>,
}

fn boot_error(reason: &dyn std::fmt::Display) -> Error {
    Error::string(&format!("authjs-sea-orm-loco: settings.better_auth: {reason}"))
}

impl BetterAuthSettings {
    /// The `settings.better_auth` block of `ctx`'s config (all defaults when absent).
    ///
    /// # Errors
    /// When the block is malformed.
    pub fn from_context(ctx: &AppContext) -> loco_rs::Result<Self> {
        Ok(ctx.config.settings::<Settings>()?.better_auth.unwrap_or_default())
    }

    /// The session settings in Loco's `environment`, the environment variables read from the process. An
    /// environment other than development and test is Node's `NODE_ENV=production`: Better Auth's default secret is
    /// refused, and without a base URL the cookies are `Secure`.
    ///
    /// # Errors
    /// As [`BetterAuthConfig::from_env`]: a blank secret, a malformed list, Better Auth's default secret outside
    /// development and test; and an unknown `cookie_cache` strategy.
    pub fn to_config(&self, environment: &Environment) -> loco_rs::Result<BetterAuthConfig> {
        self.to_config_with_env(environment, |name| std::env::var(name).ok())
    }

    fn to_config_with_env(
        &self,
        environment: &Environment,
        env: impl Fn(&str) -> Option<String>,
    ) -> loco_rs::Result<BetterAuthConfig> {
        // An empty value here is a template's unset variable, not "unset": refused, where the environment's would
        // fall back to the default secret.
        if self.secret.as_deref() == Some("") || self.secrets.as_deref() == Some("") {
            return Err(boot_error(&SecretsError::Blank { position: 0 }));
        }
        let from_settings = self.secret.is_some() || self.secrets.is_some();
        let development = matches!(environment, Environment::Development | Environment::Test);
        let var = |name: &str| match name {
            "BETTER_AUTH_SECRETS" if from_settings => self.secrets.clone(),
            "BETTER_AUTH_SECRET" if from_settings => self.secret.clone(),
            "AUTH_SECRET" if from_settings => None,
            "BETTER_AUTH_URL" if self.base_url.is_some() => self.base_url.clone(),
            // Loco's environments other than development and test are Node's production.
            "NODE_ENV" if !development => Some("production".to_owned()),
            _ => env(name),
        };
        let mut config = BetterAuthConfig::from_env(var).map_err(|err| boot_error(&err))?;
        if let Some(secure) = self.secure {
            config.secure = secure;
        }
        if let Some(secs) = self.expires_in {
            config.expires_in = positive_seconds("expires_in", secs)?;
        }
        if let Some(secs) = self.update_age {
            config.update_age = positive_seconds("update_age", secs)?;
        }
        if let Some(prefix) = &self.cookie_prefix {
            config.cookie_prefix.clone_from(prefix);
        }
        config.domain.clone_from(&self.domain);
        config.trust_forwarded_for = self.trust_forwarded_for;
        config.disable_session_refresh = self.disable_session_refresh;
        if let Some(strategy) = &self.cookie_cache {
            let strategy = strategy.parse::<CacheStrategy>().map_err(|err| boot_error(&err))?;
            config.cookie_cache = CookieCache::enabled(strategy);
        }
        Ok(config)
    }
}

/// `secs` seconds, if it is a positive duration a date can be moved by (a year's worth of them, say), else a boot
/// error naming the setting.
fn positive_seconds(setting: &str, secs: i64) -> loco_rs::Result<Duration> {
    match Duration::try_seconds(secs) {
        Some(duration) if secs > 0 => Ok(duration),
        _ => Err(boot_error(&format!("{setting} must be a positive number of seconds"))),
    }
}

/// A Loco initializer that builds [`BetterAuth`] over `ctx.db` (a `BetterAuthStore` on the tables of
/// [`BetterAuthSettings::tables`]) with the settings of `settings.better_auth`, puts it in `ctx.shared_store` (for
/// [`SignedIn`], [`MaybeSignedIn`], [`better_auth`] and Loco's `SharedStore<BetterAuth>` extractor) and adds
/// [`refresh_session_cookies`] to the router. The tables come from the app's migrations ([`migration`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct BetterAuthInitializer;

impl BetterAuthInitializer {
    /// The [`BetterAuth`] this initializer installs.
    ///
    /// # Errors
    /// When the settings are malformed or refused ([`BetterAuthSettings::to_config`]).
    pub fn build(&self, ctx: &AppContext) -> loco_rs::Result<BetterAuth> {
        let settings = BetterAuthSettings::from_context(ctx)?;
        let config = settings.to_config(&ctx.environment)?;
        let db = ctx.db.clone();
        Ok(match settings.tables {
            Tables::BetterAuth => BetterAuth::new(BetterAuthStore::<BetterAuthTables>::with_schema(db), config),
            Tables::Drizzle => BetterAuth::new(BetterAuthStore::<BetterAuthDrizzleTables>::with_schema(db), config),
        })
    }
}

#[async_trait::async_trait]
impl Initializer for BetterAuthInitializer {
    fn name(&self) -> String {
        "authjs-sea-orm-better-auth".to_owned()
    }

    async fn before_run(&self, ctx: &AppContext) -> loco_rs::Result<()> {
        ctx.shared_store.insert(self.build(ctx)?);
        Ok(())
    }

    async fn after_routes(&self, router: axum::Router, _ctx: &AppContext) -> loco_rs::Result<axum::Router> {
        Ok(router.layer(axum::middleware::from_fn(refresh_session_cookies)))
    }
}

/// The [`BetterAuth`] that [`BetterAuthInitializer`] stored in `ctx` (for tasks, workers and handlers).
///
/// # Errors
/// When no `BetterAuthInitializer` ran.
pub fn better_auth(ctx: &AppContext) -> loco_rs::Result<BetterAuth> {
    ctx.shared_store.get::<BetterAuth>().ok_or_else(|| {
        tracing::error!("no BetterAuth in the shared store: add BetterAuthInitializer to Hooks::initializers");
        Error::InternalServerError
    })
}

fn rejection(rejection: BetterAuthRejection) -> Error {
    match rejection {
        BetterAuthRejection::Unauthorized => Error::Unauthorized("sign in required".to_owned()),
        BetterAuthRejection::Internal(err) => {
            tracing::error!(error = %err, "reading the Better Auth session failed");
            Error::InternalServerError
        }
        _ => Error::InternalServerError,
    }
}

/// A request signed in to the Better Auth app: the Loco counterpart of [`CurrentSession`] (which it holds and derefs
/// to: `signed_in.user`, `signed_in.session`). Rejects with Loco's 401 when signed out; `Option<SignedIn>` is `None`
/// then instead. Resolved once per request, refreshed by Better Auth's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn(pub CurrentSession);

impl std::ops::Deref for SignedIn {
    type Target = CurrentSession;

    fn deref(&self) -> &CurrentSession {
        &self.0
    }
}

impl FromRequestParts<AppContext> for SignedIn {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Error> {
        let auth = better_auth(ctx)?;
        <CurrentSession as FromRequestParts<BetterAuth>>::from_request_parts(parts, &auth)
            .await
            .map(SignedIn)
            .map_err(rejection)
    }
}

impl OptionalFromRequestParts<AppContext> for SignedIn {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Option<Self>, Error> {
        let auth = better_auth(ctx)?;
        <CurrentSession as OptionalFromRequestParts<BetterAuth>>::from_request_parts(parts, &auth)
            .await
            .map(|current| current.map(SignedIn))
            .map_err(rejection)
    }
}

/// The current Better Auth session if the request is signed in (the Loco counterpart of [`MaybeSession`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaybeSignedIn(pub Option<CurrentSession>);

impl FromRequestParts<AppContext> for MaybeSignedIn {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Error> {
        let signed_in = <SignedIn as OptionalFromRequestParts<AppContext>>::from_request_parts(parts, ctx).await?;
        Ok(MaybeSignedIn(signed_in.map(|s| s.0)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn settings_become_the_config() {
        let env = vars(&[("BETTER_AUTH_SECRET", "from-env"), ("BETTER_AUTH_URL", "https://app.example.com")]);
        // Without settings: the environment, as Better Auth reads it.
        let config = BetterAuthSettings::default().to_config_with_env(&Environment::Production, &env).unwrap();
        assert_eq!(config.secrets.current(), "from-env");
        assert!(config.secure);
        assert_eq!((config.expires_in, config.update_age), (Duration::days(7), Duration::days(1)));
        assert!(!config.cookie_cache.enabled);

        let settings: BetterAuthSettings = serde_json::from_value(serde_json::json!({
            "secret": "s3cret-legacy",
            "secrets": "2:s3cret-new, 1:s3cret-old",
            "base_url": "http://localhost:3000",
            "expires_in": 3600,
            "update_age": 60,
            "cookie_cache": "jwe",
            "tables": "drizzle",
            "cookie_prefix": "acme",
            "domain": "example.com",
            "trust_forwarded_for": true,
            "disable_session_refresh": true,
        }))
        .unwrap();
        let config = settings.to_config_with_env(&Environment::Production, &env).unwrap();
        assert_eq!(config.secrets.current(), "s3cret-new");
        assert_eq!(
            config.secrets.decryption_secrets().collect::<Vec<_>>(),
            ["s3cret-new", "s3cret-old", "s3cret-legacy"]
        );
        assert!(!config.secure, "http base URL");
        assert_eq!((config.expires_in, config.update_age), (Duration::hours(1), Duration::minutes(1)));
        assert_eq!(config.cookie_cache, CookieCache::enabled(CacheStrategy::Jwe));
        assert_eq!(settings.tables, Tables::Drizzle);
        assert_eq!((config.cookie_prefix.as_str(), config.domain.as_deref()), ("acme", Some("example.com")));
        assert!(config.trust_forwarded_for && config.disable_session_refresh);
        for (setting, secs) in [("expires_in", 0), ("update_age", -1), ("expires_in", i64::MAX)] {
            let bad: BetterAuthSettings = serde_json::from_value(serde_json::json!({ setting: secs })).unwrap();
            let err = bad.to_config_with_env(&Environment::Production, &env).unwrap_err().to_string();
            assert!(err.contains(setting), "{err}");
        }
        assert!(!format!("{settings:?}").contains("s3cret"));
        let forced = BetterAuthSettings { secure: Some(true), ..settings.clone() };
        assert!(forced.to_config_with_env(&Environment::Production, &env).unwrap().secure);

        // Unknown names are refused.
        let bad = BetterAuthSettings { cookie_cache: Some("cbor".into()), ..settings };
        assert!(bad.to_config_with_env(&Environment::Production, &env).is_err());
        assert!(serde_json::from_value::<BetterAuthSettings>(serde_json::json!({ "tables": "prisma" })).is_err());
        assert!(serde_json::from_value::<BetterAuthSettings>(serde_json::json!({ "secrett": "typo" })).is_err());
    }

    #[test]
    fn the_default_secret_stays_in_development() {
        let none = vars(&[]);
        for environment in [Environment::Development, Environment::Test] {
            let config = BetterAuthSettings::default().to_config_with_env(&environment, &none).unwrap();
            assert!(config.secrets.is_default());
        }
        for environment in [Environment::Production, Environment::Any("staging".into())] {
            let err = BetterAuthSettings::default().to_config_with_env(&environment, &none).unwrap_err().to_string();
            assert!(err.contains("BETTER_AUTH_SECRET") && !err.contains("better-auth-secret-"), "{err}");
        }
    }

    #[test]
    fn blank_secrets_are_refused() {
        let env = vars(&[("BETTER_AUTH_SECRET", "from-env")]);
        for blank in ["", "  "] {
            let settings = BetterAuthSettings { secret: Some(blank.into()), ..BetterAuthSettings::default() };
            let err = settings.to_config_with_env(&Environment::Development, &env).unwrap_err().to_string();
            assert!(err.contains("settings.better_auth") && err.contains("empty or only whitespace"), "{err}");
        }
        let list = BetterAuthSettings { secrets: Some("1:good,2: ".into()), ..BetterAuthSettings::default() };
        let err = list.to_config_with_env(&Environment::Development, &env).unwrap_err().to_string();
        assert!(err.contains("secret 1") && !err.contains("good"), "{err}");
        let blank_env = vars(&[("BETTER_AUTH_SECRET", " ")]);
        assert!(BetterAuthSettings::default().to_config_with_env(&Environment::Test, &blank_env).is_err());
    }
}
