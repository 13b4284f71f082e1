//! Behaviour the Auth.js suite leaves unchecked: cascades, verification-token semantics (both keys, expiry,
//! concurrent single use), what a first magic-link verification ends, expired sessions, token case sensitivity, date
//! precision, large counters, redaction of secrets in `Debug`, and the number of statements per method.

use std::fmt::Write as _;
use std::sync::Arc;

use authjs_sea_orm::axum::{Auth, AuthConfig, MagicLink};
use authjs_sea_orm::entity::{Timestamp, account, session, verification_token};
use authjs_sea_orm::{
    AccountUpdate, Adapter, AdapterAccount, AdapterSession, NewUser, Record, SessionUpdate, UserUpdate,
    VerificationToken,
};
use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{
    assert_conflict, given_account, given_authenticator, given_session, given_user, given_user_from,
    given_user_with_email, given_verification_token, new_user, sorted_authenticators,
};
use crate::fixtures::{self, id};
use crate::schemas::{TestSchema, User};
use crate::{ExecutedStatement, Method, TestDb, expected_statements};

/// `delete_user` removes the user's accounts, sessions and authenticators (checked with raw reads) and leaves other
/// users' rows alone.
pub async fn delete_user_cascades<S: TestSchema>(t: &TestDb<S>) {
    let mut owners = Vec::new();
    for email in ["doomed@example.com", "bystander@example.com"] {
        let user = given_user_with_email(t, email).await;
        for _ in 0..2 {
            given_session(t, fixtures::session(&user.id)).await;
            given_account(t, fixtures::account(&user.id)).await;
            given_authenticator(t, fixtures::authenticator(&user.id, &id(), 3, "usb")).await;
        }
        owners.push(user);
    }
    let (doomed, bystander) = (&owners[0], &owners[1]);
    let bystander_sessions = t.stored_sessions_of(&bystander.id).await;
    let bystander_accounts = t.stored_accounts_of(&bystander.id).await;
    let bystander_authenticators = t.stored_authenticators_of(&bystander.id).await;
    // Each user has 2 OAuth accounts + 2 WebAuthn accounts, 2 sessions and 2 authenticators.
    assert_eq!((bystander_sessions.len(), bystander_accounts.len(), bystander_authenticators.len()), (2, 4, 2));
    assert_eq!(t.stored_accounts_of(&doomed.id).await.len(), 4);

    assert_eq!(t.adapter.delete_user(&doomed.id).await.expect("delete_user"), Some(doomed.clone()));
    assert_eq!(t.stored_user(&doomed.id).await, None);
    assert_eq!(t.stored_sessions_of(&doomed.id).await, vec![]);
    assert_eq!(t.stored_accounts_of(&doomed.id).await, vec![]);
    assert_eq!(t.stored_authenticators_of(&doomed.id).await, vec![]);

    assert_eq!(t.stored_user(&bystander.id).await, Some(bystander.clone()));
    assert_eq!(t.stored_sessions_of(&bystander.id).await, bystander_sessions);
    assert_eq!(t.stored_accounts_of(&bystander.id).await, bystander_accounts);
    assert_eq!(t.stored_authenticators_of(&bystander.id).await, bystander_authenticators);
    let snapshot = t.snapshot().await;
    assert_eq!(
        (snapshot.users.len(), snapshot.sessions.len(), snapshot.accounts.len(), snapshot.authenticators.len()),
        (1, 2, 4, 2)
    );
    assert_eq!(t.adapter.delete_user(&doomed.id).await.expect("delete again"), None);
}

/// `use_verification_token` needs both the identifier and the token to match.
pub async fn use_verification_token_requires_both<S: TestSchema>(t: &TestDb<S>) {
    let token = given_verification_token(
        t,
        VerificationToken {
            identifier: "info@example.com".to_owned(),
            token: fixtures::hashed_token(),
            expires: fixtures::fifteen_minutes_from_now(),
        },
    )
    .await;
    let before = t.snapshot().await;
    let adapter = &t.adapter;
    assert_eq!(adapter.use_verification_token("other@example.com", &token.token).await.expect("use"), None);
    assert_eq!(adapter.use_verification_token(&token.identifier, &fixtures::hashed_token()).await.expect("use"), None);
    assert_eq!(adapter.use_verification_token("", &token.token).await.expect("use"), None);
    assert_eq!(adapter.use_verification_token(&token.identifier, "").await.expect("use"), None);
    assert_eq!(
        adapter.use_verification_token(&token.identifier.to_uppercase(), &token.token).await.expect("use"),
        None,
        "identifiers compare exactly"
    );
    assert_eq!(
        adapter.use_verification_token(&token.identifier, &token.token.to_uppercase()).await.expect("use"),
        None,
        "tokens compare exactly"
    );
    assert_eq!(t.snapshot().await, before, "nothing was used");
    assert_eq!(adapter.use_verification_token(&token.identifier, &token.token).await.expect("use"), Some(token));
}

/// A magic link that is the first proof of ownership of a user someone else created (`emailVerified` NULL: a
/// password sign-up, say) ends the sessions that user had, in the transaction that marks the address verified, so a
/// session started before the proof does not outlive it (as Better Auth does); its OAuth accounts stay. A later link
/// keeps the sessions, as does a link for a user that was verified already, and nobody else's sessions change. A
/// first verification that fails (the update takes another user's address) leaves everything as it was.
pub async fn first_verification_ends_sessions<S: TestSchema>(t: &TestDb<S>) {
    let auth = Auth::new(t.adapter.clone(), AuthConfig::new("a-test-secret-of-at-least-32-bytes!").expect("secret"));
    let link = |email: &'static str| {
        let auth = auth.clone();
        async move {
            let (identifier, token) = auth.create_magic_link(email).await.expect("create_magic_link");
            match auth.verify_magic_link(&identifier, &token).await.expect("verify_magic_link") {
                MagicLink::Verified(user) => user,
                other => panic!("{email}: {other:?}"),
            }
        }
    };
    let pre_registered = given_user_with_email(t, "pre-registered@example.com").await;
    assert_eq!(pre_registered.email_verified, None);
    let verified =
        NewUser { email_verified: Some(fixtures::ms0(Utc::now())), ..fixtures::user_with_email("owner@example.com") };
    let owner = given_user_from(t, verified).await;
    let bystander = given_user_with_email(t, "bystander@example.com").await;
    for user in [&pre_registered, &owner, &bystander] {
        for _ in 0..2 {
            given_session(t, fixtures::session(&user.id)).await;
        }
    }
    let oauth = given_account(t, fixtures::account(&pre_registered.id)).await;
    let old_sessions = t.stored_sessions_of(&pre_registered.id).await;
    for old in &old_sessions {
        // Read once, so that an adapter that caches sessions holds them.
        assert!(t.adapter.get_session_and_user(&old.session_token).await.expect("read").is_some());
    }
    let owner_sessions = t.stored_sessions_of(&owner.id).await;
    let bystander_sessions = t.stored_sessions_of(&bystander.id).await;
    assert_eq!((owner_sessions.len(), bystander_sessions.len()), (2, 2));

    // Refused (another user's address): no half-written first verification.
    let before = t.snapshot().await;
    let taken = UserUpdate {
        email: Some(Some("owner@example.com".to_owned())),
        email_verified: Some(Some(fixtures::ms0(Utc::now()))),
        ..UserUpdate::new(&pre_registered.id)
    };
    assert_conflict(t.adapter.update_user(taken).await, Record::User);
    assert_eq!(t.snapshot().await, before, "a failed first verification changes nothing");

    let user = link("pre-registered@example.com").await;
    assert_eq!(user.id, pre_registered.id);
    assert!(user.email_verified.is_some());
    assert_eq!(t.stored_user(&user.id).await, Some(user.clone()), "returns the row it wrote");
    assert_eq!(t.stored_sessions_of(&user.id).await, vec![], "the sessions from before the first proof are gone");
    for old in &old_sessions {
        assert_eq!(t.adapter.get_session_and_user(&old.session_token).await.expect("read"), None);
    }
    assert_eq!(t.stored_accounts_of(&user.id).await, vec![oauth.clone()], "OAuth accounts stay");

    // The sign-in that follows, then another link: verified already, the session stays.
    let signed_in = given_session(t, fixtures::session(&user.id)).await;
    assert_eq!(link("pre-registered@example.com").await.id, user.id);
    assert_eq!(t.stored_sessions_of(&user.id).await, vec![signed_in]);
    assert_eq!(t.stored_accounts_of(&user.id).await, vec![oauth]);

    assert_eq!(link("owner@example.com").await.id, owner.id);
    assert_eq!(t.stored_sessions_of(&owner.id).await, owner_sessions, "a verified user keeps its sessions");
    assert_eq!(t.stored_sessions_of(&bystander.id).await, bystander_sessions);
}

/// Expired verification tokens are returned (and deleted) too: core checks `expires` itself.
pub async fn use_verification_token_returns_expired<S: TestSchema>(t: &TestDb<S>) {
    let token = given_verification_token(
        t,
        VerificationToken {
            identifier: "info@example.com".to_owned(),
            token: fixtures::hashed_token(),
            expires: fixtures::now_with_millis() - Duration::days(1),
        },
    )
    .await;
    let used = t.adapter.use_verification_token(&token.identifier, &token.token).await.expect("use");
    assert_eq!(used, Some(token.clone()));
    assert_eq!(t.stored_verification_token(&token.identifier, &token.token).await, None);
}

/// Concurrent single use: 16 tasks use one token at once, 20 times; exactly one gets it each time, none fails.
pub async fn use_verification_token_concurrent<S: TestSchema>(t: &TestDb<S>) {
    const TASKS: usize = 16;
    const ROUNDS: usize = 20;
    for round in 0..ROUNDS {
        let token = given_verification_token(
            t,
            VerificationToken {
                identifier: format!("round{round}@example.com"),
                token: fixtures::hashed_token(),
                expires: fixtures::now_with_millis() + Duration::minutes(15),
            },
        )
        .await;
        let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let adapter = t.adapter.clone();
                let barrier = Arc::clone(&barrier);
                let (identifier, value) = (token.identifier.clone(), token.token.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    adapter.use_verification_token(&identifier, &value).await
                })
            })
            .collect();
        let mut winners = Vec::new();
        let mut errors = Vec::new();
        for result in futures::future::join_all(tasks).await {
            match result.expect("task panicked") {
                Ok(Some(used)) => winners.push(used),
                Ok(None) => {}
                Err(e) => errors.push(format!("{e:?}")),
            }
        }
        assert!(errors.is_empty(), "round {round}: {} of {TASKS} calls failed: {errors:#?}", errors.len());
        assert_eq!(winners.len(), 1, "round {round}: exactly one caller gets the token, got {winners:?}");
        assert_eq!(winners[0], token);
        assert_eq!(t.stored_verification_token(&token.identifier, &token.token).await, None);
    }
}

/// `get_session_and_user` returns expired sessions too (core deletes them itself), as do the session listings.
pub async fn get_session_and_user_returns_expired<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let session =
        given_session(t, fixtures::session_expiring(&user.id, fixtures::now_with_millis() - Duration::days(3))).await;
    let found = t.adapter.get_session_and_user(&session.session_token).await.expect("get_session_and_user");
    assert_eq!(found, Some((session.clone(), user.clone())));
    assert_eq!(t.adapter.list_sessions_by_user_id(&user.id).await.expect("list"), vec![session.clone()]);
    // Sliding expiry of an expired session still works.
    let expires = fixtures::one_month_from_now();
    let updated =
        t.adapter.update_session(SessionUpdate::expires(&session.session_token, expires)).await.expect("update");
    assert_eq!(updated, Some(AdapterSession { expires, ..session }));
}

/// Session tokens compare exactly: a token differing only in case finds, updates and deletes nothing.
pub async fn session_token_is_case_sensitive<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let token = format!("AbCdEf-{}", id());
    let session =
        given_session(t, AdapterSession { session_token: token.clone(), ..fixtures::session(&user.id) }).await;
    let before = t.snapshot().await;
    for other in [token.to_uppercase(), token.to_lowercase()] {
        assert_eq!(t.adapter.get_session_and_user(&other).await.expect("get_session_and_user"), None, "{other}");
        assert_eq!(
            t.adapter.update_session(SessionUpdate::expires(&other, fixtures::one_month_from_now())).await.expect("u"),
            None
        );
        assert_eq!(t.adapter.delete_session(&other).await.expect("delete_session"), None);
    }
    assert_eq!(t.snapshot().await, before);
    assert_eq!(
        t.adapter.get_session_and_user(&token).await.expect("get_session_and_user"),
        Some((session, user)),
        "the exact token still works"
    );
}

fn utc_millis(millis: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(millis).single().expect("valid date")
}

/// Every date column keeps milliseconds, on every backend, also far beyond 2038.
pub async fn dates_round_trip_with_millis<S: TestSchema>(t: &TestDb<S>) {
    let dates = [
        fixtures::now_with_millis(),
        fixtures::at_millis(Utc::now(), 1),
        fixtures::at_millis(Utc::now(), 999),
        // 2100-12-31T23:59:59.999Z: past MySQL TIMESTAMP's 2038 limit.
        utc_millis(4_133_980_799_999),
        // 1999-12-31T23:59:59.001Z
        utc_millis(946_684_799_001),
    ];
    for (i, date) in dates.into_iter().enumerate() {
        let user = given_user_from(
            t,
            NewUser { email_verified: Some(date), ..fixtures::user_with_email(&format!("d{i}@example.com")) },
        )
        .await;
        assert_eq!(user.email_verified, Some(date), "create_user returns {date}");
        assert_eq!(t.stored_user(&user.id).await.and_then(|u| u.email_verified), Some(date), "stored {date}");
        assert_eq!(t.adapter.get_user(&user.id).await.expect("get_user").and_then(|u| u.email_verified), Some(date));
        let other = date - Duration::milliseconds(1);
        let updated = t
            .adapter
            .update_user(UserUpdate { email_verified: Some(Some(other)), ..UserUpdate::new(&user.id) })
            .await
            .expect("update_user");
        assert_eq!(updated.email_verified, Some(other));
        assert_eq!(t.stored_user(&user.id).await.and_then(|u| u.email_verified), Some(other));

        let session = given_session(t, fixtures::session_expiring(&user.id, date)).await;
        assert_eq!(session.expires, date);
        assert_eq!(t.stored_session(&session.session_token).await.map(|s| s.expires), Some(date));
        let (found, _) =
            t.adapter.get_session_and_user(&session.session_token).await.expect("get_session_and_user").expect("found");
        assert_eq!(found.expires, date);
        let updated = t
            .adapter
            .update_session(SessionUpdate::expires(&session.session_token, other))
            .await
            .expect("update_session")
            .expect("found");
        assert_eq!(updated.expires, other);
        assert_eq!(t.stored_session(&session.session_token).await.map(|s| s.expires), Some(other));

        let token = given_verification_token(
            t,
            VerificationToken {
                identifier: format!("d{i}@example.com"),
                token: fixtures::hashed_token(),
                expires: date,
            },
        )
        .await;
        assert_eq!(token.expires, date);
        assert_eq!(t.stored_verification_token(&token.identifier, &token.token).await.map(|v| v.expires), Some(date));
        let used = t.adapter.use_verification_token(&token.identifier, &token.token).await.expect("use");
        assert_eq!(used.map(|v| v.expires), Some(date));
    }
}

/// WebAuthn counters are unsigned 32-bit: values beyond `i32::MAX` round-trip.
pub async fn authenticator_counter_beyond_i32<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let credential_id = id();
    let big = i64::from(i32::MAX) + 1;
    let data = fixtures::authenticator(&user.id, &credential_id, big, "usb");
    assert_eq!(given_authenticator(t, data.clone()).await, data);
    assert_eq!(t.stored_authenticator(&credential_id).await.map(|a| a.counter), Some(big));
    let max = i64::from(u32::MAX);
    assert_eq!(max, 4_294_967_295);
    let updated = t.adapter.update_authenticator_counter(&credential_id, max).await.expect("update");
    assert_eq!(updated, fixtures::authenticator_with_counter(&data, max));
    assert_eq!(t.stored_authenticator(&credential_id).await, Some(updated.clone()));
    assert_eq!(t.adapter.get_authenticator(&credential_id).await.expect("get"), Some(updated.clone()));
    assert_eq!(
        sorted_authenticators(t.adapter.list_authenticators_by_user_id(&user.id).await.expect("list")),
        vec![updated]
    );
}

/// `Debug` of every type holding secrets (tokens) prints none of them. No database needed.
pub fn debug_redacts_secrets() {
    let secret = |name: &str| format!("SECRET-{name}-{}", uuid::Uuid::new_v4().simple());
    let now = Utc::now();
    let mut checked: Vec<(String, Vec<String>, &str)> = Vec::new();

    let token = secret("session");
    let s = AdapterSession { session_token: token.clone(), user_id: "user-1".to_owned(), expires: now };
    checked.push((format!("{s:?} {s:#?}"), vec![token.clone()], "AdapterSession"));
    let u = SessionUpdate::expires(token.clone(), now);
    checked.push((format!("{u:?} {u:#?}"), vec![token.clone()], "SessionUpdate"));
    let m = session::Model { session_token: token.clone(), user_id: "user-1".to_owned(), expires: Timestamp::new(now) };
    checked.push((format!("{m:?} {m:#?}"), vec![token], "session::Model"));

    let (refresh, access, id_token, state) = (secret("refresh"), secret("access"), secret("id"), secret("state"));
    let all = vec![refresh.clone(), access.clone(), id_token.clone(), state.clone()];
    let a = AdapterAccount {
        refresh_token: Some(refresh.clone()),
        access_token: Some(access.clone()),
        id_token: Some(id_token.clone()),
        session_state: Some(state.clone()),
        ..fixtures::account("user-1")
    };
    checked.push((format!("{a:?} {a:#?}"), all.clone(), "AdapterAccount"));
    let au = AccountUpdate {
        refresh_token: Some(Some(refresh.clone())),
        access_token: Some(Some(access.clone())),
        id_token: Some(Some(id_token.clone())),
        session_state: Some(Some(state.clone())),
        ..AccountUpdate::new("github", "123")
    };
    checked.push((format!("{au:?} {au:#?}"), all.clone(), "AccountUpdate"));
    let am = account::Model {
        user_id: "user-1".to_owned(),
        r#type: "oauth".to_owned(),
        provider: "github".to_owned(),
        provider_account_id: "123".to_owned(),
        refresh_token: Some(refresh),
        access_token: Some(access),
        expires_at: Some(1.into()),
        token_type: Some("bearer".to_owned()),
        scope: Some("user".to_owned()),
        id_token: Some(id_token),
        session_state: Some(state),
    };
    checked.push((format!("{am:?} {am:#?}"), all, "account::Model"));

    let vt_secret = secret("verification");
    let vt = VerificationToken { identifier: "info@example.com".to_owned(), token: vt_secret.clone(), expires: now };
    checked.push((format!("{vt:?} {vt:#?}"), vec![vt_secret.clone()], "VerificationToken"));
    let vm = verification_token::Model {
        identifier: "info@example.com".to_owned(),
        token: vt_secret.clone(),
        expires: Timestamp::new(now),
    };
    checked.push((format!("{vm:?} {vm:#?}"), vec![vt_secret], "verification_token::Model"));

    for (output, secrets, type_name) in checked {
        for secret in secrets {
            assert!(!output.contains(&secret), "Debug of {type_name} shows a secret: {output}");
            // Not even a prefix of it.
            assert!(!output.contains(&secret[..16]), "Debug of {type_name} shows part of a secret: {output}");
        }
        assert!(!output.is_empty());
    }
    // The non-secret fields are still shown.
    let vt = VerificationToken { identifier: "info@example.com".to_owned(), token: "t".repeat(64), expires: now };
    assert!(format!("{vt:?}").contains("info@example.com"));
}

/// The exact number of statements each method runs (table: [`expected_statements`]).
pub async fn statement_counts<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let account = given_account(t, fixtures::account(&user.id)).await;
    let session = given_session(t, fixtures::session(&user.id)).await;
    let credential_id = id();
    given_authenticator(t, fixtures::authenticator(&user.id, &credential_id, 1, "usb")).await;
    let token = given_verification_token(
        t,
        VerificationToken {
            identifier: "info@example.com".to_owned(),
            token: fixtures::hashed_token(),
            expires: fixtures::fifteen_minutes_from_now(),
        },
    )
    .await;
    given_verification_token(
        t,
        VerificationToken {
            identifier: "old@example.com".to_owned(),
            token: fixtures::hashed_token(),
            expires: fixtures::now_with_millis() - Duration::days(1),
        },
    )
    .await;
    let email = user.email.clone().expect("fixture e-mail");

    let (a, counter) = t.counting_adapter();
    // On MySQL/MariaDB the adapter's first write asks the server's version (once per adapter): no method's statement.
    a.delete_session("no-such-session").await.expect("warm-up call");
    let mut seen: Vec<(Method, Vec<ExecutedStatement>)> = Vec::new();
    macro_rules! count {
        ($method:expr, $call:expr) => {{
            counter.take();
            let out = $call.await.unwrap_or_else(|e| panic!("{:?}: {e:?}", $method));
            seen.push(($method, counter.take()));
            out
        }};
    }

    assert!(count!(Method::GetUser, a.get_user(&user.id)).is_some());
    assert!(count!(Method::GetUserByEmail, a.get_user_by_email(&email)).is_some());
    assert!(
        count!(Method::GetUserByAccount, a.get_user_by_account(&account.provider, &account.provider_account_id))
            .is_some()
    );
    assert!(count!(Method::GetSessionAndUser, a.get_session_and_user(&session.session_token)).is_some());
    assert!(count!(Method::GetAccount, a.get_account(&account.provider, &account.provider_account_id)).is_some());
    assert!(count!(Method::GetAuthenticator, a.get_authenticator(&credential_id)).is_some());
    assert_eq!(count!(Method::ListAuthenticatorsByUserId, a.list_authenticators_by_user_id(&user.id)).len(), 1);
    assert_eq!(count!(Method::ListSessionsByUserId, a.list_sessions_by_user_id(&user.id)).len(), 1);

    count!(
        Method::UpdateUser,
        a.update_user(UserUpdate { name: Some(Some("N".to_owned())), ..UserUpdate::new(&user.id) })
    );
    assert!(
        count!(
            Method::UpdateSession,
            a.update_session(SessionUpdate::expires(&session.session_token, fixtures::one_month_from_now()))
        )
        .is_some()
    );
    count!(
        Method::UpdateAccount,
        a.update_account(AccountUpdate {
            access_token: Some(Some(id())),
            ..AccountUpdate::new(&account.provider, &account.provider_account_id)
        })
    );
    count!(Method::UpdateAuthenticatorCounter, a.update_authenticator_counter(&credential_id, 2));

    let created: User<S> =
        count!(Method::CreateUser, a.create_user(new_user::<S>(fixtures::user_with_email("new@example.com"))));
    let new_account = count!(Method::LinkAccount, a.link_account(fixtures::account(&created.id)));
    let new_session = count!(Method::CreateSession, a.create_session(fixtures::session(&created.id)));
    count!(
        Method::CreateVerificationToken,
        a.create_verification_token(VerificationToken { token: fixtures::hashed_token(), ..token.clone() })
    );
    count!(Method::CreateAuthenticator, a.create_authenticator(fixtures::authenticator(&created.id, &id(), 0, "nfc")));

    assert!(count!(Method::UseVerificationToken, a.use_verification_token(&token.identifier, &token.token)).is_some());
    assert!(count!(Method::DeleteSession, a.delete_session(&new_session.session_token)).is_some());
    assert!(
        count!(Method::UnlinkAccount, a.unlink_account(&new_account.provider, &new_account.provider_account_id))
            .is_some()
    );
    assert_eq!(count!(Method::DeleteSessionsByUserId, a.delete_sessions_by_user_id(&user.id)), 1);
    given_session(t, fixtures::session_expiring(&user.id, fixtures::now_with_millis() - Duration::days(1))).await;
    assert_eq!(count!(Method::DeleteExpiredSessions, a.delete_expired_sessions(Utc::now())), 1);
    assert_eq!(count!(Method::DeleteExpiredVerificationTokens, a.delete_expired_verification_tokens(Utc::now())), 1);
    assert!(count!(Method::DeleteUser, a.delete_user(&created.id)).is_some());

    for method in Method::ALL {
        assert!(seen.iter().any(|(m, _)| *m == method), "{method:?} was not measured");
    }
    let mut report = String::new();
    for (method, statements) in &seen {
        let expected = expected_statements(t.backend, *method);
        let failed = statements.iter().any(|s| s.failed);
        if statements.len() != expected || failed {
            let _ = writeln!(report, "{method:?}: expected {expected} statement(s), got {}:", statements.len());
            for s in statements {
                let _ = writeln!(report, "    {}{}", if s.failed { "(failed) " } else { "" }, s.sql);
            }
        }
    }
    assert!(report.is_empty(), "statement counts of schema {} on {}:\n{report}", S::KIND.name(), t.backend);
}
