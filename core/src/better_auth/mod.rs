//! Better Auth sessions in Rust: join a running Better Auth app (better-auth 1.7) as this crate joins an Auth.js
//! app. The Rust service reads the app's signed `better-auth.session_token` cookie, looks the session up with its
//! user, refreshes it by Better Auth's rules, signs it out, and creates sessions Better Auth's `get-session`
//! accepts; sign-in flows stay in Node.
//!
//! The rows are Better Auth's `session` and `user` tables, reached through a [`SessionStore`]: `authjs-sea-orm`'s
//! `better_auth` module implements it on SeaORM for the tables Better Auth's own migrations create and for those its
//! Drizzle CLI writes; implement it yourself on sqlx or diesel.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::types::REDACTED;

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
