//! `authjs_sea_orm::cache::CachedAdapter` beyond the conformance suite (which runs every case through it as the
//! `cached_default` schema): what it answers from memory, that this process's writes are seen at once, that writes
//! made elsewhere are seen within the time-to-live, that memory is bounded, and that a read racing a write never
//! leaves a stale entry behind. One module per backend: `cargo test -p authjs-sea-orm-tests --test cache postgres::`.
//!
//! PostgreSQL and MariaDB need `AUTHJS_TEST_POSTGRES_URL` / `AUTHJS_TEST_MYSQL_URL`; without them those tests are
//! skipped, unless `CI=true`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Duration;

use authjs_sea_orm::cache::CachedAdapter;
use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm::{Adapter, AdapterSession, AdapterUser, SeaOrmAdapter, SessionUpdate, TokenDigest, UserUpdate};
use authjs_sea_orm_tests::{Backend, TestDb, fixtures};
use chrono::Utc;
use sea_orm::{ConnectionTrait, Database, Statement, TransactionTrait};

type Cached = CachedAdapter<SeaOrmAdapter>;

/// A cached adapter with `ttl` around `inner`.
fn cached(inner: SeaOrmAdapter, ttl: Duration) -> Cached {
    CachedAdapter::builder(inner).time_to_live(ttl).build()
}

/// A user and a session of theirs, created without the cache.
async fn given_session(adapter: &SeaOrmAdapter) -> (AdapterUser, AdapterSession) {
    let user = adapter.create_user(fixtures::user_with_email(&format!("{}@example.com", fixtures::id()))).await;
    let user = user.expect("create_user");
    let session = adapter.create_session(fixtures::session(&user.id)).await.expect("create_session");
    (user, session)
}

/// A hit runs no statement and returns what the database returned; a miss runs the one join.
async fn hits_run_no_statement(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let (user, session) = given_session(&t.adapter).await;
    let (counting, counter) = t.counting_adapter();
    let cache = cached(counting, Duration::from_secs(60));
    let from_db = cache.get_session_and_user(&session.session_token).await.expect("get");
    assert_eq!(from_db, Some((session.clone(), user.clone())));
    assert_eq!(counter.take().len(), 1, "a miss reads the database once");
    for _ in 0..3 {
        assert_eq!(cache.get_session_and_user(&session.session_token).await.expect("get"), from_db);
    }
    assert!(counter.take().is_empty(), "hits run no statement");
    // Unknown tokens are not cached: each read asks the database.
    for _ in 0..2 {
        assert_eq!(cache.get_session_and_user(&fixtures::id()).await.expect("get"), None);
    }
    assert_eq!(counter.take().len(), 2, "misses are not cached");
}

/// Sign-out and every other write through the cache is seen by the next read, with no waiting: delete by token,
/// update of the expiry and the owner, update of the user, sign out everywhere, delete of the user.
async fn own_writes_are_seen_at_once(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let cache = cached(t.adapter.clone(), Duration::from_secs(3600));
    let (user, session) = given_session(&t.adapter).await;
    let token = session.session_token.clone();
    let read = |token: String| {
        let cache = cache.clone();
        async move { cache.get_session_and_user(&token).await.expect("get") }
    };
    assert!(read(token.clone()).await.is_some());

    // Sliding expiry and a change of owner.
    let later = fixtures::one_month_from_now() + chrono::Duration::days(1);
    cache.update_session(SessionUpdate::expires(&token, later)).await.expect("update_session");
    assert_eq!(read(token.clone()).await.map(|(s, _)| s.expires), Some(later));
    let (other, _) = given_session(&t.adapter).await;
    let moved = SessionUpdate { session_token: token.clone(), user_id: Some(other.id.clone()), expires: None };
    cache.update_session(moved).await.expect("update_session");
    assert_eq!(read(token.clone()).await.map(|(s, u)| (s.user_id, u.id)), Some((other.id.clone(), other.id.clone())));

    // A user update is seen in every cached session of the user.
    let second = t.adapter.create_session(fixtures::session(&other.id)).await.expect("create_session");
    assert!(read(second.session_token.clone()).await.is_some());
    let renamed = UserUpdate { name: Some(Some("Renamed".to_owned())), ..UserUpdate::new(&other.id) };
    cache.update_user(renamed).await.expect("update_user");
    for token in [&token, &second.session_token] {
        assert_eq!(read(token.clone()).await.and_then(|(_, u)| u.name).as_deref(), Some("Renamed"));
    }

    // Sign out (one session), then sign out everywhere.
    assert!(cache.delete_session(&token).await.expect("delete_session").is_some());
    assert_eq!(read(token.clone()).await, None, "sign-out is seen at once");
    // `other` has their first session and `second` (the moved one is gone).
    assert_eq!(cache.delete_sessions_by_user_id(&other.id).await.expect("delete_sessions_by_user_id"), 2);
    assert_eq!(read(second.session_token.clone()).await, None, "sign-out everywhere is seen at once");

    // Deleting the user drops their sessions.
    let third = t.adapter.create_session(fixtures::session(&user.id)).await.expect("create_session");
    assert!(read(third.session_token.clone()).await.is_some());
    cache.delete_user(&user.id).await.expect("delete_user");
    assert_eq!(read(third.session_token.clone()).await, None, "a deleted user's sessions are gone at once");
}

/// A sign-out by another process (here: a raw SQL `DELETE`, and a second adapter without the cache) is seen once
/// the time-to-live has passed, and not before: the staleness bound the session cache guide (`core/docs/session-cache.md`) states.
async fn sign_out_elsewhere_is_seen_within_the_ttl(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let ttl = Duration::from_millis(1500);
    let cache = cached(t.adapter.clone(), ttl);
    let (_, by_sql) = given_session(&t.adapter).await;
    let (_, by_adapter) = given_session(&t.adapter).await;
    for session in [&by_sql, &by_adapter] {
        assert!(cache.get_session_and_user(&session.session_token).await.expect("get").is_some());
    }
    let start = std::time::Instant::now();
    let backend_kind = t.db.get_database_backend();
    let sql = match backend {
        Backend::Postgres => r#"DELETE FROM "session" WHERE "sessionToken" = $1"#,
        Backend::MySql => "DELETE FROM `session` WHERE `sessionToken` = ?",
        Backend::SqliteMemory | Backend::SqliteFile => r#"DELETE FROM "session" WHERE "sessionToken" = ?"#,
    };
    let deleted =
        t.db.execute_raw(Statement::from_sql_and_values(backend_kind, sql, [by_sql.session_token.clone().into()]))
            .await
            .expect("raw delete");
    assert_eq!(deleted.rows_affected(), 1);
    t.adapter.delete_session(&by_adapter.session_token).await.expect("delete_session");

    // Within the time-to-live the cache still answers (this is the documented bound, not a wish).
    for session in [&by_sql, &by_adapter] {
        let stale = cache.get_session_and_user(&session.session_token).await.expect("get");
        if start.elapsed() < ttl {
            assert!(stale.is_some(), "within the time-to-live the cached session is still answered");
        }
    }
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    for session in [&by_sql, &by_adapter] {
        assert_eq!(cache.get_session_and_user(&session.session_token).await.expect("get"), None);
    }
}

/// An entry whose session expired is never answered from memory, even within the time-to-live: the read goes to the
/// database (which returns the expired session, as the uncached adapter does, or nothing once it is deleted).
async fn expired_sessions_are_read_from_the_database(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let cache = cached(t.adapter.clone(), Duration::from_secs(3600));
    let user = t.adapter.create_user(fixtures::user()).await.expect("create_user");
    let expires = fixtures::ms(Utc::now() + chrono::Duration::milliseconds(1500));
    let session = t.adapter.create_session(fixtures::session_expiring(&user.id, expires)).await.expect("create");
    assert!(cache.get_session_and_user(&session.session_token).await.expect("get").is_some());
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let expired = cache.get_session_and_user(&session.session_token).await.expect("get");
    assert_eq!(expired.map(|(s, _)| s), Some(session.clone()), "an expired session is returned as the database has it");
    // Deleted elsewhere (as Auth.js core deletes an expired session it reads): gone here too, long before the TTL.
    t.adapter.delete_session(&session.session_token).await.expect("delete_session");
    assert_eq!(cache.get_session_and_user(&session.session_token).await.expect("get"), None);
}

/// More sessions than the capacity: after housekeeping the cache holds at most `max_capacity` of them, and every
/// read still answers correctly.
async fn memory_is_bounded(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let capacity = 8;
    let cache = CachedAdapter::builder(t.adapter.clone()).max_capacity(capacity).build();
    let user = t.adapter.create_user(fixtures::user()).await.expect("create_user");
    let mut sessions = Vec::new();
    for _ in 0..5 * capacity {
        sessions.push(t.adapter.create_session(fixtures::session(&user.id)).await.expect("create_session"));
    }
    for _ in 0..2 {
        for session in &sessions {
            let found = cache.get_session_and_user(&session.session_token).await.expect("get");
            assert_eq!(found.map(|(s, _)| s).as_ref(), Some(session));
        }
    }
    cache.run_pending_tasks();
    let count = cache.entry_count();
    assert!(count > 0 && count <= capacity, "{count} entries for a capacity of {capacity}");
}

/// With hashed session tokens, the handles `list_sessions_by_user_id` returns name the cached entries: deleting a
/// session by handle drops it at once. `Debug` shows neither tokens nor their hashes.
async fn hashed_tokens_and_handles(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let cache = cached(t.adapter.clone().with_hashed_session_tokens(), Duration::from_secs(3600));
    let user = t.adapter.create_user(fixtures::user()).await.expect("create_user");
    let session = cache.create_session(fixtures::session(&user.id)).await.expect("create_session");
    let found = cache.get_session_and_user(&session.session_token).await.expect("get");
    assert_eq!(found.as_ref().map(|(s, _)| s), Some(&session), "the raw token, as without the cache");
    assert!(cache.get_session_and_user(&session.session_token).await.expect("get").is_some());
    let handles = cache.list_sessions_by_user_id(&user.id).await.expect("list");
    let [handle] = handles.as_slice() else { panic!("one session: {handles:?}") };
    assert!(handle.session_token.starts_with("sha256:"));
    // A handle is not a session token, cached or not.
    assert_eq!(cache.get_session_and_user(&handle.session_token).await.expect("get"), None);

    let shown = format!("{cache:?}");
    let digest = handle.session_token.trim_start_matches("sha256:");
    assert!(!shown.contains(&session.session_token) && !shown.contains(digest), "{shown}");
    assert!(shown.contains("entry_count"), "{shown}");

    assert!(cache.delete_session(&handle.session_token).await.expect("delete by handle").is_some());
    assert_eq!(cache.get_session_and_user(&session.session_token).await.expect("get"), None);
}

/// `get_user` (what JWT sessions read on every request) is answered from memory after its first read: no statement.
/// This process's update and delete of the user are seen at once; a change made elsewhere once the cache is told (or
/// the time-to-live ends); unknown ids and ids spelled otherwise than the stored one are not cached.
async fn users_are_cached(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let (user, _) = given_session(&t.adapter).await;
    let (counting, counter) = t.counting_adapter();
    let cache = cached(counting, Duration::from_secs(3600));
    for _ in 0..3 {
        assert_eq!(cache.get_user(&user.id).await.expect("get_user"), Some(user.clone()));
    }
    assert_eq!(counter.take().len(), 1, "one read, then hits");
    let stats = cache.stats();
    assert_eq!((stats.user_hits, stats.user_misses), (2, 1));

    let renamed = UserUpdate { name: Some(Some("Renamed".to_owned())), ..UserUpdate::new(&user.id) };
    cache.update_user(renamed).await.expect("update_user");
    assert_eq!(cache.get_user(&user.id).await.expect("get_user").and_then(|u| u.name).as_deref(), Some("Renamed"));
    let elsewhere = UserUpdate { name: Some(Some("Elsewhere".to_owned())), ..UserUpdate::new(&user.id) };
    t.adapter.update_user(elsewhere).await.expect("update_user");
    let stale = cache.get_user(&user.id).await.expect("get_user").and_then(|u| u.name);
    assert_eq!(stale.as_deref(), Some("Renamed"), "within the time-to-live, unless told");
    cache.invalidate_user(&user.id);
    assert_eq!(cache.get_user(&user.id).await.expect("get_user").and_then(|u| u.name).as_deref(), Some("Elsewhere"));
    counter.take();

    let unknown = fixtures::id();
    for id in [&unknown, &unknown, &user.id.to_uppercase(), &user.id.to_uppercase()] {
        let found = cache.get_user(id).await.expect("get_user");
        assert!(found.is_none() || found.is_some_and(|u| u.id == user.id && *id != user.id));
    }
    assert_eq!(counter.take().len(), 4, "misses and other spellings are not cached");
    cache.delete_user(&user.id).await.expect("delete_user");
    assert_eq!(cache.get_user(&user.id).await.expect("get_user"), None, "a deleted user is gone at once");
}

/// A store hashing its tokens takes the digest the caller computed (the cache's key) instead of hashing the token
/// again: handed another token's digest, it finds that token's session. (Only a test would lie so; the cache hands
/// over the digest of the very token.) A handle is still no token, whatever the digest; without hashing the digest
/// is not used.
async fn stores_use_the_digest_they_are_given(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let hashing = t.adapter.clone().with_hashed_session_tokens();
    let user = t.adapter.create_user(fixtures::user()).await.expect("create_user");
    let a = hashing.create_session(fixtures::session(&user.id)).await.expect("create_session");
    let b = hashing.create_session(fixtures::session(&user.id)).await.expect("create_session");
    let digest_b = TokenDigest::of(&b.session_token);
    let found = hashing.get_session_and_user_with_digest(&a.session_token, &digest_b).await.expect("get");
    assert_eq!(found.map(|(s, _)| (s.session_token, s.expires)), Some((a.session_token.clone(), b.expires)));
    let handle = digest_b.handle();
    assert_eq!(hashing.get_session_and_user_with_digest(&handle, &digest_b).await.expect("get"), None);
    assert_eq!(
        hashing
            .update_session_with_digest(SessionUpdate::expires(&handle, b.expires), &digest_b)
            .await
            .expect("update"),
        None
    );
    assert!(hashing.get_session_and_user(&b.session_token).await.expect("get").is_some(), "b is still there");
    let deleted = hashing.delete_session_with_digest(&a.session_token, &digest_b).await.expect("delete");
    assert_eq!(deleted.map(|s| s.expires), Some(b.expires));
    assert_eq!(hashing.get_session_and_user(&b.session_token).await.expect("get"), None, "the digest's session went");
    assert!(hashing.get_session_and_user(&a.session_token).await.expect("get").is_some());

    let plain = t.adapter.create_session(fixtures::session(&user.id)).await.expect("create_session");
    let found = t.adapter.get_session_and_user_with_digest(&plain.session_token, &digest_b).await.expect("get");
    assert_eq!(found.map(|(s, _)| s), Some(plain), "without hashing the token is looked up as it is");
}

/// Blocks the first `SELECT` run after [`Gate::arm`] once it has read its rows, until [`Gate::release`]: a read that
/// has seen the database before a write and finishes after it.
#[derive(Clone, Default)]
struct Gate {
    armed: Arc<AtomicBool>,
    reached: Arc<Mutex<Option<mpsc::Sender<()>>>>,
    release: Arc<Mutex<Option<mpsc::Receiver<()>>>>,
}

impl Gate {
    /// An adapter on a new pool of `url` (several connections, SQLite's too: the held read keeps one) with this gate
    /// in its metric callback (called after each statement ran, before its connection goes back to the pool).
    async fn install(&self, url: &str) -> SeaOrmAdapter {
        let mut options = authjs_sea_orm::connect_options(url);
        options.max_connections(4);
        let mut db = Database::connect(options).await.expect("connect");
        let gate = self.clone();
        db.set_metric_callback(move |info| {
            if info.statement.sql.trim_start().starts_with("SELECT") && gate.armed.swap(false, Ordering::SeqCst) {
                if let Some(reached) = gate.reached.lock().unwrap_or_else(PoisonError::into_inner).take() {
                    let _ = reached.send(());
                }
                if let Some(release) = gate.release.lock().unwrap_or_else(PoisonError::into_inner).take() {
                    // Hands this worker's queue to another thread while the read is held.
                    let _ = tokio::task::block_in_place(|| release.recv_timeout(Duration::from_secs(30)));
                }
            }
        });
        SeaOrmAdapter::new(db)
    }

    /// Arms the gate; returns (a receiver told when a read is held, a sender that lets it go).
    fn arm(&self) -> (mpsc::Receiver<()>, mpsc::Sender<()>) {
        let (reached_tx, reached_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel();
        *self.reached.lock().unwrap_or_else(PoisonError::into_inner) = Some(reached_tx);
        *self.release.lock().unwrap_or_else(PoisonError::into_inner) = Some(release_rx);
        self.armed.store(true, Ordering::SeqCst);
        (reached_rx, release_tx)
    }
}

/// A `get_session_and_user` reads the session, a `delete_session` (or a user update) then runs to completion, and
/// only then does the read finish: it returns what it read, but must not store it, or every later read would be
/// served the signed-out session (the stale insert-after-invalidate race).
async fn read_racing_a_write_is_not_cached(backend: Backend) {
    let Some(empty) = TestDb::empty(backend).await else { return };
    Migrator::up(&empty.db, None).await.expect("migrate");
    let plain = SeaOrmAdapter::new(empty.db.clone());
    let gate = Gate::default();
    let cache = cached(gate.install(&empty.url).await, Duration::from_secs(3600));

    async fn held_read(cache: &Cached, gate: &Gate, token: &str) -> (tokio::task::JoinHandle<()>, mpsc::Sender<()>) {
        let (reached, release) = gate.arm();
        let (reader, token) = (cache.clone(), token.to_owned());
        let read = tokio::spawn(async move {
            let stale = reader.get_session_and_user(&token).await.expect("get");
            assert!(stale.is_some(), "the held read saw the session before the write");
        });
        tokio::task::spawn_blocking(move || reached.recv_timeout(Duration::from_secs(30)))
            .await
            .expect("join")
            .expect("the read reached the gate");
        (read, release)
    }

    // Delete.
    let (_, session) = given_session(&plain).await;
    let (read, release) = held_read(&cache, &gate, &session.session_token).await;
    assert!(cache.delete_session(&session.session_token).await.expect("delete_session").is_some());
    release.send(()).expect("release");
    read.await.expect("held read");
    assert_eq!(cache.get_session_and_user(&session.session_token).await.expect("get"), None, "no stale entry");

    // User update.
    let (user, session) = given_session(&plain).await;
    let (read, release) = held_read(&cache, &gate, &session.session_token).await;
    let renamed = UserUpdate { name: Some(Some("After".to_owned())), ..UserUpdate::new(&user.id) };
    cache.update_user(renamed).await.expect("update_user");
    release.send(()).expect("release");
    read.await.expect("held read");
    for _ in 0..2 {
        let (_, found) = cache.get_session_and_user(&session.session_token).await.expect("get").expect("session");
        assert_eq!(found.name.as_deref(), Some("After"), "no stale user");
    }
}

/// A sign-out whose caller stops waiting (its future dropped by a timeout, a `select!`, a client that went away) once
/// the statement is on its way still lands in the database: the cache must not go on serving the session. Another
/// connection holds a lock on the session, so the `DELETE` waits in the database while the call is dropped; released,
/// the `DELETE` completes on its own.
async fn cancelled_sign_out_leaves_no_stale_entry(backend: Backend) {
    let Some(empty) = TestDb::empty(backend).await else { return };
    Migrator::up(&empty.db, None).await.expect("migrate");
    let plain = SeaOrmAdapter::new(empty.db.clone());
    let cache = cached(plain.clone(), Duration::from_secs(3600));
    let (_, session) = given_session(&plain).await;
    let token = session.session_token.clone();
    assert!(cache.get_session_and_user(&token).await.expect("get").is_some(), "cached");

    let locker = empty.connect().await;
    let held = locker.begin().await.expect("begin");
    let lock = match backend {
        // A write starts SQLite's write transaction, which holds off every other writer.
        Backend::SqliteFile => "UPDATE session SET expires = expires WHERE 1 = 0",
        _ => "SELECT 1 FROM session FOR UPDATE",
    };
    held.execute_unprepared(lock).await.expect("lock");
    let cancelled = tokio::time::timeout(Duration::from_millis(300), cache.delete_session(&token)).await;
    assert!(cancelled.is_err(), "the sign-out waits for the lock and is dropped");
    held.commit().await.expect("release");

    // The dropped DELETE completes in the database.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while plain.get_session_and_user(&token).await.expect("get").is_some() {
        assert!(std::time::Instant::now() < deadline, "the dropped DELETE never landed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(cache.get_session_and_user(&token).await.expect("get"), None, "no stale session");
}

macro_rules! backends {
    ($($module:ident => $backend:ident: [$($test:ident),* $(,)?]),* $(,)?) => {$(
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(authjs_sea_orm_tests::Backend::$backend).await;
                }
            )*
        }
    )*};
}

// The race test needs a second connection while the first is held: not on `sqlite::memory:`, a single-connection
// database.
backends!(
    sqlite_memory => SqliteMemory: [
        hits_run_no_statement, users_are_cached, stores_use_the_digest_they_are_given, own_writes_are_seen_at_once, sign_out_elsewhere_is_seen_within_the_ttl,
        expired_sessions_are_read_from_the_database, memory_is_bounded, hashed_tokens_and_handles,
    ],
    sqlite_file => SqliteFile: [
        hits_run_no_statement, users_are_cached, stores_use_the_digest_they_are_given, own_writes_are_seen_at_once, sign_out_elsewhere_is_seen_within_the_ttl,
        expired_sessions_are_read_from_the_database, memory_is_bounded, hashed_tokens_and_handles,
        read_racing_a_write_is_not_cached, cancelled_sign_out_leaves_no_stale_entry,
    ],
    postgres => Postgres: [
        hits_run_no_statement, users_are_cached, stores_use_the_digest_they_are_given, own_writes_are_seen_at_once, sign_out_elsewhere_is_seen_within_the_ttl,
        expired_sessions_are_read_from_the_database, memory_is_bounded, hashed_tokens_and_handles,
        read_racing_a_write_is_not_cached, cancelled_sign_out_leaves_no_stale_entry,
    ],
    mysql => MySql: [
        hits_run_no_statement, users_are_cached, stores_use_the_digest_they_are_given, own_writes_are_seen_at_once, sign_out_elsewhere_is_seen_within_the_ttl,
        expired_sessions_are_read_from_the_database, memory_is_bounded, hashed_tokens_and_handles,
        read_racing_a_write_is_not_cached, cancelled_sign_out_leaves_no_stale_entry,
    ],
);
