//! The [`Adapter`] trait: the Auth.js adapter contract in Rust.

use std::fmt::Debug;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::types::{
    AccountUpdate, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, NewUser, SessionUpdate,
    TokenDigest, UserUpdate, VerificationToken,
};

/// Every method of the Auth.js database adapter contract, in snake_case and in Auth.js's order, plus the extensions
/// users ask for (account token refresh, sign out everywhere, cleanup of expired rows).
///
/// Object safe: `Arc<dyn Adapter<Extra = (), NewExtra = ()>>` works. An absent record is `Ok(None)` or an empty list; only the `update_*`
/// methods whose Auth.js counterpart throws return [`Error::NotFound`](crate::Error::NotFound).
///
/// **Argument order.** Methods that take an account key take `provider` first, then `provider_account_id`: the
/// order of the `account` table's primary key. (Auth.js's `getAccount(providerAccountId, provider)` takes them the
/// other way round; with two `&str` that would be an easy mistake.)
///
/// **Exact keys.** A lookup or write by e-mail, token, account key or credential id matches only the row whose key
/// equals the argument byte for byte, whatever the column's collation (MySQL's case- and accent-insensitive defaults
/// included). Deletes that return the row are single-winner; a write that returns a row returns the row it wrote.
///
/// **Custom users tables.** [`Extra`](Adapter::Extra) is what user-returning methods return beside the Auth.js
/// fields and [`NewExtra`](Adapter::NewExtra) what [`create_user`](Adapter::create_user) takes beside them (see
/// `authjs-sea-orm`'s `schema` module); both are `()` on the default tables.
///
/// **Expiry.** Like every official adapter, reads return expired sessions and verification tokens; the caller checks
/// `expires` (Auth.js core deletes an expired session when it reads one).
///
/// **Token digests.** [`get_session_and_user_with_digest`](Adapter::get_session_and_user_with_digest),
/// [`update_session_with_digest`](Adapter::update_session_with_digest) and
/// [`delete_session_with_digest`](Adapter::delete_session_with_digest) take the token's [`TokenDigest`] beside it, for a
/// caller that computed it already (`CachedAdapter`, keyed on it): a store hashing its tokens reuses it instead of
/// hashing the token again. They default to the plain methods, which ignore the digest.
#[async_trait]
pub trait Adapter: Send + Sync {
    /// What a user carries beside the Auth.js fields, in [`AdapterUser::extra`](crate::AdapterUser::extra).
    type Extra: Clone + Debug + PartialEq + Send + Sync + 'static;
    /// What [`create_user`](Adapter::create_user) takes beside the Auth.js fields, in
    /// [`NewUser::extra`](crate::NewUser::extra); its `Default` is what sign-ups that know nothing of it pass.
    type NewExtra: Default + Send + 'static;

    /// Creates a user and returns it as stored. `user.id: None` generates a UUID v4.
    async fn create_user(&self, user: NewUser<Self::NewExtra>) -> Result<AdapterUser<Self::Extra>>;

    /// The user with id `id`.
    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser<Self::Extra>>>;

    /// The user with e-mail address `email` (exact match).
    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser<Self::Extra>>>;

    /// The user an account is linked to, in one statement.
    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser<Self::Extra>>>;

    /// Applies a partial update and returns the whole updated user; [`Error::NotFound`](crate::Error::NotFound) if
    /// the user does not exist.
    async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser<Self::Extra>>;

    /// Deletes a user with its accounts, sessions and authenticators; returns the deleted user.
    async fn delete_user(&self, id: &str) -> Result<Option<AdapterUser<Self::Extra>>>;

    /// Links an account to a user and returns it as stored.
    async fn link_account(&self, account: AdapterAccount) -> Result<AdapterAccount>;

    /// Unlinks an account; returns the removed account.
    async fn unlink_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterAccount>>;

    /// Creates a session and returns it as stored.
    async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession>;

    /// The session with this token and its user, in one statement. Expired sessions are returned too.
    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser<Self::Extra>)>>;

    /// Applies a partial update to a session; returns the updated session, `None` if there is none.
    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>>;

    /// Deletes a session; returns the deleted session.
    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>>;

    /// Stores a verification token and returns it.
    async fn create_verification_token(&self, token: VerificationToken) -> Result<VerificationToken>;

    /// Deletes and returns the token matching both `identifier` and `token`. Single-winner: under any number of
    /// concurrent callers exactly one gets it. Expired tokens are returned too.
    async fn use_verification_token(&self, identifier: &str, token: &str) -> Result<Option<VerificationToken>>;

    /// The account `(provider, provider_account_id)`.
    async fn get_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterAccount>>;

    /// The authenticator with this credential id.
    async fn get_authenticator(&self, credential_id: &str) -> Result<Option<AdapterAuthenticator>>;

    /// Stores an authenticator and returns it as stored.
    async fn create_authenticator(&self, authenticator: AdapterAuthenticator) -> Result<AdapterAuthenticator>;

    /// The authenticators of a user (empty if the user has none or does not exist).
    async fn list_authenticators_by_user_id(&self, user_id: &str) -> Result<Vec<AdapterAuthenticator>>;

    /// Sets an authenticator's signature counter and returns it;
    /// [`Error::NotFound`](crate::Error::NotFound) if there is no such authenticator.
    async fn update_authenticator_counter(&self, credential_id: &str, counter: i64) -> Result<AdapterAuthenticator>;

    /// Beyond Auth.js: applies a partial update to an account's OAuth tokens and returns the whole account;
    /// [`Error::NotFound`](crate::Error::NotFound) if the account does not exist.
    async fn update_account(&self, update: AccountUpdate) -> Result<AdapterAccount>;

    /// Beyond Auth.js: the sessions of a user, expired ones included.
    async fn list_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<AdapterSession>>;

    /// Beyond Auth.js: deletes every session of a user (sign out everywhere); returns how many went.
    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64>;

    /// Beyond Auth.js: deletes the sessions that expired before `now`; returns how many went.
    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64>;

    /// Beyond Auth.js: deletes the verification tokens that expired before `now`; returns how many went.
    async fn delete_expired_verification_tokens(&self, now: DateTime<Utc>) -> Result<u64>;

    /// [`get_session_and_user`](Adapter::get_session_and_user) for a caller holding `digest`, the
    /// [`TokenDigest::of`] `session_token` (for a handle, [`TokenDigest::of_handle`]). The answer is the plain
    /// method's, and a handle (a value starting with [`HASHED_TOKEN_MARK`](crate::HASHED_TOKEN_MARK)) still finds no
    /// session. By default the digest is ignored.
    async fn get_session_and_user_with_digest(
        &self,
        session_token: &str,
        digest: &TokenDigest,
    ) -> Result<Option<(AdapterSession, AdapterUser<Self::Extra>)>> {
        let _ = digest;
        self.get_session_and_user(session_token).await
    }

    /// [`update_session`](Adapter::update_session) for a caller holding `digest`, the digest of
    /// `update.session_token` (as [`get_session_and_user_with_digest`](Adapter::get_session_and_user_with_digest)).
    /// By default the digest is ignored.
    async fn update_session_with_digest(
        &self,
        update: SessionUpdate,
        digest: &TokenDigest,
    ) -> Result<Option<AdapterSession>> {
        let _ = digest;
        self.update_session(update).await
    }

    /// [`delete_session`](Adapter::delete_session) for a caller holding `digest`, the digest of `session_token` (as
    /// [`get_session_and_user_with_digest`](Adapter::get_session_and_user_with_digest)). By default the digest is
    /// ignored.
    async fn delete_session_with_digest(
        &self,
        session_token: &str,
        digest: &TokenDigest,
    ) -> Result<Option<AdapterSession>> {
        let _ = digest;
        self.delete_session(session_token).await
    }
}
