//! [`CachedAdapter`]: an in-process cache of [`get_session_and_user`](Adapter::get_session_and_user) around any
//! [`Adapter`] (feature `cache`).
//!
//! With database sessions every request that carries a session cookie reads the session and its user. The cache
//! answers repeated reads of one session from memory, for a bounded time, the way tower-sessions'
//! `CachingSessionStore` and Better Auth's cookie cache do:
//!
//! ```
//! use std::time::Duration;
//!
//! use authjs_core::Adapter;
//! use authjs_core::cache::CachedAdapter;
//!
//! fn cached<A: Adapter>(store: A) -> CachedAdapter<A> {
//!     CachedAdapter::builder(store)
//!         .time_to_live(Duration::from_secs(30)) // how stale a write made elsewhere can be seen here
//!         .max_capacity(100_000) // sessions kept in memory at most
//!         .build() // an `Adapter` too: use it wherever the uncached adapter went (`Auth::new`, Loco)
//! }
//! ```
//!
//! `authjs-sea-orm`'s crate docs run it on SQLite, from sign-in to sign-out.
//!
//! # What the cache guarantees
//!
//! * **This process's writes are seen at once.** Once one of these calls on the `CachedAdapter` (or a clone of it)
//!   returns, no read returns what it changed: [`update_session`](Adapter::update_session) and
//!   [`delete_session`](Adapter::delete_session) (by token, or by the handle that
//!   [`list_sessions_by_user_id`](Adapter::list_sessions_by_user_id) returns) drop that session;
//!   [`update_user`](Adapter::update_user), [`delete_user`](Adapter::delete_user) and
//!   [`delete_sessions_by_user_id`](Adapter::delete_sessions_by_user_id) (sign out everywhere) drop every session of
//!   the user; [`create_session`](Adapter::create_session) drops its token; and
//!   [`delete_expired_sessions`](Adapter::delete_expired_sessions) with a `now` in the future drops everything. This
//!   holds under concurrency: a read that started before such a write and finishes after it returns what it read, but
//!   does not put it in the cache (every write advances a generation counter, and a read stores its result only if
//!   the counter has not moved since the read began).
//! * **Writes made elsewhere are seen within the time-to-live.** A write by another process (a Next.js app signing a
//!   user out, another instance of this service, SQL run by hand) or by another adapter on the same database is not
//!   seen until the cached entry expires: at most [`time_to_live`](CachedAdapterBuilder::time_to_live) after the
//!   database read that filled it (30 seconds by default). That is the staleness bound to choose; call
//!   [`invalidate_user`](CachedAdapter::invalidate_user) or [`invalidate_all`](CachedAdapter::invalidate_all) when
//!   your application learns of such a write, and after writing the users table with SeaORM directly.
//! * **A cancelled write is not trusted.** If the caller stops waiting for one of those writes (its future dropped by
//!   a timeout, a `select!` or a client that went away) the statement may still land in the database, so the whole
//!   cache is dropped then.
//! * **Expired sessions are read from the database.** An entry whose session has expired (`expires` before now) is
//!   never answered from memory: the call goes to the database, which returns the expired session as the uncached
//!   adapter does (the caller then deletes it, as Auth.js does).
//! * **Memory is bounded**: at most [`max_capacity`](CachedAdapterBuilder::max_capacity) sessions (10,000 by
//!   default), the least used evicted first (moka's TinyLFU); each revocation of a user is remembered for one
//!   time-to-live, at most as many as `max_capacity` (beyond that the whole cache is dropped instead).
//! * **Only found sessions are cached.** An unknown token always goes to the database, so a session created by
//!   another process is seen at once.
//!
//! Nothing else is cached: every other method goes straight to the wrapped adapter.
//!
//! # Tokens
//!
//! Entries are keyed by the SHA-256 of the session token and hold neither the token nor its hash in the clear in
//! any output: `Debug` shows the settings and the number of entries only, and the cache logs nothing. A session read
//! from memory carries the token it was asked for. This works the same with
//! `authjs-sea-orm`'s `SeaOrmAdapter::with_hashed_session_tokens` (any store hashing its tokens): its handles
//! (`sha256:` and the hex SHA-256 of the token) name the same entry, so deleting a session by handle drops it.
//! Tokens starting with `sha256:` are never session tokens and are not cached.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use moka::sync::Cache;
use sha2::{Digest, Sha256};

use crate::adapter::Adapter;
use crate::error::{Error, Result};
use crate::types::HASHED_TOKEN_MARK;
use crate::types::{
    AccountUpdate, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, NewUser, SessionUpdate,
    UserUpdate, VerificationToken,
};

/// The default [`time_to_live`](CachedAdapterBuilder::time_to_live): 30 seconds.
pub const DEFAULT_TIME_TO_LIVE: Duration = Duration::from_secs(30);

/// The default [`max_capacity`](CachedAdapterBuilder::max_capacity): 10,000 sessions.
pub const DEFAULT_MAX_CAPACITY: u64 = 10_000;

/// The SHA-256 of a session token: the cache key.
type Key = [u8; 32];

/// An [`Adapter`] that answers [`get_session_and_user`](Adapter::get_session_and_user) from memory when it can and
/// passes everything else to the adapter it wraps. See the [module docs](self) for what it guarantees.
///
/// Built with [`CachedAdapter::builder`]. Clones share one cache (wrap the adapter once, then clone it into your
/// application state), so a write through any clone is seen by all of them.
pub struct CachedAdapter<A: Adapter> {
    inner: A,
    cache: Arc<SessionCache<A::Extra>>,
}

/// Settings of a [`CachedAdapter`], from [`CachedAdapter::builder`].
#[must_use = "call `build` to get the adapter"]
pub struct CachedAdapterBuilder<A> {
    inner: A,
    time_to_live: Duration,
    max_capacity: u64,
}

impl<A> fmt::Debug for CachedAdapterBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedAdapterBuilder")
            .field("time_to_live", &self.time_to_live)
            .field("max_capacity", &self.max_capacity)
            .finish_non_exhaustive()
    }
}

impl<A: Adapter> CachedAdapterBuilder<A> {
    /// How long a session read from the database is answered from memory ([`DEFAULT_TIME_TO_LIVE`] if not set):
    /// the bound on how stale a write made by another process can be seen here.
    pub fn time_to_live(mut self, time_to_live: Duration) -> Self {
        self.time_to_live = time_to_live;
        self
    }

    /// How many sessions are kept at most ([`DEFAULT_MAX_CAPACITY`] if not set); the least used go first.
    pub fn max_capacity(mut self, max_capacity: u64) -> Self {
        self.max_capacity = max_capacity;
        self
    }

    /// The adapter.
    pub fn build(self) -> CachedAdapter<A> {
        let CachedAdapterBuilder { inner, time_to_live, max_capacity } = self;
        let cache = SessionCache {
            sessions: Cache::builder().max_capacity(max_capacity).time_to_live(time_to_live).build(),
            // Outlives every entry read before the revocation (see `SessionCache::revoke_user`); bounded by hand.
            revoked_users: Cache::builder().time_to_live(time_to_live.saturating_add(Duration::from_secs(1))).build(),
            generation: AtomicU64::new(0),
            writes: Mutex::new(()),
            time_to_live,
            max_capacity,
        };
        CachedAdapter { inner, cache: Arc::new(cache) }
    }
}

impl<A: Adapter> CachedAdapter<A> {
    /// Settings for a cache around `inner`, with [`DEFAULT_TIME_TO_LIVE`] and [`DEFAULT_MAX_CAPACITY`].
    pub fn builder(inner: A) -> CachedAdapterBuilder<A> {
        CachedAdapterBuilder { inner, time_to_live: DEFAULT_TIME_TO_LIVE, max_capacity: DEFAULT_MAX_CAPACITY }
    }

    /// The wrapped adapter. Writes made through it directly bypass the cache, as another process's would.
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// The time-to-live entries were built with.
    pub fn time_to_live(&self) -> Duration {
        self.cache.time_to_live
    }

    /// The most sessions kept.
    pub fn max_capacity(&self) -> u64 {
        self.cache.max_capacity
    }

    /// How many sessions the cache holds, as of its last housekeeping (see
    /// [`run_pending_tasks`](Self::run_pending_tasks)).
    pub fn entry_count(&self) -> u64 {
        self.cache.sessions.entry_count()
    }

    /// Runs the cache's pending housekeeping now (evictions, expirations); moka otherwise runs it during later calls.
    /// For metrics and tests.
    pub fn run_pending_tasks(&self) {
        self.cache.sessions.run_pending_tasks();
        self.cache.revoked_users.run_pending_tasks();
    }

    /// Drops the cached session of `session_token` (a token, or a handle from
    /// [`list_sessions_by_user_id`](Adapter::list_sessions_by_user_id) of an adapter hashing tokens), for a write this
    /// process learned of another way.
    pub fn invalidate_session(&self, session_token: &str) {
        self.cache.invalidate_key(&token_key(session_token));
    }

    /// Drops every cached session of user `user_id` (the id as the adapter returns it), for a change to the user or
    /// their sessions made outside this adapter.
    pub fn invalidate_user(&self, user_id: &str) {
        self.cache.revoke_user(user_id);
    }

    /// Drops every cached session.
    pub fn invalidate_all(&self) {
        self.cache.flush();
    }
}

impl<A: Adapter + Clone> Clone for CachedAdapter<A> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone(), cache: Arc::clone(&self.cache) }
    }
}

impl<A: Adapter + fmt::Debug> fmt::Debug for CachedAdapter<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedAdapter")
            .field("inner", &self.inner)
            .field("time_to_live", &self.cache.time_to_live)
            .field("max_capacity", &self.cache.max_capacity)
            .field("entry_count", &self.cache.sessions.entry_count())
            .finish()
    }
}

/// A cached session and its user, without the token.
struct Entry<X> {
    user_id: String,
    expires: DateTime<Utc>,
    user: AdapterUser<X>,
    /// The [`SessionCache::generation`] when the database read that produced this entry began.
    read_generation: u64,
}

/// The state shared by the clones of a [`CachedAdapter`].
///
/// Invalidation protocol: every invalidation happens after the database write it follows has finished and, under
/// `writes`, advances `generation`; a read takes `generation` before it queries the database and stores its result,
/// under `writes`, only if `generation` has not moved. So a stored entry was either read after the last write that
/// concerns it, or stored before that write's invalidation (which then removes it, or marks its user revoked).
struct SessionCache<X> {
    sessions: Cache<Key, Arc<Entry<X>>>,
    /// User id → the generation of the user's last revocation: an entry of that user read at an earlier generation
    /// is stale. Kept one time-to-live (plus a second), longer than any entry it concerns.
    revoked_users: Cache<String, u64>,
    generation: AtomicU64,
    writes: Mutex<()>,
    time_to_live: Duration,
    max_capacity: u64,
}

impl<X: Clone + Send + Sync + 'static> SessionCache<X> {
    /// The session of `token` and its user, if cached, unexpired and not revoked.
    fn get(&self, key: &Key, token: &str) -> Option<(AdapterSession, AdapterUser<X>)> {
        let entry = self.sessions.get(key)?;
        if entry.expires <= Utc::now() {
            return None;
        }
        if self.revoked_users.get(entry.user_id.as_str()).is_some_and(|revoked| entry.read_generation < revoked) {
            return None;
        }
        let session =
            AdapterSession { session_token: token.to_owned(), user_id: entry.user_id.clone(), expires: entry.expires };
        Some((session, entry.user.clone()))
    }

    /// Where a read about to query the database starts.
    fn read_generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Stores what a read that began at `read_generation` found, unless a write was invalidated since.
    fn fill(&self, key: Key, entry: Entry<X>) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        if self.generation.load(Ordering::SeqCst) == entry.read_generation {
            self.sessions.insert(key, Arc::new(entry));
        }
    }

    /// Advances the generation; to be called holding `writes`.
    fn advance(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn invalidate_key(&self, key: &Key) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        self.advance();
        self.sessions.invalidate(key);
    }

    fn revoke_user(&self, user_id: &str) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        let generation = self.advance();
        if self.revoked_users.entry_count() >= self.max_capacity {
            // More revocations within one time-to-live than sessions kept: forget them all, and every session.
            self.sessions.invalidate_all();
            self.revoked_users.invalidate_all();
        } else {
            self.revoked_users.insert(user_id.to_owned(), generation);
        }
    }

    fn flush(&self) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        self.advance();
        self.sessions.invalidate_all();
        self.revoked_users.invalidate_all();
    }
}

/// Flushes the whole cache when dropped before [`done`](Self::done): the caller stopped waiting for a write (its future
/// was dropped: a client gone, a timeout, a `select!`) after the statement may have reached the database, where it
/// can still land. What it changed is unknown, so nothing cached is kept.
struct FlushUnlessDone<'a, X: Clone + Send + Sync + 'static> {
    cache: &'a SessionCache<X>,
    done: bool,
}

impl<X: Clone + Send + Sync + 'static> FlushUnlessDone<'_, X> {
    /// The write returned: its own invalidation follows, with no `.await` in between.
    fn done(mut self) {
        self.done = true;
    }
}

impl<X: Clone + Send + Sync + 'static> Drop for FlushUnlessDone<'_, X> {
    fn drop(&mut self) {
        if !self.done {
            self.cache.flush();
        }
    }
}

impl<X: Clone + Send + Sync + 'static> SessionCache<X> {
    /// A guard to hold across a write's `.await`s (see [`FlushUnlessDone`]).
    fn write_guard(&self) -> FlushUnlessDone<'_, X> {
        FlushUnlessDone { cache: self, done: false }
    }
}

/// The cache key of a session token or of a stored handle (`sha256:` and the hex SHA-256 of the token).
fn token_key(token: &str) -> Key {
    let mut key = Key::default();
    match token.strip_prefix(HASHED_TOKEN_MARK) {
        Some(hex_digest) if hex::decode_to_slice(hex_digest, &mut key).is_ok() => key,
        _ => Sha256::digest(token.as_bytes()).into(),
    }
}

#[async_trait]
impl<A: Adapter> Adapter for CachedAdapter<A> {
    type Extra = A::Extra;
    type NewExtra = A::NewExtra;

    async fn create_user(&self, user: NewUser<A::NewExtra>) -> Result<AdapterUser<A::Extra>> {
        self.inner.create_user(user).await
    }

    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser<A::Extra>>> {
        self.inner.get_user(id).await
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser<A::Extra>>> {
        self.inner.get_user_by_email(email).await
    }

    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser<A::Extra>>> {
        self.inner.get_user_by_account(provider, provider_account_id).await
    }

    async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser<A::Extra>> {
        let id = update.id.clone();
        let guard = self.cache.write_guard();
        let result = self.inner.update_user(update).await;
        guard.done();
        match &result {
            Ok(user) => {
                self.cache.revoke_user(&user.id);
                if user.id != id {
                    self.cache.revoke_user(&id);
                }
            }
            // Nothing was written.
            Err(Error::NotFound(_) | Error::Conflict(_) | Error::InvalidInput(_)) => {}
            // The write may have happened, under an id spelled differently from `id`.
            Err(_) => self.cache.flush(),
        }
        result
    }

    async fn delete_user(&self, id: &str) -> Result<Option<AdapterUser<A::Extra>>> {
        let guard = self.cache.write_guard();
        let result = self.inner.delete_user(id).await;
        guard.done();
        match &result {
            Ok(deleted) => {
                self.cache.revoke_user(id);
                if let Some(user) = deleted.as_ref().filter(|user| user.id != id) {
                    self.cache.revoke_user(&user.id);
                }
            }
            Err(_) => self.cache.flush(),
        }
        result
    }

    async fn link_account(&self, account: AdapterAccount) -> Result<AdapterAccount> {
        self.inner.link_account(account).await
    }

    async fn unlink_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterAccount>> {
        self.inner.unlink_account(provider, provider_account_id).await
    }

    async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession> {
        let key = token_key(&session.session_token);
        let guard = self.cache.write_guard();
        let result = self.inner.create_session(session).await;
        guard.done();
        self.cache.invalidate_key(&key);
        result
    }

    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser<A::Extra>)>> {
        if session_token.starts_with(HASHED_TOKEN_MARK) {
            return self.inner.get_session_and_user(session_token).await;
        }
        let key = token_key(session_token);
        if let Some(found) = self.cache.get(&key, session_token) {
            return Ok(Some(found));
        }
        let read_generation = self.cache.read_generation();
        let found = self.inner.get_session_and_user(session_token).await?;
        if let Some((session, user)) = &found
            && session.session_token == session_token
            && session.user_id == user.id
            && session.expires > Utc::now()
        {
            let entry = Entry {
                user_id: session.user_id.clone(),
                expires: session.expires,
                user: user.clone(),
                read_generation,
            };
            self.cache.fill(key, entry);
        }
        Ok(found)
    }

    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>> {
        let key = token_key(&update.session_token);
        let guard = self.cache.write_guard();
        let result = self.inner.update_session(update).await;
        guard.done();
        self.cache.invalidate_key(&key);
        result
    }

    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>> {
        let guard = self.cache.write_guard();
        let result = self.inner.delete_session(session_token).await;
        guard.done();
        self.cache.invalidate_key(&token_key(session_token));
        result
    }

    async fn create_verification_token(&self, token: VerificationToken) -> Result<VerificationToken> {
        self.inner.create_verification_token(token).await
    }

    async fn use_verification_token(&self, identifier: &str, token: &str) -> Result<Option<VerificationToken>> {
        self.inner.use_verification_token(identifier, token).await
    }

    async fn get_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterAccount>> {
        self.inner.get_account(provider, provider_account_id).await
    }

    async fn get_authenticator(&self, credential_id: &str) -> Result<Option<AdapterAuthenticator>> {
        self.inner.get_authenticator(credential_id).await
    }

    async fn create_authenticator(&self, authenticator: AdapterAuthenticator) -> Result<AdapterAuthenticator> {
        self.inner.create_authenticator(authenticator).await
    }

    async fn list_authenticators_by_user_id(&self, user_id: &str) -> Result<Vec<AdapterAuthenticator>> {
        self.inner.list_authenticators_by_user_id(user_id).await
    }

    async fn update_authenticator_counter(&self, credential_id: &str, counter: i64) -> Result<AdapterAuthenticator> {
        self.inner.update_authenticator_counter(credential_id, counter).await
    }

    async fn update_account(&self, update: AccountUpdate) -> Result<AdapterAccount> {
        self.inner.update_account(update).await
    }

    async fn list_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<AdapterSession>> {
        self.inner.list_sessions_by_user_id(user_id).await
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64> {
        let guard = self.cache.write_guard();
        let result = self.inner.delete_sessions_by_user_id(user_id).await;
        self.cache.revoke_user(user_id);
        match &result {
            Ok(0) => {}
            // Sessions went: drop them under the id the adapter spells them with too, if `user_id` is spelled
            // otherwise ("042" for 42, an upper-case uuid).
            Ok(_) => match self.inner.get_user(user_id).await {
                Ok(Some(user)) if user.id != user_id => self.cache.revoke_user(&user.id),
                Ok(_) => {}
                Err(_) => self.cache.flush(),
            },
            Err(_) => self.cache.flush(),
        }
        guard.done();
        result
    }

    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let guard = self.cache.write_guard();
        let result = self.inner.delete_expired_sessions(now).await;
        guard.done();
        // Sessions that expired before the current time are never answered from memory; a `now` in the future also
        // deleted sessions that have not expired yet.
        if now > Utc::now() && !matches!(result, Ok(0)) {
            self.cache.flush();
        }
        result
    }

    async fn delete_expired_verification_tokens(&self, now: DateTime<Utc>) -> Result<u64> {
        self.inner.delete_expired_verification_tokens(now).await
    }
}
