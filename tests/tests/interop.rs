//! Interoperability with the real Auth.js code: the Rust adapter and `@auth/drizzle-adapter` (run by Node from
//! `tests/interop/`) on one database, on SQLite (one file both open), PostgreSQL and MariaDB.
//!
//! 1. `drizzle_suite_on_our_schema`: our migrations create the database; `suite.mjs` drives all 19 Drizzle adapter
//!    methods through the Auth.js adapter suite's scenario and asserts every result.
//! 2. `cross_reading_*`: every record kind written by one side is read back by the other with identical values
//!    (`rpc.mjs` runs the Drizzle calls the test asks for and checks them against the Rust values; the test checks
//!    what Node reports as well); verification tokens are consumed across sides exactly once; a session created by
//!    Node is found, extended and deleted by Rust. On our schema and on Drizzle's own.
//! 3. `rust_adapter_on_drizzle_schema`: a database created from the DDL drizzle-kit generates for the adapter's
//!    default tables (`drizzle-ddl.mjs`) passes the conformance cases, apart from the documented differences of
//!    Drizzle's column types, which `drizzle_schema_differences` pins down.
//!
//! Needs Node 20+ and `npm ci --prefix tests`. Without `tests/node_modules` the tests print
//! `skipped: run npm ci --prefix tests` and pass, unless `CI=true`, where they fail. PostgreSQL and MariaDB need
//! `AUTHJS_TEST_POSTGRES_URL` / `AUTHJS_TEST_MYSQL_URL` as the rest of the suite does.
#![allow(clippy::unwrap_used)]

mod node_rpc;

use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, NewUser, SessionUpdate,
    VerificationToken,
};
use authjs_sea_orm_tests::fixtures::{self, at_millis, id};
use authjs_sea_orm_tests::node::node_ready;
use authjs_sea_orm_tests::{Backend, TestDb, cases, drizzle};
use chrono::{DateTime, Duration, Utc};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use node_rpc::*;

// ---------------------------------------------------------------------------------------------------------------
// Databases

/// Which tables a test database holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tables {
    /// Created by our migration.
    Ours,
    /// Created from the DDL drizzle-kit generates for the Drizzle adapter's default schema.
    Drizzle,
}

/// The DDL drizzle-kit generates for the adapter's default tables on `backend`'s dialect.
fn drizzle_ddl(backend: Backend) -> String {
    drizzle::ddl(backend)
}

/// A fresh database on `backend` (a file for SQLite) holding `tables`. For [`Tables::Drizzle`]: our migration is
/// rolled back (leaving an empty database but for `seaql_migrations`), then `ddl` is applied statement by statement.
async fn database(backend: Backend, tables: Tables, ddl: Option<&str>) -> Option<TestDb> {
    let t = TestDb::new(backend).await?;
    if tables == Tables::Drizzle {
        Migrator::down(&t.db, None).await.unwrap();
        drizzle::apply(&t.db, ddl.unwrap()).await;
    }
    Some(t)
}

/// The instant a `session`/`verificationToken` `expires` column keeps: Drizzle's MySQL `timestamp` (fsp 0) drops the
/// milliseconds (MariaDB truncates; MySQL 8 rounds, so the tests use milliseconds below 500, where both agree).
fn kept_expires(backend: Backend, tables: Tables, instant: DateTime<Utc>) -> DateTime<Utc> {
    if tables == Tables::Drizzle && backend == Backend::MySql { fixtures::ms0(instant) } else { instant }
}

// ---------------------------------------------------------------------------------------------------------------
// Check 1

/// Our migrations create the database; the real Drizzle adapter passes the Auth.js suite's scenario on it.
async fn drizzle_suite_on_our_schema(backend: Backend) {
    if !node_ready() {
        return;
    }
    let Some(t) = TestDb::new(backend).await else { return };
    let node = NodeDb::of(&t).await;
    let (ok, stdout, stderr) = node.run("suite.mjs", &[], None);
    let summary: Value = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("suite.mjs printed no summary\nstdout: {stdout}\nstderr: {stderr}"));
    assert!(ok && summary["failed"] == json!([]), "Drizzle adapter suite on {backend}:\n{stdout}\n{stderr}");
    assert_eq!(summary["passed"].as_array().unwrap().len(), 24, "{stdout}");
    let methods: Vec<&str> = summary["methods"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    let mut all = vec![
        "createUser",
        "getUser",
        "getUserByEmail",
        "getUserByAccount",
        "updateUser",
        "deleteUser",
        "linkAccount",
        "unlinkAccount",
        "createSession",
        "getSessionAndUser",
        "updateSession",
        "deleteSession",
        "createVerificationToken",
        "useVerificationToken",
        "getAccount",
        "getAuthenticator",
        "createAuthenticator",
        "listAuthenticatorsByUserId",
        "updateAuthenticatorCounter",
    ];
    all.sort_unstable();
    assert_eq!(methods, all, "all 19 adapter methods ran");
    // What Drizzle left behind reads back through the Rust adapter too.
    let users = authjs_sea_orm::entity::user::Entity::find().all(&t.db).await.unwrap();
    assert!(users.len() >= 5, "users the suite left: {}", users.len());
    for user in users {
        let read = t.adapter.get_user(&user.id).await.unwrap().unwrap();
        assert_eq!(read.email, user.email);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Check 2

/// Rust writes every record kind, Node reads it; Node writes every record kind, Rust reads it; verification tokens
/// and a session cross sides.
async fn cross_reading(backend: Backend, tables: Tables) {
    if !node_ready() {
        return;
    }
    let ddl = (tables == Tables::Drizzle).then(|| drizzle_ddl(backend));
    let Some(t) = database(backend, tables, ddl.as_deref()).await else { return };
    let node = NodeDb::of(&t).await;
    let kept = |d| kept_expires(backend, tables, d);
    let soon = Utc::now() + Duration::days(1);

    // --- Written by Rust, read by Node ---------------------------------------------------------------------------
    let u1 = t
        .adapter
        .create_user(NewUser {
            id: Some(id()),
            name: Some("Ada Lovelace".into()),
            email: Some(format!("ada-{}@example.com", id())),
            email_verified: Some(at_millis(Utc::now(), 789)),
            image: Some("https://example.com/ada.png".into()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    let u2 = t
        .adapter
        .create_user(NewUser { id: Some(id()), email: Some(format!("bob-{}@example.com", id())), ..NewUser::default() })
        .await
        .unwrap();
    assert_eq!((u2.email_verified, &u2.name, &u2.image), (None, &None, &None));
    let a_full = t.adapter.link_account(fixtures::oidc_account(&u1.id, format!("eyJ.{}", id()))).await.unwrap();
    let a_none = t.adapter.link_account(AdapterAccount::new(&u2.id, AccountType::Oauth, "github", id())).await.unwrap();
    let s1 = t
        .adapter
        .create_session(AdapterSession {
            session_token: id(),
            user_id: u1.id.clone(),
            expires: at_millis(soon + Duration::days(29), 456),
        })
        .await
        .unwrap();
    // What the column keeps. (On Drizzle's MySQL tables `create_session` returns the milliseconds it was given, not
    // the stored, truncated value: it does not re-read the row.)
    let s1 = AdapterSession { expires: kept(s1.expires), ..s1 };
    let v1 = t
        .adapter
        .create_verification_token(VerificationToken {
            identifier: u1.email.clone().unwrap(),
            token: fixtures::hashed_token(),
            expires: at_millis(soon, 123),
        })
        .await
        .unwrap();
    let v1 = VerificationToken { expires: kept(v1.expires), ..v1 };
    let au1 = t.adapter.create_authenticator(fixtures::passkey(&u1.id, 7, Some("usb,ble,nfc"))).await.unwrap();
    let au2 = t.adapter.create_authenticator(fixtures::passkey(&u1.id, 0, None)).await.unwrap();
    let au1_bumped = AdapterAuthenticator { counter: 4242, ..au1.clone() };
    let key = |a: &AdapterAccount| json!({ "provider": a.provider, "providerAccountId": a.provider_account_id });
    let vt_key = |v: &VerificationToken| json!({ "identifier": v.identifier, "token": v.token });

    let r = node.rpc(vec![
        call("getUser", vec![json!(u1.id)], user_json(&u1)),
        call("getUser", vec![json!(u2.id)], user_json(&u2)),
        call("getUserByEmail", vec![json!(u1.email)], user_json(&u1)),
        call("getUserByEmail", vec![json!(u2.email)], user_json(&u2)),
        call("getUserByAccount", vec![key(&a_full)], user_json(&u1)),
        call("getUserByAccount", vec![key(&a_none)], user_json(&u2)),
        call("getAccount", vec![json!(a_full.provider_account_id), json!(a_full.provider)], account_json(&a_full)),
        call("getAccount", vec![json!(a_none.provider_account_id), json!(a_none.provider)], account_json(&a_none)),
        call(
            "getSessionAndUser",
            vec![json!(s1.session_token)],
            json!({ "session": session_json(&s1), "user": user_json(&u1) }),
        ),
        call("getAuthenticator", vec![json!(au1.credential_id)], authenticator_json(&au1)),
        call("getAuthenticator", vec![json!(au2.credential_id)], authenticator_json(&au2)),
        json!({
            "method": "listAuthenticatorsByUserId", "args": [u1.id], "unordered": true,
            "expect": [authenticator_json(&au1), authenticator_json(&au2)],
        }),
        // A token created by Rust is used by Node, once.
        call("useVerificationToken", vec![vt_key(&v1)], vt_json(&v1)),
        call("useVerificationToken", vec![vt_key(&v1)], Value::Null),
        call(
            "updateAuthenticatorCounter",
            vec![json!(au1.credential_id), json!(4242)],
            authenticator_json(&au1_bumped),
        ),
    ]);
    // The same results, checked on this side.
    assert_eq!(user_of(&r[0]), u1);
    assert_eq!(user_of(&r[1]), u2);
    assert_eq!(
        (user_of(&r[2]), user_of(&r[3]), user_of(&r[4]), user_of(&r[5])),
        (u1.clone(), u2.clone(), u1.clone(), u2.clone())
    );
    assert_eq!(account_of(&r[6]), a_full);
    assert_eq!(account_of(&r[7]), a_none);
    assert_eq!((session_of(&r[8]["session"]), user_of(&r[8]["user"])), (s1.clone(), u1.clone()));
    assert_eq!(authenticator_of(&r[9]), au1);
    assert_eq!(authenticator_of(&r[10]), au2);
    assert_eq!(
        sorted(r[11].as_array().unwrap().iter().map(authenticator_of).collect()),
        sorted(vec![au1.clone(), au2.clone()])
    );
    assert_eq!(vt_of(&r[12]), v1);
    assert_eq!(r[13], Value::Null);
    assert_eq!(authenticator_of(&r[14]), au1_bumped);
    assert_eq!(t.adapter.use_verification_token(&v1.identifier, &v1.token).await.unwrap(), None, "used by Node");
    assert_eq!(t.adapter.get_authenticator(&au1.credential_id).await.unwrap(), Some(au1_bumped));

    // --- Written by Node, read by Rust ---------------------------------------------------------------------------
    let u3_new = AdapterUser {
        id: id(),
        name: Some("Grace Hopper".into()),
        email: Some(format!("grace-{}@example.com", id())),
        email_verified: Some(at_millis(Utc::now(), 987)),
        image: Some("https://example.com/grace.png".into()),
        extra: (),
    };
    // Core's OAuth sign-up passes `emailVerified: null` and leaves out what the profile lacks.
    let u4_email = format!("ed-{}@example.com", id());
    let u4_arg = json!({ "id": id(), "email": u4_email, "emailVerified": null });
    // Drizzle's default `user.id` has a `$defaultFn`, so its `createUser` drops the id core passes and stores a new
    // UUID (on every dialect): take the ids from the results.
    let r = node.rpc(vec![
        json!({ "method": "createUser", "args": [user_json(&u3_new)] }),
        json!({ "method": "createUser", "args": [u4_arg] }),
    ]);
    let (u3, u4) = (user_of(&r[0]), user_of(&r[1]));
    assert_ne!(u3.id, u3_new.id, "Drizzle generates user ids");
    assert_eq!(u3, AdapterUser { id: u3.id.clone(), ..u3_new });
    assert!(uuid::Uuid::parse_str(&u4.id).is_ok(), "{}", u4.id);
    let u4_expected = AdapterUser {
        id: u4.id.clone(),
        name: None,
        email: Some(u4_email),
        email_verified: None,
        image: None,
        extra: (),
    };
    assert_eq!(u4, u4_expected);
    let a3 = AdapterAccount {
        refresh_token: Some(format!("refresh-{}", id())),
        access_token: Some(format!("access-{}", id())),
        expires_at: Some(1_900_000_001),
        token_type: Some("dpop".into()),
        scope: Some("read:user".into()),
        id_token: Some(format!("eyJ.{}", id())),
        session_state: Some(id()),
        ..AdapterAccount::new(&u3.id, AccountType::Oauth, "gitlab", id())
    };
    let a4 = AdapterAccount::new(&u4.id, AccountType::Email, "email", u4.email.clone().unwrap());
    let s2 = AdapterSession {
        session_token: id(),
        user_id: u3.id.clone(),
        expires: at_millis(soon + Duration::days(6), 321),
    };
    let v2 = VerificationToken {
        identifier: u4.email.clone().unwrap(),
        token: fixtures::hashed_token(),
        expires: at_millis(soon, 234),
    };
    let au3 = fixtures::passkey(&u3.id, 12, Some("internal,hybrid"));
    let au4 = fixtures::passkey(&u4.id, 0, None);
    let s2_kept = AdapterSession { expires: kept(s2.expires), ..s2.clone() };
    let v2_kept = VerificationToken { expires: kept(v2.expires), ..v2.clone() };
    let r = node.rpc(vec![
        call("getUser", vec![json!(u3.id)], user_json(&u3)),
        call("getUser", vec![json!(u4.id)], user_json(&u4)),
        json!({ "method": "linkAccount", "args": [account_arg(&a3)] }),
        json!({ "method": "linkAccount", "args": [account_arg(&a4)] }),
        call("createSession", vec![session_json(&s2)], session_json(&s2_kept)),
        call("createVerificationToken", vec![vt_json(&v2)], vt_json(&v2_kept)),
        call("createAuthenticator", vec![authenticator_json(&au3)], authenticator_json(&au3)),
        call("createAuthenticator", vec![authenticator_json(&au4)], authenticator_json(&au4)),
    ]);
    assert_eq!((user_of(&r[0]), user_of(&r[1])), (u3.clone(), u4.clone()));
    assert_eq!(session_of(&r[4]), s2_kept);
    assert_eq!(vt_of(&r[5]), v2_kept);
    assert_eq!((authenticator_of(&r[6]), authenticator_of(&r[7])), (au3.clone(), au4.clone()));

    let a = &t.adapter;
    assert_eq!(a.get_user(&u3.id).await.unwrap(), Some(u3.clone()));
    assert_eq!(a.get_user(&u4.id).await.unwrap(), Some(u4.clone()));
    assert_eq!(a.get_user_by_email(u3.email.as_deref().unwrap()).await.unwrap(), Some(u3.clone()));
    assert_eq!(a.get_user_by_email(u4.email.as_deref().unwrap()).await.unwrap(), Some(u4.clone()));
    assert_eq!(a.get_user_by_account(&a3.provider, &a3.provider_account_id).await.unwrap(), Some(u3.clone()));
    assert_eq!(a.get_user_by_account(&a4.provider, &a4.provider_account_id).await.unwrap(), Some(u4.clone()));
    assert_eq!(a.get_account(&a3.provider, &a3.provider_account_id).await.unwrap(), Some(a3.clone()));
    assert_eq!(a.get_account(&a4.provider, &a4.provider_account_id).await.unwrap(), Some(a4.clone()));
    assert_eq!(a.get_authenticator(&au3.credential_id).await.unwrap(), Some(au3.clone()));
    assert_eq!(a.get_authenticator(&au4.credential_id).await.unwrap(), Some(au4.clone()));
    assert_eq!(a.list_authenticators_by_user_id(&u3.id).await.unwrap(), vec![au3.clone()]);
    assert_eq!(a.list_authenticators_by_user_id(&u4.id).await.unwrap(), vec![au4.clone()]);
    assert_eq!(a.list_sessions_by_user_id(&u3.id).await.unwrap(), vec![s2_kept.clone()]);

    // A token created by Node is used by Rust, once; Node then finds nothing.
    assert_eq!(a.use_verification_token(&v2.identifier, &v2.token).await.unwrap(), Some(v2_kept.clone()));
    assert_eq!(a.use_verification_token(&v2.identifier, &v2.token).await.unwrap(), None);

    // A session created by Node: found, extended and deleted by Rust.
    assert_eq!(a.get_session_and_user(&s2.session_token).await.unwrap(), Some((s2_kept.clone(), u3.clone())));
    let extended = at_millis(soon + Duration::days(30), 345);
    let s2_extended = AdapterSession { expires: kept(extended), ..s2.clone() };
    assert_eq!(
        a.update_session(SessionUpdate::expires(&s2.session_token, extended)).await.unwrap(),
        Some(s2_extended.clone())
    );
    let r = node.rpc(vec![
        call("useVerificationToken", vec![vt_key(&v2)], Value::Null),
        call(
            "getSessionAndUser",
            vec![json!(s2.session_token)],
            json!({ "session": session_json(&s2_extended), "user": user_json(&u3) }),
        ),
    ]);
    assert_eq!(session_of(&r[1]["session"]), s2_extended);
    assert_eq!(a.delete_session(&s2.session_token).await.unwrap(), Some(s2_extended));
    assert_eq!(a.get_session_and_user(&s2.session_token).await.unwrap(), None);
    node.rpc(vec![call("getSessionAndUser", vec![json!(s2.session_token)], Value::Null)]);
}

// ---------------------------------------------------------------------------------------------------------------
// Check 3

/// Each case on a fresh database created from drizzle-kit's DDL; fails listing every case that failed.
async fn rust_adapter_on_drizzle_schema(backend: Backend) {
    if !node_ready() || TestDb::new(backend).await.is_none() {
        return;
    }
    let ddl = drizzle_ddl(backend);
    let fresh = || async { database(backend, Tables::Drizzle, Some(&ddl)).await.unwrap() };
    let (ran, failed) = drizzle::run_cases_on_drizzle_tables(backend, fresh).await;
    assert!(ran >= 45, "{ran} cases ran");
    assert!(failed.is_empty(), "cases failing on Drizzle's own {backend} tables: {failed:?}");
}

/// What differs on Drizzle's own tables, pinned down: 32-bit `counter`/`expires_at` on PostgreSQL and MySQL,
/// second-precision `expires` and the server's collation on MySQL. Everything else reads and writes as on ours.
async fn drizzle_schema_differences(backend: Backend) {
    if !node_ready() {
        return;
    }
    let ddl = drizzle_ddl(backend);
    let Some(t) = database(backend, Tables::Drizzle, Some(&ddl)).await else { return };
    let user = cases::given_user(&t).await;

    // `counter` and `expires_at` are `integer`/`int`: 2^31 and beyond do not fit on PostgreSQL and MySQL.
    let data = fixtures::authenticator(&user.id, &id(), 5, "usb");
    cases::given_authenticator(&t, data.clone()).await;
    let big = t.adapter.update_authenticator_counter(&data.credential_id, i64::from(u32::MAX)).await;
    let account = AdapterAccount { expires_at: Some(4_102_444_800), ..fixtures::account(&user.id) }; // 2100
    let linked = t.adapter.link_account(account.clone()).await;
    if backend.is_sqlite() {
        assert_eq!(big.unwrap().counter, i64::from(u32::MAX));
        assert_eq!(linked.unwrap(), account);
    } else {
        assert!(big.is_err(), "counter 2^32-1 in a 32-bit column on {backend}");
        assert!(linked.is_err(), "expires_at 2100 in a 32-bit column on {backend}");
        assert_eq!(t.adapter.get_authenticator(&data.credential_id).await.unwrap(), Some(data), "unchanged");
    }

    // Session and verification-token `expires` keep milliseconds, except MySQL's `timestamp` (fsp 0);
    // `emailVerified` is `timestamp(3)` there and keeps them.
    let expires = at_millis(Utc::now() + Duration::days(7), 456);
    let kept = kept_expires(backend, Tables::Drizzle, expires);
    let session = AdapterSession { session_token: format!("AbC-{}", id()), user_id: user.id.clone(), expires };
    t.adapter.create_session(session.clone()).await.unwrap();
    let (stored, _) = t.adapter.get_session_and_user(&session.session_token).await.unwrap().unwrap();
    assert_eq!(stored.expires, kept);
    let token = VerificationToken { identifier: "vt@example.com".into(), token: fixtures::hashed_token(), expires };
    t.adapter.create_verification_token(token.clone()).await.unwrap();
    assert_eq!(t.adapter.use_verification_token(&token.identifier, &token.token).await.unwrap().unwrap().expires, kept);
    let verified = at_millis(Utc::now(), 789);
    let u = t
        .adapter
        .create_user(NewUser { email_verified: Some(verified), ..fixtures::user_with_email("ms@example.com") })
        .await;
    assert_eq!(u.unwrap().email_verified, Some(verified));
    if backend == Backend::MySql {
        assert_ne!(kept, expires, "MySQL timestamp drops milliseconds");
    } else {
        assert_eq!(kept, expires);
    }

    // Long OAuth tokens: MySQL's `varchar(255)` / `varchar(2048)` (`id_token`) refuse them (strict mode, which
    // `connect` sets; a non-strict session would truncate them); PostgreSQL's and SQLite's `text` keep them.
    let long = AdapterAccount {
        access_token: Some("a".repeat(1200)),
        id_token: Some("i".repeat(3000)),
        ..fixtures::account(&user.id)
    };
    let linked = t.adapter.link_account(long.clone()).await;
    assert_eq!(linked.is_err(), backend == Backend::MySql, "{linked:?}");

    // Drizzle's MySQL tables take the server's collation, case-insensitive here (utf8mb4_unicode_ci; MySQL 8's
    // utf8mb4_0900_ai_ci too), but the adapter compares keys byte for byte on every table: another case of a session
    // token or of a verification-token identifier finds nothing.
    let other_case = t.adapter.get_session_and_user(&session.session_token.to_lowercase()).await.unwrap();
    assert_eq!(other_case, None);
    let token = VerificationToken { identifier: "Case@Example.com".into(), ..token };
    t.adapter.create_verification_token(token.clone()).await.unwrap();
    let used = t.adapter.use_verification_token(&token.identifier.to_lowercase(), &token.token).await.unwrap();
    assert_eq!(used, None);
    assert!(t.adapter.use_verification_token(&token.identifier, &token.token).await.unwrap().is_some());
}

/// MySQL/MariaDB: the Node side must use a UTC session time zone with Drizzle's `timestamp` columns. Node writes a
/// session with its session in `+05:00`, Rust (UTC) reads it: shifted by 5 hours on Drizzle's tables, unchanged on
/// ours (`datetime(3)` holds what Drizzle formats, a UTC string, without conversion).
async fn mysql_node_session_time_zone(tables: Tables) {
    if !node_ready() {
        return;
    }
    let ddl = (tables == Tables::Drizzle).then(|| drizzle_ddl(Backend::MySql));
    let Some(t) = database(Backend::MySql, tables, ddl.as_deref()).await else { return };
    let mut node = NodeDb::of(&t).await;
    node.env.push(("INTEROP_MYSQL_SESSION_TIME_ZONE", "+05:00".to_owned()));
    let user = cases::given_user(&t).await;
    let expires = fixtures::one_week_from_now();
    let session = AdapterSession { session_token: id(), user_id: user.id.clone(), expires };
    // Node reads back what it wrote unchanged either way: the shift only shows between sessions in different zones.
    node.rpc(vec![call("createSession", vec![session_json(&session)], session_json(&session))]);
    let (read, _) = t.adapter.get_session_and_user(&session.session_token).await.unwrap().unwrap();
    match tables {
        Tables::Ours => assert_eq!(read.expires, expires),
        Tables::Drizzle => assert_eq!(read.expires, expires - Duration::hours(5)),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Tests, per backend

macro_rules! interop_tests {
    ($backend:expr) => {
        #[tokio::test]
        async fn drizzle_suite_on_our_schema() {
            super::drizzle_suite_on_our_schema($backend).await;
        }

        #[tokio::test]
        async fn cross_reading_our_schema() {
            super::cross_reading($backend, super::Tables::Ours).await;
        }

        #[tokio::test]
        async fn cross_reading_drizzle_schema() {
            super::cross_reading($backend, super::Tables::Drizzle).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn rust_adapter_on_drizzle_schema() {
            super::rust_adapter_on_drizzle_schema($backend).await;
        }

        #[tokio::test]
        async fn drizzle_schema_differences() {
            super::drizzle_schema_differences($backend).await;
        }
    };
}

mod sqlite {
    interop_tests!(authjs_sea_orm_tests::Backend::SqliteFile);
}

mod postgres {
    interop_tests!(authjs_sea_orm_tests::Backend::Postgres);
}

mod mysql {
    interop_tests!(authjs_sea_orm_tests::Backend::MySql);

    #[tokio::test]
    async fn node_session_time_zone_our_schema() {
        super::mysql_node_session_time_zone(super::Tables::Ours).await;
    }

    #[tokio::test]
    async fn node_session_time_zone_drizzle_schema() {
        super::mysql_node_session_time_zone(super::Tables::Drizzle).await;
    }
}

/// `normalize_email` agrees with Auth.js's own normalizer (`@auth/core`'s `defaultNormalizer`, run by Node) on every
/// address Auth.js accepts, so one person is one user on both stacks; it refuses what Auth.js refuses, and beyond
/// Auth.js, addresses holding control or invisible characters or longer than 320 bytes.
#[test]
fn normalize_email_matches_authjs() {
    if !node_ready() {
        return;
    }
    // Beyond Auth.js: what is not a plain address (a display name, a comment, a list, spaces inside), control and
    // invisible characters, over 320 bytes.
    let stricter = |input: &str| {
        input.len() > 320
            || input.trim().chars().any(|c| c.is_whitespace() || "<>()[]\\,;:".contains(c))
            || input.chars().any(|c| c.is_control() || ['\u{200b}', '\u{ad}', '\u{202e}'].contains(&c))
    };
    let inputs = [
        "ada@example.com",
        "  Ada@Example.COM  ",
        "\u{ff4e}ame@example.com",                             // full-width n
        "\u{ff2e}\u{ff21}\u{ff2d}\u{ff25}\u{ff20}example.com", // full-width NAME and at sign
        "a\u{ff20}b@c.d",                                      // a full-width at sign makes a second @
        "\u{fb01}le@example.com",                              // the ligature fi
        "\u{130}stanbul@example.com",                          // dotted capital I
        "stra\u{df}e@example.com",                             // sharp s
        "\u{3a3}\u{39f}\u{3a3}@example.com",                   // Greek capitals with a final sigma
        "\u{2460}@example.com",                                // circled digit one
        "caf\u{65}\u{301}@example.com",                        // a combining accent
        "user@example.com,attacker.com",
        "user@,example.com",
        "\"quoted\"@example.com",
        "\"a@b\"@example.com",
        "a@b@c.d",
        "no-at-sign",
        "@example.com",
        "user@",
        "",
        "   ",
        "\u{3000}name@example.com\u{3000}", // ideographic spaces
        "a b@example.com",
        "CEO <attacker@evil.test>",
        "attacker@evil.test (CEO)",
        "o'brien@example.com",
        "a\u{0}@example.com",
        "a\tb@example.com",
        "a\u{200b}@example.com",
        "a\u{ad}b@example.com",
        "a@example.com\u{202e}",
        &format!("{}@example.com", "a".repeat(320)),
    ];
    let (ok, stdout, stderr) = NodeDb::without_database().run("normalize.mjs", &[], Some(&json!(inputs)));
    assert!(ok, "normalize.mjs failed: {stderr}");
    let results: Vec<Value> = serde_json::from_str(stdout.trim()).expect("normalize.mjs prints a JSON array");
    assert_eq!(results.len(), inputs.len());
    for (input, node) in inputs.iter().zip(&results) {
        let ours = authjs_sea_orm::axum::normalize_email(input);
        match (node.get("ok").and_then(Value::as_str), &ours) {
            (Some(theirs), Ok(ours)) => assert_eq!(ours, theirs, "{input:?}"),
            (Some(theirs), Err(_)) => {
                assert!(stricter(input), "{input:?}: Auth.js accepts it as {theirs:?}, we refuse")
            }
            (None, Ok(ours)) => panic!("{input:?}: Auth.js refuses it ({node}), we accept it as {ours:?}"),
            (None, Err(_)) => {}
        }
    }
}
