//! Axum integration (cargo feature `axum`): session extractors, Auth.js-compatible session cookies, sign-in and
//! sign-out, magic links and OAuth accounts.
//!
//! [`Auth`] bundles an adapter with an [`AuthConfig`]; put it in your router state (or make it reachable with
//! `FromRef`). Handlers then take [`CurrentSession`] (rejects with 401 when signed out) or [`MaybeSession`]. Add the
//! [`refresh_session_cookie`] middleware so that a session the extractors extend has its cookie extended too.
//!
//! Both of Auth.js's session strategies ([`AuthConfig::strategy`]) are supported:
//!
//! - [`SessionStrategy::Database`] (the default): the cookie holds the session token; the extractors resolve it with
//!   one `get_session_and_user` call and apply Auth.js's rules: an expired session is deleted and treated as signed
//!   out, and a session is extended to `max_age` at most once per `update_age`.
//! - [`SessionStrategy::Jwt`]: the cookie holds an encrypted JWT ([`crate::jwt`]); the extractors decrypt it with any
//!   of the secrets and load its user (`sub`) with `get_user`. A token last issued more than `update_age` ago is
//!   issued again with a new expiry (Auth.js re-issues it on every session read).
//!
//! Cookie names follow [`AuthConfig::conventions`]: Auth.js v5's (`authjs.session-token`, or
//! `__Secure-authjs.session-token` when secure) or next-auth v4's (`next-auth.session-token`); large values are
//! chunked as Auth.js chunks them ([`cookies`]). So a Rust API beside a Next.js app using Auth.js on the same
//! database and secret accepts its users' cookies, and the other way round.
//!
//! ```
//! use authjs_core::Adapter;
//! use authjs_core::axum::{Auth, AuthConfig, CurrentSession, refresh_session_cookie};
//! use axum::{Router, routing::get};
//!
//! async fn me<A: Adapter + 'static>(CurrentSession { user, .. }: CurrentSession<A>) -> String {
//!     format!("signed in as {}", user.email.unwrap_or_default())
//! }
//!
//! /// The app over any store (`authjs_sea_orm::SeaOrmAdapter`, say).
//! fn app<A: Adapter + 'static>(store: A, secret: String) -> Result<Router, Box<dyn std::error::Error>> {
//!     // An empty or blank secret is refused (`SecretError`).
//!     let auth = Auth::new(store, AuthConfig::new(secret)?);
//!     Ok(Router::new()
//!         .route("/me", get(me::<A>))
//!         .layer(axum::middleware::from_fn(refresh_session_cookie))
//!         .with_state(auth))
//! }
//! ```

pub mod cookies;
pub mod csrf;
pub mod limit;

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use ::axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts, Request};
use ::axum::http::request::Parts;
use ::axum::http::{StatusCode, header};
use ::axum::middleware::Next;
use ::axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use chrono::{DateTime, Duration, Utc};
use oauth2::TokenResponse;
use sha2::{Digest, Sha256};

use self::cookies::{Conventions, UnknownSetting};
use crate::jwt::{self, SecretError, SessionClaims};
use crate::types::HASHED_TOKEN_MARK;
use crate::{
    AccountType, Adapter, AdapterAccount, AdapterSession, AdapterUser, Error, NewUser, Record, Result, SessionUpdate,
    UserUpdate, VerificationToken,
};

/// The session cookie's name over plain HTTP, as Auth.js v5 names it.
pub const SESSION_COOKIE: &str = "authjs.session-token";
/// The session cookie's name over HTTPS, as Auth.js v5 names it.
pub const SECURE_SESSION_COOKIE: &str = "__Secure-authjs.session-token";

/// Where sessions live: Auth.js's `session.strategy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionStrategy {
    /// A row of the sessions table per session; the cookie holds its token (`"database"`).
    #[default]
    Database,
    /// No session row: the cookie holds an encrypted JWT with the user's id, name, e-mail and image (`"jwt"`).
    Jwt,
}

impl FromStr for SessionStrategy {
    type Err = UnknownSetting;

    /// `database` or `jwt`, case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "database" => Ok(SessionStrategy::Database),
            "jwt" => Ok(SessionStrategy::Jwt),
            _ => Err(UnknownSetting { expected: "database, jwt" }),
        }
    }
}

/// Session and magic-link settings, with Auth.js's defaults.
#[derive(Clone)]
pub struct AuthConfig {
    /// The secret (Auth.js's `AUTH_SECRET`, [`AuthConfig::secret`]): encrypts session JWTs, and with the previous
    /// ones signs the CSRF cookie and hashes magic-link tokens ([`AuthConfig::hash_secret`]). Never empty or blank:
    /// set only by the checked constructors.
    secret: String,
    /// Older secrets, newest first, still accepted for session JWTs (rotation: Auth.js's secret list after its first
    /// entry). Empty by default; none empty or blank.
    previous_secrets: Vec<String>,
    /// Database or JWT sessions (`session.strategy`; database by default).
    pub strategy: SessionStrategy,
    /// Auth.js v5's or next-auth v4's cookie names and JWT format (v5 by default).
    pub conventions: Conventions,
    /// Whether cookies are `Secure` (HTTPS); `true` unless built by [`AuthConfig::for_url`] from an `http://` URL.
    /// Also picks the default cookie names.
    pub secure: bool,
    /// Session cookie name; `None` for Auth.js's (see [`AuthConfig::cookie_name`]).
    pub cookie_name: Option<String>,
    /// Session lifetime (`session.maxAge`, 30 days).
    pub max_age: Duration,
    /// How often a session is extended (`session.updateAge`, 24 hours).
    pub update_age: Duration,
    /// Magic-link lifetime (the e-mail provider's `maxAge`, 24 hours).
    pub verification_max_age: Duration,
}

impl AuthConfig {
    /// Auth.js's defaults with `secret`, for an app served over HTTPS: database sessions, v5 cookie names, cookies
    /// `Secure`, the session cookie `__Secure-authjs.session-token`. For an app reached over plain HTTP
    /// (development), use [`AuthConfig::for_url`].
    ///
    /// # Errors
    /// [`SecretError::Blank`] when `secret` is empty or only whitespace (a key derived from it would be a public
    /// constant; Auth.js refuses to start without a secret). A secret shorter than [`RECOMMENDED_SECRET_LEN`] is
    /// accepted (it may be the secret of an existing Auth.js app) with a warning logged.
    ///
    /// [`RECOMMENDED_SECRET_LEN`]: jwt::RECOMMENDED_SECRET_LEN
    pub fn new(secret: impl Into<String>) -> Result<Self, SecretError> {
        Self::from_secrets([secret.into()])
    }

    /// Auth.js's defaults with `secret`, for the app reached at `app_url` (Auth.js's `AUTH_URL`): cookies are
    /// `Secure` unless the URL is `http://`, as Auth.js decides.
    ///
    /// # Errors
    /// As [`AuthConfig::new`].
    pub fn for_url(secret: impl Into<String>, app_url: &str) -> Result<Self, SecretError> {
        let mut config = Self::new(secret)?;
        config.secure = !app_url.trim_start().to_ascii_lowercase().starts_with("http://");
        Ok(config)
    }

    /// Auth.js's defaults with its secret list, such as [`Conventions::secrets_from`] reads from the environment:
    /// the first secret is the current one, the others are still accepted (rotation).
    ///
    /// # Errors
    /// [`SecretError::Missing`] when `secrets` is empty, [`SecretError::Blank`] when one is empty or only
    /// whitespace.
    pub fn from_secrets(secrets: impl IntoIterator<Item = String>) -> Result<Self, SecretError> {
        let defaults = Self {
            secret: String::new(),
            previous_secrets: Vec::new(),
            strategy: SessionStrategy::Database,
            conventions: Conventions::AuthJsV5,
            secure: true,
            cookie_name: None,
            max_age: Duration::days(30),
            update_age: Duration::hours(24),
            verification_max_age: Duration::hours(24),
        };
        defaults.with_secrets(secrets)
    }

    /// These settings with another secret list (see [`AuthConfig::from_secrets`]).
    ///
    /// # Errors
    /// As [`AuthConfig::from_secrets`].
    pub fn with_secrets(mut self, secrets: impl IntoIterator<Item = String>) -> Result<Self, SecretError> {
        let secrets: Vec<String> = secrets.into_iter().collect();
        jwt::check_secrets(&secrets)?;
        let mut secrets = secrets.into_iter();
        self.secret = secrets.next().ok_or(SecretError::Missing)?;
        self.previous_secrets = secrets.collect();
        if self.secret.len() < jwt::RECOMMENDED_SECRET_LEN {
            tracing::warn!(
                "authjs-core: the secret is shorter than {} bytes; Auth.js recommends 32 random bytes \
                 (`npx auth secret` or `openssl rand -base64 32`)",
                jwt::RECOMMENDED_SECRET_LEN
            );
        }
        Ok(self)
    }

    /// The current secret: session JWTs are encrypted with it.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Every secret, the current one first.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.secret.as_str()).chain(self.previous_secrets.iter().map(String::as_str))
    }

    /// The string Auth.js appends to a token before hashing it (CSRF cookie, magic links): its secret list as
    /// JavaScript turns it into a string, i.e. the secrets joined by commas; the secret itself when there is one.
    /// So rotating the secret invalidates the pending magic links and CSRF cookies, on both stacks alike.
    pub fn hash_secret(&self) -> std::borrow::Cow<'_, str> {
        if self.previous_secrets.is_empty() {
            std::borrow::Cow::Borrowed(&self.secret)
        } else {
            std::borrow::Cow::Owned(self.secrets().collect::<Vec<_>>().join(","))
        }
    }

    /// The session cookie's name: [`cookie_name`](Self::cookie_name) when set, else the one of
    /// [`conventions`](Self::conventions) (`authjs.session-token`, `next-auth.session-token`, `__Secure-` prefixed
    /// when secure). It is also the salt of v5 session JWTs.
    pub fn cookie_name(&self) -> &str {
        match &self.cookie_name {
            Some(name) => name,
            None => self.conventions.session_cookie(self.secure),
        }
    }

    /// The claims of the session JWT `jar` carries, decrypted with any of the secrets and checked (`exp`), whatever
    /// the [`strategy`](Self::strategy): for an app whose Auth.js runs without an adapter, where no user row exists.
    /// `None` when there is no valid token.
    pub fn jwt_claims(&self, jar: &CookieJar) -> Option<SessionClaims> {
        let token = cookies::read_session(jar, self.cookie_name())?;
        let secrets: Vec<&str> = self.secrets().collect();
        jwt::decode(self.conventions.jwt_format(), &secrets, self.cookie_name(), &token, Utc::now())
    }
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("secret", &crate::types::REDACTED)
            .field(
                "previous_secrets",
                &self.previous_secrets.iter().map(|_| crate::types::REDACTED).collect::<Vec<_>>(),
            )
            .field("strategy", &self.strategy)
            .field("conventions", &self.conventions)
            .field("secure", &self.secure)
            .field("cookie_name", &self.cookie_name())
            .field("max_age", &self.max_age)
            .field("update_age", &self.update_age)
            .field("verification_max_age", &self.verification_max_age)
            .finish()
    }
}

/// An adapter and the session settings: the state the extractors and helpers need. Cheap to clone.
///
/// `A` is the adapter: `authjs-sea-orm`'s `SeaOrmAdapter` on the default tables (its `authjs_sea_orm::axum::Auth`
/// names it by default), `SeaOrmAdapter<YourTables>` on custom ones (the
/// extractors [`CurrentSession<A>`] and [`MaybeSession<A>`] name it too; an alias such as
/// `type AppAdapter = SeaOrmAdapter<AppTables>;` keeps handler signatures short).
pub struct Auth<A> {
    adapter: Arc<A>,
    config: Arc<AuthConfig>,
}

impl<A> Clone for Auth<A> {
    fn clone(&self) -> Self {
        Self { adapter: Arc::clone(&self.adapter), config: Arc::clone(&self.config) }
    }
}

impl<A> fmt::Debug for Auth<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth").field("config", &self.config).finish_non_exhaustive()
    }
}

/// A signed-in request's session, in either strategy.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Session {
    /// A database session (its `expires` already extended if this request extended it).
    Database(AdapterSession),
    /// The claims of a session JWT (its `iat`, `exp` and `jti` already renewed if this request re-issued it).
    Jwt(SessionClaims),
}

impl Session {
    /// When the session ends: the database session's `expires`, or the JWT's `exp` (a JWT without `exp`, which
    /// Auth.js never writes, never ends).
    pub fn expires(&self) -> DateTime<Utc> {
        match self {
            Session::Database(session) => session.expires,
            Session::Jwt(claims) => claims.expires().unwrap_or(DateTime::<Utc>::MAX_UTC),
        }
    }

    /// The database session, in the database strategy.
    pub fn database(&self) -> Option<&AdapterSession> {
        match self {
            Session::Database(session) => Some(session),
            Session::Jwt(_) => None,
        }
    }

    /// The JWT's claims, in the JWT strategy.
    pub fn jwt(&self) -> Option<&SessionClaims> {
        match self {
            Session::Database(_) => None,
            Session::Jwt(claims) => Some(claims),
        }
    }
}

/// A signed-in request: the session and its user. `Debug` shows the user's Auth.js fields, not the extra columns of a
/// custom users table (which may hold a password hash or API keys).
pub struct CurrentSession<A: Adapter> {
    /// The session: a database session or a JWT's claims, per [`AuthConfig::strategy`].
    pub session: Session,
    /// The session's user (in the JWT strategy, the row of the token's `sub`).
    pub user: AdapterUser<A::Extra>,
}

// Written by hand: derives would bound `A` itself instead of `A::Extra`.
impl<A: Adapter> Clone for CurrentSession<A> {
    fn clone(&self) -> Self {
        Self { session: self.session.clone(), user: self.user.clone() }
    }
}

impl<A: Adapter> PartialEq for CurrentSession<A> {
    fn eq(&self, other: &Self) -> bool {
        self.session == other.session && self.user == other.user
    }
}

impl<A: Adapter> fmt::Debug for CurrentSession<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurrentSession")
            .field("session", &self.session)
            .field("user", &self.user.without_extra())
            .finish()
    }
}

/// The current session if the request is signed in.
pub struct MaybeSession<A: Adapter>(pub Option<CurrentSession<A>>);

impl<A: Adapter> fmt::Debug for MaybeSession<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MaybeSession").field(&self.0).finish()
    }
}

/// How magic-link verification ended (Auth.js's `Verification` error cases apart).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MagicLink<X = ()> {
    /// The link was valid: the user, created on first sign-in, with `email_verified` set to now.
    Verified(AdapterUser<X>),
    /// No such token for this address: never issued, tampered with, or already used.
    Invalid,
    /// The token existed but had expired; it has been used up.
    Expired,
    /// The link was valid, but no user has exactly this address and a new one cannot be created: the users table
    /// compares e-mails loosely (a case- or accent-insensitive collation) and holds a look-alike address of another
    /// user. Nobody is signed in; the token has been used up.
    AddressTaken,
}

impl<X> fmt::Debug for MagicLink<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MagicLink::Verified(user) => f.debug_tuple("Verified").field(&user.without_extra()).finish(),
            MagicLink::Invalid => f.write_str("Invalid"),
            MagicLink::Expired => f.write_str("Expired"),
            MagicLink::AddressTaken => f.write_str("AddressTaken"),
        }
    }
}

impl<A: Adapter> Auth<A> {
    /// Auth state over `adapter`. Sign-ups made by the helpers pass the default of the adapter's `NewExtra`.
    pub fn new(adapter: A, config: AuthConfig) -> Self {
        Self { adapter: Arc::new(adapter), config: Arc::new(config) }
    }

    /// The adapter, for the calls the helpers do not make.
    pub fn adapter(&self) -> &A {
        &self.adapter
    }

    /// The settings.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// The session the cookies of `jar` belong to, applying Auth.js's session rules; `extended` (the `bool`) is
    /// `true` when the session's cookie should be sent again ([`Auth::session_cookies`]).
    ///
    /// Database strategy: an expired session is deleted and `None`; a session last extended more than `update_age`
    /// ago is extended to `now + max_age`. A cookie value that cannot be a session token (empty, over 512 bytes,
    /// control characters, a stored hash) is no session, without a query.
    ///
    /// JWT strategy: a token that does not decrypt with any secret, has expired, has no `sub`, or whose user no
    /// longer exists is `None`, as is a cookie of more than [`cookies::MAX_CHUNKS`] chunks. A token issued more than
    /// `update_age` ago gets new `iat`, `exp` (`now + max_age`) and `jti`, its other claims unchanged.
    pub async fn session(&self, jar: &CookieJar) -> Result<Option<(CurrentSession<A>, bool)>> {
        match self.config.strategy {
            SessionStrategy::Database => self.database_session(jar).await,
            SessionStrategy::Jwt => self.jwt_session(jar).await,
        }
    }

    async fn database_session(&self, jar: &CookieJar) -> Result<Option<(CurrentSession<A>, bool)>> {
        let Some(token) = self.session_token(jar) else {
            return Ok(None);
        };
        let Some((mut session, user)) = self.adapter.get_session_and_user(&token).await? else {
            return Ok(None);
        };
        let now = Utc::now();
        if session.expires < now {
            self.adapter.delete_session(&token).await?;
            return Ok(None);
        }
        let extended = session.expires - self.config.max_age + self.config.update_age <= now;
        if extended {
            let update = SessionUpdate::expires(&token, now + self.config.max_age);
            match self.adapter.update_session(update).await? {
                Some(updated) => session = updated,
                None => return Ok(None),
            }
        }
        Ok(Some((CurrentSession { session: Session::Database(session), user }, extended)))
    }

    async fn jwt_session(&self, jar: &CookieJar) -> Result<Option<(CurrentSession<A>, bool)>> {
        let Some(mut claims) = self.config.jwt_claims(jar) else {
            return Ok(None);
        };
        let Some(sub) = claims.sub.as_deref() else {
            return Ok(None);
        };
        let user = match self.adapter.get_user(sub).await {
            Ok(Some(user)) => user,
            // An id the users table cannot hold (not a uuid, say) names nobody.
            Ok(None) | Err(Error::InvalidInput(_)) => return Ok(None),
            Err(err) => return Err(err),
        };
        let now = Utc::now();
        let due = claims.exp.is_none_or(|exp| {
            exp.saturating_sub(self.config.max_age.num_seconds()).saturating_add(self.config.update_age.num_seconds())
                <= now.timestamp()
        });
        if due {
            claims.renew(now, self.config.max_age);
        }
        Ok(Some((CurrentSession { session: Session::Jwt(claims), user }, due)))
    }

    /// The session token of `jar`'s session cookie (joined from its chunks), if its value can be one.
    fn session_token(&self, jar: &CookieJar) -> Option<String> {
        let token = cookies::read_session(jar, self.config.cookie_name())?;
        let plausible = token.len() <= MAX_SESSION_TOKEN_LEN
            && !token.chars().any(char::is_control)
            && !token.starts_with(HASHED_TOKEN_MARK);
        plausible.then_some(token)
    }

    /// The claims of `jar`'s session JWT without loading its user (see [`AuthConfig::jwt_claims`]).
    pub fn jwt_claims(&self, jar: &CookieJar) -> Option<SessionClaims> {
        self.config.jwt_claims(jar)
    }

    /// The cookie carrying a database `session`: HttpOnly, SameSite=Lax, path `/`, expiring with the session, Secure
    /// when configured. [`Auth::session_cookies`] writes either kind of session and expires stale chunks.
    pub fn session_cookie(&self, session: &AdapterSession) -> Cookie<'static> {
        let mut cookies = cookies::session_cookies(
            &CookieJar::new(),
            self.config.conventions,
            self.config.cookie_name(),
            &session.session_token,
            session.expires,
            self.config.secure,
        );
        // A session token (at most 512 characters) is never chunked.
        cookies.swap_remove(0)
    }

    /// The cookies carrying `session`, expiring with it: the session token, or the JWT encrypted with the first
    /// secret (chunked when longer than a cookie takes), followed by the removal of `jar`'s session cookies they do
    /// not overwrite.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when a JWT cannot be encrypted (an empty secret).
    pub fn session_cookies(&self, jar: &CookieJar, session: &Session) -> Result<Vec<Cookie<'static>>> {
        let name = self.config.cookie_name();
        let value = match session {
            Session::Database(session) => session.session_token.clone(),
            Session::Jwt(claims) => {
                jwt::encode(self.config.conventions.jwt_format(), &self.config.secret, name, claims)
                    .map_err(|err| Error::InvalidInput(err.to_string()))?
            }
        };
        Ok(cookies::session_cookies(jar, self.config.conventions, name, &value, session.expires(), self.config.secure))
    }

    /// Signs `user_id` in: ends the database session `jar` holds (another user's, say), then starts a session of
    /// `max_age` and adds its cookies to `jar`. Database strategy: a session row with a random token. JWT strategy:
    /// a JWT with the user's `name`, `email`, `picture`, `sub` (= `user_id`), `iat`, `exp` and `jti`, as Auth.js's
    /// sign-in writes it.
    ///
    /// # Errors
    /// [`Error::NotFound`] in the JWT strategy when the user does not exist; database errors.
    pub async fn sign_in(&self, jar: CookieJar, user_id: &str) -> Result<(CookieJar, Session)> {
        if self.config.strategy == SessionStrategy::Database
            && let Some(old) = self.session_token(&jar)
        {
            self.adapter.delete_session(&old).await?;
        }
        let now = Utc::now();
        let session = match self.config.strategy {
            SessionStrategy::Database => Session::Database(
                self.adapter
                    .create_session(AdapterSession {
                        session_token: random_token(),
                        user_id: user_id.to_owned(),
                        expires: now + self.config.max_age,
                    })
                    .await?,
            ),
            SessionStrategy::Jwt => {
                let user = self.adapter.get_user(user_id).await?.ok_or(Error::NotFound(Record::User))?;
                Session::Jwt(SessionClaims::for_user(&user, now, self.config.max_age))
            }
        };
        let cookies = self.session_cookies(&jar, &session)?;
        Ok((cookies::apply(jar, cookies), session))
    }

    /// Signs out: deletes the database session of `jar`, if any, and expires the session cookie and its chunks.
    /// Returns the deleted session. In the JWT strategy nothing is stored: the token stops being sent, but a copy of
    /// it stays valid until its `exp` (Auth.js has no way to revoke it either).
    pub async fn sign_out(&self, jar: CookieJar) -> Result<(CookieJar, Option<AdapterSession>)> {
        let deleted = match (self.config.strategy, self.session_token(&jar)) {
            (SessionStrategy::Database, Some(token)) => self.adapter.delete_session(&token).await?,
            _ => None,
        };
        let removals = cookies::session_removals(&jar, self.config.cookie_name(), self.config.secure);
        Ok((cookies::apply(jar, removals), deleted))
    }

    /// Starts a magic-link sign-in for `email`, as Auth.js's e-mail provider does: stores
    /// `sha256_hex(token + secret)` for the normalized address, valid for `verification_max_age`, and returns the
    /// normalized address and the raw token to put in the link (`?token=...&email=...`).
    pub async fn create_magic_link(&self, email: &str) -> Result<(String, String)> {
        let identifier = normalize_email(email)?;
        let token = random_token();
        self.adapter
            .create_verification_token(VerificationToken {
                identifier: identifier.clone(),
                token: hash_token(&token, &self.config.hash_secret()),
                expires: Utc::now() + self.config.verification_max_age,
            })
            .await?;
        Ok((identifier, token))
    }

    /// Completes a magic-link sign-in, as Auth.js's callback does: uses up the token (once, even under concurrent
    /// requests), then marks the existing user's address verified or creates the user. Sign the user in with
    /// [`Auth::sign_in`] afterwards.
    ///
    /// Only the address the link was mailed to is signed in: the token's identifier and the user's stored e-mail must
    /// both equal the normalized address byte for byte, whatever the database's collation (a look-alike of another
    /// user's address is [`MagicLink::AddressTaken`] on a table whose collation would confuse them).
    ///
    /// When the link is the first proof of ownership of an existing user (its `emailVerified` was NULL: someone may
    /// have created the row with the address before its owner ever signed in), the user's sessions end before the
    /// owner is signed in, and on a custom users table the credentials it keeps are replaced
    /// (`authjs-sea-orm`'s `UserTable::first_verification_values`), all in the
    /// `update_user` that marks the address verified (see `authjs-sea-orm`'s `SeaOrmAdapter`, "First verification"). Its OAuth
    /// accounts stay.
    pub async fn verify_magic_link(&self, email: &str, token: &str) -> Result<MagicLink<A::Extra>> {
        let Ok(identifier) = normalize_email(email) else {
            return Ok(MagicLink::Invalid);
        };
        let hashed = hash_token(token, &self.config.hash_secret());
        let used = self.adapter.use_verification_token(&identifier, &hashed).await?;
        let Some(used) = used.filter(|used| used.identifier == identifier && used.token == hashed) else {
            return Ok(MagicLink::Invalid);
        };
        let now = Utc::now();
        if used.expires < now {
            return Ok(MagicLink::Expired);
        }
        let existing = self.adapter.get_user_by_email(&identifier).await?;
        let user = match existing.filter(|user| user.email.as_deref() == Some(identifier.as_str())) {
            Some(user) => {
                let update = UserUpdate { email_verified: Some(Some(now)), ..UserUpdate::new(user.id) };
                self.adapter.update_user(update).await?
            }
            None => match self.adapter.create_user(new_user(identifier, now)).await {
                Err(Error::Conflict(_)) => return Ok(MagicLink::AddressTaken),
                created => created?,
            },
        };
        Ok(MagicLink::Verified(user))
    }
}

/// A user signing up with a verified e-mail address, with a new UUID and the default extra part.
fn new_user<N: Default>(email: String, email_verified: DateTime<Utc>) -> NewUser<N> {
    NewUser {
        id: Some(uuid::Uuid::new_v4().to_string()),
        name: None,
        email: Some(email),
        email_verified: Some(email_verified),
        image: None,
        extra: N::default(),
    }
}

/// The longest e-mail address taken, in bytes (RFC 3696's 64 + 1 + 255).
const MAX_EMAIL_LEN: usize = 320;
/// The longest cookie value taken as a session token (Auth.js's are UUIDs, ours 64 hex characters).
const MAX_SESSION_TOKEN_LEN: usize = 512;

/// Normalizes an e-mail address exactly as Auth.js's e-mail provider does (`@auth/core` 0.41): Unicode NFKC, then
/// lower-cased and trimmed; refused if it holds a quote or does not have exactly one `@` between non-empty parts;
/// anything after a comma in the domain dropped. So `ｎame@example.com` (full-width) is `name@example.com` on both
/// stacks.
///
/// Beyond Auth.js, refuses what is not a plain address (whitespace inside it, or any of `<>()[]\,;:`: a display
/// name such as `CEO <attacker@evil.test>`, which a mailer delivers to the address inside the brackets, a comment, a
/// list, an address literal), addresses over 320 bytes and addresses holding control characters (NUL included) or
/// invisible ones (format characters such as a zero-width space, a soft hyphen or a bidirectional override, which make
/// an address look like another one; private-use characters; line and paragraph separators), before anything is
/// stored. Every refusal is [`Error::InvalidInput`].
pub fn normalize_email(email: &str) -> Result<String> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_properties::{GeneralCategory as Gc, UnicodeGeneralCategory};
    let invalid = |why: &str| Error::InvalidInput(format!("not an e-mail address: {why}"));
    // NFKC expands a character to at most a few; bound the work before normalizing.
    if email.len() > 4 * MAX_EMAIL_LEN {
        return Err(invalid("too long"));
    }
    let normalized = email.nfkc().collect::<String>().to_lowercase();
    let email = normalized.trim();
    let unseen = |c: char| {
        matches!(
            c.general_category(),
            Gc::Control | Gc::Format | Gc::PrivateUse | Gc::LineSeparator | Gc::ParagraphSeparator
        )
    };
    if email.chars().any(unseen) {
        return Err(invalid("control or invisible characters"));
    }
    if email.contains('"') {
        return Err(invalid("quotes"));
    }
    let (local, domain) = email
        .split_once('@')
        .filter(|(local, domain)| !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
        .ok_or_else(|| invalid("not one @ between a local part and a domain"))?;
    let domain = domain.split(',').next().unwrap_or_default();
    if domain.is_empty() {
        return Err(invalid("empty domain"));
    }
    let address = format!("{local}@{domain}");
    if address.len() > MAX_EMAIL_LEN {
        return Err(invalid("too long"));
    }
    // A display name (`CEO <attacker@evil.test>`), a comment, a list or an address literal: mailers parse these and
    // deliver to the address inside, while the whole string would be stored and verified.
    if address.chars().any(|c| c.is_whitespace() || "<>()[]\\,;:".contains(c)) {
        return Err(invalid("not a plain address (spaces, angle brackets, parentheses, brackets, commas, colons)"));
    }
    Ok(address)
}

/// `text` escaped for HTML text and attribute values (`&`, `<`, `>`, `"`, `'`), for pages that show an address or
/// put a token in a form.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `sha256_hex(token + secret)`: how Auth.js stores a verification token.
pub fn hash_token(token: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    hasher.update(secret.as_bytes());
    hex::encode(hasher.finalize())
}

/// 32 random bytes as 64 hex characters (Auth.js's `randomString(32)`), for session and verification tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is not recoverable for an auth server.
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    hex::encode(bytes)
}

/// An account from an OAuth token response, as Auth.js's default `account()` callback builds it: `expires_at` is now
/// plus `expires_in` in epoch seconds, `token_type` lower-cased, scopes joined by spaces, and the OpenID Connect
/// `id_token` when the provider sent one.
pub fn account_from_token_response<T: TokenResponse>(
    user_id: impl Into<String>,
    r#type: AccountType,
    provider: impl Into<String>,
    provider_account_id: impl Into<String>,
    response: &T,
    id_token: Option<String>,
) -> AdapterAccount {
    let mut account = AdapterAccount::new(user_id, r#type, provider, provider_account_id);
    account.access_token = Some(response.access_token().secret().clone());
    account.refresh_token = response.refresh_token().map(|t| t.secret().clone());
    account.expires_at = response
        .expires_in()
        .map(|d| Utc::now().timestamp().saturating_add(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)));
    // Token types are only `Serialize` in oauth2 5; their serialized form is the wire string.
    account.token_type = match serde_json::to_value(response.token_type()) {
        Ok(serde_json::Value::String(token_type)) => Some(token_type.to_lowercase()),
        _ => None,
    };
    account.scope = response.scopes().map(|scopes| scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "));
    account.id_token = id_token;
    account
}

/// Where an extractor leaves the session cookies for [`refresh_session_cookie`] to send: the session cookie's name
/// and the cookies (chunks and removals included).
#[derive(Clone, Default)]
struct CookieSlot(Arc<Mutex<Option<PendingCookies>>>);

/// The session cookie's name and the cookies to send.
type PendingCookies = (String, Vec<Cookie<'static>>);

/// Middleware that sends the cookies of a session the extractors extended or re-issued during the request (sliding
/// expiry), unless the handler set a session cookie itself (it signed in or out). Install it with
/// `axum::middleware::from_fn(refresh_session_cookie)`.
pub async fn refresh_session_cookie(mut request: Request, next: Next) -> Response {
    let slot = CookieSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let pending = slot.0.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some((name, cookies)) = pending {
        let handler_set_it = response.headers().get_all(header::SET_COOKIE).iter().any(|value| {
            value
                .to_str()
                .ok()
                .and_then(|value| Cookie::parse_encoded(value).ok())
                .is_some_and(|set| cookies::is_session_cookie(&name, set.name()))
        });
        if !handler_set_it {
            for cookie in cookies {
                if let Ok(value) = cookie.encoded().to_string().parse() {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
        }
    }
    response
}

/// Why [`CurrentSession`] rejected a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthRejection {
    /// Not signed in, or the session expired: 401.
    Unauthorized,
    /// The session could not be read: 500 (the error is logged, not sent).
    Internal(Error),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::Unauthorized => (StatusCode::UNAUTHORIZED, "sign in required").into_response(),
            AuthRejection::Internal(err) => {
                tracing::error!(error = %err, "reading the session failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// The session a request resolved to, kept in its extensions by the first extractor that read it, so a guard layer
/// and the handler (or [`CurrentSession`] and [`MaybeSession`] in one handler) look the session up once: one
/// `get_session_and_user` (or JWT decryption and `get_user`) and at most one sliding-expiry update per request.
struct Resolved<A: Adapter>(Option<CurrentSession<A>>);

impl<A: Adapter> Clone for Resolved<A> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

/// The request's session: the one an earlier extractor resolved, else resolved now (and kept for the next one). An
/// error is not kept: a later extractor tries again.
async fn resolve<A: Adapter + 'static>(parts: &mut Parts, auth: &Auth<A>) -> Result<Option<CurrentSession<A>>> {
    if let Some(Resolved(resolved)) = parts.extensions.get::<Resolved<A>>() {
        return Ok(resolved.clone());
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let resolved = auth.session(&jar).await?;
    let current = match resolved {
        Some((current, extended)) => {
            if extended && let Some(slot) = parts.extensions.get::<CookieSlot>() {
                match auth.session_cookies(&jar, &current.session) {
                    Ok(cookies) => {
                        let name = auth.config().cookie_name().to_owned();
                        *slot.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((name, cookies));
                    }
                    // The session stays valid until its current expiry; only the extension is lost.
                    Err(err) => tracing::error!(error = %err, "re-issuing the session cookie failed"),
                }
            }
            Some(current)
        }
        None => None,
    };
    parts.extensions.insert(Resolved(current.clone()));
    Ok(current)
}

impl<S, A> FromRequestParts<S> for CurrentSession<A>
where
    A: Adapter + 'static,
    Auth<A>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match resolve(parts, &Auth::from_ref(state)).await {
            Ok(Some(current)) => Ok(current),
            Ok(None) => Err(AuthRejection::Unauthorized),
            Err(err) => Err(AuthRejection::Internal(err)),
        }
    }
}

impl<S, A> OptionalFromRequestParts<S> for CurrentSession<A>
where
    A: Adapter + 'static,
    Auth<A>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Self::Rejection> {
        resolve(parts, &Auth::from_ref(state)).await.map_err(AuthRejection::Internal)
    }
}

impl<S, A> FromRequestParts<S> for MaybeSession<A>
where
    A: Adapter + 'static,
    Auth<A>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        resolve(parts, &Auth::from_ref(state)).await.map(MaybeSession).map_err(AuthRejection::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_emails_as_authjs() {
        let ok = |email: &str| normalize_email(email).ok();
        assert_eq!(ok("  Ada@Example.COM ").as_deref(), Some("ada@example.com"));
        assert_eq!(ok("ada@example.com,evil.com").as_deref(), Some("ada@example.com"));
        // NFKC before lower-casing: full-width letters and the full-width at sign are ASCII.
        assert_eq!(ok("\u{ff4e}ame@example.com").as_deref(), Some("name@example.com"));
        assert_eq!(ok("\u{ff2e}AME\u{ff20}EXAMPLE.COM").as_deref(), Some("name@example.com"));
        assert_eq!(ok("a\u{ff20}b@c"), None);
        for bad in [
            "no-at-sign",
            "a@b@c",
            "@b",
            "a@",
            "a@,b",
            "\"a\"@b.c",
            "a\u{0}@b.c",
            "a\u{1}@b.c",
            "a@b\u{7f}.c",
            "",
            // Not plain addresses: a mailer would deliver them elsewhere than what is stored.
            "CEO <attacker@evil.test>",
            "ceo<attacker@evil.test>",
            "attacker@evil.test (CEO)",
            "a b@example.com",
            "a\u{a0}b@example.com",
            "a,attacker@evil.test",
            "a;b@example.com",
            "user@[127.0.0.1]",
            "a\\b@example.com",
            "group:a@example.com",
        ] {
            assert!(matches!(normalize_email(bad), Err(Error::InvalidInput(_))), "{bad:?}");
        }
        let local = "a".repeat(64);
        let longest = format!("{local}@{}", "b".repeat(MAX_EMAIL_LEN - 65));
        assert_eq!(ok(&longest).as_deref(), Some(longest.as_str()));
        assert!(normalize_email(&format!("{longest}b")).is_err());
        assert!(normalize_email(&"a".repeat(100_000)).is_err());
    }

    #[test]
    fn escapes_html() {
        assert_eq!(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn hashes_tokens_as_authjs() {
        // sha256("token" + "secret")
        assert_eq!(hash_token("token", "secret"), hex::encode(Sha256::digest(b"tokensecret")));
        assert_eq!(random_token().len(), 64);
        assert_ne!(random_token(), random_token());
    }

    #[test]
    fn debug_omits_extra_columns() {
        let user = AdapterUser {
            id: "1".into(),
            name: None,
            email: Some("ada@example.com".into()),
            email_verified: None,
            image: None,
            extra: "password-hash-and-api-key",
        };
        let shown = format!("{:?}", MagicLink::Verified(user));
        assert!(shown.contains("ada@example.com"), "{shown}");
        assert!(!shown.contains("password-hash-and-api-key"), "{shown}");
    }

    #[test]
    fn cookie_names_follow_authjs() -> Result<(), SecretError> {
        let mut config = AuthConfig::new("s")?;
        assert!(config.secure, "secure by default");
        assert_eq!(config.cookie_name(), "__Secure-authjs.session-token");
        config.secure = false;
        assert_eq!(config.cookie_name(), "authjs.session-token");
        assert!(!AuthConfig::for_url("s", "http://localhost:3000")?.secure);
        assert!(AuthConfig::for_url("s", "https://example.com")?.secure);
        assert!(!format!("{config:?}").contains("\"s\""));
        Ok(())
    }

    #[test]
    fn blank_secrets_are_refused() -> Result<(), SecretError> {
        for blank in ["", " ", "\n\t"] {
            assert_eq!(AuthConfig::new(blank).err(), Some(SecretError::Blank { position: 0 }));
            assert_eq!(AuthConfig::for_url(blank, "http://localhost").err(), Some(SecretError::Blank { position: 0 }));
            let rotated = AuthConfig::new("current")?.with_secrets(["current".to_owned(), blank.to_owned()]);
            assert_eq!(rotated.err(), Some(SecretError::Blank { position: 1 }));
        }
        assert_eq!(AuthConfig::from_secrets(Vec::new()).err(), Some(SecretError::Missing));
        let config = AuthConfig::from_secrets(["new".to_owned(), "old".to_owned()])?;
        assert_eq!(config.secret(), "new");
        assert_eq!(config.secrets().collect::<Vec<_>>(), ["new", "old"]);
        Ok(())
    }
}
