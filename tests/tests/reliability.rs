//! Reliability and security: races, server faults, pool exhaustion, hostile input and secrets, on every backend.
//!
//! - Concurrency: single-use verification tokens under 32 concurrent callers (200 rounds), concurrent duplicate
//!   inserts (exactly one wins, the others get the typed conflict), and a sustained mixed load of 16 workers.
//! - Faults: the database becomes unreachable in the middle of a load (every connection cut and new ones refused, by
//!   a TCP proxy between the adapter and the server) and comes back; pool exhaustion times out.
//! - Bad input: each case is a faithful round trip or a typed error, per backend (the table in `adapter/docs/reliability.md`).
//! - Secrets: no token value in `Debug`, `Display`, error messages or trace-level logs through a full flow.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterAuthenticator, AdapterSession, Error, NewUser, Record, SeaOrmAdapter,
    SessionUpdate, UserUpdate, VerificationToken,
};
use authjs_sea_orm_tests::logs::Captured;
use authjs_sea_orm_tests::{Backend, Route, Target, TestDb, fixtures};
use chrono::{DateTime, Duration as Days, TimeZone, Utc};
use sea_orm::{Database, TransactionTrait};
use sha2::{Digest, Sha256};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

fn new_user(email: &str) -> NewUser {
    NewUser { email: Some(email.to_owned()), ..NewUser::default() }
}

fn session(user_id: &str, token: &str) -> AdapterSession {
    AdapterSession { session_token: token.to_owned(), user_id: user_id.to_owned(), expires: Utc::now() + Days::days(7) }
}

// ---------------------------------------------------------------------------------------------------------------
// Concurrency

/// 32 concurrent `use_verification_token` calls on one token, 200 times: exactly one caller gets it each time.
async fn verification_token_is_single_use(backend: impl Into<Target>) {
    let backend = backend.into();
    let Some(t) = TestDb::new(backend).await else { return };
    for round in 0..200 {
        let token = VerificationToken {
            identifier: format!("round{round}@example.com"),
            token: fixtures::hashed_token(),
            expires: fixtures::one_week_from_now(),
        };
        t.adapter.create_verification_token(token.clone()).await.unwrap();
        let mut callers = JoinSet::new();
        for _ in 0..32 {
            let (adapter, token) = (t.adapter.clone(), token.clone());
            callers.spawn(async move { adapter.use_verification_token(&token.identifier, &token.token).await });
        }
        let mut winners = 0;
        while let Some(result) = callers.join_next().await {
            if result.unwrap().unwrap().is_some() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "round {round}: {winners} callers redeemed one token on {backend}");
    }
}

/// Concurrent duplicate inserts: one succeeds, the others get the typed conflict, and one row is stored.
async fn concurrent_duplicates_conflict(backend: impl Into<Target>) {
    let backend = backend.into();
    let Some(t) = TestDb::new(backend).await else { return };

    let outcomes = race(16, |_| {
        let adapter = t.adapter.clone();
        async move { adapter.create_user(new_user("same@example.com")).await.map(drop) }
    })
    .await;
    assert_one_winner(&outcomes, Record::User, "create_user with one e-mail");

    let owner = t.adapter.create_user(new_user("owner@example.com")).await.unwrap();
    let outcomes = race(16, |_| {
        let (adapter, account) =
            (t.adapter.clone(), AdapterAccount::new(&owner.id, AccountType::Oauth, "github", "42"));
        async move { adapter.link_account(account).await.map(drop) }
    })
    .await;
    assert_one_winner(&outcomes, Record::Account, "link_account of one account");

    let token = fixtures::id();
    let outcomes = race(16, |_| {
        let (adapter, session) = (t.adapter.clone(), session(&owner.id, &token));
        async move { adapter.create_session(session).await.map(drop) }
    })
    .await;
    assert_one_winner(&outcomes, Record::Session, "create_session with one token");

    let outcomes = race(16, |i| {
        // Each caller is another user's authenticator with the same credential id.
        let adapter = t.adapter.clone();
        async move {
            let user = adapter.create_user(new_user(&format!("passkey{i}@example.com"))).await?;
            adapter.create_authenticator(fixtures::authenticator(&user.id, "credential-1", 0, "usb")).await.map(drop)
        }
    })
    .await;
    assert_one_winner(&outcomes, Record::Authenticator, "create_authenticator with one credential id");
    assert!(t.adapter.get_authenticator("credential-1").await.unwrap().is_some());
}

async fn race<F, Fut>(n: usize, call: F) -> Vec<Result<(), Error>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<(), Error>> + Send + 'static,
{
    let mut callers = JoinSet::new();
    for i in 0..n {
        callers.spawn(call(i));
    }
    callers.join_all().await
}

fn assert_one_winner(outcomes: &[Result<(), Error>], record: Record, what: &str) {
    let wins = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(wins, 1, "{what}: {wins} callers succeeded");
    for outcome in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        assert!(matches!(outcome, Error::Conflict(r) if *r == record), "{what}: unexpected error {outcome:?}");
    }
}

/// 16 workers × 50 rounds of 8 or 9 calls (6,800 mixed reads and writes): no error at all, and the stored state is
/// what the workers did.
async fn sustained_mixed_load(backend: impl Into<Target>) {
    let backend = backend.into();
    let Some(t) = TestDb::new(backend).await else { return };
    let mut workers = JoinSet::new();
    for worker in 0..16 {
        let adapter = t.adapter.clone();
        workers.spawn(async move {
            let mut live_sessions = Vec::new();
            for i in 0..50 {
                let user = adapter.create_user(new_user(&format!("w{worker}-{i}@example.com"))).await?;
                let account = AdapterAccount::new(&user.id, AccountType::Oauth, "github", format!("{worker}-{i}"));
                adapter.link_account(account).await?;
                let token = fixtures::id();
                adapter.create_session(session(&user.id, &token)).await?;
                let (found, owner) = adapter.get_session_and_user(&token).await?.expect("own session");
                assert_eq!((found.user_id.as_str(), owner.id.as_str()), (user.id.as_str(), user.id.as_str()));
                adapter.update_session(SessionUpdate::expires(&token, Utc::now() + Days::days(30))).await?;
                assert_eq!(adapter.get_user_by_account("github", &format!("{worker}-{i}")).await?, Some(owner));
                let vt = VerificationToken {
                    identifier: format!("w{worker}-{i}@example.com"),
                    token: fixtures::hashed_token(),
                    expires: Utc::now() + Days::hours(1),
                };
                adapter.create_verification_token(vt.clone()).await?;
                assert!(adapter.use_verification_token(&vt.identifier, &vt.token).await?.is_some());
                if i % 2 == 0 {
                    assert!(adapter.delete_session(&token).await?.is_some());
                } else {
                    live_sessions.push(token);
                }
            }
            Ok::<_, Error>(live_sessions)
        });
    }
    let mut live = HashSet::new();
    while let Some(result) = workers.join_next().await {
        live.extend(result.unwrap().unwrap_or_else(|e| panic!("a worker failed on {backend}: {e:?}")));
    }
    assert_eq!(live.len(), 16 * 25);
    for token in &live {
        assert!(t.adapter.get_session_and_user(token).await.unwrap().is_some());
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Faults

/// A TCP proxy to a database server that can cut every connection and refuse new ones.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: Arc<tokio::sync::Notify>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let cut = Arc::new(tokio::sync::Notify::new());
        let (up2, cut2) = (Arc::clone(&up), Arc::clone(&cut));
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let (upstream, cut) = (upstream.clone(), Arc::clone(&cut2));
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        () = cut.notified() => {}
                    }
                });
            }
        });
        Proxy { port, up, cut }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.notify_waiters();
    }

    fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `url` with its host and port replaced by the proxy's.
fn through(url: &str, port: u16) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (userinfo, rest) = rest.rsplit_once('@').unwrap();
    let (host_port, path) = rest.split_once('/').unwrap();
    (format!("{scheme}://{userinfo}@127.0.0.1:{port}/{path}"), host_port.to_owned())
}

/// The server becomes unreachable during a load and comes back: calls fail with the database error within the pool's
/// timeout, succeed again afterwards without a new adapter, and every write that returned `Ok` is stored.
async fn server_outage_and_recovery(backend: Backend) {
    let Some(empty) = TestDb::empty(backend).await else { return };
    Migrator::up(&empty.db, None).await.unwrap();
    let owner = SeaOrmAdapter::new(empty.db.clone()).create_user(new_user("owner@example.com")).await.unwrap();

    let (_, upstream) = through(&empty.url, 0);
    let proxy = Proxy::start(upstream).await;
    let (proxied_url, _) = through(&empty.url, proxy.port);
    let mut options = authjs_sea_orm::connect_options(&proxied_url);
    options.max_connections(4).acquire_timeout(Duration::from_secs(2)).connect_timeout(Duration::from_secs(2));
    let adapter = SeaOrmAdapter::new(Database::connect(options).await.unwrap());

    let stored_ok = Arc::new(std::sync::Mutex::new(Vec::new()));
    let failures = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = JoinSet::new();
    for _ in 0..4 {
        let (adapter, stored_ok, failures, stop, owner) =
            (adapter.clone(), Arc::clone(&stored_ok), Arc::clone(&failures), Arc::clone(&stop), owner.id.clone());
        workers.spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let token = fixtures::id();
                let started = Instant::now();
                let result = adapter.create_session(session(&owner, &token)).await;
                assert!(started.elapsed() < Duration::from_secs(15), "a call hung for {:?}", started.elapsed());
                match result {
                    Ok(_) => stored_ok.lock().unwrap().push(token),
                    Err(Error::Database(_)) => {
                        failures.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err(other) => panic!("unexpected error during the outage: {other:?}"),
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.down();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let during = failures.load(Ordering::SeqCst);
    proxy.up();
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::SeqCst);
    while let Some(result) = workers.join_next().await {
        result.unwrap();
    }
    assert!(during > 0, "the outage produced no failed call on {backend}");

    // After the outage, the same adapter works again.
    for _ in 0..20 {
        adapter.create_session(session(&owner.id, &fixtures::id())).await.unwrap();
    }
    // Every write that returned Ok is stored (read directly, not through the proxy).
    let direct = SeaOrmAdapter::new(empty.db.clone());
    let stored_ok = stored_ok.lock().unwrap().clone();
    assert!(!stored_ok.is_empty());
    for token in &stored_ok {
        assert!(direct.get_session_and_user(token).await.unwrap().is_some(), "an acknowledged session is missing");
    }
}

/// With every pooled connection held, a call fails with a timeout instead of hanging.
async fn pool_exhaustion_times_out(backend: Backend) {
    let Some(empty) = TestDb::empty(backend).await else { return };
    Migrator::up(&empty.db, None).await.unwrap();
    let mut options = authjs_sea_orm::connect_options(&empty.url);
    options.max_connections(1).min_connections(0).acquire_timeout(Duration::from_secs(1));
    let db = Database::connect(options).await.unwrap();
    let adapter = SeaOrmAdapter::new(db.clone());
    let held = db.begin().await.unwrap();
    let started = Instant::now();
    let result = adapter.get_user("anyone").await;
    let elapsed = started.elapsed();
    assert!(
        matches!(
            &result,
            Err(Error::Database(err)) if matches!(
                err.downcast_ref::<sea_orm::DbErr>(),
                Some(sea_orm::DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout))
            )
        ),
        "an exhausted pool is a pool timeout: {result:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
    held.rollback().await.unwrap();
    assert_eq!(adapter.get_user("anyone").await.unwrap(), None, "the pool works again once the connection is back");
}

// ---------------------------------------------------------------------------------------------------------------
// Bad input

/// What a backend does with a value.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    RoundTrip,
    Rejected,
}

fn outcome<T: std::fmt::Debug + PartialEq>(stored: Result<T, Error>, read: impl FnOnce(&T) -> bool) -> Outcome {
    match stored {
        Ok(value) => {
            assert!(read(&value), "stored value did not round-trip: {value:?}");
            Outcome::RoundTrip
        }
        Err(Error::InvalidInput(_)) => Outcome::Rejected,
        Err(other) => panic!("expected a round trip or InvalidInput, got {other:?}"),
    }
}

/// Creates a user named `name` and reads it back: round trip, or a typed rejection that stored nothing.
async fn user_named(t: &TestDb, name: &str) -> Outcome {
    let email = format!("{}@example.com", fixtures::id());
    let created = t.adapter.create_user(NewUser { name: Some(name.to_owned()), ..new_user(&email) }).await;
    let result = outcome(created, |user| user.name.as_deref() == Some(name));
    if result == Outcome::Rejected {
        assert_eq!(t.adapter.get_user_by_email(&email).await.unwrap(), None, "a rejected user was half-written");
    } else {
        let stored = t.adapter.get_user_by_email(&email).await.unwrap().unwrap();
        assert_eq!(stored.name.as_deref(), Some(name));
    }
    result
}

async fn session_expiring(t: &TestDb, user_id: &str, expires: DateTime<Utc>) -> Outcome {
    let token = fixtures::id();
    let created = t
        .adapter
        .create_session(AdapterSession { session_token: token.clone(), user_id: user_id.to_owned(), expires })
        .await;
    let result = outcome(created, |s| s.expires == expires);
    let stored = t.adapter.get_session_and_user(&token).await.unwrap();
    match result {
        Outcome::RoundTrip => assert_eq!(stored.unwrap().0.expires, expires),
        Outcome::Rejected => assert_eq!(stored, None, "a rejected session was half-written"),
    }
    result
}

/// Every bad-input case, with the behaviour documented per backend in `adapter/docs/reliability.md`.
async fn bad_input(backend: Backend) {
    use Outcome::*;
    let Some(t) = TestDb::new(backend).await else { return };
    let (pg, mysql) = (backend == Backend::Postgres, backend == Backend::MySql);

    // NUL bytes: PostgreSQL text cannot hold them.
    assert_eq!(user_named(&t, "nul\0byte").await, if pg { Rejected } else { RoundTrip });
    // 1 MiB: MySQL's varchar(255) name rejects it in strict mode (never truncates); TEXT tokens hold 64 KiB.
    let mib = "x".repeat(1 << 20);
    assert_eq!(user_named(&t, &mib).await, if mysql { Rejected } else { RoundTrip });
    assert_eq!(user_named(&t, &"é".repeat(255)).await, RoundTrip, "255 characters fit everywhere");
    // Empty strings, unicode, emoji, SQL metacharacters: stored verbatim.
    for name in ["", "Zoë Łukasiewicz", "🦀 Ferris 👩🏽‍💻", "'; DROP TABLE \"user\"; --", "%_\\'\"`"] {
        assert_eq!(user_named(&t, name).await, RoundTrip, "{name:?}");
    }
    for email in ["ünïcödé@exämple.org", "🦀@example.com", "o'brien+tag@example.com", ""] {
        let user = t.adapter.create_user(new_user(email)).await.unwrap();
        assert_eq!(t.adapter.get_user_by_email(email).await.unwrap(), Some(user), "{email:?}");
    }

    // Identifiers that differ only by case are different on every backend (MySQL tables use utf8mb4_bin).
    let lower = t.adapter.create_user(new_user("case@example.com")).await.unwrap();
    let upper = t.adapter.create_user(new_user("CASE@example.com")).await.unwrap();
    assert_ne!(lower.id, upper.id);
    assert_eq!(t.adapter.get_user_by_email("Case@example.com").await.unwrap(), None);

    // Long tokens: a 60 KiB id token round-trips; 1 MiB is more than MySQL's TEXT.
    let mut account = AdapterAccount::new(&lower.id, AccountType::Oidc, "google", "1");
    account.id_token = Some("t".repeat(60 * 1024));
    account.expires_at = Some(-1);
    let linked = t.adapter.link_account(account.clone()).await.unwrap();
    assert_eq!(linked, account);
    assert_eq!(t.adapter.get_account("google", "1").await.unwrap(), Some(account));
    let mut huge = AdapterAccount::new(&lower.id, AccountType::Oidc, "google", "2");
    huge.access_token = Some(mib.clone());
    let result = t.adapter.link_account(huge.clone()).await;
    assert_eq!(outcome(result, |a| *a == huge), if mysql { Rejected } else { RoundTrip });

    // Negative counters and expires_at round-trip.
    let authenticator = fixtures::authenticator(&lower.id, "negative", -5, "usb");
    assert_eq!(t.adapter.create_authenticator(authenticator.clone()).await.unwrap(), authenticator);
    let updated = t.adapter.update_authenticator_counter("negative", i64::MIN).await;
    assert_eq!(outcome(updated, |a: &AdapterAuthenticator| a.counter == i64::MIN), RoundTrip);

    // Dates: before 1970, after 2038, and chrono's extremes.
    let date = |y, mo, d, h, mi, s, ms| Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap() + Days::milliseconds(ms);
    for expires in [
        date(1969, 12, 31, 23, 59, 59, 999),
        date(1900, 1, 1, 0, 0, 0, 1),
        date(2038, 1, 19, 3, 14, 8, 0),
        date(2100, 2, 28, 12, 0, 0, 123),
        date(9999, 12, 31, 23, 59, 59, 999),
    ] {
        assert_eq!(session_expiring(&t, &lower.id, expires).await, RoundTrip, "{expires}");
    }
    let max = fixtures::ms(DateTime::<Utc>::MAX_UTC);
    let min = fixtures::ms(DateTime::<Utc>::MIN_UTC);
    // PostgreSQL's timestamp ends in year 294276, past chrono's end, and starts in 4713 BC; MySQL's DATETIME
    // covers years 1000 to 9999; SQLite's integer milliseconds cover all of chrono.
    assert_eq!(session_expiring(&t, &lower.id, max).await, if mysql { Rejected } else { RoundTrip });
    assert_eq!(session_expiring(&t, &lower.id, min).await, if backend.is_sqlite() { RoundTrip } else { Rejected });
    let update = UserUpdate { email_verified: Some(Some(min)), ..UserUpdate::new(&lower.id) };
    let updated = t.adapter.update_user(update).await;
    assert_eq!(
        outcome(updated, |u| u.email_verified == Some(min)),
        if backend.is_sqlite() { RoundTrip } else { Rejected }
    );
    if !backend.is_sqlite() {
        assert_eq!(t.adapter.get_user(&lower.id).await.unwrap(), Some(lower), "a rejected update changed nothing");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets

/// The process's log capture at trace level, installed as the global subscriber by the first caller. Under nextest each
/// test has a process of its own; under `cargo test` the tests of this binary share it (each looks for its own random
/// secrets in it).
fn global_capture() -> Captured {
    static GLOBAL: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    GLOBAL
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .try_init()
                .expect("this binary installs no other global subscriber");
            captured
        })
        .clone()
}

/// A full flow with logs captured at trace level: no session, OAuth or verification token appears in the logs, in
/// `Debug` of what the adapter returns, or in its errors.
async fn secrets_stay_secret(backend: Backend) {
    let captured = global_capture();
    let Some(t) = TestDb::new(backend).await else { return };
    let secrets: Vec<String> = (0..6).map(|i| format!("SECRET{i}x{}", fixtures::id().replace('-', ""))).collect();
    let mut shown = Vec::new();

    let user = t.adapter.create_user(new_user("secret@example.com")).await.unwrap();
    let mut account = AdapterAccount::new(&user.id, AccountType::Oidc, "google", "g-1");
    account.access_token = Some(secrets[0].clone());
    account.refresh_token = Some(secrets[1].clone());
    account.id_token = Some(secrets[2].clone());
    account.session_state = Some(secrets[3].clone());
    shown.push(format!("{:?}", t.adapter.link_account(account.clone()).await.unwrap()));
    shown.push(format!("{:?}", t.adapter.link_account(account).await.unwrap_err()));
    shown.push(format!("{:?}", t.adapter.get_account("google", "g-1").await.unwrap()));
    let created = t.adapter.create_session(session(&user.id, &secrets[4])).await.unwrap();
    shown.push(format!("{created:?}"));
    let duplicate = t.adapter.create_session(session(&user.id, &secrets[4])).await.unwrap_err();
    shown.push(format!("{duplicate:?} {duplicate}"));
    shown.push(format!("{:?}", t.adapter.get_session_and_user(&secrets[4]).await.unwrap()));
    let update = SessionUpdate::expires(&secrets[4], Utc::now() + Days::days(30));
    shown.push(format!("{update:?}"));
    shown.push(format!("{:?}", t.adapter.update_session(update).await.unwrap()));
    shown.push(format!("{:?}", t.adapter.delete_session(&secrets[4]).await.unwrap()));
    let vt =
        VerificationToken { identifier: "secret@example.com".into(), token: secrets[5].clone(), expires: Utc::now() };
    shown.push(format!("{vt:?}"));
    shown.push(format!("{:?}", t.adapter.create_verification_token(vt.clone()).await.unwrap()));
    let duplicate = t.adapter.create_verification_token(vt.clone()).await.unwrap_err();
    shown.push(format!("{duplicate:?} {duplicate}"));
    shown.push(format!("{:?}", t.adapter.use_verification_token(&vt.identifier, &vt.token).await.unwrap()));
    shown.push(format!("{:?}", t.adapter.delete_user(&user.id).await.unwrap()));
    shown.push(format!("{:?}", t.adapter));

    let logs = captured.text();
    assert!(logs.contains("INSERT"), "trace logging captured the statements: {logs}");
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret appears in the logs on {backend}");
        for text in &shown {
            assert!(!text.contains(secret.as_str()), "a secret appears in {text}");
        }
    }
}

/// With hashed session tokens, the table holds marked SHA-256 digests and the adapter still works with raw tokens.
/// A stored value is never a session token, whether hashing is on or off: a hash read from a leaked database cannot
/// be used as a cookie. `list_sessions_by_user_id` gives handles that revoke one session ("sign out this device").
async fn hashed_session_tokens(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let plain = t.adapter.clone();
    let hashed = t.adapter.clone().with_hashed_session_tokens();
    let user = hashed.create_user(new_user("hashed@example.com")).await.unwrap();
    let token = fixtures::id();
    let created = hashed.create_session(session(&user.id, &token)).await.unwrap();
    assert_eq!(created.session_token, token);
    let stored = plain.list_sessions_by_user_id(&user.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    let handle = stored[0].session_token.clone();
    assert_eq!(
        handle,
        format!("sha256:{}", hex::encode(Sha256::digest(token.as_bytes()))),
        "the raw token is not stored"
    );
    assert_eq!(plain.get_session_and_user(&token).await.unwrap(), None, "the raw token does not match");
    let (found, _) = hashed.get_session_and_user(&token).await.unwrap().unwrap();
    assert_eq!(found, created);
    let later = Utc::now() + Days::days(60);
    let updated = hashed.update_session(SessionUpdate::expires(&token, later)).await.unwrap().unwrap();
    assert_eq!(updated.session_token, token);

    // The stored hash as a cookie: no session in either mode, and no session can be created under such a token.
    for adapter in [&plain, &hashed] {
        assert_eq!(adapter.get_session_and_user(&handle).await.unwrap(), None);
        assert_eq!(adapter.update_session(SessionUpdate::expires(&handle, later)).await.unwrap(), None);
        let forged = adapter.create_session(session(&user.id, &handle)).await;
        assert!(matches!(forged, Err(Error::InvalidInput(_))), "{forged:?}");
    }

    // Handles revoke one session, in both modes.
    let other = fixtures::id();
    hashed.create_session(session(&user.id, &other)).await.unwrap();
    let handles = hashed.list_sessions_by_user_id(&user.id).await.unwrap();
    assert_eq!(handles.len(), 2);
    assert!(handles.iter().any(|s| s.session_token == handle));
    let revoked = hashed.delete_session(&handle).await.unwrap().expect("the handle names a session");
    assert_eq!(revoked.session_token, handle);
    assert_eq!(hashed.get_session_and_user(&token).await.unwrap(), None, "this device is signed out");
    assert!(hashed.get_session_and_user(&other).await.unwrap().is_some(), "the other device is not");
    let other_handle = hashed.list_sessions_by_user_id(&user.id).await.unwrap().remove(0).session_token;
    assert!(plain.delete_session(&other_handle).await.unwrap().is_some(), "a handle works with hashing off too");
    assert!(hashed.list_sessions_by_user_id(&user.id).await.unwrap().is_empty());

    let raw = fixtures::id();
    plain.create_session(session(&user.id, &raw)).await.unwrap();
    let raw_handle = plain.list_sessions_by_user_id(&user.id).await.unwrap().remove(0).session_token;
    assert_eq!(raw_handle, raw, "without hashing, the handle is the token");
    assert_eq!(plain.delete_session(&raw_handle).await.unwrap().map(|s| s.session_token), Some(raw));
}

fn backend(name: &str) -> Backend {
    Backend::ALL.into_iter().find(|b| b.name() == name).expect("a backend name")
}

/// One test per case and backend: `<case>::<backend>`.
macro_rules! per_backend {
    ($($case:ident: [$($backend:ident),+];)+) => {
        $(
            mod $case {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $backend() {
                        super::$case(super::backend(stringify!($backend))).await;
                    }
                )+
            }
        )+
    };
}

/// The concurrency cases on PostgreSQL through PgBouncer, one module per pooling mode: session mode
/// (`AUTHJS_TEST_PGBOUNCER_SESSION_URL`), and transaction mode (`AUTHJS_TEST_PGBOUNCER_URL`) with the adapter
/// `behind_transaction_pooler`, as [`TestDb`](authjs_sea_orm_tests::TestDb) builds it for that route.
macro_rules! through_pgbouncer {
    ($($module:ident => $route:ident),+) => {
        $(
            mod $module {
                use super::{Backend, Route, Target};

                fn target() -> Target {
                    Target::from(Backend::Postgres).via(Route::$route)
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn verification_token_is_single_use() {
                    super::verification_token_is_single_use(target()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn concurrent_duplicates_conflict() {
                    super::concurrent_duplicates_conflict(target()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sustained_mixed_load() {
                    super::sustained_mixed_load(target()).await;
                }
            }
        )+
    };
}

through_pgbouncer!(pgbouncer_session => PgBouncerSession, pgbouncer_transaction => PgBouncerTransaction);

per_backend! {
    verification_token_is_single_use: [sqlite_file, postgres, mysql];
    concurrent_duplicates_conflict: [sqlite_file, postgres, mysql];
    sustained_mixed_load: [sqlite_file, postgres, mysql];
    server_outage_and_recovery: [postgres, mysql];
    pool_exhaustion_times_out: [sqlite_file, postgres, mysql];
    bad_input: [sqlite_memory, sqlite_file, postgres, mysql];
    secrets_stay_secret: [sqlite_file, postgres, mysql];
    hashed_session_tokens: [sqlite_memory, postgres, mysql];
}
