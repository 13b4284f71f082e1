//! The conformance suite: every case of `authjs_sea_orm_tests::cases` on every schema of
//! `authjs_sea_orm_tests::schemas` and every backend the schema supports, one test each, in one module per schema and
//! backend: `default::postgres::create_user`, `plural::sqlite_file::create_user`, `uuid_ids::postgres::...`
//! (`cargo nextest run -p authjs-sea-orm-tests postgres::` runs the PostgreSQL ones, `plural::` one schema's).
//! `pgbouncer_session::` modules run PostgreSQL through PgBouncer in session pooling mode
//! (`AUTHJS_TEST_PGBOUNCER_SESSION_URL`), `pgbouncer_transaction::` modules through PgBouncer in transaction pooling
//! mode (`AUTHJS_TEST_PGBOUNCER_URL`) with the adapter `behind_transaction_pooler` (migrations and the cases' raw
//! reads go straight to the server; see tests/pgbouncer.rs).
//! Each schema also runs its own cases ([`cases::specific`](authjs_sea_orm_tests::cases::specific)).
//!
//! PostgreSQL and MariaDB need `AUTHJS_TEST_POSTGRES_URL` / `AUTHJS_TEST_MYSQL_URL`
//! (`eval "$(scripts/test-databases.sh)"`); without them those tests are skipped, unless `CI=true`.

/// Stamps one `#[tokio::test]` per case of [`with_cases!`](authjs_sea_orm_tests::with_cases) for schema `$schema` on
/// `$backend`, plus the schema's own cases `$specific`. `concurrent` cases run on a 2-worker multi-thread runtime.
macro_rules! suite {
    ($schema:ty, $backend:expr, [$($specific:ident),* $(,)?]) => {
        authjs_sea_orm_tests::with_cases!(suite!(@cases $schema, $backend, [$($specific),*];));
    };
    (@cases $schema:ty, $backend:expr, [$($specific:ident),*];
        basic: [$($case:ident [$($need:ident)*]),* $(,)?],
        concurrent: [$($ccase:ident [$($cneed:ident)*]),* $(,)?]
    ) => {
        $(
            #[tokio::test]
            async fn $case() {
                if let Some(t) = TestDb::with_schema::<$schema>($backend).await {
                    if lacks::<$schema>(&[$(stringify!($need)),*], t.backend) {
                        return;
                    }
                    cases::$case(&t).await;
                }
            }
        )*
        $(
            #[tokio::test]
            async fn $specific() {
                if let Some(t) = TestDb::with_schema::<$schema>($backend).await {
                    cases::$specific(&t).await;
                }
            }
        )*
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $ccase() {
                if let Some(t) = TestDb::with_schema::<$schema>($backend).await {
                    if lacks::<$schema>(&[$(stringify!($cneed)),*], t.backend) {
                        return;
                    }
                    cases::$ccase(&t).await;
                }
            }
        )*
    };
}

/// Whether schema `S` on `backend` lacks one of `needs` ([`TestSchema::lacks`](authjs_sea_orm_tests::TestSchema::lacks)):
/// then the case does not apply there, and says so.
fn lacks<S: authjs_sea_orm_tests::TestSchema>(needs: &[&str], backend: authjs_sea_orm_tests::Backend) -> bool {
    let lacking = needs.iter().find(|need| S::lacks(need, backend));
    if let Some(need) = lacking {
        eprintln!("not applicable: the {:?} tables on {backend} lack `{need}`", S::KIND);
    }
    lacking.is_some()
}

/// One module per schema, `$schema_module`, holding one module per backend the schema runs on (`module => Backend`,
/// or `module => Backend via Route` for a [`Route`](authjs_sea_orm_tests::Route) other than the direct one).
macro_rules! schema {
    (
        $schema_module:ident, $schema:ident,
        backends: [$($backend_module:ident => $backend:ident $(via $route:ident)?),* $(,)?],
        specific: $specific:tt
    ) => {
        mod $schema_module {
            $(
                mod $backend_module {
                    use super::super::lacks;
                    #[allow(unused_imports)]
                    use authjs_sea_orm_tests::{Backend, Route, Target, TestDb, cases, schemas};
                    suite!(schemas::$schema, Target::from(Backend::$backend)$(.via(Route::$route))?, $specific);
                }
            )*
        }
    };
}

schema!(
    default, Default,
    backends: [
        sqlite_memory => SqliteMemory, sqlite_file => SqliteFile, postgres => Postgres, mysql => MySql,
        pgbouncer_session => Postgres via PgBouncerSession, pgbouncer_transaction => Postgres via PgBouncerTransaction,
    ],
    specific: [default_rows_read_field_by_field, trailing_space_keys_are_distinct]
);

schema!(
    prefixed, Prefixed,
    backends: [sqlite_memory => SqliteMemory, sqlite_file => SqliteFile, postgres => Postgres, mysql => MySql],
    specific: []
);

schema!(
    plural, Plural,
    backends: [sqlite_memory => SqliteMemory, sqlite_file => SqliteFile, postgres => Postgres, mysql => MySql],
    specific: [plural_profile_round_trips, plural_default_profile_is_member]
);

schema!(
    integer_ids, IntegerIds,
    backends: [
        sqlite_memory => SqliteMemory, sqlite_file => SqliteFile, postgres => Postgres, mysql => MySql,
        pgbouncer_session => Postgres via PgBouncerSession, pgbouncer_transaction => Postgres via PgBouncerTransaction,
    ],
    specific: [integer_ids_are_consecutive, integer_ids_reject_non_integers]
);

// The Auth.js tables through `CachedAdapter`: the cache answers every case as the database does.
schema!(
    cached_default, CachedDefault,
    backends: [sqlite_memory => SqliteMemory, sqlite_file => SqliteFile, postgres => Postgres, mysql => MySql],
    specific: [trailing_space_keys_are_distinct]
);

schema!(
    prisma, Prisma,
    backends: [sqlite_memory => SqliteMemory, sqlite_file => SqliteFile, postgres => Postgres, mysql => MySql],
    specific: []
);

schema!(
    prisma_v4, PrismaV4,
    backends: [sqlite_memory => SqliteMemory, sqlite_file => SqliteFile, postgres => Postgres, mysql => MySql],
    specific: []
);

// PostgreSQL only: native `uuid` columns and a schema `auth`.
schema!(
    uuid_ids, UuidIds,
    backends: [
        postgres => Postgres, pgbouncer_session => Postgres via PgBouncerSession,
        pgbouncer_transaction => Postgres via PgBouncerTransaction,
    ],
    specific: [uuid_ids_are_native]
);

/// Every stamped schema runs on exactly the backends it supports.
#[test]
fn schemas_run_where_supported() {
    use authjs_sea_orm_tests::Backend;
    use authjs_sea_orm_tests::schemas::{Default, IntegerIds, Plural, Prefixed, TestSchema, UuidIds};
    for backend in Backend::ALL {
        assert!(Default::supports(backend) && Prefixed::supports(backend) && Plural::supports(backend));
        assert!(IntegerIds::supports(backend));
        assert_eq!(UuidIds::supports(backend), backend == Backend::Postgres, "{backend}");
    }
}

/// `Debug` redaction needs no database.
#[test]
fn debug_redacts_secrets() {
    authjs_sea_orm_tests::cases::debug_redacts_secrets();
}
