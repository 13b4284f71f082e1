//! `authjs_sea_orm::better_auth::BetterAuthStore` on Better Auth's tables, in both namings (`better_auth::`: Better
//! Auth's own migrations' quoted camelCase columns; `drizzle::`: its Drizzle CLI's snake_case columns), on a SQLite
//! file, PostgreSQL (also through PgBouncer in transaction mode) and MariaDB, each test on a database of its own
//! created by `migration::better_auth` (or its `drizzle` module):
//!
//! - `round_trip`: a session created from Rust comes back from `create_session`, `session_and_user` (with its user,
//!   every field), with its dates to the millisecond; the dates are stored in the naming's encoding (SQLite ISO text
//!   with `Z`, or integer milliseconds; `timestamptz` or `timestamp`); `get_user`, `get_user_by_email`; on MariaDB a
//!   date past `timestamp(3)`'s 2038 is `Error::InvalidInput`.
//! - `lookups_are_exact`: tokens, e-mail addresses and user ids match byte for byte (`Token` is not `token`, `Ada@x`
//!   is not `ada@x`, a trailing space or an accent matters), in every method, whatever the collation (MariaDB's
//!   default, `utf8mb4_unicode_ci`, ignores all three).
//! - `delete_race_has_one_winner`: of 8 concurrent `delete_session` calls on one session, exactly one gets `true`.
//! - `create_with_a_missing_user_is_not_found`: `Error::NotFound(User)`, nothing written; a duplicate token is
//!   `Error::Conflict(Session)`; no message or `Debug` output holds the token.
//! - `extend_returns_what_it_wrote`: `extend_session` returns the row as written (and stored), `None` for an unknown
//!   token.
//! - `expired_sessions_are_returned`: `session_and_user` returns an expired session (the caller decides).
//! - `sign_out_everywhere`: `delete_sessions_by_user_id` deletes that user's sessions only and counts them.
//! - `one_statement_per_call`: every call is one statement (`RETURNING` on SQLite, PostgreSQL and MariaDB), but
//!   MariaDB's `extend_session`: the update, then the read in its transaction.
//! - `reads_every_date_form_better_auth_reads` (SQLite, Better Auth's naming): `2099-01-01 00:00:00`,
//!   `2099-01-01T00:00:00Z`, `…00.000Z` and the integer 4070908800000 all read as the same instant.
//! - `migration_creates_the_reference_ddl`: the catalog of a database the migration created equals that of a database
//!   created by the reference DDL (Better Auth's own: what better-auth 1.7.25 ran; Drizzle's: what the real drizzle-kit
//!   generates from the schema Better Auth's CLI writes); on SQLite `sqlite_master` holds exactly Better Auth's text;
//!   `down` drops the tables and `up` creates them again.
//! - `adopts_reference_tables`: on tables created by the reference DDL (with a row in them) `up` adopts and alters
//!   nothing (catalog unchanged; record: four tables, their origin, the migration); the store reads the existing
//!   session; `adopt::create_indexes` (the Auth.js tables' option) adds nothing; a second `up` changes nothing; `down`
//!   forgets the adoption and keeps the tables.
//! - `incompatible_tables_are_refused`: a dropped column, a wrong type, a missing table (and, on the servers, a
//!   `NOT NULL` column without a default in `session`, but not in `user`, which the Rust side never inserts into):
//!   one error naming each difference, nothing changed.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use authjs_sea_orm::better_auth::{
    BetterAuthSchema, BetterAuthStore, Session, SessionStore, SessionTable, User, UserTable,
};
use authjs_sea_orm::migration::MigratorTrait;
use authjs_sea_orm::migration::adopt::{self, RECORD_TABLE};
use authjs_sea_orm::{Error, Record};
use authjs_sea_orm_tests::better_auth_tables::{Preset, StoreDb};
use authjs_sea_orm_tests::node::better_auth_ready;
use authjs_sea_orm_tests::{Backend, EmptyDb, Target, TestDb, catalog};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::sea_query::Iden;
use sea_orm::{ConnectionTrait, DbErr, Statement, Value};

type U<T> = <T as BetterAuthSchema>::User;
type S<T> = <T as BetterAuthSchema>::Session;

/// The tables that are ours to change: sea-orm-migration's history and the adoption record.
const OURS: [&str; 2] = ["seaql_migrations", RECORD_TABLE];

/// Now, with a sub-millisecond part the store must drop (a JavaScript `Date` holds milliseconds).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3) + Duration::nanoseconds(987_654)
}

fn ms(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(3)
}

/// A 32-character token like Better Auth's, from `seed`.
fn token(seed: &str) -> String {
    format!("{seed:A<32}").chars().take(32).collect()
}

fn session(id: &str, token: &str, user_id: &str, now: DateTime<Utc>) -> Session {
    Session {
        id: id.into(),
        token: token.into(),
        user_id: user_id.into(),
        expires_at: now + Duration::days(7),
        created_at: now,
        updated_at: now,
        ip_address: Some(String::new()),
        user_agent: Some("node".into()),
    }
}

/// `s` with its dates at millisecond precision: how the store returns it.
fn stored(s: &Session) -> Session {
    Session { expires_at: ms(s.expires_at), created_at: ms(s.created_at), updated_at: ms(s.updated_at), ..s.clone() }
}

async fn round_trip<T: Preset>(target: Target) {
    let Some(t) = StoreDb::<T>::new(target).await else { return };
    let b = t.backend;
    let now = now();
    t.insert_user("u1", "ada@example.com", true, ms(now)).await;
    t.insert_user("u2", "bob@example.com", false, ms(now)).await;
    let input = session("s1", &token("HqEab17MojcaxJWGLR9ru4QK4dCToWxP"), "u1", now);

    let created = t.store.create_session(input.clone()).await.unwrap();
    let expected = stored(&input);
    assert_eq!(created, expected);
    assert_ne!(created.expires_at, input.expires_at, "the sub-millisecond part is dropped");
    let dates = [expected.expires_at, expected.created_at, expected.updated_at];
    assert_eq!(t.stored_session_dates("s1").await, dates.map(|d| T::stored_date(b, d)), "stored encoding");

    let user = User {
        id: "u1".into(),
        name: "name of u1".into(),
        email: "ada@example.com".into(),
        email_verified: true,
        image: None,
        created_at: ms(now),
        updated_at: ms(now),
    };
    assert_eq!(t.store.session_and_user(&input.token).await.unwrap(), Some((expected.clone(), user.clone())));
    assert_eq!(t.store.get_user("u1").await.unwrap(), Some(user.clone()));
    assert_eq!(t.store.get_user_by_email("ada@example.com").await.unwrap(), Some(user));
    let bob = t.store.get_user("u2").await.unwrap().unwrap();
    assert!(!bob.email_verified);
    assert_eq!(t.store.get_user("u3").await.unwrap(), None);
    assert_eq!(t.store.get_user_by_email("carol@example.com").await.unwrap(), None);
    assert_eq!(t.store.session_and_user(&token("unknown")).await.unwrap(), None);

    // Optional columns may be NULL (Better Auth writes `""`; another writer may leave them out).
    let bare = Session { ip_address: None, user_agent: None, ..session("s2", &token("bare"), "u2", now) };
    assert_eq!(t.store.create_session(bare.clone()).await.unwrap(), stored(&bare));
    assert_eq!(t.store.session_and_user(&bare.token).await.unwrap().unwrap().0, stored(&bare));

    if b == Backend::MySql {
        // `timestamp(3)` ends in 2038: a later date is invalid input, not a database error (nor a panic).
        let far = session("s3", &token("far"), "u1", "2040-01-01T00:00:00Z".parse().unwrap());
        let err = t.store.create_session(far).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    }

    // Debug never shows the token.
    let shown = format!("{created:?} {:?}", t.store);
    assert!(!shown.contains(&input.token), "{shown}");
}

async fn lookups_are_exact<T: Preset>(target: Target) {
    let Some(t) = StoreDb::<T>::new(target).await else { return };
    let now = now();
    t.insert_user("u1", "Ada@example.com", true, ms(now)).await;
    let right = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
    t.store.create_session(session("s1", right, "u1", now)).await.unwrap();

    let wrong_tokens =
        [right.to_lowercase(), right.to_uppercase(), format!("{right} "), format!(" {right}"), right[..31].to_owned()];
    for wrong in &wrong_tokens {
        assert_eq!(t.store.session_and_user(wrong).await.unwrap(), None, "{wrong:?}");
        assert_eq!(t.store.extend_session(wrong, now, now).await.unwrap(), None, "{wrong:?}");
        assert!(!t.store.delete_session(wrong).await.unwrap(), "{wrong:?}");
    }
    let (found, _) = t.store.session_and_user(right).await.unwrap().expect("the session is intact");
    assert_eq!(found, stored(&session("s1", right, "u1", now)));

    for wrong in ["ada@example.com", "ADA@EXAMPLE.COM", "Ada@example.com ", "Ada@exämple.com"] {
        assert_eq!(t.store.get_user_by_email(wrong).await.unwrap(), None, "{wrong:?}");
    }
    assert!(t.store.get_user_by_email("Ada@example.com").await.unwrap().is_some());
    for wrong in ["U1", "u1 "] {
        assert_eq!(t.store.get_user(wrong).await.unwrap(), None, "{wrong:?}");
        assert_eq!(t.store.delete_sessions_by_user_id(wrong).await.unwrap(), 0, "{wrong:?}");
    }
    assert_eq!(t.store.delete_sessions_by_user_id("u1").await.unwrap(), 1);
}

async fn delete_race_has_one_winner<T: Preset>(target: Target) {
    let Some(t) = StoreDb::<T>::new(target).await else { return };
    let now = now();
    t.insert_user("u1", "ada@example.com", true, ms(now)).await;
    for round in 0..5 {
        let token = token(&format!("race{round}"));
        t.store.create_session(session(&format!("s{round}"), &token, "u1", now)).await.unwrap();
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let (store, token) = (t.store.clone(), token.clone());
                tokio::spawn(async move { store.delete_session(&token).await.unwrap() })
            })
            .collect();
        let mut winners = 0;
        for call in calls {
            winners += usize::from(call.await.unwrap());
        }
        assert_eq!(winners, 1, "round {round}");
        assert_eq!(t.store.session_and_user(&token).await.unwrap(), None);
    }
    assert_eq!(t.session_count().await, 0);
}

async fn create_with_a_missing_user_is_not_found<T: Preset>(target: Target) {
    let Some(t) = StoreDb::<T>::new(target).await else { return };
    let now = now();
    let orphan = session("s1", &token("OrphanToken"), "nobody", now);
    let err = t.store.create_session(orphan.clone()).await.unwrap_err();
    assert!(matches!(err, Error::NotFound(Record::User)), "{err:?}");
    assert_eq!(t.session_count().await, 0);

    t.insert_user("u1", "ada@example.com", true, ms(now)).await;
    let first = session("s1", &token("DuplicateToken"), "u1", now);
    t.store.create_session(first.clone()).await.unwrap();
    let twin = session("s2", &first.token, "u1", now);
    let err = t.store.create_session(twin).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(Record::Session)), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(&first.token), "{shown}");
    let same_id = session("s1", &token("OtherToken"), "u1", now);
    let err = t.store.create_session(same_id).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(Record::Session)), "{err:?}");
    assert_eq!(t.session_count().await, 1);
}

async fn extend_returns_what_it_wrote<T: Preset>(target: Target) {
    let Some(t) = StoreDb::<T>::new(target).await else { return };
    let b = t.backend;
    let now = now();
    t.insert_user("u1", "ada@example.com", true, ms(now)).await;
    let created = t.store.create_session(session("s1", &token("ExtendMe"), "u1", now)).await.unwrap();

    let later = now + Duration::seconds(3600) + Duration::nanoseconds(123_456);
    let expires = later + Duration::days(7);
    let extended = t.store.extend_session(&created.token, expires, later).await.unwrap();
    let expected = Session { expires_at: ms(expires), updated_at: ms(later), ..created.clone() };
    assert_eq!(extended, Some(expected.clone()));
    assert_eq!(t.store.session_and_user(&created.token).await.unwrap().unwrap().0, expected);
    let dates = [expected.expires_at, expected.created_at, expected.updated_at];
    assert_eq!(t.stored_session_dates("s1").await, dates.map(|d| T::stored_date(b, d)));

    assert_eq!(t.store.extend_session(&token("unknown"), expires, later).await.unwrap(), None);
}

async fn expired_sessions_are_returned<T: Preset>(target: Target) {
    let Some(t) = StoreDb::<T>::new(target).await else { return };
    let now = now();
    t.insert_user("u1", "ada@example.com", true, ms(now)).await;
    let past = now - Duration::days(1);
    let expired = Session { expires_at: past, ..session("s1", &token("Expired"), "u1", past - Duration::days(6)) };
    t.store.create_session(expired.clone()).await.unwrap();
    let (found, user) = t.store.session_and_user(&expired.token).await.unwrap().expect("returned, expired");
    assert_eq!(found, stored(&expired));
    assert!(found.expires_at < Utc::now());
    assert_eq!(user.id, "u1");
}

async fn sign_out_everywhere<T: Preset>(target: Target) {
    let Some(t) = StoreDb::<T>::new(target).await else { return };
    let now = now();
    t.insert_user("ua", "ada@example.com", true, ms(now)).await;
    t.insert_user("ub", "bob@example.com", true, ms(now)).await;
    for i in 0..3 {
        t.store.create_session(session(&format!("a{i}"), &token(&format!("ada{i}")), "ua", now)).await.unwrap();
    }
    let bobs = t.store.create_session(session("b0", &token("bob"), "ub", now)).await.unwrap();

    assert_eq!(t.store.delete_sessions_by_user_id("ua").await.unwrap(), 3);
    assert_eq!(t.store.delete_sessions_by_user_id("ua").await.unwrap(), 0);
    for i in 0..3 {
        assert_eq!(t.store.session_and_user(&token(&format!("ada{i}"))).await.unwrap(), None);
    }
    assert_eq!(t.store.session_and_user(&bobs.token).await.unwrap().unwrap().0, bobs);
    assert!(t.store.delete_session(&bobs.token).await.unwrap());
    assert!(!t.store.delete_session(&bobs.token).await.unwrap());
}

async fn reads_every_date_form_better_auth_reads<T: Preset>(target: Target) {
    let Some(t) = StoreDb::<T>::new(target).await else { return };
    t.insert_user("u1", "ada@example.com", true, ms(now())).await;
    let instant: DateTime<Utc> = "2099-01-01T00:00:00Z".parse().unwrap();
    let forms = [
        Value::from("2099-01-01 00:00:00"),
        Value::from("2099-01-01T00:00:00Z"),
        Value::from("2099-01-01T00:00:00.000Z"),
        Value::BigInt(Some(4_070_908_800_000)),
    ];
    for (i, form) in forms.into_iter().enumerate() {
        let token = token(&format!("form{i}"));
        t.insert_session_raw(&format!("s{i}"), &token, "u1", form.clone()).await;
        let (found, _) = t.store.session_and_user(&token).await.unwrap().unwrap();
        assert_eq!((found.expires_at, found.created_at, found.updated_at), (instant, instant, instant), "{form:?}");
    }
}

async fn one_statement_per_call<T: Preset>(backend: Backend) {
    let Some(t) = StoreDb::<T>::new(backend.into()).await else { return };
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut conn = t.db().clone();
    let sink = Arc::clone(&log);
    conn.set_metric_callback(move |info| sink.lock().unwrap().push(info.statement.sql.clone()));
    let store = BetterAuthStore::<T>::with_schema(conn);
    let counted = || std::mem::take(&mut *log.lock().unwrap());
    let now = now();
    t.insert_user("u1", "ada@example.com", true, ms(now)).await;
    // The first write asks MariaDB which writes can return their row (once per store).
    store.create_session(session("s0", &token("warm-up"), "u1", now)).await.unwrap();
    counted();

    let first = session("s1", &token("Counted"), "u1", now);
    store.create_session(first.clone()).await.unwrap();
    assert_eq!(counted().len(), 1, "create_session");
    store.session_and_user(&first.token).await.unwrap().unwrap();
    assert_eq!(counted().len(), 1, "session_and_user");
    store.extend_session(&first.token, now + Duration::days(8), now).await.unwrap().unwrap();
    // MariaDB has no `UPDATE ... RETURNING`: the update, then the read in its transaction.
    assert_eq!(counted().len(), if backend == Backend::MySql { 2 } else { 1 }, "extend_session");
    store.get_user("u1").await.unwrap().unwrap();
    assert_eq!(counted().len(), 1, "get_user");
    store.get_user_by_email("ada@example.com").await.unwrap().unwrap();
    assert_eq!(counted().len(), 1, "get_user_by_email");
    assert!(store.delete_session(&first.token).await.unwrap());
    assert_eq!(counted().len(), 1, "delete_session");
    assert_eq!(store.delete_sessions_by_user_id("u1").await.unwrap(), 1);
    assert_eq!(counted().len(), 1, "delete_sessions_by_user_id");
}

/// The statements of `ddl` run on `db`.
async fn apply(db: &impl ConnectionTrait, ddl: &[String]) {
    for statement in ddl {
        db.execute_unprepared(statement).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

/// Whether `T`'s reference DDL can be had: the Drizzle naming's comes from drizzle-kit (Node).
fn reference_ready<T: Preset>() -> bool {
    T::NAME != "drizzle" || better_auth_ready()
}

/// A database holding the tables of `T`'s reference DDL, nothing else.
async fn reference_database<T: Preset>(backend: Backend) -> Option<EmptyDb> {
    if !reference_ready::<T>() {
        return None;
    }
    let empty = TestDb::empty(backend).await?;
    apply(&empty.db, &T::reference_ddl(backend)).await;
    Some(empty)
}

async fn migration_creates_the_reference_ddl<T: Preset>(backend: Backend) {
    let Some(reference) = reference_database::<T>(backend).await else { return };
    let Some(ours) = StoreDb::<T>::new(backend.into()).await else { return };
    let theirs = catalog::snapshot(&reference.db, backend, &OURS).await;
    assert!(theirs.len() > 10, "{theirs:?}");
    assert_eq!(catalog::snapshot(ours.db(), backend, &OURS).await, theirs);

    if backend.is_sqlite() && T::NAME == "better_auth" {
        // `sqlite_master` holds the text Better Auth's own tables show there, exactly.
        let rows = ours
            .db()
            .query_all_raw(Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name <> 'seaql_migrations' ORDER BY rowid",
            ))
            .await
            .unwrap();
        let sql: Vec<String> = rows.iter().map(|r| r.try_get("", "sql").unwrap()).collect();
        assert_eq!(sql, T::reference_ddl(backend));
    }

    // `down` drops the tables it created; `up` creates them again.
    T::Migrator::down(ours.db(), None).await.unwrap();
    assert_eq!(catalog::snapshot(ours.db(), backend, &OURS).await, Vec::<String>::new());
    T::Migrator::up(ours.db(), None).await.unwrap();
    assert_eq!(catalog::snapshot(ours.db(), backend, &OURS).await, theirs);
}

/// Every migration of `T`'s migrator with its status.
async fn statuses<T: Preset>(db: &sea_orm::DatabaseConnection) -> Vec<(String, String)> {
    let all = T::Migrator::get_migration_with_status(db).await.unwrap();
    all.iter().map(|m| (m.name().to_owned(), m.status().to_string())).collect()
}

async fn adopts_reference_tables<T: Preset>(backend: Backend) {
    let Some(empty) = reference_database::<T>(backend).await else { return };
    let t = StoreDb::<T>::on(empty, backend.into()).await;
    // A user and a session Better Auth wrote before the Rust service came.
    let now = now();
    t.insert_user("u1", "ada@example.com", true, ms(now)).await;
    let token = token("WrittenByNode");
    t.insert_session_raw("s1", &token, "u1", T::stored_date(backend, ms(now) + Duration::days(7))).await;
    let before = catalog::snapshot(t.db(), backend, &OURS).await;
    let migration = T::Migrator::migrations()[0].name().to_owned();

    T::Migrator::up(t.db(), None).await.unwrap();
    assert_eq!(catalog::snapshot(t.db(), backend, &OURS).await, before, "adoption changed the catalog");
    assert_eq!(statuses::<T>(t.db()).await, [(migration.clone(), "Applied".to_owned())]);
    let adopted = adopt::adoptions(t.db()).await.unwrap();
    let mut tables: Vec<&str> = adopted.iter().map(|a| a.table.as_str()).collect();
    tables.sort_unstable();
    assert_eq!(tables, ["account", "session", "user", "verification"]);
    for a in &adopted {
        assert_eq!((a.origin, a.migration.as_str()), (T::ORIGIN, migration.as_str()), "{a:?}");
    }
    let (found, user) = t.store.session_and_user(&token).await.unwrap().expect("Node's session");
    assert_eq!((found.id.as_str(), user.email.as_str()), ("s1", "ada@example.com"));

    // The indexes option of the Auth.js tables has nothing to add to Better Auth's.
    assert_eq!(adopt::create_indexes(t.db()).await.unwrap(), Vec::<String>::new());

    // A second `up` changes nothing, the record included.
    T::Migrator::up(t.db(), None).await.unwrap();
    assert_eq!(catalog::snapshot(t.db(), backend, &OURS).await, before);
    assert_eq!(adopt::adoptions(t.db()).await.unwrap(), adopted);

    // `down` forgets the adoption; the tables stay, as they were.
    T::Migrator::down(t.db(), None).await.unwrap();
    assert_eq!(catalog::snapshot(t.db(), backend, &[]).await.iter().filter(|l| l.contains(RECORD_TABLE)).count(), 0);
    assert_eq!(catalog::snapshot(t.db(), backend, &OURS).await, before);
    assert!(t.store.session_and_user(&token).await.unwrap().is_some());
}

/// `text` in the backend's identifier quoting.
fn quoted(backend: Backend, text: &str) -> String {
    if backend == Backend::MySql { text.replace('"', "`") } else { text.to_owned() }
}

async fn incompatible_tables_are_refused<T: Preset>(backend: Backend) {
    let Some(empty) = reference_database::<T>(backend).await else { return };
    let name = |c: &dyn Iden| c.to_string();
    let (agent, verified) = (name(&<S<T>>::USER_AGENT), name(&<U<T>>::EMAIL_VERIFIED));
    let mut changes = vec![
        // A dropped column.
        format!("ALTER TABLE \"session\" DROP COLUMN \"{agent}\""),
        // A wrong type (and nullable).
        format!("ALTER TABLE \"user\" DROP COLUMN \"{verified}\""),
        format!("ALTER TABLE \"user\" ADD COLUMN \"{verified}\" text"),
        // A missing table.
        "DROP TABLE \"verification\"".to_owned(),
    ];
    let mut expected = vec![
        format!("session.{agent}: expected a column"),
        format!("user.{verified}: expected "),
        format!("user.{verified}: expected NOT NULL, found nullable"),
        "verification: expected a table, found none".to_owned(),
    ];
    if backend == Backend::Postgres {
        // The other naming's date type: `timestamp` where Better Auth's own tables have `timestamptz`, and back.
        let expires = name(&<S<T>>::EXPIRES_AT);
        let other = if T::NAME == "drizzle" { "timestamptz" } else { "timestamp" };
        changes.push(format!("ALTER TABLE \"session\" ALTER COLUMN \"{expires}\" TYPE {other}"));
        expected.push(format!("session.{expires}: expected timestamp with"));
    }
    if !backend.is_sqlite() {
        // SQLite cannot add a NOT NULL column without a default. In `user` such a column is fine: Better Auth
        // inserts users, the Rust side never does.
        changes.push("ALTER TABLE \"session\" ADD COLUMN \"tenant\" text NOT NULL".to_owned());
        changes.push("ALTER TABLE \"user\" ADD COLUMN \"role\" text NOT NULL".to_owned());
        expected.push("session.tenant: expected nullable or a default".to_owned());
    }
    for change in &changes {
        empty.db.execute_unprepared(&quoted(backend, change)).await.unwrap_or_else(|e| panic!("{change}: {e}"));
    }
    let before = catalog::snapshot(&empty.db, backend, &[]).await;

    let err = T::Migrator::up(&empty.db, None).await.unwrap_err();
    let DbErr::Migration(message) = &err else { panic!("not a migration error: {err:?}") };
    eprintln!("{backend}: {message}");
    let mut lines = message.lines();
    let head = lines.next().unwrap();
    assert!(head.starts_with("the existing Better Auth tables cannot be adopted"), "{message}");
    assert!(head.contains(&format!("({} differences", expected.len())) && head.contains("nothing was changed"));
    let lines: Vec<&str> = lines.map(str::trim).collect();
    assert_eq!(lines.len(), expected.len(), "{message}");
    for want in &expected {
        assert!(lines.iter().any(|l| l.starts_with(want.as_str())), "{want:?} not in:\n{message}");
    }
    assert!(lines.iter().any(|l| l.starts_with(&format!("user.{verified}: expected")) && l.ends_with("found text")));

    // Nothing written: not even sea-orm-migration's history has a row.
    let after: Vec<String> = catalog::snapshot(&empty.db, backend, &[])
        .await
        .into_iter()
        .filter(|l| !l.contains("seaql_migrations"))
        .collect();
    let before: Vec<String> = before.into_iter().filter(|l| !l.contains("seaql_migrations")).collect();
    assert_eq!(after, before, "a refused adoption changed the catalog");
    assert!(statuses::<T>(&empty.db).await.iter().all(|(_, s)| s == "Pending"));
    assert!(adopt::adoptions(&empty.db).await.unwrap().is_empty());
}

/// The store's tests for preset `$preset` on `$target`.
macro_rules! store_tests {
    ($preset:ty, $target:expr) => {
        #[tokio::test]
        async fn round_trip() {
            crate::round_trip::<$preset>($target).await;
        }

        #[tokio::test]
        async fn lookups_are_exact() {
            crate::lookups_are_exact::<$preset>($target).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn delete_race_has_one_winner() {
            crate::delete_race_has_one_winner::<$preset>($target).await;
        }

        #[tokio::test]
        async fn create_with_a_missing_user_is_not_found() {
            crate::create_with_a_missing_user_is_not_found::<$preset>($target).await;
        }

        #[tokio::test]
        async fn extend_returns_what_it_wrote() {
            crate::extend_returns_what_it_wrote::<$preset>($target).await;
        }

        #[tokio::test]
        async fn expired_sessions_are_returned() {
            crate::expired_sessions_are_returned::<$preset>($target).await;
        }

        #[tokio::test]
        async fn sign_out_everywhere() {
            crate::sign_out_everywhere::<$preset>($target).await;
        }
    };
}

/// The migration's tests for preset `$preset` on `$backend`.
macro_rules! schema_tests {
    ($preset:ty, $backend:expr) => {
        #[tokio::test]
        async fn migration_creates_the_reference_ddl() {
            crate::migration_creates_the_reference_ddl::<$preset>($backend).await;
        }

        #[tokio::test]
        async fn adopts_reference_tables() {
            crate::adopts_reference_tables::<$preset>($backend).await;
        }

        #[tokio::test]
        async fn one_statement_per_call() {
            crate::one_statement_per_call::<$preset>($backend).await;
        }

        #[tokio::test]
        async fn incompatible_tables_are_refused() {
            crate::incompatible_tables_are_refused::<$preset>($backend).await;
        }
    };
}

/// Every test of preset `$preset`, one module per backend.
macro_rules! preset_tests {
    ($preset:ty) => {
        mod sqlite {
            use authjs_sea_orm_tests::{Backend, Target};
            store_tests!($preset, Target::from(Backend::SqliteFile));
            schema_tests!($preset, Backend::SqliteFile);

            #[tokio::test]
            async fn reads_every_date_form_better_auth_reads() {
                crate::reads_every_date_form_better_auth_reads::<$preset>(Target::from(Backend::SqliteFile)).await;
            }
        }

        mod postgres {
            use authjs_sea_orm_tests::{Backend, Target};
            store_tests!($preset, Target::from(Backend::Postgres));
            schema_tests!($preset, Backend::Postgres);
        }

        mod mysql {
            use authjs_sea_orm_tests::{Backend, Target};
            store_tests!($preset, Target::from(Backend::MySql));
            schema_tests!($preset, Backend::MySql);
        }

        mod pgbouncer_transaction {
            use authjs_sea_orm_tests::{Backend, Route, Target};
            store_tests!($preset, Target::from(Backend::Postgres).via(Route::PgBouncerTransaction));
        }
    };
}

mod better_auth {
    preset_tests!(authjs_sea_orm::better_auth::BetterAuthTables);
}

mod drizzle {
    preset_tests!(authjs_sea_orm::better_auth::BetterAuthDrizzleTables);
}
