//! PostgreSQL through PgBouncer 1.18 (Debian 12's package; `scripts/test-databases.sh` starts one in each pooling
//! mode): what the transaction poolers guide (`adapter/docs/transaction-poolers.md`) says about poolers, measured.
//!
//! - Session mode: 16 concurrent callers, each running statements of 7 different texts, get exactly their own
//!   results (the conformance suite also runs through it: `conformance.rs`, `pgbouncer_session::` modules).
//! - Transaction mode, plain SeaORM: the same load fails. sqlx names every prepared statement and runs it in a second
//!   exchange, so PgBouncer (before 1.21, or with `max_prepared_statements = 0`) sends the two exchanges to different
//!   server connections: "prepared statement ... does not exist / already exists", and calls answered by another
//!   client's statement with the same name. sqlx's `statement_cache_capacity(0)` does not change that. When this test
//!   fails because the load succeeds, a new sqlx or sea-orm made transaction pooling work: update the transaction poolers guide.
//! - Transaction mode, the adapter `behind_transaction_pooler` (each statement unnamed in its own transaction): every
//!   call of 16 concurrent callers, and their own queries on `adapter.connection()`, get their own rows (the conformance suite and the concurrency cases also run there:
//!   `pgbouncer_transaction::` modules).
//!
//! Skipped without `AUTHJS_TEST_PGBOUNCER_URL` / `AUTHJS_TEST_PGBOUNCER_SESSION_URL`, unless `CI=true`.
#![allow(clippy::unwrap_used)]

use authjs_sea_orm::{Adapter, AdapterSession, NewUser, entity};
use authjs_sea_orm_tests::{Backend, EmptyDb, Route, Target, TestDb};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait, Statement};

const TASKS: usize = 16;
const CALLS: usize = 200;

/// What `TASKS` concurrent callers of `CALLS` statements each got on `db`.
#[derive(Debug, Default)]
struct Outcome {
    ok: usize,
    /// A row, but not the one this call's statement and values produce.
    wrong: usize,
    errors: Vec<String>,
}

async fn load(db: &DatabaseConnection) -> Outcome {
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            for call in 0..CALLS {
                // Seven statement texts, so a statement name another client prepared usually means other SQL.
                let variant = call % 7;
                let value = format!("{task}-{call}");
                let stmt = Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    format!("SELECT $1::text || '/{variant}' AS v"),
                    [value.clone().into()],
                );
                match db.query_one_raw(stmt).await {
                    Ok(Some(row)) if row.try_get::<String>("", "v").ok() == Some(format!("{value}/{variant}")) => {
                        outcome.ok += 1
                    }
                    Ok(_) => outcome.wrong += 1,
                    Err(e) => outcome.errors.push(e.to_string()),
                }
            }
            outcome
        }));
    }
    let mut total = Outcome::default();
    for task in tasks {
        let outcome = task.await.unwrap();
        total.ok += outcome.ok;
        total.wrong += outcome.wrong;
        total.errors.extend(outcome.errors);
    }
    total
}

/// A fresh database through PgBouncer in `route`'s mode, with a pool of 8 from `authjs_sea_orm::connect_options`,
/// changed by `tune`.
async fn pool(route: Route, tune: impl FnOnce(&mut ConnectOptions)) -> Option<(EmptyDb, DatabaseConnection)> {
    let empty = TestDb::empty(Target::from(Backend::Postgres).via(route)).await?;
    let mut opts = authjs_sea_orm::connect_options(&empty.url);
    opts.max_connections(8);
    tune(&mut opts);
    let db = Database::connect(opts).await.unwrap();
    Some((empty, db))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_mode_serves_every_call() {
    let Some((_t, db)) = pool(Route::PgBouncerSession, |_| {}).await else { return };
    let outcome = load(&db).await;
    assert_eq!((outcome.ok, outcome.wrong), (TASKS * CALLS, 0), "errors: {:?}", outcome.errors.first());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transaction_mode_breaks_sqlx_statements() {
    for cache_off in [false, true] {
        let Some((_t, db)) = pool(Route::PgBouncerTransaction, |opts| {
            if cache_off {
                opts.map_sqlx_postgres_opts(|o| o.statement_cache_capacity(0));
            }
        })
        .await
        else {
            return;
        };
        let outcome = load(&db).await;
        eprintln!(
            "transaction mode, statement cache {}: {} of {} calls right, {} wrong rows, {} errors (first: {:?})",
            if cache_off { "off" } else { "on" },
            outcome.ok,
            TASKS * CALLS,
            outcome.wrong,
            outcome.errors.len(),
            outcome.errors.first()
        );
        assert!(
            outcome.ok < TASKS * CALLS,
            "every call succeeded through transaction pooling (cache off: {cache_off}): update the transaction poolers guide"
        );
        assert!(
            outcome.errors.iter().all(|e| e.contains("prepared statement")),
            "an unexpected error: {:?}",
            outcome.errors.iter().find(|e| !e.contains("prepared statement"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transaction_mode_serves_the_adapter_behind_transaction_pooler() {
    const ROUNDS: usize = 25;
    let Some(t) = TestDb::new(Target::from(Backend::Postgres).via(Route::PgBouncerTransaction)).await else { return };
    assert!(format!("{:?}", t.adapter).contains("behind_transaction_pooler: true"));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let adapter = t.adapter.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..ROUNDS {
                let email = format!("u{task}-{round}@example.com");
                let user =
                    adapter.create_user(NewUser { email: Some(email.clone()), ..NewUser::default() }).await.unwrap();
                assert_eq!(user.email.as_deref(), Some(email.as_str()));
                let found = adapter.get_user_by_email(&email).await.unwrap().expect("the user just created");
                assert_eq!(found.id, user.id);
                // The application's own query, on the adapter's connection.
                let row = entity::user::Entity::find_by_id(user.id.clone()).one(adapter.connection()).await.unwrap();
                assert_eq!(row.and_then(|u| u.email), Some(email.clone()));
                let token = format!("token-{task}-{round}");
                let expires = chrono::Utc::now() + chrono::Duration::days(1);
                let session = AdapterSession { session_token: token.clone(), user_id: user.id.clone(), expires };
                adapter.create_session(session).await.unwrap();
                let (session, owner) = adapter.get_session_and_user(&token).await.unwrap().expect("the session");
                assert_eq!((session.session_token, owner.id), (token.clone(), user.id.clone()));
                assert!(adapter.delete_session(&token).await.unwrap().is_some());
                assert_eq!(adapter.get_session_and_user(&token).await.unwrap(), None);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}
