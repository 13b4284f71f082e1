//! The session rules over an in-memory [`SessionStore`] (the SeaORM store is tested on real databases in
//! `tests/tests/better_auth_store.rs`, and against the real better-auth server in `tests/tests/better_auth.rs`), and
//! vectors made by the real better-auth 1.7.25 (`tests/interop-better-auth/vectors.mjs`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::cache::{parse_session, parse_user};
use super::cookies::{self, CookieChanges, RequestCookies};
use super::*;
use crate::{DatabaseError, Error, Record};

/// Sessions and users in memory, counting the store calls; `down` makes every call fail as a database that cannot be
/// reached.
#[derive(Default)]
pub(super) struct MemoryStore {
    users: Mutex<Vec<User>>,
    sessions: Mutex<Vec<Session>>,
    pub(super) calls: AtomicUsize,
    pub(super) down: AtomicBool,
}

impl MemoryStore {
    fn call(&self) -> crate::Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Err(Error::Database(DatabaseError::new("connection refused", "connection refused")));
        }
        Ok(())
    }

    pub(super) fn with(users: Vec<User>, sessions: Vec<Session>) -> Self {
        Self { users: Mutex::new(users), sessions: Mutex::new(sessions), ..Self::default() }
    }

    fn session(&self, token: &str) -> Option<Session> {
        self.sessions.lock().ok()?.iter().find(|s| s.token == token).cloned()
    }

    fn count(&self) -> usize {
        self.sessions.lock().map(|s| s.len()).unwrap_or_default()
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn session_and_user(&self, token: &str) -> crate::Result<Option<(Session, User)>> {
        self.call()?;
        let Some(session) = self.session(token) else { return Ok(None) };
        let user = self.users.lock().ok().and_then(|users| users.iter().find(|u| u.id == session.user_id).cloned());
        Ok(user.map(|user| (session, user)))
    }

    async fn create_session(&self, session: Session) -> crate::Result<Session> {
        self.call()?;
        if self.get_user(&session.user_id).await?.is_none() {
            return Err(Error::NotFound(Record::User));
        }
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.push(session.clone());
        }
        Ok(session)
    }

    async fn extend_session(
        &self,
        token: &str,
        expires_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> crate::Result<Option<Session>> {
        self.call()?;
        let Ok(mut sessions) = self.sessions.lock() else { return Ok(None) };
        Ok(sessions.iter_mut().find(|s| s.token == token).map(|s| {
            s.expires_at = expires_at;
            s.updated_at = updated_at;
            s.clone()
        }))
    }

    async fn delete_session(&self, token: &str) -> crate::Result<bool> {
        self.call()?;
        let Ok(mut sessions) = self.sessions.lock() else { return Ok(false) };
        let before = sessions.len();
        sessions.retain(|s| s.token != token);
        Ok(sessions.len() < before)
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> crate::Result<u64> {
        self.call()?;
        let Ok(mut sessions) = self.sessions.lock() else { return Ok(0) };
        let before = sessions.len();
        sessions.retain(|s| s.user_id != user_id);
        Ok((before - sessions.len()) as u64)
    }

    async fn get_user(&self, id: &str) -> crate::Result<Option<User>> {
        self.call()?;
        Ok(self.users.lock().ok().and_then(|users| users.iter().find(|u| u.id == id).cloned()))
    }

    async fn get_user_by_email(&self, email: &str) -> crate::Result<Option<User>> {
        self.call()?;
        Ok(self.users.lock().ok().and_then(|users| users.iter().find(|u| u.email == email).cloned()))
    }
}

pub(super) const SECRET: &str = "rust-side-secret-0123456789abcdefghijklmnop";

pub(super) fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// 2026-12-03T04:00:00Z.
pub(super) const NOW: i64 = 1_796_270_400_000;

pub(super) fn user() -> User {
    User {
        id: "u1".into(),
        name: "Ada".into(),
        email: "ada@example.com".into(),
        email_verified: true,
        image: None,
        created_at: at(NOW - 86_400_000),
        updated_at: at(NOW - 86_400_000),
    }
}

/// A session of [`user`] created at `created`, with Better Auth's default lifetime.
pub(super) fn session(token: &str, created: DateTime<Utc>) -> Session {
    Session {
        id: format!("id-{token}"),
        token: token.into(),
        user_id: "u1".into(),
        expires_at: created + Duration::days(7),
        created_at: created,
        updated_at: created,
        ip_address: Some(String::new()),
        user_agent: Some("test".into()),
    }
}

pub(super) fn config() -> BetterAuthConfig {
    BetterAuthConfig::for_url(Secrets::new(SECRET).unwrap_or_else(|_| unreachable!()), "http://localhost:3000")
}

/// The `Cookie` header of `pairs` (values signed as given, percent-encoded as Better Auth sends them).
pub(super) fn cookie_header(pairs: &[(&str, String)]) -> String {
    pairs.iter().map(|(name, value)| format!("{name}={}", cookies::encode_value(value))).collect::<Vec<_>>().join("; ")
}

fn request(pairs: &[(&str, String)]) -> RequestCookies {
    RequestCookies::from_header_values([cookie_header(pairs).as_str()])
}

fn token_cookie(token: &str) -> (&'static str, String) {
    ("better-auth.session_token", cookies::sign(token, SECRET))
}

/// The names the changes set or expire, in order, each with `Max-Age` (seconds) or `None`.
fn summary(changes: &CookieChanges) -> Vec<(String, Option<i64>)> {
    changes.cookies().iter().map(|c| (c.name().to_owned(), c.max_age().map(|d| d.whole_seconds()))).collect()
}

fn expired(names: &[&str]) -> Vec<(String, Option<i64>)> {
    names.iter().map(|name| ((*name).to_owned(), Some(0))).collect()
}

const ALL_THREE: [&str; 3] = ["better-auth.session_token", "better-auth.session_data", "better-auth.dont_remember"];

#[tokio::test]
async fn refresh_at_the_update_age_boundary() -> crate::Result<()> {
    let created = at(NOW);
    // Due when expires_at - expires_in + update_age <= now: one day after the last refresh, to the millisecond.
    let due = created + Duration::days(1);
    for (now, refreshed) in [(due - Duration::milliseconds(1), false), (due, true), (due + Duration::hours(1), true)] {
        let store = MemoryStore::with(vec![user()], vec![session("t", created)]);
        let auth = BetterAuth::new(store, config());
        let resolved = auth.resolve(&request(&[token_cookie("t")]), now).await?;
        let current = resolved.session.unwrap_or_else(|| panic!("signed in at {now}"));
        assert!(!current.from_cookie_cache);
        if refreshed {
            assert_eq!(current.session.expires_at, now + Duration::days(7), "{now}");
            assert_eq!(current.session.updated_at, now);
            assert_eq!(current.session.token, "t", "the same token");
            // The cookie is sent again, byte for byte the same value, with Max-Age = expiresIn.
            assert_eq!(summary(&resolved.cookies), [("better-auth.session_token".to_owned(), Some(604_800))]);
            let sent = resolved.cookies.set_cookie_headers();
            let value = cookies::encode_value(&cookies::sign("t", SECRET));
            assert_eq!(
                sent,
                [format!("better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax")]
            );
        } else {
            assert_eq!(current.session.expires_at, created + Duration::days(7));
            assert!(resolved.cookies.is_empty(), "{now}");
        }
    }
    // Configured lifetimes, and refreshes turned off.
    let mut short = config();
    short.expires_in = Duration::seconds(120);
    short.update_age = Duration::seconds(5);
    let mut s = session("t", created);
    s.expires_at = created + Duration::seconds(120);
    let auth = BetterAuth::new(MemoryStore::with(vec![user()], vec![s.clone()]), short.clone());
    let resolved = auth.resolve(&request(&[token_cookie("t")]), created + Duration::seconds(5)).await?;
    assert_eq!(summary(&resolved.cookies), [("better-auth.session_token".to_owned(), Some(120))]);
    short.disable_session_refresh = true;
    let auth = BetterAuth::new(MemoryStore::with(vec![user()], vec![s]), short);
    let resolved = auth.resolve(&request(&[token_cookie("t")]), created + Duration::seconds(60)).await?;
    assert!(resolved.session.is_some() && resolved.cookies.is_empty());
    Ok(())
}

#[tokio::test]
async fn dont_remember_sessions_are_never_refreshed() -> crate::Result<()> {
    let store = std::sync::Arc::new(MemoryStore::with(vec![user()], vec![]));
    let auth = BetterAuth::from_shared(store.clone(), config());
    let (session, changes) =
        auth.sign_in(&RequestCookies::default(), "u1", false, ClientInfo::default(), at(NOW)).await?;
    assert_eq!(session.expires_at, at(NOW) + Duration::days(1), "one day, whatever expiresIn");
    assert_eq!(
        summary(&changes),
        [("better-auth.session_token".to_owned(), None), ("better-auth.dont_remember".to_owned(), None)]
    );
    assert_eq!(
        changes.get("better-auth.dont_remember").map(|c| c.value().to_owned()),
        Some(cookies::sign("true", SECRET))
    );
    // Long after updateAge: no refresh while the signed dont_remember cookie is sent.
    let sent = [token_cookie(&session.token), ("better-auth.dont_remember", cookies::sign("true", SECRET))];
    let later = at(NOW) + Duration::hours(23);
    let resolved = auth.resolve(&request(&sent), later).await?;
    assert_eq!(resolved.session.map(|c| c.session.expires_at), Some(session.expires_at));
    assert!(resolved.cookies.is_empty());
    // A dont_remember cookie another secret signed does not count.
    let forged = [token_cookie(&session.token), ("better-auth.dont_remember", cookies::sign("true", "other"))];
    let mut refreshing = config();
    refreshing.update_age = Duration::zero();
    let auth = BetterAuth::from_shared(store, refreshing);
    let resolved = auth.resolve(&request(&forged), later).await?;
    assert_eq!(resolved.session.map(|c| c.session.expires_at), Some(later + Duration::days(7)));
    // Signing in again with "remember me" expires the stale dont_remember cookie.
    let (_, changes) = auth.sign_in(&request(&sent), "u1", true, ClientInfo::default(), later).await?;
    assert_eq!(
        summary(&changes),
        [("better-auth.session_token".to_owned(), Some(604_800)), ("better-auth.dont_remember".to_owned(), Some(0))]
    );
    Ok(())
}

#[tokio::test]
async fn expired_sessions_are_deleted_and_signed_out() -> crate::Result<()> {
    let created = at(NOW);
    let store =
        std::sync::Arc::new(MemoryStore::with(vec![user()], vec![session("t", created), session("other", created)]));
    let auth = BetterAuth::from_shared(store.clone(), config());
    let end = created + Duration::days(7);
    // Valid up to its expiresAt (Better Auth: expired when expiresAt < now).
    let mut at_end = config();
    at_end.disable_session_refresh = true;
    let still = BetterAuth::from_shared(store.clone(), at_end);
    assert!(still.resolve(&request(&[token_cookie("t")]), end).await?.session.is_some());
    let sent = [
        token_cookie("t"),
        ("better-auth.session_data.0", "a".to_owned()),
        ("better-auth.session_data.1", "b".to_owned()),
    ];
    let resolved = auth.resolve(&request(&sent), end + Duration::milliseconds(1)).await?;
    assert_eq!(resolved.session, None);
    let mut expected = expired(&ALL_THREE[..2]);
    expected.extend(expired(&["better-auth.session_data.0", "better-auth.session_data.1", ALL_THREE[2]]));
    assert_eq!(summary(&resolved.cookies), expected);
    assert_eq!(
        resolved.cookies.set_cookie_headers()[0],
        "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    );
    assert!(store.session_and_user("t").await?.is_none(), "the row is deleted");
    assert!(store.session_and_user("other").await?.is_some(), "other sessions stay");
    Ok(())
}

#[tokio::test]
async fn unknown_tokens_expire_the_cookies_bad_signatures_send_nothing() -> crate::Result<()> {
    let store = std::sync::Arc::new(MemoryStore::with(vec![user()], vec![session("t", at(NOW))]));
    let auth = BetterAuth::from_shared(store.clone(), config());
    // A validly signed token the store does not know: signed out, the three cookies expired.
    let resolved = auth.resolve(&request(&[token_cookie("unknown")]), at(NOW)).await?;
    assert_eq!((resolved.session, summary(&resolved.cookies)), (None, expired(&ALL_THREE)));
    // Another secret, a flipped bit, a bare token, junk, oversized: signed out, nothing sent, no store call.
    let calls = store.calls.load(Ordering::SeqCst);
    let signed = cookies::sign("t", SECRET);
    let flipped = format!("{}{}", &signed[..signed.len() - 3], if signed.ends_with("A=") { "B=" } else { "A=" });
    for value in [
        cookies::sign("t", "another secret"),
        flipped,
        "t".to_owned(),
        String::new(),
        "%%%".to_owned(),
        format!("{}.{}", "t".repeat(4096), &signed[2..]),
        signed.replace('+', "-").replace('/', "_").trim_end_matches('=').to_owned(),
    ] {
        let resolved = auth.resolve(&request(&[("better-auth.session_token", value.clone())]), at(NOW)).await?;
        assert_eq!(resolved, Resolution::default(), "{value:.60}");
    }
    // The `__Secure-` name is not read over HTTP, nor the plain one over HTTPS.
    let secure = BetterAuth::from_shared(
        store.clone(),
        BetterAuthConfig::new(Secrets::new(SECRET).unwrap_or_else(|_| unreachable!())),
    );
    assert_eq!(secure.resolve(&request(&[token_cookie("t")]), at(NOW)).await?, Resolution::default());
    let prefixed = [("__Secure-better-auth.session_token", cookies::sign("t", SECRET))];
    assert_eq!(auth.resolve(&request(&prefixed), at(NOW)).await?, Resolution::default());
    assert!(secure.resolve(&request(&prefixed), at(NOW)).await?.session.is_some());
    assert_eq!(store.calls.load(Ordering::SeqCst), calls + 1, "only the last resolution read the store");
    Ok(())
}

#[tokio::test]
async fn secrets_rotation_signs_out() -> crate::Result<()> {
    let store = std::sync::Arc::new(MemoryStore::with(vec![user()], vec![session("t", at(NOW))]));
    let old = [("better-auth.session_token", cookies::sign("t", "old-secret"))];
    let before = BetterAuthConfig::for_url(Secrets::new("old-secret").unwrap_or_else(|_| unreachable!()), "http://x");
    assert!(BetterAuth::from_shared(store.clone(), before).resolve(&request(&old), at(NOW)).await?.session.is_some());
    // After BETTER_AUTH_SECRETS="2:new-secret,1:old-secret": the old signature is refused, nothing is sent.
    let rotated = Secrets::versioned([(2, "new-secret".to_owned()), (1, "old-secret".to_owned())])
        .unwrap_or_else(|_| unreachable!());
    let auth = BetterAuth::from_shared(store.clone(), BetterAuthConfig::for_url(rotated, "http://x"));
    assert_eq!(auth.resolve(&request(&old), at(NOW)).await?, Resolution::default());
    let new = [("better-auth.session_token", cookies::sign("t", "new-secret"))];
    assert!(auth.resolve(&request(&new), at(NOW)).await?.session.is_some());
    Ok(())
}

/// A compact cookie cache for `session` and `user`, as Node's `setCookieCache` writes it, expiring at `expires_ms`.
fn compact_cache(
    session: &Session,
    user: &User,
    updated_ms: i64,
    expires_ms: i64,
    version: &str,
    secret: &str,
) -> String {
    use base64::Engine;
    use hmac::Mac;
    let iso = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let inner = serde_json::json!({
        "session": {
            "expiresAt": iso(session.expires_at), "token": session.token, "createdAt": iso(session.created_at),
            "updatedAt": iso(session.updated_at), "ipAddress": session.ip_address, "userAgent": session.user_agent,
            "userId": session.user_id, "id": session.id,
        },
        "user": {
            "name": user.name, "email": user.email, "emailVerified": user.email_verified, "image": user.image,
            "createdAt": iso(user.created_at), "updatedAt": iso(user.updated_at), "id": user.id,
        },
        "updatedAt": updated_ms,
        "version": version,
    })
    .to_string();
    let signed = format!("{},\"expiresAt\":{expires_ms}}}", &inner[..inner.len() - 1]);
    let mut mac = cookies::hmac_sha256(secret);
    mac.update(signed.as_bytes());
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    let outer = format!(r#"{{"session":{inner},"expiresAt":{expires_ms},"signature":"{signature}"}}"#);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(outer)
}

#[tokio::test]
async fn cookie_cache_answers_without_the_store() -> crate::Result<()> {
    let created = at(NOW);
    let s = session("t", created);
    let cached = compact_cache(&s, &user(), NOW, NOW + 300_000, "1", SECRET);
    let mut config = config();
    config.cookie_cache = CookieCache::enabled(CacheStrategy::Compact);
    // An empty store: the session can only come from the cookie (as after `DELETE FROM session` in Node).
    let store = std::sync::Arc::new(MemoryStore::with(vec![user()], vec![]));
    let auth = BetterAuth::from_shared(store.clone(), config.clone());
    let sent = [token_cookie("t"), ("better-auth.session_data", cached.clone())];
    // Even when updateAge has passed: no refresh from the cache.
    let resolved = auth.resolve(&request(&sent), created + Duration::seconds(299)).await?;
    let current = resolved.session.unwrap_or_else(|| panic!("answered from the cache"));
    assert!(current.from_cookie_cache);
    assert_eq!((current.session, current.user), (s.clone(), user()));
    assert!(resolved.cookies.is_empty());
    assert_eq!(store.calls.load(Ordering::SeqCst), 0, "no store call");
    // Chunked as Node chunks a large one.
    let (a, b) = cached.split_at(cached.len() / 2);
    let chunked =
        [token_cookie("t"), ("better-auth.session_data.1", b.to_owned()), ("better-auth.session_data.0", a.to_owned())];
    assert!(auth.resolve(&request(&chunked), created).await?.session.is_some_and(|c| c.from_cookie_cache));
    // Unusable: expired, another token, another version, tampered, another secret. The cookie is expired and the
    // store answers (here: no such session, so signed out with the three cookies expired).
    let other_token = compact_cache(&session("other", created), &user(), NOW, NOW + 300_000, "1", SECRET);
    let other_version = compact_cache(&s, &user(), NOW, NOW + 300_000, "2", SECRET);
    let other_secret = compact_cache(&s, &user(), NOW, NOW + 300_000, "1", "other");
    for (value, when) in [
        (cached.clone(), created + Duration::milliseconds(300_001)),
        (other_token, created),
        (other_version, created),
        (other_secret, created),
        (format!("{cached}A"), created),
        ("garbage".to_owned(), created),
    ] {
        let calls = store.calls.load(Ordering::SeqCst);
        let resolved = auth.resolve(&request(&[token_cookie("t"), ("better-auth.session_data", value)]), when).await?;
        assert_eq!(resolved.session, None);
        assert_eq!(summary(&resolved.cookies), expired(&ALL_THREE));
        assert_eq!(store.calls.load(Ordering::SeqCst), calls + 1, "the store is read instead");
    }
    // With the row there, an unusable cache falls back to it: signed in, session_data expired.
    let full = BetterAuth::new(MemoryStore::with(vec![user()], vec![s.clone()]), config.clone());
    let sent = [token_cookie("t"), ("better-auth.session_data", "garbage".to_owned())];
    let resolved = full.resolve(&request(&sent), created).await?;
    assert!(resolved.session.is_some_and(|c| !c.from_cookie_cache));
    assert_eq!(summary(&resolved.cookies), expired(&ALL_THREE[1..2]));
    // A session_data without a session_token is nothing; nor with a token another secret signed.
    let alone = [("better-auth.session_data", cached.clone())];
    assert_eq!(auth.resolve(&request(&alone), created).await?, Resolution::default());
    let forged =
        [("better-auth.session_token", cookies::sign("t", "other")), ("better-auth.session_data", cached.clone())];
    assert_eq!(auth.resolve(&request(&forged), created).await?, Resolution::default());
    // The cache off: session_data is expired (as Better Auth does), the store answers.
    let off = BetterAuth::new(MemoryStore::with(vec![user()], vec![s]), self::config());
    let sent = [token_cookie("t"), ("better-auth.session_data", cached)];
    let resolved = off.resolve(&request(&sent), created).await?;
    assert!(resolved.session.is_some_and(|c| !c.from_cookie_cache));
    assert_eq!(summary(&resolved.cookies), expired(&ALL_THREE[1..2]));
    Ok(())
}

#[tokio::test]
async fn sign_in_creates_sessions_better_auth_accepts() -> crate::Result<()> {
    let store = std::sync::Arc::new(MemoryStore::with(vec![user()], vec![session("earlier", at(NOW))]));
    let auth = BetterAuth::from_shared(store.clone(), config());
    let client = ClientInfo::from_headers(Some("203.0.113.9"), Some("Firefox"), true);
    let sent = [token_cookie("earlier"), ("better-auth.session_data", "stale".to_owned())];
    let (session, changes) = auth.sign_in(&request(&sent), "u1", true, client, at(NOW)).await?;
    for id in [&session.id, &session.token] {
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    }
    assert_ne!(session.id, session.token);
    assert_eq!(session.expires_at, at(NOW) + Duration::days(7));
    assert_eq!((session.created_at, session.updated_at), (at(NOW), at(NOW)));
    assert_eq!(session.ip_address.as_deref(), Some("203.0.113.9"));
    assert_eq!(session.user_agent.as_deref(), Some("Firefox"));
    assert_eq!(
        changes.set_cookie_headers(),
        [
            format!(
                "better-auth.session_token={}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax",
                cookies::encode_value(&cookies::sign(&session.token, SECRET))
            ),
            "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax".to_owned(),
        ]
    );
    assert_eq!(store.count(), 2, "the earlier session stays, as in Better Auth");
    // The new cookie resolves to the new session.
    let resolved = auth.resolve(&request(&[token_cookie(&session.token)]), at(NOW)).await?;
    assert_eq!(resolved.session.map(|c| c.session), Some(session));
    // An unknown user.
    let missing = auth.sign_in(&RequestCookies::default(), "nobody", true, ClientInfo::default(), at(NOW)).await;
    assert!(matches!(missing, Err(Error::NotFound(Record::User))), "{missing:?}");
    // Over HTTPS: `__Secure-` names and `Secure`.
    let mut https =
        BetterAuthConfig::for_url(Secrets::new(SECRET).unwrap_or_else(|_| unreachable!()), "https://app.example");
    https.domain = Some("app.example".into());
    let auth = BetterAuth::from_shared(store, https);
    let (session, changes) =
        auth.sign_in(&RequestCookies::default(), "u1", true, ClientInfo::default(), at(NOW)).await?;
    assert_eq!(
        changes.set_cookie_headers(),
        [format!(
            "__Secure-better-auth.session_token={}; Max-Age=604800; Domain=app.example; Path=/; HttpOnly; Secure; SameSite=Lax",
            cookies::encode_value(&cookies::sign(&session.token, SECRET))
        )]
    );
    Ok(())
}

#[tokio::test]
async fn sign_out_here_and_everywhere() -> crate::Result<()> {
    let created = at(NOW);
    let store = std::sync::Arc::new(MemoryStore::with(
        vec![user()],
        vec![session("a", created), session("b", created), session("c", created)],
    ));
    let auth = BetterAuth::from_shared(store.clone(), config());
    let (deleted, changes) = auth.sign_out(&request(&[token_cookie("a")])).await?;
    assert!(deleted);
    assert_eq!(summary(&changes), expired(&ALL_THREE));
    assert!(store.session("a").is_none() && store.session("b").is_some());
    // Signing out without a valid cookie deletes nothing and still expires the cookies, as Better Auth does.
    let (deleted, changes) = auth.sign_out(&request(&[("better-auth.session_token", cookies::sign("b", "x"))])).await?;
    assert!(!deleted);
    assert_eq!(summary(&changes), expired(&ALL_THREE));
    assert!(store.session("b").is_some());
    let (count, changes) = auth.sign_out_everywhere(&request(&[token_cookie("b")]), "u1").await?;
    assert_eq!((count, store.count()), (2, 0));
    assert_eq!(summary(&changes), expired(&ALL_THREE));
    Ok(())
}

#[tokio::test]
async fn store_failures_are_errors_bad_input_is_not() {
    let store = std::sync::Arc::new(MemoryStore::with(vec![user()], vec![session("t", at(NOW))]));
    store.down.store(true, Ordering::SeqCst);
    let auth = BetterAuth::from_shared(store.clone(), config());
    assert!(matches!(auth.resolve(&request(&[token_cookie("t")]), at(NOW)).await, Err(Error::Database(_))));
    // Bad cookies never reach the store.
    assert_eq!(
        auth.resolve(&request(&[("better-auth.session_token", "junk".into())]), at(NOW)).await.ok(),
        Some(Resolution::default())
    );
}

#[test]
fn generated_ids_are_better_auths() {
    let ids: Vec<String> = (0..200).map(|_| generate_id()).collect();
    assert!(ids.iter().all(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())));
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    // Every character class appears (6400 characters drawn from 62).
    let all: String = ids.concat();
    for class in [u8::is_ascii_lowercase, u8::is_ascii_uppercase, u8::is_ascii_digit] {
        assert!(all.bytes().any(|b| class(&b)));
    }
}

#[test]
fn client_info_trusts_one_forwarded_address() {
    let ip = |header: &str, trust: bool| ClientInfo::from_headers(Some(header), None, trust).ip_address;
    assert_eq!(ip("203.0.113.9", true), "203.0.113.9");
    assert_eq!(ip(" 203.0.113.9 ", true), "203.0.113.9");
    assert_eq!(ip("203.0.113.9", false), "", "not trusted by default");
    assert_eq!(ip("203.0.113.9, 10.0.0.1", true), "", "Better Auth trusts a single address only");
    assert_eq!(ip("not an address", true), "");
    assert_eq!(ip("::ffff:192.0.2.1", true), "192.0.2.1");
    assert_eq!(ip("2001:db8::1:2:3:4", true), "2001:0db8:0000:0000:0000:0000:0000:0000");
    let client = ClientInfo::from_headers(None, Some("curl/8"), true);
    assert_eq!(client, ClientInfo { ip_address: String::new(), user_agent: "curl/8".into() });
    assert_eq!(ClientInfo::from_headers(None, None, false), ClientInfo::default());
}

#[test]
fn debug_never_shows_a_token_or_secret() {
    let signed = cookies::sign("the-token", SECRET);
    let cookies = request(&[("better-auth.session_token", signed.clone())]);
    let auth = BetterAuth::new(MemoryStore::default(), config());
    let mut changes = CookieChanges::new();
    changes.set("better-auth.session_token", signed, Some(1), &config().attributes());
    let mut stored = session("the-token", at(NOW));
    stored.id = "sid".into();
    for shown in [format!("{cookies:?}"), format!("{auth:?}"), format!("{changes:?}"), format!("{stored:?}")] {
        assert!(!shown.contains("the-token") && !shown.contains(SECRET), "{shown}");
    }
}

/// The vectors of the real better-auth 1.7.25 (`tests/interop-better-auth/vectors.mjs`).
#[tokio::test]
async fn node_vectors_verify() -> Result<(), Box<dyn std::error::Error>> {
    let vectors: Value = serde_json::from_str(include_str!("testdata/node-vectors.json"))?;
    let vectors = vectors["vectors"].as_array().ok_or("vectors")?;
    let find = |label: &str| vectors.iter().find(|v| v["label"] == label).ok_or(format!("no vector {label}"));
    let text = |value: &Value| value.as_str().map(str::to_owned).ok_or("not a string");
    let headers = |value: &Value| -> Vec<String> {
        value.as_array().into_iter().flatten().filter_map(|h| h.as_str().map(str::to_owned)).collect()
    };
    let secret = "vectors-secret-0123456789abcdefghijklmnop";
    let old = "vectors-old-secret-0123456789abcdefghijkl";
    for vector in vectors {
        let label = text(&vector["label"])?;
        let after = at(vector["after"].as_i64().ok_or("after")?);
        let session =
            parse_session(vector["getSession"]["session"].as_object().ok_or("session")?, after).ok_or("session")?;
        let user = parse_user(vector["getSession"]["user"].as_object().ok_or("user")?, after).ok_or("user")?;
        let cookies = RequestCookies::from_header_values([text(&vector["cookie"])?.as_str()]);
        let secrets = match label.as_str() {
            "jwe-rotated" | "jwe-old" => Secrets::versioned([(2, secret.to_owned()), (1, old.to_owned())])?,
            _ => Secrets::new(secret)?,
        };
        let mut config = BetterAuthConfig::for_url(secrets, "http://127.0.0.1:3000");
        if let Some(strategy) = vector["options"]["session"]["cookieCache"]["strategy"].as_str() {
            config.cookie_cache = CookieCache::enabled(strategy.parse()?);
        }
        // The store has the session when there is no cookie cache; with one, it is empty: the cookie answers.
        let cached = config.cookie_cache.enabled;
        let store =
            if cached { MemoryStore::default() } else { MemoryStore::with(vec![user.clone()], vec![session.clone()]) };
        let auth = BetterAuth::new(store, config);
        let resolved = auth.resolve(&cookies, after).await?;
        if label == "jwe-old" {
            // Its session_token was signed with the secret now rotated out: signed out, nothing sent.
            assert_eq!(resolved, Resolution::default(), "{label}");
            let data = cookies.get("better-auth.session_data").ok_or("data")?;
            let read = super::cache::read(data, CacheStrategy::Jwe, &auth.config().secrets, after).ok_or("old jwe")?;
            assert_eq!((read.session, read.user), (session, user), "{label}: the old JWE still decrypts");
            continue;
        }
        let current = resolved.session.ok_or(format!("{label}: signed in"))?;
        assert_eq!(current.from_cookie_cache, cached, "{label}");
        assert_eq!((&current.session, &current.user), (&session, &user), "{label}");
        assert!(resolved.cookies.is_empty(), "{label}");
        // The session cookie Rust writes for this session is the header Node sent, byte for byte.
        let remember = vector["rememberMe"].as_bool().ok_or("rememberMe")?;
        let mut changes = CookieChanges::new();
        let attributes = auth.config().attributes();
        let names = auth.config().cookie_names();
        let max_age = remember.then_some(604_800);
        changes.set(
            &names.session_token,
            cookies::sign(&session.token, auth.config().secrets.current()),
            max_age,
            &attributes,
        );
        if !remember {
            changes.set(
                &names.dont_remember,
                cookies::sign("true", auth.config().secrets.current()),
                None,
                &attributes,
            );
        }
        let node: Vec<String> =
            headers(&vector["signUpSetCookies"]).into_iter().filter(|h| !h.contains(".session_data=")).collect();
        assert_eq!(changes.set_cookie_headers(), node, "{label}");
        // Signing out sends what Node's sign-out sends (Node repeats session_data when the cache is on).
        let (_, changes) = auth.sign_out(&cookies).await?;
        let mut node = headers(&vector["signOutSetCookies"]);
        node.dedup();
        assert_eq!(changes.set_cookie_headers(), node, "{label}");
    }
    assert!(find("jwe-old").is_ok() && find("compact").is_ok() && find("dont-remember").is_ok());
    Ok(())
}

#[test]
fn config_from_env_follows_better_auth() -> Result<(), SecretsError> {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    };
    let config =
        BetterAuthConfig::from_env(env(&[("BETTER_AUTH_SECRET", SECRET), ("BETTER_AUTH_URL", "https://a.example")]))?;
    assert!(config.secure);
    assert_eq!(config.cookie_names().session_token, "__Secure-better-auth.session_token");
    assert_eq!(config.secrets.current(), SECRET);
    assert_eq!((config.expires_in, config.update_age), (Duration::days(7), Duration::days(1)));
    assert!(!config.cookie_cache.enabled && !config.disable_session_refresh && !config.trust_forwarded_for);
    let config = BetterAuthConfig::from_env(env(&[("AUTH_SECRET", SECRET), ("BASE_URL", "http://localhost:3000")]))?;
    assert!(!config.secure);
    let config = BetterAuthConfig::from_env(env(&[("AUTH_SECRET", SECRET), ("NODE_ENV", "production")]))?;
    assert!(config.secure, "no base URL: secure in production");
    let config = BetterAuthConfig::from_env(env(&[("AUTH_SECRET", SECRET)]))?;
    assert!(!config.secure);
    assert_eq!(
        BetterAuthConfig::from_env(env(&[("NODE_ENV", "production")])).err(),
        Some(SecretsError::DefaultInProduction)
    );
    Ok(())
}
