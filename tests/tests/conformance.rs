//! The conformance suite: every case of `authjs_sea_orm_tests::cases` on every backend, one test each, in one module
//! per backend (`cargo nextest run -p authjs-sea-orm-tests postgres::` runs the PostgreSQL ones).
//!
//! PostgreSQL and MariaDB need `AUTHJS_TEST_POSTGRES_URL` / `AUTHJS_TEST_MYSQL_URL`
//! (`eval "$(scripts/test-databases.sh)"`); without them those tests are skipped, unless `CI=true`.

/// Stamps one `#[tokio::test]` per case for `$backend`. `concurrent` cases run on a 2-worker multi-thread runtime.
macro_rules! suite {
    ($backend:expr) => {
        suite!(@cases $backend;
            basic: [
                // The Auth.js suite, in its order.
                required_methods_exist,
                create_user,
                get_user,
                get_user_by_email,
                create_session,
                get_session_and_user,
                update_user,
                update_session,
                link_account,
                get_user_by_account,
                delete_session,
                verification_token_methods_exist,
                create_verification_token,
                use_verification_token,
                future_methods_exist,
                unlink_account,
                delete_user,
                get_account,
                create_authenticator,
                get_authenticator,
                list_authenticators_by_user_id,
                update_authenticator_counter,
                // Extensions and partial updates.
                update_account,
                update_account_not_found,
                update_session_fields,
                list_sessions_by_user_id,
                delete_sessions_by_user_id,
                delete_expired_sessions,
                delete_expired_verification_tokens,
                update_user_fields,
                update_user_not_found,
                create_user_generates_uuid,
                users_without_email,
                // Failed writes.
                duplicate_user_email,
                duplicate_user_id,
                update_user_duplicate_email,
                duplicate_account,
                duplicate_session_token,
                duplicate_verification_token,
                duplicate_authenticator,
                link_account_missing_user,
                create_session_missing_user,
                create_authenticator_missing_user,
                update_authenticator_counter_not_found,
                // Behaviour.
                delete_user_cascades,
                use_verification_token_requires_both,
                use_verification_token_returns_expired,
                get_session_and_user_returns_expired,
                session_token_is_case_sensitive,
                dates_round_trip_with_millis,
                authenticator_counter_beyond_i32,
                statement_counts,
            ],
            concurrent: [
                use_verification_token_concurrent,
            ]
        );
    };
    (@cases $backend:expr; basic: [$($case:ident),* $(,)?], concurrent: [$($ccase:ident),* $(,)?]) => {
        $(
            #[tokio::test]
            async fn $case() {
                if let Some(t) = TestDb::new($backend).await {
                    cases::$case(&t).await;
                }
            }
        )*
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $ccase() {
                if let Some(t) = TestDb::new($backend).await {
                    cases::$ccase(&t).await;
                }
            }
        )*
    };
}

mod sqlite_memory {
    use authjs_sea_orm_tests::{Backend, TestDb, cases};
    suite!(Backend::SqliteMemory);
}

mod sqlite_file {
    use authjs_sea_orm_tests::{Backend, TestDb, cases};
    suite!(Backend::SqliteFile);
}

mod postgres {
    use authjs_sea_orm_tests::{Backend, TestDb, cases};
    suite!(Backend::Postgres);
}

mod mysql {
    use authjs_sea_orm_tests::{Backend, TestDb, cases};
    suite!(Backend::MySql);
}

/// `Debug` redaction needs no database.
#[test]
fn debug_redacts_secrets() {
    authjs_sea_orm_tests::cases::debug_redacts_secrets();
}
