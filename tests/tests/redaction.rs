//! What the crate's errors and session types show holds no row values and no custom claim values, however they are
//! printed (`{}`, `{:#}`, `{:?}`, `{:#?}`, each `source()` in turn, as anyhow, eyre and Loco's `error.details`
//! report them):
//! - a constraint of the app's own broken by a write, on PostgreSQL (a `CHECK` and a `NOT NULL`, whose detail is
//!   `Failing row contains (…)`) and MariaDB/MySQL (a trigger whose message quotes the row): `Error::Database` names
//!   the kind, the code, and on PostgreSQL the constraint, table and column, never a value;
//! - `SessionClaims`, `CurrentSession` and `MaybeSession` show a JWT's standard claims and only the names of the
//!   others (apps keep provider tokens there).
#![allow(clippy::unwrap_used)]

use authjs_sea_orm::axum::{CurrentSession, MaybeSession, Session};
use authjs_sea_orm::jwt::SessionClaims;
use authjs_sea_orm::{Adapter as _, AdapterUser, Error, NewUser};
use authjs_sea_orm_tests::{Backend, TestDb, fixtures};
use chrono::{Duration, Utc};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// `err` in every way a log shows an error: `{}`, `{:#}`, `{:?}`, `{:#?}`, then each `source()` with `{}` and `{:?}`.
fn every_rendering(err: &Error) -> String {
    let mut shown = format!("{err}\n{err:#}\n{err:?}\n{err:#?}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        shown.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    shown
}

/// The `DbErr` inside an `Error::Database`: kept for code that inspects it, never shown.
fn driver_error(err: &Error) -> &sea_orm::DbErr {
    let Error::Database(db_err) = err else { panic!("not a database error: {err:?}") };
    db_err.downcast_ref::<sea_orm::DbErr>().expect("the adapter's database errors are DbErr")
}

/// Creates a user with `email` (and no name), which the table refuses: the error.
async fn refused(t: &TestDb, email: &str) -> Error {
    let user = NewUser { email: Some(email.to_owned()), ..NewUser::default() };
    t.adapter.create_user(user).await.unwrap_err()
}

#[tokio::test]
async fn postgres_constraint_violations_show_no_row_values() {
    let Some(t) = TestDb::new(Backend::Postgres).await else { return };
    let marker = format!("blocked{}", fixtures::id().replace('-', ""));
    t.db.execute_unprepared(
        r#"ALTER TABLE "user" ADD CONSTRAINT "user_email_allowed" CHECK ("email" NOT LIKE 'blocked%')"#,
    )
    .await
    .unwrap();
    let err = refused(&t, &format!("{marker}@example.com")).await;
    let db_err = driver_error(&err);
    assert!(format!("{db_err:?}").contains(&marker), "the driver's error holds the row: {db_err:?}");
    let shown = every_rendering(&err);
    assert!(!shown.contains(&marker), "a row value is shown: {shown}");
    assert_eq!(
        err.to_string(),
        r#"database error: check violation, code 23514, constraint "user_email_allowed", table "user""#
    );
    assert!(std::error::Error::source(&err).is_none());

    t.db.execute_unprepared(r#"ALTER TABLE "user" ALTER COLUMN "name" SET NOT NULL"#).await.unwrap();
    let err = refused(&t, &format!("nameless{marker}@example.com")).await;
    let db_err = driver_error(&err);
    assert!(format!("{db_err:?}").contains(&marker), "the driver's error holds the row: {db_err:?}");
    let shown = every_rendering(&err);
    assert!(!shown.contains(&marker), "a row value is shown: {shown}");
    assert!(
        shown.contains(r#"not-null violation, code 23502"#) && shown.contains(r#"column "name""#),
        "the kind, code and column are shown: {shown}"
    );
}

#[tokio::test]
async fn mysql_trigger_messages_show_no_row_values() {
    let Some(t) = TestDb::new(Backend::MySql).await else { return };
    let marker = format!("blocked{}", fixtures::id().replace('-', ""));
    t.db.execute_unprepared(
        "CREATE TRIGGER user_email_allowed BEFORE INSERT ON `user` FOR EACH ROW BEGIN \
         DECLARE refusal VARCHAR(128) DEFAULT CONCAT('address refused: ', NEW.email); \
         IF NEW.email LIKE 'blocked%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = refusal; END IF; END",
    )
    .await
    .unwrap();
    let err = refused(&t, &format!("{marker}@example.com")).await;
    let db_err = driver_error(&err);
    assert!(db_err.to_string().contains(&marker), "the driver's message holds the row: {db_err}");
    let shown = every_rendering(&err);
    assert!(!shown.contains(&marker), "a row value is shown: {shown}");
    assert_eq!(err.to_string(), "database error: error returned from the database, code 45000, error 1644");
}

#[test]
fn session_debug_shows_custom_claims_by_name_only() {
    let mut claims = SessionClaims::issued(Utc::now(), Duration::days(30));
    (claims.sub, claims.name, claims.email) =
        (Some("user-1".into()), Some("Ada".into()), Some("ada@example.com".into()));
    claims.other.insert("access_token".into(), json!("SECRET-access"));
    claims.other.insert("provider".into(), json!({ "refresh_token": "SECRET-refresh" }));
    claims.other.insert("roles".into(), json!(["SECRET-role"]));
    let jti = claims.jti.clone().unwrap();
    let user = AdapterUser {
        id: "user-1".into(),
        name: Some("Ada".into()),
        email: Some("ada@example.com".into()),
        email_verified: None,
        image: None,
        extra: (),
    };
    let current: CurrentSession = CurrentSession { session: Session::Jwt(claims.clone()), user };
    let maybe: MaybeSession = MaybeSession(Some(current.clone()));
    for shown in [format!("{claims:?}"), format!("{claims:#?}"), format!("{current:?}"), format!("{maybe:#?}")] {
        assert!(!shown.contains("SECRET"), "a claim's value is shown: {shown}");
        for expected in ["user-1", "ada@example.com", &jti, "access_token", "provider", "roles", "[redacted]"] {
            assert!(shown.contains(expected), "{expected} is not shown: {shown}");
        }
    }
    assert!(claims.other["access_token"] == "SECRET-access", "the claims themselves are kept");
}
