//! Better Auth's session rules, as better-auth 1.7.25 applies them in `get-session` (`api/routes/session.mjs`),
//! its sign-in (`setSessionCookie`, `internalAdapter.createSession`) and `sign-out`.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};

use super::cache::{self, CookieCache};
use super::cookies::{self, Attributes, Chunked, CookieChanges, CookieNames, DEFAULT_COOKIE_PREFIX, RequestCookies};
use super::secret::{Secrets, SecretsError};
use super::{Session, SessionStore, User};
use crate::{Error, Result};

/// The settings of the Better Auth app whose sessions the Rust side shares, with Better Auth's defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BetterAuthConfig {
    /// The app's secrets (`BETTER_AUTH_SECRETS` / `BETTER_AUTH_SECRET` / `AUTH_SECRET`: [`Secrets::from_env`]).
    pub secrets: Secrets,
    /// Whether the cookies are `Secure` and their names `__Secure-` prefixed: Better Auth's
    /// `advanced.useSecureCookies`, else whether its base URL is `https://` ([`BetterAuthConfig::for_url`]).
    pub secure: bool,
    /// `advanced.cookiePrefix` (`better-auth`).
    pub cookie_prefix: String,
    /// The cookies' `Domain` (`advanced.crossSubDomainCookies.domain`); none by default.
    pub domain: Option<String>,
    /// `session.expiresIn`: a session's lifetime, and the session cookie's `Max-Age` (7 days).
    pub expires_in: Duration,
    /// `session.updateAge`: how old the last refresh must be before a read refreshes the session (1 day).
    pub update_age: Duration,
    /// `session.disableSessionRefresh`: never refresh (`false`).
    pub disable_session_refresh: bool,
    /// `session.cookieCache` (off).
    pub cookie_cache: CookieCache,
    /// Whether a session created here records the `X-Forwarded-For` address (when it holds exactly one valid
    /// address, as Better Auth trusts it) rather than `""`: turn it on behind a proxy that sets the header. Off by
    /// default, so a client cannot choose what is recorded.
    pub trust_forwarded_for: bool,
}

impl BetterAuthConfig {
    /// Better Auth's defaults with `secrets`, for an app served over HTTPS (`Secure` cookies, `__Secure-` names).
    pub fn new(secrets: Secrets) -> Self {
        Self {
            secrets,
            secure: true,
            cookie_prefix: DEFAULT_COOKIE_PREFIX.to_owned(),
            domain: None,
            expires_in: Duration::days(7),
            update_age: Duration::days(1),
            disable_session_refresh: false,
            cookie_cache: CookieCache::default(),
            trust_forwarded_for: false,
        }
    }

    /// Better Auth's defaults with `secrets`, for the app at `base_url` (Better Auth's `baseURL` or
    /// `BETTER_AUTH_URL`): secure cookies when it is `https://`, as Better Auth decides.
    pub fn for_url(secrets: Secrets, base_url: &str) -> Self {
        let secure = base_url.trim_start().to_ascii_lowercase().starts_with("https://");
        Self { secure, ..Self::new(secrets) }
    }

    /// Better Auth's defaults with the secrets and base URL of the environment, as the Node app reads them (`var`
    /// gives a variable's value: pass `|name| std::env::var(name).ok()`): the secrets of [`Secrets::from_env`]; secure
    /// cookies when the base URL (`BETTER_AUTH_URL`, else `NEXT_PUBLIC_BETTER_AUTH_URL`, `PUBLIC_BETTER_AUTH_URL`,
    /// `NUXT_PUBLIC_BETTER_AUTH_URL`, `NUXT_PUBLIC_AUTH_URL`, `BASE_URL`) is `https://`, or, without one, when
    /// `NODE_ENV` is `production` (`config_from_env_follows_better_auth`). An app whose `betterAuth({ baseURL })` or
    /// `advanced.useSecureCookies` is set in code needs the same here ([`BetterAuthConfig::secure`]).
    ///
    /// # Errors
    /// As [`Secrets::from_env`].
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, SecretsError> {
        let secrets = Secrets::from_env(&var)?;
        let base_url = [
            "BETTER_AUTH_URL",
            "NEXT_PUBLIC_BETTER_AUTH_URL",
            "PUBLIC_BETTER_AUTH_URL",
            "NUXT_PUBLIC_BETTER_AUTH_URL",
            "NUXT_PUBLIC_AUTH_URL",
            "BASE_URL",
        ]
        .into_iter()
        .find_map(|name| var(name).filter(|url| !url.is_empty()));
        Ok(match base_url {
            Some(url) => Self::for_url(secrets, &url),
            None => Self { secure: var("NODE_ENV").as_deref() == Some("production"), ..Self::new(secrets) },
        })
    }

    /// The cookie names these settings give.
    pub fn cookie_names(&self) -> CookieNames {
        CookieNames::new(&self.cookie_prefix, self.secure)
    }

    pub(crate) fn attributes(&self) -> Attributes {
        Attributes { secure: self.secure, domain: self.domain.clone() }
    }
}

/// A signed-in request's session and user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentSession {
    /// The session (refreshed when this request refreshed it).
    pub session: Session,
    /// Its user.
    pub user: User,
    /// Whether they came from the cookie cache ([`CookieCache`]) rather than the store: then they may be up to the
    /// cache's `maxAge` old.
    pub from_cookie_cache: bool,
}

/// What [`BetterAuth::resolve`] decided for a request: its session, if signed in, and the cookies to send (a
/// refreshed session cookie, or the expiry of the cookies of a session that ended).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resolution {
    /// The session, when signed in.
    pub session: Option<CurrentSession>,
    /// The `Set-Cookie` changes to send with the response.
    pub cookies: CookieChanges,
}

/// The client of a request, as a session created from Rust records it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// `ipAddress`: `""` unless trusted ([`BetterAuthConfig::trust_forwarded_for`]).
    pub ip_address: String,
    /// `userAgent`: the `User-Agent` header, or `""`.
    pub user_agent: String,
}

impl ClientInfo {
    /// The client of a request with these `X-Forwarded-For` and `User-Agent` header values, as Better Auth records
    /// it: when `trust_forwarded_for`, the `X-Forwarded-For` address if the header holds exactly one valid IP address
    /// (normalized as Better Auth does: an IPv4-mapped IPv6 address as IPv4, other IPv6 addresses expanded and
    /// reduced to their /64), else `""`; the user agent, or `""`.
    pub fn from_headers(forwarded_for: Option<&str>, user_agent: Option<&str>, trust_forwarded_for: bool) -> Self {
        let ip_address = forwarded_for
            .filter(|_| trust_forwarded_for)
            .and_then(|value| {
                let mut addresses = value.split(',').map(str::trim).filter(|ip| !ip.is_empty());
                match (addresses.next(), addresses.next()) {
                    (Some(only), None) => normalize_ip(only),
                    _ => None,
                }
            })
            .unwrap_or_default();
        Self { ip_address, user_agent: user_agent.unwrap_or_default().to_owned() }
    }
}

/// An address as better-auth's `normalizeIP` writes it (default `ipv6Subnet` 64), if it is one.
fn normalize_ip(ip: &str) -> Option<String> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(_) => Some(ip.to_owned()),
        IpAddr::V6(v6) => Some(match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                let subnet = Ipv6Addr::from(segments);
                subnet.segments().iter().map(|s| format!("{s:04x}")).collect::<Vec<_>>().join(":")
            }
        }),
    }
}

/// 32 random characters of `[a-zA-Z0-9]` from the operating system's random source, without modulo bias: Better
/// Auth's `generateId()`, for session ids and tokens.
pub fn generate_id() -> String {
    const ALPHABET: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut id = String::with_capacity(32);
    let mut bytes = [0u8; 48];
    while id.len() < 32 {
        // The OS random source failing is not recoverable for an auth server.
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        // 248 = 4 × 62: bytes from 248 up would favour the first characters; they are dropped.
        for byte in bytes.iter().filter(|byte| **byte < 248).take(32 - id.len()) {
            id.push(char::from(ALPHABET[usize::from(*byte % 62)]));
        }
    }
    id
}

/// A Better Auth app's sessions from Rust: a [`SessionStore`] and the app's [`BetterAuthConfig`]. Cheap to clone;
/// with the `axum` feature it is the state the extractors read ([`super::axum`]).
#[derive(Clone)]
pub struct BetterAuth {
    store: Arc<dyn SessionStore>,
    config: Arc<BetterAuthConfig>,
}

impl fmt::Debug for BetterAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BetterAuth").field("config", &self.config).finish_non_exhaustive()
    }
}

/// `Ok(None)` for a value the store says it cannot look up ([`Error::InvalidInput`]): it names no session.
fn absent_if_invalid<T>(result: Result<Option<T>>) -> Result<Option<T>> {
    match result {
        Err(Error::InvalidInput(_)) => Ok(None),
        other => other,
    }
}

impl BetterAuth {
    /// Sessions of `store` with `config`.
    pub fn new(store: impl SessionStore + 'static, config: BetterAuthConfig) -> Self {
        Self::from_shared(Arc::new(store), config)
    }

    /// Sessions of a store already shared.
    pub fn from_shared(store: Arc<dyn SessionStore>, config: BetterAuthConfig) -> Self {
        Self { store, config: Arc::new(config) }
    }

    /// The store, for the calls these methods do not make.
    pub fn store(&self) -> &dyn SessionStore {
        &*self.store
    }

    /// The settings.
    pub fn config(&self) -> &BetterAuthConfig {
        &self.config
    }

    /// The token of `cookies`' `session_token` cookie, if the current secret signed it ([`cookies::verify`]).
    pub fn session_token(&self, cookies: &RequestCookies) -> Option<String> {
        let names = self.config.cookie_names();
        self.verified(cookies, &names.session_token)
    }

    fn verified(&self, cookies: &RequestCookies, name: &str) -> Option<String> {
        cookies.get(name).and_then(|value| cookies::verify(value, self.config.secrets.current())).map(str::to_owned)
    }

    /// The session `cookies` belong to at `now`, by Better Auth's rules (better-auth 1.7.25's `get-session`), and the
    /// cookies to send:
    ///
    /// - no `session_token`, or one the current secret did not sign (another secret, tampered, malformed,
    ///   oversized): signed out, nothing sent, no store call;
    /// - with the cookie cache on, a usable `session_data` ([`CookieCache`]) answers: no store call, no refresh;
    ///   an unusable one is expired and the store is read;
    /// - a token the store does not know, or whose session has expired (`expires_at < now`; the row is deleted):
    ///   signed out, and `session_token`, `session_data` (and its chunks) and `dont_remember` expired;
    /// - a session whose last refresh is `update_age` old (`expires_at - expires_in + update_age <= now`) is
    ///   extended to `now + expires_in` (same token) and its cookie sent again with `Max-Age` = `expires_in`, unless
    ///   `dont_remember` (validly signed) is set or refreshes are disabled.
    ///
    /// With the cookie cache off, a `session_data` cookie is expired, as Better Auth expires it. Tests:
    /// `unknown_tokens_expire_the_cookies_bad_signatures_send_nothing`, `cookie_cache_answers_without_the_store`,
    /// `expired_sessions_are_deleted_and_signed_out`, `refresh_at_the_update_age_boundary`,
    /// `dont_remember_sessions_are_never_refreshed`, `store_failures_are_errors_bad_input_is_not`.
    ///
    /// # Errors
    /// The store's errors (a database that cannot be reached), except [`Error::InvalidInput`], which names no
    /// session.
    pub async fn resolve(&self, cookies: &RequestCookies, now: DateTime<Utc>) -> Result<Resolution> {
        let now = now.trunc_subsecs(3);
        let config = &*self.config;
        let names = config.cookie_names();
        let attributes = config.attributes();
        let mut changes = CookieChanges::new();
        let token = self.verified(cookies, &names.session_token);
        let cache_on = config.cookie_cache.enabled;
        if token.is_none() && cache_on {
            return Ok(Resolution::default());
        }
        let data = cookies.chunked(&names.session_data);
        if data != Chunked::Absent && !cache_on {
            changes.expire_with_chunks(cookies, &names.session_data, &attributes);
        }
        let Some(token) = token else {
            return Ok(Resolution { session: None, cookies: changes });
        };
        if cache_on && data != Chunked::Absent {
            let cached = match &data {
                Chunked::Value(value) => cache::read(value, config.cookie_cache.strategy, &config.secrets, now),
                Chunked::Absent | Chunked::Unusable => None,
            };
            match cached {
                Some(cached) if cached.usable(&token, &config.cookie_cache.version, now) => {
                    let current =
                        CurrentSession { session: cached.session, user: cached.user, from_cookie_cache: true };
                    return Ok(Resolution { session: Some(current), cookies: changes });
                }
                _ => changes.expire_with_chunks(cookies, &names.session_data, &attributes),
            }
        }
        let found = absent_if_invalid(self.store.session_and_user(&token).await)?;
        let (session, user) = match found {
            Some((session, user)) if session.expires_at >= now => (session, user),
            expired => {
                if expired.is_some() {
                    self.store.delete_session(&token).await?;
                }
                self.expire_session_cookies(cookies, &mut changes);
                return Ok(Resolution { session: None, cookies: changes });
            }
        };
        let dont_remember = self.verified(cookies, &names.dont_remember).is_some_and(|value| !value.is_empty());
        let due = session
            .expires_at
            .checked_sub_signed(config.expires_in)
            .and_then(|at| at.checked_add_signed(config.update_age))
            .is_some_and(|at| at <= now);
        if dont_remember || config.disable_session_refresh || !due {
            let current = CurrentSession { session, user, from_cookie_cache: false };
            return Ok(Resolution { session: Some(current), cookies: changes });
        }
        let expires_at = now.checked_add_signed(config.expires_in).ok_or_else(expires_in_out_of_range)?;
        match absent_if_invalid(self.store.extend_session(&token, expires_at, now).await)? {
            Some(session) => {
                let value = cookies::sign(&session.token, config.secrets.current());
                changes.set(&names.session_token, value, Some(config.expires_in.num_seconds()), &attributes);
                let current = CurrentSession { session, user, from_cookie_cache: false };
                Ok(Resolution { session: Some(current), cookies: changes })
            }
            // Deleted meanwhile (signed out elsewhere).
            None => {
                self.expire_session_cookies(cookies, &mut changes);
                Ok(Resolution { session: None, cookies: changes })
            }
        }
    }

    /// Better Auth's `deleteSessionCookie`: expires `session_token`, `session_data` and its chunks, `dont_remember`.
    fn expire_session_cookies(&self, cookies: &RequestCookies, changes: &mut CookieChanges) {
        let names = self.config.cookie_names();
        let attributes = self.config.attributes();
        changes.expire(&names.session_token, &attributes);
        changes.expire_with_chunks(cookies, &names.session_data, &attributes);
        changes.expire(&names.dont_remember, &attributes);
    }

    /// Signs `user_id` in (a sign-in done in Rust), as Better Auth's sign-in does: a new session (id and token from
    /// [`generate_id`], `expires_at` = `now + expires_in`, or `now + 1 day` when not `remember`, the client's
    /// address and user agent), stored, and its cookies: `session_token` with `Max-Age` = `expires_in`, or without
    /// `Max-Age` and with a signed `dont_remember=true` when not `remember`; a `dont_remember` left from an earlier
    /// session is expired when `remember`. Other sessions of the user, and the one `cookies` held, stay (Better Auth
    /// keeps them); a `session_data` cookie of an earlier session is expired (Node writes the new one on its next
    /// `get-session`).
    ///
    /// # Errors
    /// [`Error::NotFound`] when the user does not exist; the store's errors.
    pub async fn sign_in(
        &self,
        cookies: &RequestCookies,
        user_id: &str,
        remember: bool,
        client: ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<(Session, CookieChanges)> {
        let now = now.trunc_subsecs(3);
        let config = &*self.config;
        let lifetime = if remember { config.expires_in } else { Duration::days(1) };
        let expires_at = now.checked_add_signed(lifetime).ok_or_else(expires_in_out_of_range)?;
        let session = self
            .store
            .create_session(Session {
                id: generate_id(),
                token: generate_id(),
                user_id: user_id.to_owned(),
                expires_at,
                created_at: now,
                updated_at: now,
                ip_address: Some(client.ip_address),
                user_agent: Some(client.user_agent),
            })
            .await?;
        let names = config.cookie_names();
        let attributes = config.attributes();
        let secret = config.secrets.current();
        let mut changes = CookieChanges::new();
        let max_age = remember.then(|| config.expires_in.num_seconds());
        changes.set(&names.session_token, cookies::sign(&session.token, secret), max_age, &attributes);
        if !remember {
            changes.set(&names.dont_remember, cookies::sign("true", secret), None, &attributes);
        } else if self.verified(cookies, &names.dont_remember).is_some() {
            changes.expire(&names.dont_remember, &attributes);
        }
        if cookies.chunked(&names.session_data) != Chunked::Absent {
            changes.expire_with_chunks(cookies, &names.session_data, &attributes);
        }
        Ok((session, changes))
    }

    /// Signs out as Better Auth's `sign-out` does: deletes the session of `cookies`' verified `session_token`, if
    /// any, and expires `session_token`, `session_data` (and its chunks) and `dont_remember`. Returns whether a
    /// session was deleted.
    ///
    /// # Errors
    /// The store's errors.
    pub async fn sign_out(&self, cookies: &RequestCookies) -> Result<(bool, CookieChanges)> {
        let deleted = match self.session_token(cookies) {
            Some(token) => match self.store.delete_session(&token).await {
                Err(Error::InvalidInput(_)) => false,
                deleted => deleted?,
            },
            None => false,
        };
        let mut changes = CookieChanges::new();
        self.expire_session_cookies(cookies, &mut changes);
        Ok((deleted, changes))
    }

    /// Signs user `user_id` out everywhere: deletes all their sessions, and expires this request's session cookies
    /// as [`BetterAuth::sign_out`] does. Returns how many sessions there were.
    ///
    /// # Errors
    /// The store's errors.
    pub async fn sign_out_everywhere(&self, cookies: &RequestCookies, user_id: &str) -> Result<(u64, CookieChanges)> {
        let deleted = self.store.delete_sessions_by_user_id(user_id).await?;
        let mut changes = CookieChanges::new();
        self.expire_session_cookies(cookies, &mut changes);
        Ok((deleted, changes))
    }
}

fn expires_in_out_of_range() -> Error {
    Error::InvalidInput("the session lifetime (expires_in) is out of the range of dates".to_owned())
}
