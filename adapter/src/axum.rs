//! Axum integration (cargo feature `axum`): session extractors, Auth.js-compatible session cookies, sign-in and
//! sign-out, magic links and OAuth accounts.
//!
//! [`Auth`] bundles an adapter with an [`AuthConfig`]; put it in your router state (or make it reachable with
//! `FromRef`). Handlers then take [`CurrentSession`] (rejects with 401 when signed out) or [`MaybeSession`]; each
//! resolves the session cookie with one `get_session_and_user` call and applies Auth.js's session rules: an expired
//! session is deleted and treated as signed out, and a session is extended to `max_age` at most once per
//! `update_age`. Add the [`refresh_session_cookie`] middleware so an extended session's cookie is extended too.
//!
//! The cookie is Auth.js's (`authjs.session-token`, or `__Secure-authjs.session-token` when secure), holding the
//! raw session token, so a Rust API beside a Next.js app using Auth.js with database sessions on the same database
//! accepts its users' cookies.
//!
//! ```no_run
//! use authjs_sea_orm::axum::{Auth, AuthConfig, CurrentSession, refresh_session_cookie};
//! use authjs_sea_orm::SeaOrmAdapter;
//! use axum::{Router, routing::get};
//!
//! async fn me(CurrentSession { user, .. }: CurrentSession) -> String {
//!     format!("signed in as {}", user.email.unwrap_or_default())
//! }
//!
//! # async fn run(db: sea_orm::DatabaseConnection) {
//! let auth = Auth::new(SeaOrmAdapter::new(db), AuthConfig::new("a long random secret"));
//! let app: Router = Router::new()
//!     .route("/me", get(me))
//!     .layer(axum::middleware::from_fn(refresh_session_cookie))
//!     .with_state(auth);
//! # }
//! ```

pub mod csrf;

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use ::axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts, Request};
use ::axum::http::request::Parts;
use ::axum::http::{StatusCode, header};
use ::axum::middleware::Next;
use ::axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Duration, Utc};
use oauth2::TokenResponse;
use sha2::{Digest, Sha256};

use crate::SeaOrmAdapter;
use crate::sea_orm_adapter::HASHED_TOKEN_MARK;
use crate::{
    AccountType, Adapter, AdapterAccount, AdapterSession, AdapterUser, Error, NewUser, Result, SessionUpdate,
    UserUpdate, VerificationToken,
};

/// The session cookie's name over plain HTTP, as Auth.js names it.
pub const SESSION_COOKIE: &str = "authjs.session-token";
/// The session cookie's name over HTTPS, as Auth.js names it.
pub const SECURE_SESSION_COOKIE: &str = "__Secure-authjs.session-token";

/// Session and magic-link settings, with Auth.js's defaults.
#[derive(Clone)]
pub struct AuthConfig {
    /// Secret mixed into hashed verification tokens (Auth.js's `AUTH_SECRET`, so both sides verify each other's
    /// links).
    pub secret: String,
    /// Whether cookies are `Secure` (HTTPS); `true` unless built by [`AuthConfig::for_url`] from an `http://` URL.
    /// Also picks the default cookie name.
    pub secure: bool,
    /// Session cookie name; `None` for Auth.js's (`authjs.session-token`, `__Secure-` prefixed when secure).
    pub cookie_name: Option<String>,
    /// Session lifetime (`session.maxAge`, 30 days).
    pub max_age: Duration,
    /// How often a session is extended (`session.updateAge`, 24 hours).
    pub update_age: Duration,
    /// Magic-link lifetime (the e-mail provider's `maxAge`, 24 hours).
    pub verification_max_age: Duration,
}

impl AuthConfig {
    /// Auth.js's defaults with `secret`, for an app served over HTTPS: cookies are `Secure` and the session cookie is
    /// `__Secure-authjs.session-token`. For an app reached over plain HTTP (development), use [`AuthConfig::for_url`].
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
            secure: true,
            cookie_name: None,
            max_age: Duration::days(30),
            update_age: Duration::hours(24),
            verification_max_age: Duration::hours(24),
        }
    }

    /// Auth.js's defaults with `secret`, for the app reached at `app_url` (Auth.js's `AUTH_URL`): cookies are
    /// `Secure` unless the URL is `http://`, as Auth.js decides.
    pub fn for_url(secret: impl Into<String>, app_url: &str) -> Self {
        let mut config = Self::new(secret);
        config.secure = !app_url.trim_start().to_ascii_lowercase().starts_with("http://");
        config
    }

    /// The session cookie's name.
    pub fn cookie_name(&self) -> &str {
        match (&self.cookie_name, self.secure) {
            (Some(name), _) => name,
            (None, true) => SECURE_SESSION_COOKIE,
            (None, false) => SESSION_COOKIE,
        }
    }
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("secret", &crate::types::REDACTED)
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
/// `A` is the adapter: [`SeaOrmAdapter`] on the default tables, `SeaOrmAdapter<YourTables>` on custom ones (the
/// extractors [`CurrentSession<A>`] and [`MaybeSession<A>`] name it too; an alias such as
/// `type AppAdapter = SeaOrmAdapter<AppTables>;` keeps handler signatures short).
pub struct Auth<A = SeaOrmAdapter> {
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

/// A signed-in request: the session and its user. `Debug` shows the user's Auth.js fields, not the extra columns of a
/// custom users table (which may hold a password hash or API keys).
pub struct CurrentSession<A: Adapter = SeaOrmAdapter> {
    /// The session (its `expires` already extended if this request extended it).
    pub session: AdapterSession,
    /// The session's user.
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
pub struct MaybeSession<A: Adapter = SeaOrmAdapter>(pub Option<CurrentSession<A>>);

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

    /// The session the cookies of `jar` belong to, applying Auth.js's session rules: an expired session is deleted
    /// and `None`; a session last extended more than `update_age` ago is extended to `now + max_age` (then
    /// `extended` is `true` and the cookie should be re-sent: see [`Auth::session_cookie`]).
    ///
    /// A cookie value that cannot be a session token (empty, over 512 bytes, control characters, a stored hash) is
    /// no session, without a query.
    pub async fn session(&self, jar: &CookieJar) -> Result<Option<(CurrentSession<A>, bool)>> {
        let Some(token) = self.session_token(jar) else {
            return Ok(None);
        };
        let Some((mut session, user)) = self.adapter.get_session_and_user(token).await? else {
            return Ok(None);
        };
        let now = Utc::now();
        if session.expires < now {
            self.adapter.delete_session(token).await?;
            return Ok(None);
        }
        let extended = session.expires - self.config.max_age + self.config.update_age <= now;
        if extended {
            let update = SessionUpdate::expires(token, now + self.config.max_age);
            match self.adapter.update_session(update).await? {
                Some(updated) => session = updated,
                None => return Ok(None),
            }
        }
        Ok(Some((CurrentSession { session, user }, extended)))
    }

    /// The session token of `jar`'s session cookie, if its value can be one.
    fn session_token<'a>(&self, jar: &'a CookieJar) -> Option<&'a str> {
        let token = jar.get(self.config.cookie_name())?.value();
        let plausible = !token.is_empty()
            && token.len() <= MAX_SESSION_TOKEN_LEN
            && !token.chars().any(char::is_control)
            && !token.starts_with(HASHED_TOKEN_MARK);
        plausible.then_some(token)
    }

    /// The cookie carrying `session`: HttpOnly, SameSite=Lax, path `/`, expiring with the session, Secure when
    /// configured.
    pub fn session_cookie(&self, session: &AdapterSession) -> Cookie<'static> {
        let expires = ::time::OffsetDateTime::from_unix_timestamp(session.expires.timestamp())
            .unwrap_or(::time::OffsetDateTime::UNIX_EPOCH);
        Cookie::build((self.config.cookie_name().to_owned(), session.session_token.clone()))
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.config.secure)
            .expires(expires)
            .build()
    }

    /// Signs `user_id` in: ends the session `jar` holds (another user's, say), creates a session of `max_age` with a
    /// random token and adds its cookie to `jar`.
    pub async fn sign_in(&self, jar: CookieJar, user_id: &str) -> Result<(CookieJar, AdapterSession)> {
        if let Some(old) = self.session_token(&jar) {
            self.adapter.delete_session(old).await?;
        }
        let session = self
            .adapter
            .create_session(AdapterSession {
                session_token: random_token(),
                user_id: user_id.to_owned(),
                expires: Utc::now() + self.config.max_age,
            })
            .await?;
        let jar = jar.add(self.session_cookie(&session));
        Ok((jar, session))
    }

    /// Signs out: deletes the session of `jar` and removes its cookie. Returns the deleted session, if any.
    pub async fn sign_out(&self, jar: CookieJar) -> Result<(CookieJar, Option<AdapterSession>)> {
        let deleted = match self.session_token(&jar) {
            Some(token) => self.adapter.delete_session(token).await?,
            None => None,
        };
        // Browsers ignore a removal of a `__Secure-` cookie that is not itself `Secure`.
        let removal = Cookie::build(self.config.cookie_name().to_owned())
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.config.secure);
        Ok((jar.remove(removal), deleted))
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
                token: hash_token(&token, &self.config.secret),
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
    pub async fn verify_magic_link(&self, email: &str, token: &str) -> Result<MagicLink<A::Extra>> {
        let Ok(identifier) = normalize_email(email) else {
            return Ok(MagicLink::Invalid);
        };
        let hashed = hash_token(token, &self.config.secret);
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
/// Beyond Auth.js, refuses addresses over 320 bytes and addresses holding control characters (NUL included) or
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
    Ok(address)
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

/// Where an extractor leaves a cookie for [`refresh_session_cookie`] to send.
#[derive(Clone, Default)]
struct CookieSlot(Arc<Mutex<Option<Cookie<'static>>>>);

/// Middleware that sends the cookie of a session the extractors extended during the request (sliding expiry),
/// unless the handler set that cookie itself (it signed in or out). Install it with
/// `axum::middleware::from_fn(refresh_session_cookie)`.
pub async fn refresh_session_cookie(mut request: Request, next: Next) -> Response {
    let slot = CookieSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let cookie = slot.0.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(cookie) = cookie {
        let prefix = format!("{}=", cookie.name());
        let handler_set_it = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.starts_with(&prefix)));
        if !handler_set_it && let Ok(value) = cookie.encoded().to_string().parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
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

async fn resolve<A: Adapter>(parts: &mut Parts, auth: &Auth<A>) -> Result<Option<CurrentSession<A>>> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some((current, extended)) = auth.session(&jar).await? else {
        return Ok(None);
    };
    if extended && let Some(slot) = parts.extensions.get::<CookieSlot>() {
        *slot.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(auth.session_cookie(&current.session));
    }
    Ok(Some(current))
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
        for bad in
            ["no-at-sign", "a@b@c", "@b", "a@", "a@,b", "\"a\"@b.c", "a\u{0}@b.c", "a\u{1}@b.c", "a@b\u{7f}.c", ""]
        {
            assert!(matches!(normalize_email(bad), Err(Error::InvalidInput(_))), "{bad:?}");
        }
        let local = "a".repeat(64);
        let longest = format!("{local}@{}", "b".repeat(MAX_EMAIL_LEN - 65));
        assert_eq!(ok(&longest).as_deref(), Some(longest.as_str()));
        assert!(normalize_email(&format!("{longest}b")).is_err());
        assert!(normalize_email(&"a".repeat(100_000)).is_err());
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
    fn cookie_names_follow_authjs() {
        let mut config = AuthConfig::new("s");
        assert!(config.secure, "secure by default");
        assert_eq!(config.cookie_name(), "__Secure-authjs.session-token");
        config.secure = false;
        assert_eq!(config.cookie_name(), "authjs.session-token");
        assert!(!AuthConfig::for_url("s", "http://localhost:3000").secure);
        assert!(AuthConfig::for_url("s", "https://example.com").secure);
        assert!(!format!("{config:?}").contains("\"s\""));
    }
}
