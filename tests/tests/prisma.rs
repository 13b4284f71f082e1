//! Interoperability of the Prisma preset (`authjs_sea_orm::prisma::PrismaTables`) with the real
//! `@auth/prisma-adapter` 2.11.3 on Prisma Client 7.10 and its driver adapters (`tests/interop-prisma`, run with
//! tsx), on one database: SQLite (one file both open), PostgreSQL and MariaDB. The tables come from
//! `migration::prisma` (the SQL `prisma migrate` runs for the Auth.js v5 schema); the conformance suite runs on the
//! preset in `conformance.rs` (`prisma::`).
//!
//! 1. `cross_reading`: each record kind written by one side is read back by the other with identical values (Node
//!    checks the Rust values it is given; the test checks what Node reports); users created in Rust, with a cuid and
//!    `createdAt`/`updatedAt` the preset wrote, are read by Prisma without error; `updatedAt` moves on updates from
//!    either side; verification tokens are consumed across sides exactly once; a session created by Node is found,
//!    extended and deleted by Rust; deleting a user in Rust cascades as Prisma's schema says.
//!    `v4_cross_reading` does the same for next-auth v4's schema (`PrismaV4Tables`) with `@next-auth/prisma-adapter`
//!    1.0.7 on Prisma Client 7: the `Account.id` and `Session.id` cuids each side writes, accounts unlinked across
//!    sides.
//! 2. `dates_are_stored_as_prisma_stores_them`: what each side stores in the date columns is the same encoding
//!    (SQLite: ISO-8601 text with an offset, as Prisma 7 writes it).
//! 3. `integers_are_32_bit` (PostgreSQL, MariaDB): Prisma's `Int` columns refuse what does not fit 32 bits as invalid
//!    input, storing nothing (the conformance cases needing 64-bit integers do not run there).
//! 4. `adopts_prisma_migrated_tables`: on tables Prisma migrated (the documented PostgreSQL schema's `email String`,
//!    `NOT NULL`, included), `migration::prisma`'s `up` adopts instead of creating: recorded as `prisma-migrate`,
//!    catalog unchanged, the adapter works on them, `down` keeps them; incompatible tables are refused, unchanged.
//!    Likewise for next-auth v4's schema (`v4_adopts_prisma_migrated_tables`, without an `Authenticator` table).
//! 5. `sqlite_integer_millisecond_dates` (SQLite): rows holding integer epoch milliseconds, as Prisma before its
//!    driver adapters wrote them, are read by both sides, and expiry deletes treat both encodings alike.
//!
//! Needs Node 20+ and `npm ci --prefix tests` (which installs `tests/interop` and `tests/interop-prisma`, whose
//! postinstall generates the Prisma clients). Without them the tests print `skipped: ...` and pass, unless `CI=true`,
//! where they fail. Each test starts one Node process (`rpc.mts` under tsx) at its first call and keeps it.
#![allow(clippy::unwrap_used)]

mod node_rpc;

use authjs_sea_orm::SeaOrmAdapter;
use authjs_sea_orm::migration::MigratorTrait;
use authjs_sea_orm::migration::adopt::{self, Origin};
use authjs_sea_orm::migration::prisma::{self as prisma_migration, Migrator as PrismaMigrator};
use authjs_sea_orm::prisma::{PrismaTables, PrismaV4Tables};
use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterAuthenticator, AdapterSession, NewUser, SessionUpdate, UserUpdate,
    VerificationToken,
};
use authjs_sea_orm_tests::fixtures::{self, at_millis, id};
use authjs_sea_orm_tests::node::prisma_ready;
use authjs_sea_orm_tests::schemas::{Prisma, PrismaV4};
use authjs_sea_orm_tests::{Backend, TestDb, catalog};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use node_rpc::*;

/// A fresh database with the Prisma preset's tables, and the Prisma side on it; `None` when skipped.
async fn setup(backend: Backend) -> Option<(TestDb<Prisma>, NodeDb)> {
    if !prisma_ready() {
        return None;
    }
    let t = TestDb::with_schema::<Prisma>(backend).await?;
    let node = NodeDb::of(&t).await.prisma();
    Some((t, node))
}

/// `v` (a Prisma row) without `createdAt` and `updatedAt`, after checking both are dates; returns them too.
fn split_timestamps(v: &Value) -> (Value, DateTime<Utc>, DateTime<Utc>) {
    let mut rest = v.clone();
    let map = rest.as_object_mut().unwrap_or_else(|| panic!("not an object: {v}"));
    let created = date_of(&map.remove("createdAt").unwrap_or_else(|| panic!("no createdAt in {v}")));
    let updated = date_of(&map.remove("updatedAt").unwrap_or_else(|| panic!("no updatedAt in {v}")));
    (rest, created, updated)
}

/// A Prisma cuid, or the preset's: `c` and 24 lower-case base-36 characters.
fn assert_cuid(id: &str) {
    assert!(
        id.len() == 25 && id.starts_with('c') && id.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()),
        "not a cuid: {id:?}"
    );
}

#[track_caller]
fn assert_recent(instant: DateTime<Utc>) {
    let now = Utc::now();
    assert!(instant > now - Duration::minutes(1) && instant <= now + Duration::seconds(1), "{instant} is not recent");
}

async fn cross_reading(backend: Backend) {
    let Some((t, node)) = setup(backend).await else { return };
    let soon = Utc::now() + Duration::days(1);

    // --- Users ---------------------------------------------------------------------------------------------------
    // Created in Rust without an id, as Auth.js's core calls `createUser` through `@auth/prisma-adapter` (which
    // drops the id it is given): the preset makes a cuid.
    let u1 = t
        .adapter
        .create_user(NewUser {
            name: Some("Ada Lovelace".into()),
            email: Some(format!("ada-{}@example.com", id())),
            email_verified: Some(at_millis(Utc::now(), 789)),
            image: Some("https://example.com/ada.png".into()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    assert_cuid(&u1.id);
    let node_u1 = node.rpc(vec![
        call("getUser", vec![json!(u1.id)], user_json(&u1)),
        call("getUserByEmail", vec![json!(u1.email)], user_json(&u1)),
    ]);
    let (fields, created, updated) = split_timestamps(&node_u1[0]);
    assert_eq!(user_of(&fields), u1);
    assert_recent(created);
    assert_eq!(created, updated, "written together on insert");

    // Created by Prisma: Rust reads the same user.
    let email = format!("bob-{}@example.com", id());
    let verified = at_millis(Utc::now(), 321);
    let created_by_node = node.rpc(vec![json!({
        "method": "createUser",
        "args": [{ "id": id(), "email": email, "emailVerified": date(verified), "name": "Bob", "image": null }],
    })]);
    let (fields, _, _) = split_timestamps(&created_by_node[0]);
    let u2 = user_of(&fields);
    assert_cuid(&u2.id);
    assert_eq!(
        (u2.email.as_deref(), u2.email_verified, u2.name.as_deref()),
        (Some(email.as_str()), Some(verified), Some("Bob"))
    );
    assert_eq!(t.adapter.get_user(&u2.id).await.unwrap().as_ref(), Some(&u2));
    assert_eq!(t.adapter.get_user_by_email(&email).await.unwrap().as_ref(), Some(&u2));

    // Updates from either side, `updatedAt` moving with each.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let u1 = t
        .adapter
        .update_user(UserUpdate { name: Some(Some("Ada King".into())), ..UserUpdate::new(&u1.id) })
        .await
        .unwrap();
    let after_rust_update = node.rpc(vec![call("getUser", vec![json!(u1.id)], user_json(&u1))]);
    let (_, created_again, updated) = split_timestamps(&after_rust_update[0]);
    assert_eq!(created_again, created, "createdAt is kept");
    assert!(updated > created, "update_user writes updatedAt: {updated} after {created}");
    let renamed = node.rpc(vec![json!({ "method": "updateUser", "args": [{ "id": u2.id, "name": "Robert" }] })]);
    let (fields, _, _) = split_timestamps(&renamed[0]);
    let u2 = user_of(&fields);
    assert_eq!(u2.name.as_deref(), Some("Robert"));
    assert_eq!(t.adapter.get_user(&u2.id).await.unwrap().as_ref(), Some(&u2));

    // --- Accounts ------------------------------------------------------------------------------------------------
    // An id token longer than MySQL's VARCHAR(191): the schema's `@db.Text`.
    let a1 = t.adapter.link_account(fixtures::oidc_account(&u1.id, format!("eyJ.{}", "x".repeat(1500)))).await.unwrap();
    let read = node.rpc(vec![
        call(
            "getUserByAccount",
            vec![json!({ "provider": "google", "providerAccountId": a1.provider_account_id })],
            user_json(&u1),
        ),
        call("getAccount", vec![json!(a1.provider_account_id), json!("google")], account_json(&a1)),
    ]);
    let (fields, created, updated) = split_timestamps(&read[1]);
    assert_eq!(account_of(&fields), a1);
    assert_recent(created);
    assert_eq!(created, updated);
    let a2 = AdapterAccount::new(&u2.id, AccountType::Oauth, "github", id());
    let linked = node.rpc(vec![call("linkAccount", vec![account_arg(&a2)], account_json(&a2))]);
    assert_eq!(account_of(&split_timestamps(&linked[0]).0), a2);
    assert_eq!(t.adapter.get_account("github", &a2.provider_account_id).await.unwrap().as_ref(), Some(&a2));
    assert_eq!(t.adapter.get_user_by_account("github", &a2.provider_account_id).await.unwrap().as_ref(), Some(&u2));

    // --- Sessions: created by Node, found, extended and deleted by Rust ---------------------------------------------
    let token = id();
    let expires = at_millis(soon + Duration::days(29), 456);
    let s = AdapterSession { session_token: token.clone(), user_id: u2.id.clone(), expires };
    node.rpc(vec![call("createSession", vec![session_json(&s)], session_json(&s))]);
    let (found, owner) = t.adapter.get_session_and_user(&token).await.unwrap().expect("Node's session");
    assert_eq!((&found, &owner), (&s, &u2));
    let extended = at_millis(soon + Duration::days(30), 987);
    let updated_session = t.adapter.update_session(SessionUpdate::expires(&token, extended)).await.unwrap().unwrap();
    assert_eq!(updated_session.expires, extended);
    let both = node.rpc(vec![call(
        "getSessionAndUser",
        vec![json!(token)],
        json!({ "session": session_json(&updated_session), "user": user_json(&u2) }),
    )]);
    let (_, created, updated) = split_timestamps(&both[0]["session"]);
    assert!(updated > created, "update_session writes updatedAt");
    assert_eq!(t.adapter.delete_session(&token).await.unwrap(), Some(updated_session));
    node.rpc(vec![call("getSessionAndUser", vec![json!(token)], Value::Null)]);

    // Created by Rust, read and deleted by Node.
    let s1 = t
        .adapter
        .create_session(AdapterSession { session_token: id(), user_id: u1.id.clone(), expires: at_millis(soon, 111) })
        .await
        .unwrap();
    node.rpc(vec![
        call(
            "getSessionAndUser",
            vec![json!(s1.session_token)],
            json!({ "session": session_json(&s1), "user": user_json(&u1) }),
        ),
        call("deleteSession", vec![json!(s1.session_token)], session_json(&s1)),
    ]);
    assert_eq!(t.adapter.get_session_and_user(&s1.session_token).await.unwrap(), None);

    // --- Verification tokens: single use across sides ----------------------------------------------------------------
    let v1 = t
        .adapter
        .create_verification_token(VerificationToken {
            identifier: u1.email.clone().unwrap(),
            token: fixtures::hashed_token(),
            expires: at_millis(soon, 123),
        })
        .await
        .unwrap();
    node.rpc(vec![
        call("useVerificationToken", vec![json!({ "identifier": v1.identifier, "token": v1.token })], vt_json(&v1)),
        call("useVerificationToken", vec![json!({ "identifier": v1.identifier, "token": v1.token })], Value::Null),
    ]);
    assert_eq!(t.adapter.use_verification_token(&v1.identifier, &v1.token).await.unwrap(), None);
    let v2 =
        VerificationToken { identifier: email.clone(), token: fixtures::hashed_token(), expires: at_millis(soon, 654) };
    node.rpc(vec![call("createVerificationToken", vec![vt_json(&v2)], vt_json(&v2))]);
    assert_eq!(t.adapter.use_verification_token(&v2.identifier, &v2.token).await.unwrap(), Some(v2.clone()));
    assert_eq!(t.adapter.use_verification_token(&v2.identifier, &v2.token).await.unwrap(), None);
    node.rpc(vec![call(
        "useVerificationToken",
        vec![json!({ "identifier": v2.identifier, "token": v2.token })],
        Value::Null,
    )]);

    // --- Authenticators ------------------------------------------------------------------------------------------
    let au1 = t.adapter.create_authenticator(fixtures::passkey(&u1.id, 7, Some("usb,ble,nfc"))).await.unwrap();
    let au2 = fixtures::passkey(&u1.id, 0, None);
    let read = node.rpc(vec![
        call("getAuthenticator", vec![json!(au1.credential_id)], authenticator_json(&au1)),
        call("createAuthenticator", vec![authenticator_json(&au2)], authenticator_json(&au2)),
        call("updateAuthenticatorCounter", vec![json!(au1.credential_id), json!(8)], json!({ "counter": 8 })),
    ]);
    assert_eq!(authenticator_of(&read[0]), au1);
    assert_eq!(t.adapter.get_authenticator(&au2.credential_id).await.unwrap().as_ref(), Some(&au2));
    let au1 = AdapterAuthenticator { counter: 8, ..au1 };
    assert_eq!(
        sorted(t.adapter.list_authenticators_by_user_id(&u1.id).await.unwrap()),
        sorted(vec![au1.clone(), au2.clone()])
    );
    let au2 = t.adapter.update_authenticator_counter(&au2.credential_id, 3).await.unwrap();
    node.rpc(vec![call("getAuthenticator", vec![json!(au2.credential_id)], authenticator_json(&au2))]);

    // --- Deleting a user in Rust cascades, as Prisma's schema says ---------------------------------------------------
    assert_eq!(t.adapter.delete_user(&u1.id).await.unwrap().map(|u| u.id), Some(u1.id.clone()));
    node.rpc(vec![
        call("getUser", vec![json!(u1.id)], Value::Null),
        call("getAccount", vec![json!(a1.provider_account_id), json!("google")], Value::Null),
        call("listAuthenticatorsByUserId", vec![json!(u1.id)], json!([])),
    ]);
}

async fn v4_cross_reading(backend: Backend) {
    if !prisma_ready() {
        return;
    }
    let Some(t) = TestDb::with_schema::<PrismaV4>(backend).await else { return };
    let mut node = NodeDb::of(&t).await.prisma();
    node.env.push(("INTEROP_PRISMA_SCHEMA", "v4".to_owned()));
    let soon = Utc::now() + Duration::days(1);
    let without_id = |v: &Value| {
        assert_cuid(v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")));
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("id");
        v
    };

    // Users, both ways.
    let u1 = t
        .adapter
        .create_user(NewUser {
            name: Some("Ada Lovelace".into()),
            email: Some(format!("ada-{}@example.com", id())),
            email_verified: Some(at_millis(Utc::now(), 789)),
            image: Some("https://example.com/ada.png".into()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    assert_cuid(&u1.id);
    node.rpc(vec![
        call("getUser", vec![json!(u1.id)], user_json(&u1)),
        call("getUserByEmail", vec![json!(u1.email)], user_json(&u1)),
    ]);
    let created = node.rpc(vec![json!({
        "method": "createUser",
        "args": [{ "email": format!("bob-{}@example.com", id()), "emailVerified": null, "name": "Bob", "image": null }],
    })]);
    let u2 = user_of(&created[0]);
    assert_cuid(&u2.id);
    assert_eq!(t.adapter.get_user(&u2.id).await.unwrap().as_ref(), Some(&u2));

    // Accounts: each side's `Account.id` is a cuid; unlinked across sides.
    let a1 = t.adapter.link_account(fixtures::oidc_account(&u1.id, format!("eyJ.{}", "x".repeat(1500)))).await.unwrap();
    let key = json!({ "provider": "google", "providerAccountId": a1.provider_account_id });
    let read = node.rpc(vec![
        call("getUserByAccount", vec![key.clone()], user_json(&u1)),
        call("unlinkAccount", vec![key], account_json(&a1)),
    ]);
    assert_eq!(account_of(&without_id(&read[1])), a1);
    assert_eq!(t.adapter.get_account("google", &a1.provider_account_id).await.unwrap(), None);
    let a2 = AdapterAccount::new(&u2.id, AccountType::Oauth, "github", id());
    let linked = node.rpc(vec![call("linkAccount", vec![account_arg(&a2)], account_json(&a2))]);
    assert_eq!(account_of(&without_id(&linked[0])), a2);
    assert_eq!(t.adapter.get_user_by_account("github", &a2.provider_account_id).await.unwrap().as_ref(), Some(&u2));
    assert_eq!(t.adapter.unlink_account("github", &a2.provider_account_id).await.unwrap(), Some(a2.clone()));
    let key = json!({ "provider": "github", "providerAccountId": a2.provider_account_id });
    node.rpc(vec![call("getUserByAccount", vec![key], Value::Null)]);

    // Sessions: created by Node, found, extended and deleted by Rust; created by Rust, read by Node.
    let s = AdapterSession { session_token: id(), user_id: u2.id.clone(), expires: at_millis(soon, 456) };
    let created = node.rpc(vec![call("createSession", vec![session_json(&s)], session_json(&s))]);
    assert_eq!(session_of(&without_id(&created[0])), s);
    assert_eq!(t.adapter.get_session_and_user(&s.session_token).await.unwrap(), Some((s.clone(), u2.clone())));
    let extended = at_millis(soon + Duration::days(30), 987);
    let updated = t.adapter.update_session(SessionUpdate::expires(&s.session_token, extended)).await.unwrap().unwrap();
    let both = json!({ "session": session_json(&updated), "user": user_json(&u2) });
    node.rpc(vec![call("getSessionAndUser", vec![json!(s.session_token)], both)]);
    assert_eq!(t.adapter.delete_session(&s.session_token).await.unwrap(), Some(updated));
    node.rpc(vec![call("getSessionAndUser", vec![json!(s.session_token)], Value::Null)]);
    let s1 = t
        .adapter
        .create_session(AdapterSession { session_token: id(), user_id: u1.id.clone(), expires: at_millis(soon, 111) })
        .await
        .unwrap();
    let both = json!({ "session": session_json(&s1), "user": user_json(&u1) });
    let read = node.rpc(vec![call("getSessionAndUser", vec![json!(s1.session_token)], both)]);
    assert_cuid(read[0]["session"]["id"].as_str().unwrap());

    // Verification tokens, single use across sides.
    let v1 = t
        .adapter
        .create_verification_token(VerificationToken {
            identifier: u1.email.clone().unwrap(),
            token: fixtures::hashed_token(),
            expires: at_millis(soon, 123),
        })
        .await
        .unwrap();
    let key = json!({ "identifier": v1.identifier, "token": v1.token });
    node.rpc(vec![
        call("useVerificationToken", vec![key.clone()], vt_json(&v1)),
        call("useVerificationToken", vec![key], Value::Null),
    ]);
    assert_eq!(t.adapter.use_verification_token(&v1.identifier, &v1.token).await.unwrap(), None);
    let v2 = VerificationToken {
        identifier: u1.email.clone().unwrap(),
        token: fixtures::hashed_token(),
        expires: at_millis(soon, 654),
    };
    node.rpc(vec![call("createVerificationToken", vec![vt_json(&v2)], vt_json(&v2))]);
    assert_eq!(t.adapter.use_verification_token(&v2.identifier, &v2.token).await.unwrap(), Some(v2.clone()));
    let key = json!({ "identifier": v2.identifier, "token": v2.token });
    node.rpc(vec![call("useVerificationToken", vec![key], Value::Null)]);

    // Deleting a user in Rust cascades.
    assert!(t.adapter.delete_user(&u1.id).await.unwrap().is_some());
    node.rpc(vec![
        call("getUser", vec![json!(u1.id)], Value::Null),
        call("getSessionAndUser", vec![json!(s1.session_token)], Value::Null),
    ]);
}

/// The date encoding in the columns: one query reads a column's stored form on each backend (on PostgreSQL with
/// all three digits of the milliseconds: `::text` drops trailing zeros, which would make two forms differ in shape).
fn stored_form(backend: Backend, table: &str, column: &str, key_column: &str) -> String {
    match backend {
        Backend::Postgres => {
            format!(
                "SELECT pg_typeof(\"{column}\")::text || ' ' || to_char(\"{column}\", 'YYYY-MM-DD HH24:MI:SS.MS') AS v \
                 FROM \"{table}\" WHERE \"{key_column}\" = $1"
            )
        }
        Backend::MySql => format!("SELECT CAST(`{column}` AS CHAR) AS v FROM `{table}` WHERE `{key_column}` = ?"),
        _ => format!(
            "SELECT typeof(\"{column}\") || ' ' || \"{column}\" AS v FROM \"{table}\" WHERE \"{key_column}\" = ?"
        ),
    }
}

async fn read_stored(t: &TestDb<Prisma>, sql: &str, key: &str) -> String {
    let stmt = Statement::from_sql_and_values(t.db.get_database_backend(), sql, [key.into()]);
    let row = t.db.query_one_raw(stmt).await.unwrap().unwrap_or_else(|| panic!("no row for {sql}"));
    row.try_get::<String>("", "v").unwrap()
}

async fn dates_are_stored_as_prisma_stores_them(backend: Backend) {
    let Some((t, node)) = setup(backend).await else { return };
    let user = t
        .adapter
        .create_user(NewUser { email: Some(format!("{}@example.com", id())), ..NewUser::default() })
        .await
        .unwrap();
    let expires = at_millis(Utc::now() + Duration::days(3), 250);
    let ours = AdapterSession { session_token: id(), user_id: user.id.clone(), expires };
    let theirs = AdapterSession { session_token: id(), ..ours.clone() };
    t.adapter.create_session(ours.clone()).await.unwrap();
    node.rpc(vec![call("createSession", vec![session_json(&theirs)], session_json(&theirs))]);
    for column in ["expires", "createdAt", "updatedAt"] {
        let sql = stored_form(backend, "Session", column, "sessionToken");
        let (rust, node) =
            (read_stored(&t, &sql, &ours.session_token).await, read_stored(&t, &sql, &theirs.session_token).await);
        let shape = |s: &str| s.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect::<String>();
        assert_eq!(shape(&rust), shape(&node), "Session.{column} on {backend}: ours {rust:?}, Prisma's {node:?}");
        if column == "expires" {
            assert_eq!(rust, node, "the same instant, stored alike");
        }
        if backend.is_sqlite() {
            assert!(rust.starts_with("text ") && rust.ends_with("+00:00"), "ISO-8601 text with an offset: {rust:?}");
        }
    }
}

async fn sqlite_integer_millisecond_dates(backend: Backend) {
    let Some((t, node)) = setup(backend).await else { return };
    let (user_id, email) = (id(), format!("{}@example.com", id()));
    let (verified, past, future) =
        (1_700_000_000_123_i64, Utc::now().timestamp_millis() - 60_000, Utc::now().timestamp_millis() + 3_600_000);
    let (live, dead) = (id(), id());
    let run = |sql: String| {
        let db = &t.db;
        async move { db.execute_unprepared(&sql).await.unwrap() }
    };
    run(format!(
        "INSERT INTO \"User\" (id, email, emailVerified, createdAt, updatedAt) VALUES ('{user_id}', '{email}', {verified}, {past}, {past})"
    ))
    .await;
    for (token, at) in [(&live, future), (&dead, past)] {
        run(format!(
            "INSERT INTO \"Session\" (sessionToken, userId, expires, createdAt, updatedAt) VALUES ('{token}', '{user_id}', {at}, {past}, {past})"
        ))
        .await;
    }
    let ms = |m: i64| DateTime::from_timestamp_millis(m).unwrap();
    let user = t.adapter.get_user(&user_id).await.unwrap().expect("the integer-dated user");
    assert_eq!(user.email_verified, Some(ms(verified)));
    let (session, _) = t.adapter.get_session_and_user(&live).await.unwrap().expect("the live session");
    assert_eq!(session.expires, ms(future));
    // Prisma 7 reads them too.
    let read = node.rpc(vec![call("getUser", vec![json!(user_id)], user_json(&user))]);
    assert_eq!(split_timestamps(&read[0]).1, ms(past));
    // A text-dated expired session beside them: only the two expired ones go, whatever their encoding.
    let expired_text = t
        .adapter
        .create_session(AdapterSession {
            session_token: id(),
            user_id: user_id.clone(),
            expires: Utc::now() - Duration::minutes(5),
        })
        .await
        .unwrap();
    let live_text = t
        .adapter
        .create_session(AdapterSession {
            session_token: id(),
            user_id: user_id.clone(),
            expires: Utc::now() + Duration::hours(2),
        })
        .await
        .unwrap();
    assert_eq!(t.adapter.delete_expired_sessions(Utc::now()).await.unwrap(), 2);
    let mut left: Vec<String> =
        t.adapter.list_sessions_by_user_id(&user_id).await.unwrap().into_iter().map(|s| s.session_token).collect();
    left.sort();
    let mut want = vec![live.clone(), live_text.session_token];
    want.sort();
    assert_eq!(left, want);
    assert_eq!(t.adapter.get_session_and_user(&expired_text.session_token).await.unwrap(), None);
    assert_eq!(t.adapter.get_session_and_user(&dead).await.unwrap(), None);
}

async fn integers_are_32_bit(backend: Backend) {
    let Some((t, _)) = setup(backend).await else { return };
    let user = t
        .adapter
        .create_user(NewUser { email: Some(format!("{}@example.com", id())), ..NewUser::default() })
        .await
        .unwrap();
    let big = i64::from(i32::MAX) + 1;
    let account =
        AdapterAccount { expires_at: Some(big), ..AdapterAccount::new(&user.id, AccountType::Oauth, "github", id()) };
    let refused = t.adapter.link_account(account.clone()).await;
    assert!(matches!(refused, Err(authjs_sea_orm::Error::InvalidInput(_))), "{refused:?}");
    assert_eq!(t.adapter.get_account("github", &account.provider_account_id).await.unwrap(), None);
    let fits = AdapterAccount { expires_at: Some(i64::from(i32::MAX)), ..account };
    assert_eq!(t.adapter.link_account(fits.clone()).await.unwrap(), fits);

    let authenticator = fixtures::authenticator(&user.id, &id(), big, "usb");
    let refused = t.adapter.create_authenticator(authenticator.clone()).await;
    assert!(matches!(refused, Err(authjs_sea_orm::Error::InvalidInput(_))), "{refused:?}");
    let authenticator = AdapterAuthenticator { counter: 1, ..authenticator };
    t.adapter.create_authenticator(authenticator.clone()).await.unwrap();
    let refused = t.adapter.update_authenticator_counter(&authenticator.credential_id, big).await;
    assert!(matches!(refused, Err(authjs_sea_orm::Error::InvalidInput(_))), "{refused:?}");
    assert_eq!(t.adapter.get_authenticator(&authenticator.credential_id).await.unwrap(), Some(authenticator));
}

/// Creates the Prisma tables on `db` as `prisma migrate` would, `edit` applied to the SQL first.
async fn prisma_migrate(db: &sea_orm::DatabaseConnection, edit: impl Fn(&str) -> String) {
    let sql = edit(prisma_migration::sql(db.get_database_backend()));
    for statement in sql.split(";\n").map(str::trim).filter(|s| s.lines().any(|l| !l.starts_with("--"))) {
        db.execute_unprepared(statement).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

async fn adopts_prisma_migrated_tables(backend: Backend) {
    let Some(empty) = TestDb::empty(backend).await else { return };
    let db = &empty.db;
    // The documented PostgreSQL variant: `email String @unique`.
    prisma_migrate(db, |sql| {
        sql.replacen("\"email\" TEXT,", "\"email\" TEXT NOT NULL,", 1).replacen(
            "`email` VARCHAR(191) NULL,",
            "`email` VARCHAR(191) NOT NULL,",
            1,
        )
    })
    .await;
    let before = catalog::snapshot(db, backend, &[]).await;
    PrismaMigrator::up(db, None).await.expect("up adopts the Prisma tables");
    let adopted = adopt::adoptions(db).await.unwrap();
    let names: Vec<&str> = adopted.iter().map(|a| a.table.as_str()).collect();
    assert_eq!(names, prisma_migration::TABLES);
    assert!(
        adopted
            .iter()
            .all(|a| a.origin == Origin::PrismaMigrate && a.migration == "m20261127_000002_create_prisma_auth_tables"),
        "{adopted:?}"
    );
    let except = ["seaql_migrations", adopt::RECORD_TABLE];
    assert_eq!(catalog::snapshot(db, backend, &except).await, before, "adoption alters nothing");
    PrismaMigrator::up(db, None).await.expect("a second up does nothing");

    let adapter = SeaOrmAdapter::<PrismaTables>::with_schema(db.clone());
    let user = adapter
        .create_user(NewUser { email: Some(format!("{}@example.com", id())), ..NewUser::default() })
        .await
        .unwrap();
    assert_cuid(&user.id);
    assert!(adapter.create_user(NewUser::default()).await.is_err(), "email is NOT NULL on these tables");
    PrismaMigrator::down(db, None).await.unwrap();
    assert!(!adopt::is_adopted(db).await.unwrap());
    assert_eq!(adapter.get_user(&user.id).await.unwrap(), Some(user), "down keeps the adopted tables");
}

async fn v4_adopts_prisma_migrated_tables(backend: Backend) {
    let Some(empty) = TestDb::empty(backend).await else { return };
    let db = &empty.db;
    // next-auth v4's four models, without the `Authenticator` table.
    let v4 = prisma_migration::v4::sql(db.get_database_backend());
    let without_authenticator: String =
        v4.split("\n\n").filter(|part| !part.contains("Authenticator")).collect::<Vec<_>>().join("\n\n");
    prisma_migrate(db, |_| without_authenticator.clone()).await;
    let before = catalog::snapshot(db, backend, &[]).await;
    prisma_migration::v4::Migrator::up(db, None).await.expect("up adopts next-auth v4's Prisma tables");
    let names: Vec<String> = adopt::adoptions(db).await.unwrap().into_iter().map(|a| a.table).collect();
    assert_eq!(names, ["User", "Account", "Session", "VerificationToken"]);
    let except = ["seaql_migrations", adopt::RECORD_TABLE];
    assert_eq!(catalog::snapshot(db, backend, &except).await, before, "adoption alters nothing");
    let adapter = SeaOrmAdapter::<PrismaV4Tables>::with_schema(db.clone());
    let user = adapter
        .create_user(NewUser { email: Some(format!("{}@example.com", id())), ..NewUser::default() })
        .await
        .unwrap();
    let account =
        adapter.link_account(AdapterAccount::new(&user.id, AccountType::Oauth, "github", id())).await.unwrap();
    assert_eq!(adapter.get_user_by_account("github", &account.provider_account_id).await.unwrap(), Some(user));
    let stmt = Statement::from_string(
        db.get_database_backend(),
        "SELECT id FROM Account".replace("Account", &quote(backend, "Account")),
    );
    let row = db.query_one_raw(stmt).await.unwrap().unwrap();
    assert_cuid(&row.try_get::<String>("", "id").unwrap());
}

/// `name` quoted as an identifier on `backend`.
fn quote(backend: Backend, name: &str) -> String {
    if backend == Backend::MySql { format!("`{name}`") } else { format!("\"{name}\"") }
}

async fn refuses_incompatible_prisma_tables(backend: Backend) {
    let Some(empty) = TestDb::empty(backend).await else { return };
    let db = &empty.db;
    // A schema without `updatedAt` on `Session` and with a `NOT NULL` column the adapter does not write.
    prisma_migrate(db, |sql| {
        let sql = sql.replacen("\"updatedAt\" TIMESTAMP(3) NOT NULL\n);", "\"role\" TEXT NOT NULL\n);", 1);
        let sql = sql.replacen(
            "`updatedAt` DATETIME(3) NOT NULL,\n\n    UNIQUE INDEX `Session_sessionToken_key`",
            "`role` VARCHAR(191) NOT NULL,\n\n    UNIQUE INDEX `Session_sessionToken_key`",
            1,
        );
        sql.replacen(
            "\"updatedAt\" DATETIME NOT NULL,\n    CONSTRAINT \"Session_userId_fkey\"",
            "\"role\" TEXT NOT NULL,\n    CONSTRAINT \"Session_userId_fkey\"",
            1,
        )
    })
    .await;
    let before = catalog::snapshot(db, backend, &[]).await;
    let err = PrismaMigrator::up(db, None).await.expect_err("incompatible tables are refused").to_string();
    assert!(err.contains("Session.updatedAt: expected a column"), "{err}");
    assert!(err.contains("Session.role: expected nullable or a default"), "{err}");
    assert_eq!(catalog::snapshot(db, backend, &["seaql_migrations"]).await, before, "nothing changed");
}

macro_rules! backends {
    ($($module:ident => $backend:ident),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                #[tokio::test]
                async fn cross_reading() {
                    super::cross_reading(Backend::$backend).await;
                }

                #[tokio::test]
                async fn adopts_prisma_migrated_tables() {
                    super::adopts_prisma_migrated_tables(Backend::$backend).await;
                }

                #[tokio::test]
                async fn v4_cross_reading() {
                    super::v4_cross_reading(Backend::$backend).await;
                }

                #[tokio::test]
                async fn v4_adopts_prisma_migrated_tables() {
                    super::v4_adopts_prisma_migrated_tables(Backend::$backend).await;
                }

                #[tokio::test]
                async fn refuses_incompatible_prisma_tables() {
                    super::refuses_incompatible_prisma_tables(Backend::$backend).await;
                }

                #[tokio::test]
                async fn dates_are_stored_as_prisma_stores_them() {
                    super::dates_are_stored_as_prisma_stores_them(Backend::$backend).await;
                }
            }
        )*
    };
}

backends!(sqlite_file => SqliteFile, postgres => Postgres, mysql => MySql);

#[tokio::test]
async fn postgres_integers_are_32_bit() {
    integers_are_32_bit(Backend::Postgres).await;
}

#[tokio::test]
async fn mysql_integers_are_32_bit() {
    integers_are_32_bit(Backend::MySql).await;
}

#[tokio::test]
async fn sqlite_integer_millisecond_dates_are_read() {
    sqlite_integer_millisecond_dates(Backend::SqliteFile).await;
}
