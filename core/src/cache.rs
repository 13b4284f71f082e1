//! [`CachedAdapter`]: an in-process cache of [`get_session_and_user`](Adapter::get_session_and_user) and
//! [`get_user`](Adapter::get_user) around any [`Adapter`] (feature `cache`).
//!
//! With database sessions every request that carries a session cookie reads the session and its user; with JWT
//! sessions every request reads the user (`get_user`). The cache answers repeated reads of one session, and of one
//! user, from memory, for a bounded time, the way tower-sessions' `CachingSessionStore` and Better Auth's cookie
//! cache do:
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
//!         .max_capacity(100_000) // sessions (and, apart, users) kept in memory at most
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
//!   [`delete_sessions_by_user_id`](Adapter::delete_sessions_by_user_id) (sign out everywhere) drop the user and
//!   every session of the user; [`create_session`](Adapter::create_session) drops its token; and
//!   [`delete_expired_sessions`](Adapter::delete_expired_sessions) with a `now` in the future drops everything. This
//!   holds under concurrency: a read that started before such a write and finishes after it returns what it read, but
//!   does not put it in the cache (every write advances a generation counter, and a read stores its result only if
//!   the counter has not moved since the read began).
//! * **Writes made elsewhere are seen within the time-to-live,** or at once with an invalidation feed (below). A
//!   write by another process (a Next.js app signing a user out, another instance of this service, SQL run by hand)
//!   or by another adapter on the same database is not seen until the cached entry expires: at most
//!   [`time_to_live`](CachedAdapterBuilder::time_to_live) after the database read that filled it (30 seconds by
//!   default). That is the staleness bound to choose; call [`invalidate_user`](CachedAdapter::invalidate_user) or
//!   [`invalidate_all`](CachedAdapter::invalidate_all) when your application learns of such a write, and after
//!   writing the users table with SeaORM directly.
//! * **A cancelled write is not trusted.** If the caller stops waiting for one of those writes (its future dropped by
//!   a timeout, a `select!` or a client that went away) the statement may still land in the database, so the whole
//!   cache is dropped then.
//! * **Expired sessions are read from the database.** An entry whose session has expired (`expires` before now) is
//!   never answered from memory: the call goes to the database, which returns the expired session as the uncached
//!   adapter does (the caller then deletes it, as Auth.js does).
//! * **Memory is bounded**: at most [`max_capacity`](CachedAdapterBuilder::max_capacity) sessions and as many users
//!   (10,000 by default), the least used evicted first (moka's TinyLFU); each revocation of a user is remembered for
//!   one time-to-live, at most as many as `max_capacity` (beyond that the whole cache is dropped instead).
//! * **Only found sessions and users are cached.** An unknown token or user id always goes to the database, so a
//!   session or user created by another process is seen at once. A user is cached under the id the adapter returns
//!   for it (`get_user("042")` of the integer id 42 is not cached).
//!
//! Nothing else is cached: every other method goes straight to the wrapped adapter. [`stats`](CachedAdapter::stats)
//! counts the reads answered from memory and those that went to the adapter.
//!
//! # Invalidation from other processes
//!
//! A feed of the writes made elsewhere (on PostgreSQL, `authjs-sea-orm`'s `cache::CacheListener`: triggers on the
//! session and user tables `NOTIFY` every listening process of each `UPDATE` and `DELETE`) removes the time-to-live
//! bound. It drives the cache through a [`CacheInvalidator`] ([`CachedAdapter::invalidator`]): it drops the entries
//! of a session (by [`TokenDigest`]), of a user, or all of them, and it says whether it is listening
//! ([`Invalidation`]). While a feed is set up and not listening (not connected yet, or its connection dropped) the
//! cache is a pass-through: nothing is served from memory and nothing is stored, so no write it may have missed can
//! be served; when it is listening again, caching resumes from an empty cache. A read that began before either change
//! does not store what it read.
//!
//! # Tokens
//!
//! Entries are keyed by the SHA-256 of the session token ([`TokenDigest`]) and hold neither the token nor its hash
//! in the clear in any output: `Debug` shows the settings and the number of entries only, and the cache logs nothing.
//! A session read from memory carries the token it was asked for. The digest is computed once per call and handed to
//! the store with the token (the `*_with_digest` methods of [`Adapter`]), so a store hashing its tokens
//! (`authjs-sea-orm`'s `SeaOrmAdapter::with_hashed_session_tokens`) does not hash it again. Its handles (`sha256:`
//! and the hex SHA-256 of the token) name the same entry, so deleting a session by handle drops it. Tokens starting
//! with `sha256:` are never session tokens and are not cached.

use std::fmt;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use moka::sync::Cache;

use crate::adapter::Adapter;
use crate::error::{Error, Result};
use crate::types::{
    AccountUpdate, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, HASHED_TOKEN_MARK, NewUser,
    SessionUpdate, TokenDigest, UserUpdate, VerificationToken,
};

/// The default [`time_to_live`](CachedAdapterBuilder::time_to_live): 30 seconds.
pub const DEFAULT_TIME_TO_LIVE: Duration = Duration::from_secs(30);

/// The default [`max_capacity`](CachedAdapterBuilder::max_capacity): 10,000 sessions (and as many users).
pub const DEFAULT_MAX_CAPACITY: u64 = 10_000;

/// An [`Adapter`] that answers [`get_session_and_user`](Adapter::get_session_and_user) and
/// [`get_user`](Adapter::get_user) from memory when it can and passes everything else to the adapter it wraps. See
/// the [module docs](self) for what it guarantees.
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
    /// How long a session or user read from the database is answered from memory ([`DEFAULT_TIME_TO_LIVE`] if not
    /// set): the bound on how stale a write made by another process can be seen here, when no invalidation feed
    /// listens (see the [module docs](self)).
    pub fn time_to_live(mut self, time_to_live: Duration) -> Self {
        self.time_to_live = time_to_live;
        self
    }

    /// How many sessions are kept at most, and how many users apart ([`DEFAULT_MAX_CAPACITY`] if not set); the
    /// least used go first.
    pub fn max_capacity(mut self, max_capacity: u64) -> Self {
        self.max_capacity = max_capacity;
        self
    }

    /// The adapter.
    pub fn build(self) -> CachedAdapter<A> {
        let CachedAdapterBuilder { inner, time_to_live, max_capacity } = self;
        let cache = SessionCache {
            sessions: Cache::builder().max_capacity(max_capacity).time_to_live(time_to_live).build(),
            users: Cache::builder().max_capacity(max_capacity).time_to_live(time_to_live).build(),
            // Outlives every entry read before the revocation (see `SessionCache::revoke_user`); bounded by hand.
            revoked_users: Cache::builder().time_to_live(time_to_live.saturating_add(Duration::from_secs(1))).build(),
            generation: AtomicU64::new(0),
            feed: AtomicU8::new(FEED_NONE),
            writes: Mutex::new(()),
            counters: Counters::default(),
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

    /// The most sessions kept (and the most users).
    pub fn max_capacity(&self) -> u64 {
        self.cache.max_capacity
    }

    /// How many sessions the cache holds, as of its last housekeeping (see
    /// [`run_pending_tasks`](Self::run_pending_tasks)).
    pub fn entry_count(&self) -> u64 {
        self.cache.sessions.entry_count()
    }

    /// How many users the cache holds (from [`get_user`](Adapter::get_user)), as of its last housekeeping.
    pub fn user_entry_count(&self) -> u64 {
        self.cache.users.entry_count()
    }

    /// How many reads were answered from memory and how many went to the wrapped adapter, since the cache was built
    /// (all clones together).
    pub fn stats(&self) -> CacheStats {
        self.cache.counters.snapshot()
    }

    /// Runs the cache's pending housekeeping now (evictions, expirations); moka otherwise runs it during later calls.
    /// For metrics and tests.
    pub fn run_pending_tasks(&self) {
        self.cache.sessions.run_pending_tasks();
        self.cache.users.run_pending_tasks();
        self.cache.revoked_users.run_pending_tasks();
    }

    /// Drops the cached session of `session_token` (a token, or a handle from
    /// [`list_sessions_by_user_id`](Adapter::list_sessions_by_user_id) of an adapter hashing tokens), for a write this
    /// process learned of another way.
    pub fn invalidate_session(&self, session_token: &str) {
        self.cache.invalidate_key(&token_key(session_token));
    }

    /// Drops user `user_id` (the id as the adapter returns it) and every cached session of theirs, for a change to the
    /// user or their sessions made outside this adapter.
    pub fn invalidate_user(&self, user_id: &str) {
        self.cache.revoke_user(user_id);
    }

    /// Drops every cached session and user.
    pub fn invalidate_all(&self) {
        self.cache.flush();
    }

    /// A handle for a feed of the writes made elsewhere (see the [module docs](self#invalidation-from-other-processes)):
    /// it drops entries and says whether the feed is listening. Cheap to clone; not generic, so a listener need not
    /// know the adapter.
    pub fn invalidator(&self) -> CacheInvalidator {
        CacheInvalidator { cache: Arc::clone(&self.cache) as Arc<dyn Invalidate> }
    }

    /// How writes made elsewhere reach this cache now.
    pub fn invalidation(&self) -> Invalidation {
        self.cache.invalidation()
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
            .field("invalidation", &self.cache.invalidation())
            .field("entry_count", &self.cache.sessions.entry_count())
            .field("user_entry_count", &self.cache.users.entry_count())
            .finish()
    }
}

/// How writes made by other processes reach a [`CachedAdapter`] (see the
/// [module docs](self#invalidation-from-other-processes)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Invalidation {
    /// No feed was set up: entries are answered until their time-to-live ends (the default).
    TimeToLive,
    /// A feed is listening: the writes it reports drop their entries; the time-to-live still bounds every entry.
    Listening,
    /// A feed was set up and is not listening (not connected yet, or its connection dropped): nothing is served from
    /// memory or stored until it listens again.
    NotListening,
}

/// Reads answered from memory ("hits") and reads that went to the wrapped adapter ("misses": not cached, expired,
/// revoked, or while a feed is not listening), from [`CachedAdapter::stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// `get_session_and_user` calls answered from memory.
    pub session_hits: u64,
    /// `get_session_and_user` calls passed to the wrapped adapter.
    pub session_misses: u64,
    /// `get_user` calls answered from memory.
    pub user_hits: u64,
    /// `get_user` calls passed to the wrapped adapter.
    pub user_misses: u64,
}

/// A handle on a [`CachedAdapter`]'s entries for a feed of the writes other processes make (a listener): from
/// [`CachedAdapter::invalidator`]. Clones drive the same cache.
///
/// A feed calls [`set_listening(false)`](Self::set_listening) before it starts (nothing is cached until it listens),
/// `set_listening(true)` once it receives every later write, the `invalidate_*` methods for each write, and
/// `set_listening(false)` as soon as it may have missed one (its connection dropped). One feed per cache.
#[derive(Clone)]
pub struct CacheInvalidator {
    cache: Arc<dyn Invalidate>,
}

impl CacheInvalidator {
    /// Drops the session whose token has this digest (a write to it was made elsewhere).
    pub fn invalidate_session_digest(&self, digest: &TokenDigest) {
        self.cache.session(digest);
    }

    /// Drops user `user_id` (the id as the adapter returns it) and every cached session of theirs.
    pub fn invalidate_user(&self, user_id: &str) {
        self.cache.user(user_id);
    }

    /// Drops every cached session and user.
    pub fn invalidate_all(&self) {
        self.cache.all();
    }

    /// Whether the feed receives every write from now on. Either way the cache is emptied; while `false` nothing is
    /// served from memory or stored ([`Invalidation::NotListening`]), and once `true` caching resumes
    /// ([`Invalidation::Listening`]).
    pub fn set_listening(&self, listening: bool) {
        self.cache.set_listening(listening);
    }

    /// How writes made elsewhere reach the cache now.
    pub fn invalidation(&self) -> Invalidation {
        self.cache.invalidation()
    }
}

impl fmt::Debug for CacheInvalidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheInvalidator").field("invalidation", &self.cache.invalidation()).finish()
    }
}

/// What a [`CacheInvalidator`] does to the cache it holds, whatever its users' extra part.
trait Invalidate: Send + Sync {
    fn session(&self, digest: &TokenDigest);
    fn user(&self, user_id: &str);
    fn all(&self);
    fn set_listening(&self, listening: bool);
    fn invalidation(&self) -> Invalidation;
}

impl<X: Clone + Send + Sync + 'static> Invalidate for SessionCache<X> {
    fn session(&self, digest: &TokenDigest) {
        self.invalidate_key(digest);
    }

    fn user(&self, user_id: &str) {
        self.revoke_user(user_id);
    }

    fn all(&self) {
        self.flush();
    }

    fn set_listening(&self, listening: bool) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        self.feed.store(if listening { FEED_LISTENING } else { FEED_NOT_LISTENING }, Ordering::SeqCst);
        self.clear();
    }

    fn invalidation(&self) -> Invalidation {
        SessionCache::invalidation(self)
    }
}

/// [`SessionCache::feed`]: no feed, a feed listening, a feed not listening.
const FEED_NONE: u8 = 0;
const FEED_LISTENING: u8 = 1;
const FEED_NOT_LISTENING: u8 = 2;

/// A cached session and its user, without the token.
struct Entry<X> {
    user_id: String,
    expires: DateTime<Utc>,
    user: AdapterUser<X>,
    /// The [`SessionCache::generation`] when the database read that produced this entry began.
    read_generation: u64,
}

/// A cached user.
struct UserEntry<X> {
    user: AdapterUser<X>,
    /// As [`Entry::read_generation`].
    read_generation: u64,
}

#[derive(Default)]
struct Counters {
    session_hits: AtomicU64,
    session_misses: AtomicU64,
    user_hits: AtomicU64,
    user_misses: AtomicU64,
}

impl Counters {
    fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> CacheStats {
        CacheStats {
            session_hits: self.session_hits.load(Ordering::Relaxed),
            session_misses: self.session_misses.load(Ordering::Relaxed),
            user_hits: self.user_hits.load(Ordering::Relaxed),
            user_misses: self.user_misses.load(Ordering::Relaxed),
        }
    }
}

/// The state shared by the clones of a [`CachedAdapter`] (and its [`CacheInvalidator`]s).
///
/// Invalidation protocol: every invalidation happens after the database write it follows has finished (or, from a
/// feed, after the write committed) and, under `writes`, advances `generation`; a read takes `generation` before it
/// queries the database and stores its result, under `writes`, only if `generation` has not moved and the cache is
/// serving (`feed` is not "not listening"). So a stored entry was either read after the last write that concerns
/// it, or stored before that write's invalidation (which then removes it, or marks its user revoked). A change of
/// `feed` advances `generation` too, so a read that began before the feed stopped or resumed listening stores nothing.
struct SessionCache<X> {
    sessions: Cache<TokenDigest, Arc<Entry<X>>>,
    users: Cache<String, Arc<UserEntry<X>>>,
    /// User id → the generation of the user's last revocation: a session entry of that user read at an earlier
    /// generation is stale. Kept one time-to-live (plus a second), longer than any entry it concerns.
    revoked_users: Cache<String, u64>,
    generation: AtomicU64,
    /// `FEED_NONE`, `FEED_LISTENING` or `FEED_NOT_LISTENING`; written under `writes`.
    feed: AtomicU8,
    writes: Mutex<()>,
    counters: Counters,
    time_to_live: Duration,
    max_capacity: u64,
}

impl<X: Clone + Send + Sync + 'static> SessionCache<X> {
    fn invalidation(&self) -> Invalidation {
        match self.feed.load(Ordering::SeqCst) {
            FEED_NONE => Invalidation::TimeToLive,
            FEED_LISTENING => Invalidation::Listening,
            _ => Invalidation::NotListening,
        }
    }

    /// Whether entries may be answered and stored (no feed, or a feed listening).
    fn serving(&self) -> bool {
        self.feed.load(Ordering::SeqCst) != FEED_NOT_LISTENING
    }

    /// The session of `token` and its user, if cached, unexpired and not revoked.
    fn get(&self, key: &TokenDigest, token: &str) -> Option<(AdapterSession, AdapterUser<X>)> {
        if !self.serving() {
            return None;
        }
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

    /// User `id`, if cached.
    fn get_user(&self, id: &str) -> Option<AdapterUser<X>> {
        if !self.serving() {
            return None;
        }
        self.users.get(id).map(|entry| entry.user.clone())
    }

    /// Where a read about to query the database starts.
    fn read_generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether what a read that began at `read_generation` found may be stored now; to be called holding `writes`.
    fn may_store(&self, read_generation: u64) -> bool {
        self.serving() && self.generation.load(Ordering::SeqCst) == read_generation
    }

    /// Stores what a read that began at `read_generation` found, unless a write was invalidated since.
    fn fill(&self, key: TokenDigest, entry: Entry<X>) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        if self.may_store(entry.read_generation) {
            self.sessions.insert(key, Arc::new(entry));
        }
    }

    /// As [`fill`](Self::fill), for a user.
    fn fill_user(&self, entry: UserEntry<X>) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        if self.may_store(entry.read_generation) {
            self.users.insert(entry.user.id.clone(), Arc::new(entry));
        }
    }

    /// Advances the generation; to be called holding `writes`.
    fn advance(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn invalidate_key(&self, key: &TokenDigest) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        self.advance();
        self.sessions.invalidate(key);
    }

    fn revoke_user(&self, user_id: &str) {
        let _writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        let generation = self.advance();
        self.users.invalidate(user_id);
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
        self.clear();
    }

    /// Drops everything; to be called holding `writes`.
    fn clear(&self) {
        self.advance();
        self.sessions.invalidate_all();
        self.users.invalidate_all();
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
fn token_key(token: &str) -> TokenDigest {
    TokenDigest::of_handle(token).unwrap_or_else(|| TokenDigest::of(token))
}

impl<A: Adapter> CachedAdapter<A> {
    /// `get_session_and_user` of a token (not a handle) whose digest is `key`.
    async fn session_and_user(
        &self,
        session_token: &str,
        key: &TokenDigest,
    ) -> Result<Option<(AdapterSession, AdapterUser<A::Extra>)>> {
        if let Some(found) = self.cache.get(key, session_token) {
            Counters::count(&self.cache.counters.session_hits);
            return Ok(Some(found));
        }
        Counters::count(&self.cache.counters.session_misses);
        let read_generation = self.cache.read_generation();
        let found = self.inner.get_session_and_user_with_digest(session_token, key).await?;
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
            self.cache.fill(*key, entry);
        }
        Ok(found)
    }

    /// `update_session`, the token's digest being `key`.
    async fn update_session_keyed(&self, update: SessionUpdate, key: &TokenDigest) -> Result<Option<AdapterSession>> {
        let guard = self.cache.write_guard();
        let result = if update.session_token.starts_with(HASHED_TOKEN_MARK) {
            self.inner.update_session(update).await
        } else {
            self.inner.update_session_with_digest(update, key).await
        };
        guard.done();
        self.cache.invalidate_key(key);
        result
    }

    /// `delete_session`, the token's (or handle's) digest being `key`.
    async fn delete_session_keyed(&self, session_token: &str, key: &TokenDigest) -> Result<Option<AdapterSession>> {
        let guard = self.cache.write_guard();
        let result = if session_token.starts_with(HASHED_TOKEN_MARK) {
            self.inner.delete_session(session_token).await
        } else {
            self.inner.delete_session_with_digest(session_token, key).await
        };
        guard.done();
        self.cache.invalidate_key(key);
        result
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
        if let Some(user) = self.cache.get_user(id) {
            Counters::count(&self.cache.counters.user_hits);
            return Ok(Some(user));
        }
        Counters::count(&self.cache.counters.user_misses);
        let read_generation = self.cache.read_generation();
        let found = self.inner.get_user(id).await?;
        if let Some(user) = found.as_ref().filter(|user| user.id == id) {
            self.cache.fill_user(UserEntry { user: user.clone(), read_generation });
        }
        Ok(found)
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
            Counters::count(&self.cache.counters.session_misses);
            return self.inner.get_session_and_user(session_token).await;
        }
        self.session_and_user(session_token, &TokenDigest::of(session_token)).await
    }

    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>> {
        let key = token_key(&update.session_token);
        self.update_session_keyed(update, &key).await
    }

    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>> {
        self.delete_session_keyed(session_token, &token_key(session_token)).await
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

    async fn get_session_and_user_with_digest(
        &self,
        session_token: &str,
        digest: &TokenDigest,
    ) -> Result<Option<(AdapterSession, AdapterUser<A::Extra>)>> {
        if session_token.starts_with(HASHED_TOKEN_MARK) {
            Counters::count(&self.cache.counters.session_misses);
            return self.inner.get_session_and_user(session_token).await;
        }
        self.session_and_user(session_token, digest).await
    }

    async fn update_session_with_digest(
        &self,
        update: SessionUpdate,
        digest: &TokenDigest,
    ) -> Result<Option<AdapterSession>> {
        self.update_session_keyed(update, digest).await
    }

    async fn delete_session_with_digest(
        &self,
        session_token: &str,
        digest: &TokenDigest,
    ) -> Result<Option<AdapterSession>> {
        self.delete_session_keyed(session_token, digest).await
    }
}

#[cfg(test)]
mod tests {
    //! Database-free checks with an in-memory store that records what it is asked: the digest is computed once per
    //! call and handed to the store, and an invalidation feed drives the cache. The behaviour on real databases is
    //! `tests/tests/cache.rs` and `tests/tests/cache_notify.rs`.
    #![allow(clippy::unwrap_used)]

    use std::collections::HashMap;
    use std::sync::atomic::AtomicBool;

    use super::*;

    /// What the store was asked: a method name and the digest it was given, if any.
    type Call = (&'static str, Option<TokenDigest>);

    /// Sessions and users in memory; every call recorded. Methods the tests do not use answer `InvalidInput`.
    #[derive(Clone, Default)]
    struct MemoryStore {
        sessions: Arc<Mutex<HashMap<String, AdapterSession>>>,
        users: Arc<Mutex<HashMap<String, AdapterUser>>>,
        calls: Arc<Mutex<Vec<Call>>>,
        /// While set, `get_session_and_user*` and `get_user` wait (after reading) until it is cleared.
        hold: Arc<AtomicBool>,
        /// Set by a held read once it has read.
        held: Arc<AtomicBool>,
    }

    impl MemoryStore {
        fn record(&self, method: &'static str, digest: Option<&TokenDigest>) {
            self.calls.lock().unwrap().push((method, digest.copied()));
        }

        fn take_calls(&self) -> Vec<Call> {
            std::mem::take(&mut *self.calls.lock().unwrap())
        }

        fn add(&self, user_id: &str, token: &str) -> (AdapterSession, AdapterUser) {
            let user = AdapterUser {
                id: user_id.to_owned(),
                name: Some("Ada".to_owned()),
                email: Some(format!("{user_id}@example.com")),
                email_verified: None,
                image: None,
                extra: (),
            };
            let session = AdapterSession {
                session_token: token.to_owned(),
                user_id: user_id.to_owned(),
                expires: Utc::now() + chrono::Duration::days(1),
            };
            self.users.lock().unwrap().insert(user.id.clone(), user.clone());
            self.sessions.lock().unwrap().insert(token.to_owned(), session.clone());
            (session, user)
        }

        /// Written "elsewhere": the store changes, the cache is not told.
        fn rename(&self, user_id: &str, name: &str) {
            if let Some(user) = self.users.lock().unwrap().get_mut(user_id) {
                user.name = Some(name.to_owned());
            }
        }

        fn remove_session(&self, token: &str) {
            self.sessions.lock().unwrap().remove(token);
        }

        async fn held(&self) {
            self.held.store(true, Ordering::SeqCst);
            while self.hold.load(Ordering::SeqCst) {
                tokio::task::yield_now().await;
            }
        }

        fn read(&self, token: &str) -> Option<(AdapterSession, AdapterUser)> {
            if token.starts_with(HASHED_TOKEN_MARK) {
                return None;
            }
            let session = self.sessions.lock().unwrap().get(token).cloned()?;
            let user = self.users.lock().unwrap().get(&session.user_id).cloned()?;
            Some((session, user))
        }
    }

    fn unused<T>() -> Result<T> {
        Err(Error::InvalidInput("not in this test store".to_owned()))
    }

    #[async_trait]
    impl Adapter for MemoryStore {
        type Extra = ();
        type NewExtra = ();

        async fn create_user(&self, _: NewUser) -> Result<AdapterUser> {
            unused()
        }
        async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>> {
            self.record("get_user", None);
            let user = self.users.lock().unwrap().get(id).cloned();
            self.held().await;
            Ok(user)
        }
        async fn get_user_by_email(&self, _: &str) -> Result<Option<AdapterUser>> {
            unused()
        }
        async fn get_user_by_account(&self, _: &str, _: &str) -> Result<Option<AdapterUser>> {
            unused()
        }
        async fn update_user(&self, _: UserUpdate) -> Result<AdapterUser> {
            unused()
        }
        async fn delete_user(&self, _: &str) -> Result<Option<AdapterUser>> {
            unused()
        }
        async fn link_account(&self, _: AdapterAccount) -> Result<AdapterAccount> {
            unused()
        }
        async fn unlink_account(&self, _: &str, _: &str) -> Result<Option<AdapterAccount>> {
            unused()
        }
        async fn create_session(&self, _: AdapterSession) -> Result<AdapterSession> {
            unused()
        }
        async fn get_session_and_user(&self, token: &str) -> Result<Option<(AdapterSession, AdapterUser)>> {
            self.record("get_session_and_user", None);
            Ok(self.read(token))
        }
        async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>> {
            self.record("update_session", None);
            Ok(self.sessions.lock().unwrap().get(&update.session_token).cloned())
        }
        async fn delete_session(&self, token: &str) -> Result<Option<AdapterSession>> {
            self.record("delete_session", None);
            Ok(self.sessions.lock().unwrap().remove(token))
        }
        async fn create_verification_token(&self, _: VerificationToken) -> Result<VerificationToken> {
            unused()
        }
        async fn use_verification_token(&self, _: &str, _: &str) -> Result<Option<VerificationToken>> {
            unused()
        }
        async fn get_account(&self, _: &str, _: &str) -> Result<Option<AdapterAccount>> {
            unused()
        }
        async fn get_authenticator(&self, _: &str) -> Result<Option<AdapterAuthenticator>> {
            unused()
        }
        async fn create_authenticator(&self, _: AdapterAuthenticator) -> Result<AdapterAuthenticator> {
            unused()
        }
        async fn list_authenticators_by_user_id(&self, _: &str) -> Result<Vec<AdapterAuthenticator>> {
            unused()
        }
        async fn update_authenticator_counter(&self, _: &str, _: i64) -> Result<AdapterAuthenticator> {
            unused()
        }
        async fn update_account(&self, _: AccountUpdate) -> Result<AdapterAccount> {
            unused()
        }
        async fn list_sessions_by_user_id(&self, _: &str) -> Result<Vec<AdapterSession>> {
            unused()
        }
        async fn delete_sessions_by_user_id(&self, _: &str) -> Result<u64> {
            unused()
        }
        async fn delete_expired_sessions(&self, _: DateTime<Utc>) -> Result<u64> {
            unused()
        }
        async fn delete_expired_verification_tokens(&self, _: DateTime<Utc>) -> Result<u64> {
            unused()
        }
        async fn get_session_and_user_with_digest(
            &self,
            token: &str,
            digest: &TokenDigest,
        ) -> Result<Option<(AdapterSession, AdapterUser)>> {
            self.record("get_session_and_user", Some(digest));
            let found = self.read(token);
            self.held().await;
            Ok(found)
        }
        async fn update_session_with_digest(
            &self,
            update: SessionUpdate,
            digest: &TokenDigest,
        ) -> Result<Option<AdapterSession>> {
            self.record("update_session", Some(digest));
            Ok(self.sessions.lock().unwrap().get(&update.session_token).cloned())
        }
        async fn delete_session_with_digest(
            &self,
            token: &str,
            digest: &TokenDigest,
        ) -> Result<Option<AdapterSession>> {
            self.record("delete_session", Some(digest));
            Ok(self.sessions.lock().unwrap().remove(token))
        }
    }

    fn cache(store: &MemoryStore) -> CachedAdapter<MemoryStore> {
        CachedAdapter::builder(store.clone()).time_to_live(Duration::from_secs(3600)).build()
    }

    /// Each token-taking call on the hot path hashes the token once: the store receives the digest the cache keyed
    /// on, through the `*_with_digest` methods, and no plain call. A handle goes to the plain method (no digest
    /// handed over) and finds nothing.
    #[tokio::test]
    async fn one_digest_per_call_reaches_the_store() {
        let store = MemoryStore::default();
        let (session, _) = store.add("u1", "token-1");
        let cached = cache(&store);
        let digest = TokenDigest::of("token-1");

        assert!(cached.get_session_and_user("token-1").await.unwrap().is_some());
        assert!(cached.get_session_and_user("token-1").await.unwrap().is_some(), "a hit");
        let later = SessionUpdate::expires("token-1", session.expires + chrono::Duration::days(1));
        cached.update_session(later).await.unwrap();
        assert!(cached.get_session_and_user_with_digest("token-1", &digest).await.unwrap().is_some());
        cached.delete_session("token-1").await.unwrap();
        assert_eq!(
            store.take_calls(),
            vec![
                ("get_session_and_user", Some(digest)),
                ("update_session", Some(digest)),
                ("get_session_and_user", Some(digest)),
                ("delete_session", Some(digest)),
            ]
        );

        let handle = digest.handle();
        assert_eq!(cached.get_session_and_user(&handle).await.unwrap(), None, "a handle is not a token");
        assert_eq!(cached.get_session_and_user_with_digest(&handle, &digest).await.unwrap(), None);
        assert_eq!(store.take_calls(), vec![("get_session_and_user", None), ("get_session_and_user", None)]);
        let stats = cached.stats();
        assert_eq!((stats.session_hits, stats.session_misses), (1, 4));
    }

    /// `get_user` answers from memory after the first read; a change made elsewhere is seen once the feed reports it
    /// (or the time-to-live ends); an id spelled otherwise than the stored one is never cached; misses are not
    /// cached.
    #[tokio::test]
    async fn users_are_cached_and_invalidated() {
        let store = MemoryStore::default();
        store.add("u1", "token-1");
        let cached = cache(&store);
        for _ in 0..3 {
            assert_eq!(cached.get_user("u1").await.unwrap().unwrap().name.as_deref(), Some("Ada"));
        }
        assert_eq!(store.take_calls().len(), 1, "one read, then hits");
        store.rename("u1", "Grace");
        assert_eq!(cached.get_user("u1").await.unwrap().unwrap().name.as_deref(), Some("Ada"), "stale until told");
        cached.invalidator().invalidate_user("u1");
        assert_eq!(cached.get_user("u1").await.unwrap().unwrap().name.as_deref(), Some("Grace"));
        assert_eq!(store.take_calls().len(), 1);
        for _ in 0..2 {
            assert_eq!(cached.get_user("nobody").await.unwrap(), None);
        }
        assert_eq!(store.take_calls().len(), 2, "misses are not cached");
        let stats = cached.stats();
        assert_eq!((stats.user_hits, stats.user_misses), (3, 4));
        cached.run_pending_tasks();
        assert_eq!(cached.user_entry_count(), 1);
    }

    /// A feed's invalidations drop what they name; while the feed is not listening every read goes to the store and
    /// nothing is stored; once it listens, caching resumes from an empty cache.
    #[tokio::test]
    async fn a_feed_drives_the_cache() {
        let store = MemoryStore::default();
        store.add("u1", "token-1");
        store.add("u1", "token-2");
        store.add("u2", "token-3");
        let cached = cache(&store);
        let feed = cached.invalidator();
        assert_eq!(feed.invalidation(), Invalidation::TimeToLive);
        let reads = |tokens: &'static [&'static str]| {
            let cached = cached.clone();
            async move {
                for token in tokens {
                    assert!(cached.get_session_and_user(token).await.unwrap().is_some(), "{token}");
                }
            }
        };
        reads(&["token-1", "token-2", "token-3"]).await;
        store.take_calls();

        feed.set_listening(false);
        assert_eq!(cached.invalidation(), Invalidation::NotListening);
        reads(&["token-1", "token-1", "token-1"]).await;
        assert_eq!(store.take_calls().len(), 3, "not listening: nothing is served from memory or stored");
        assert_eq!(cached.get_user("u1").await.unwrap().map(|u| u.id).as_deref(), Some("u1"));
        assert_eq!(cached.get_user("u1").await.unwrap().map(|u| u.id).as_deref(), Some("u1"));
        assert_eq!(store.take_calls().len(), 2);

        feed.set_listening(true);
        assert_eq!(format!("{feed:?}"), "CacheInvalidator { invalidation: Listening }");
        reads(&["token-1", "token-2", "token-3", "token-1", "token-2", "token-3"]).await;
        assert_eq!(store.take_calls().len(), 3, "listening: cached again");

        store.remove_session("token-1");
        feed.invalidate_session_digest(&TokenDigest::of("token-1"));
        assert_eq!(cached.get_session_and_user("token-1").await.unwrap(), None);
        store.rename("u1", "Grace");
        feed.invalidate_user("u1");
        let (_, user) = cached.get_session_and_user("token-2").await.unwrap().unwrap();
        assert_eq!(user.name.as_deref(), Some("Grace"), "the user's sessions are dropped with the user");
        reads(&["token-3"]).await;
        assert_eq!(store.take_calls().len(), 2, "token-3 (of u2) is still cached");
        feed.invalidate_all();
        reads(&["token-3"]).await;
        assert_eq!(store.take_calls().len(), 1);
    }

    /// A read that began before the feed stopped listening (or resumed) stores nothing, even when it finishes once
    /// the feed listens again: it may have read before a write the feed missed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_across_a_feed_change_stores_nothing() {
        for resume_before_release in [false, true] {
            let store = MemoryStore::default();
            store.add("u1", "token-1");
            let cached = cache(&store);
            let feed = cached.invalidator();
            feed.set_listening(true);
            store.hold.store(true, Ordering::SeqCst);
            let reader = cached.clone();
            let read = tokio::spawn(async move { reader.get_session_and_user("token-1").await.unwrap() });
            while !store.held.load(Ordering::SeqCst) {
                tokio::task::yield_now().await;
            }
            feed.set_listening(false);
            if resume_before_release {
                feed.set_listening(true);
            }
            store.hold.store(false, Ordering::SeqCst);
            assert!(read.await.unwrap().is_some(), "the held read returns what it read");
            feed.set_listening(true);
            store.take_calls();
            assert!(cached.get_session_and_user("token-1").await.unwrap().is_some());
            assert_eq!(store.take_calls().len(), 1, "nothing was stored by the held read");
        }
    }
}
