//! Better Auth sessions in Rust: join a running Better Auth app (better-auth 1.7) as this crate joins an Auth.js
//! app. The Rust service reads the app's signed `better-auth.session_token` cookie, looks the session up with its
//! user, refreshes it by Better Auth's rules, signs it out, and creates sessions Better Auth's `get-session`
//! accepts; sign-in flows stay in Node.
//!
//! The rows are Better Auth's `session` and `user` tables, reached through a [`SessionStore`]: `authjs-sea-orm`'s
//! `better_auth` module implements it on SeaORM for the tables Better Auth's own migrations create and for those its
//! Drizzle CLI writes; implement it yourself on sqlx or diesel.
//!
//! # What the Rust side does
//!
//! [`BetterAuth`] (a store and the app's [`BetterAuthConfig`]) resolves a request's session as better-auth 1.7.25's
//! `get-session` does ([`BetterAuth::resolve`]):
//!
//! - it reads `better-auth.session_token` (`__Secure-better-auth.session_token` over HTTPS), a signed cookie
//!   ([`cookies`]): a cookie the current secret did not sign is no session, and nothing is sent back
//!   (`unknown_tokens_expire_the_cookies_bad_signatures_send_nothing`, `verification_table`);
//! - it looks the session up with its user in one store call; an expired session is deleted and its cookies expired
//!   (`expired_sessions_are_deleted_and_signed_out`);
//! - it refreshes a session whose last refresh is `update_age` old (same token, new `expiresAt`, cookie sent again),
//!   except a "remember me"-off session (`dont_remember`), never refreshed (`refresh_at_the_update_age_boundary`,
//!   `dont_remember_sessions_are_never_refreshed`);
//! - with the cookie cache on ([`CookieCache`]), it answers from Node's `session_data` cookie while it is valid, as
//!   Node does, without a store call: a session ended elsewhere stays valid here for up to the cache's `maxAge`
//!   (300 s by default), the same staleness as in Node. The Rust side never writes `session_data`: Node writes it;
//!   Rust reads it, and expires it on sign-out or when it is unusable (`cookie_cache_answers_without_the_store`);
//! - it signs users in (a sign-in done in Rust: [`BetterAuth::sign_in`] creates a session Better Auth's
//!   `get-session` accepts, with its cookie set as Better Auth sets it) and out ([`BetterAuth::sign_out`], and
//!   everywhere: [`BetterAuth::sign_out_everywhere`]) (`sign_in_creates_sessions_better_auth_accepts`,
//!   `sign_out_here_and_everywhere`).
//!
//! Cookies, signatures and cookie caches made by the real better-auth 1.7.25 (`tests/interop-better-auth/vectors.mjs`)
//! are read back, and the `Set-Cookie` headers the Rust side writes for them are Better Auth's byte for byte
//! (`node_vectors_verify`); the real server beside the Rust service is exercised by `tests/tests/better_auth.rs`.
//!
//! What it does not do: the sign-in flows themselves (e-mail and password, magic links, OAuth, passkeys: they stay
//! in Node unless you build one in Rust and call [`BetterAuth::sign_in`]), plugins' and `additionalFields`' columns,
//! secondary storage, `deferSessionRefresh`, and writing the cookie cache.
//!
//! Secrets ([`Secrets`]): `BETTER_AUTH_SECRETS`, else `BETTER_AUTH_SECRET`, else `AUTH_SECRET`, as Better Auth picks
//! them. The session cookies are signed and verified with the **current** secret only, as Better Auth does: rotating
//! the secret signs everyone out, on both sides. Only the `"jwe"` cookie cache is decrypted with any listed secret.
//!
//! With the `axum` feature, [`axum`] has the extractors ([`axum::CurrentSession`], [`axum::MaybeSession`]) and the
//! middleware sending the cookies a request's resolution decided:
//!
//! ```
//! # #[cfg(feature = "axum")] {
//! use authjs_core::better_auth::axum::{CurrentSession, refresh_session_cookies};
//! use authjs_core::better_auth::{BetterAuth, BetterAuthConfig, Secrets, SessionStore};
//! use axum::{Router, middleware, routing::get};
//!
//! async fn me(CurrentSession { user, .. }: CurrentSession) -> String {
//!     format!("signed in as {}", user.email)
//! }
//!
//! /// The app over any store (`authjs_sea_orm::better_auth::BetterAuthStore`, say).
//! fn app(store: impl SessionStore + 'static) -> Result<Router, Box<dyn std::error::Error>> {
//!     // BETTER_AUTH_SECRETS / BETTER_AUTH_SECRET / AUTH_SECRET, as the Node app reads them.
//!     let secrets = Secrets::from_env(|name| std::env::var(name).ok())?;
//!     let config = BetterAuthConfig::for_url(secrets, "http://localhost:3000");
//!     Ok(Router::new()
//!         .route("/me", get(me))
//!         .layer(middleware::from_fn(refresh_session_cookies))
//!         .with_state(BetterAuth::new(store, config)))
//! }
//! # }
//! ```

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::types::REDACTED;

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod cache;
pub mod cookies;
mod secret;
mod session;
#[cfg(test)]
mod tests;

pub use cache::{CacheStrategy, CookieCache, UnknownStrategy};
pub use secret::{DEFAULT_SECRET, Secrets, SecretsError};
pub use session::{BetterAuth, BetterAuthConfig, ClientInfo, CurrentSession, Resolution, generate_id};

/// A row of Better Auth's `user` table: its core fields (plugins' and `additionalFields` columns are not read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Id (32 characters of `[A-Za-z0-9]` when Better Auth made it).
    pub id: String,
    /// Display name (`""` when none was given).
    pub name: String,
    /// E-mail address, lower-cased by Better Auth.
    pub email: String,
    /// Whether the address was verified.
    pub email_verified: bool,
    /// Avatar URL.
    pub image: Option<String>,
    /// When the row was created.
    pub created_at: DateTime<Utc>,
    /// When the row was last updated.
    pub updated_at: DateTime<Utc>,
}

/// A row of Better Auth's `session` table. `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// Id (32 characters of `[A-Za-z0-9]` when Better Auth made it).
    pub id: String,
    /// The session token (unique; 32 characters of `[A-Za-z0-9]`), what the session cookie signs.
    pub token: String,
    /// Owner.
    pub user_id: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// When the session was created.
    pub created_at: DateTime<Utc>,
    /// When the session was last refreshed (or created).
    pub updated_at: DateTime<Utc>,
    /// The client's address as Better Auth recorded it (`""` when it had none).
    pub ip_address: Option<String>,
    /// The client's `User-Agent` (`""` when it sent none).
    pub user_agent: Option<String>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("token", &REDACTED)
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("ip_address", &self.ip_address)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// Where Better Auth's sessions and users are stored. Lookups by token and e-mail are exact (byte for byte, whatever
/// the column's collation); a write that returns a row returns the row it wrote.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// The session whose token is `token`, with its user, in one statement; expired sessions are returned too (the
    /// caller checks `expires_at`).
    async fn session_and_user(&self, token: &str) -> Result<Option<(Session, User)>>;

    /// Stores a new session (id and token made by the caller) and returns it as stored;
    /// [`Error::NotFound`](crate::Error::NotFound) if its user does not exist.
    async fn create_session(&self, session: Session) -> Result<Session>;

    /// Sets `expiresAt` and `updatedAt` of the session whose token is `token`; the session as written, or `None` if
    /// there is none.
    async fn extend_session(
        &self,
        token: &str,
        expires_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> Result<Option<Session>>;

    /// Deletes the session whose token is `token`; whether there was one (one caller wins a race).
    async fn delete_session(&self, token: &str) -> Result<bool>;

    /// Deletes every session of user `user_id` (sign out everywhere); how many there were.
    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64>;

    /// The user with id `id`.
    async fn get_user(&self, id: &str) -> Result<Option<User>>;

    /// The user whose e-mail address is `email` (exact match), for a sign-in done in Rust.
    async fn get_user_by_email(&self, email: &str) -> Result<Option<User>>;
}
