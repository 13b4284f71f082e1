//! Identity is exact on tables whose key columns compare loosely: MariaDB's `utf8mb4_unicode_ci` and
//! `utf8mb4_general_ci` (the server defaults Drizzle's and apps' own tables get), and a case- and accent-insensitive
//! nondeterministic ICU collation on PostgreSQL. The look-alike case of the conformance suite runs on such tables, and
//! a look-alike user cannot be created next to the original (the database's own unique index refuses it).

use authjs_sea_orm::{Adapter, Error, NewUser, Record};
use authjs_sea_orm_tests::cases::{lookalike_keys_never_match, lookalikes};
use authjs_sea_orm_tests::{Backend, TestDb};
use sea_orm::ConnectionTrait;

/// The key columns the adapter looks rows up by, per table.
const KEYS: [(&str, &str, &str); 7] = [
    ("user", "email", "NULL"),
    ("account", "provider", "NOT NULL"),
    ("account", "providerAccountId", "NOT NULL"),
    ("session", "sessionToken", "NOT NULL"),
    ("verificationToken", "identifier", "NOT NULL"),
    ("verificationToken", "token", "NOT NULL"),
    ("authenticator", "credentialID", "NOT NULL"),
];

/// A migrated database whose key columns use `collation` (MariaDB) or a case- and accent-insensitive ICU collation
/// (PostgreSQL).
async fn loose_keys(backend: Backend, collation: &str) -> Option<TestDb> {
    let t = TestDb::new(backend).await?;
    if backend == Backend::Postgres {
        t.db.execute_unprepared(
            "CREATE COLLATION loose (provider = icu, locale = 'und-u-ks-level1', deterministic = false)",
        )
        .await
        .expect("create an ICU collation");
    }
    for (table, column, null) in KEYS {
        let sql = match backend {
            Backend::MySql => {
                format!("ALTER TABLE `{table}` MODIFY `{column}` varchar(255) COLLATE {collation} {null}")
            }
            _ => format!("ALTER TABLE \"{table}\" ALTER COLUMN \"{column}\" TYPE text COLLATE loose"),
        };
        t.db.execute_unprepared(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    Some(t)
}

async fn lookalikes_on_loose_keys(backend: Backend, collation: &str) {
    let Some(t) = loose_keys(backend, collation).await else { return };
    lookalike_keys_never_match(&t).await;

    // The table itself treats look-alikes as one address: the adapter finds no user for one, and cannot create one.
    let email = "owner@example.com";
    t.adapter.create_user(NewUser { email: Some(email.into()), ..NewUser::default() }).await.expect("create the owner");
    for lookalike in lookalikes(email) {
        assert_eq!(t.adapter.get_user_by_email(&lookalike).await.expect("read"), None, "{lookalike:?}");
        let created = t.adapter.create_user(NewUser { email: Some(lookalike.clone()), ..NewUser::default() }).await;
        // Which look-alikes the collation equates: case and accents; a trailing space only on MariaDB (PAD SPACE);
        // a no-break space never.
        let same_to_collation =
            !(lookalike.ends_with('\u{a0}') || (backend == Backend::Postgres && lookalike.ends_with(' ')));
        if same_to_collation {
            assert!(matches!(created, Err(Error::Conflict(Record::User))), "{lookalike:?}: {created:?}");
        }
    }
}

mod mysql {
    use super::*;

    #[tokio::test]
    async fn unicode_ci() {
        lookalikes_on_loose_keys(Backend::MySql, "utf8mb4_unicode_ci").await;
    }

    #[tokio::test]
    async fn general_ci() {
        lookalikes_on_loose_keys(Backend::MySql, "utf8mb4_general_ci").await;
    }
}

mod postgres {
    use super::*;

    #[tokio::test]
    async fn icu_case_and_accent_insensitive() {
        lookalikes_on_loose_keys(Backend::Postgres, "").await;
    }
}
