//! Adoption of existing Auth.js tables by `Migrator::up` (`authjs_sea_orm::migration::adopt`), on a SQLite file,
//! PostgreSQL and MariaDB, each test on a database of its own:
//!
//! - `adopts_drizzle_tables`: tables created from the DDL of the real drizzle-kit (`tests/interop/drizzle-ddl.mjs`)
//!   are adopted: the catalog is unchanged (no `ALTER`, no index, no collation change, on MariaDB neither by
//!   `m20261127_000001_no_pad_keys`), both migrations are applied, the record says which tables, from what, when; a
//!   second `up` changes nothing; `down` forgets the adoption and leaves the tables.
//! - `conformance_on_adopted_drizzle_tables`: the conformance cases that hold on Drizzle's tables
//!   (`drizzle::cases_on_drizzle_tables`, as `tests/interop.rs` runs them) pass after the adoption.
//! - `adopts_tables_of_v1_create_auth_tables`: tables an application's own migration created with
//!   `v1::create_auth_tables`, without a `seaql_migrations` row, are adopted as this crate's.
//! - `incompatible_tables_are_refused`: a dropped column, a wrong type, a missing table, a wrong primary key (and on
//!   the servers a `NOT NULL` column without a default) give one error naming each difference; nothing changes.
//! - `indexes_option_creates_exactly_those`: `adopt::create_indexes` adds exactly the missing `userId`/`expires`
//!   indexes; `up` and the status keep working without it; `down` drops them with the adoption.
//! - `create_indexes_migration`: the same through the `adopt::CreateIndexes` migration an application can add.
//!
//! The runner's output (`up`, `status`, `--adopt-indexes`) is tested in `migration/tests/cli.rs`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use authjs_sea_orm::migration::adopt::{self, Origin, RECORD_TABLE};
use authjs_sea_orm::migration::{MigrationTrait, Migrator, MigratorTrait, SchemaManager, v1};
use authjs_sea_orm::schema::Tables;
use authjs_sea_orm_tests::node::node_ready;
use authjs_sea_orm_tests::{Backend, TestDb, catalog, drizzle};
use sea_orm::{ConnectionTrait, DbErr};

/// The tables that are ours to change: sea-orm-migration's history and the adoption record.
const OURS: [&str; 2] = ["seaql_migrations", RECORD_TABLE];

const TABLES: [&str; 5] = ["user", "account", "session", "verificationToken", "authenticator"];

/// A database holding the tables drizzle-kit creates and an empty `seaql_migrations` (our migrations rolled back,
/// as `tests/interop.rs` makes them). `None` if the backend or Node is not available (a failure with `CI=true`).
async fn drizzle_database(backend: Backend) -> Option<TestDb> {
    if !node_ready() {
        return None;
    }
    let t = TestDb::new(backend).await?;
    Migrator::down(&t.db, None).await.unwrap();
    drizzle::apply(&t.db, &drizzle::ddl(backend)).await;
    Some(t)
}

async fn snapshot(t: &TestDb) -> Vec<String> {
    catalog::snapshot(&t.db, t.backend, &OURS).await
}

/// Every migration of `Migrator`, with its status (`Applied` or `Pending`).
async fn statuses(t: &TestDb) -> Vec<(String, String)> {
    let all = Migrator::get_migration_with_status(&t.db).await.unwrap();
    all.iter().map(|m| (m.name().to_owned(), m.status().to_string())).collect()
}

#[track_caller]
fn assert_all(statuses: &[(String, String)], status: &str) {
    assert_eq!(statuses.len(), 2, "{statuses:?}");
    assert!(statuses.iter().all(|(_, s)| s == status), "{statuses:?}");
}

#[track_caller]
fn assert_adopted(adoptions: &[adopt::Adoption], origin: Origin) {
    let tables: Vec<&str> = adoptions.iter().map(|a| a.table.as_str()).collect();
    assert_eq!(tables, TABLES);
    for a in adoptions {
        assert_eq!(a.origin, origin, "{a:?}");
        assert_eq!(a.migration, "m20261126_000001_create_auth_tables");
        assert!((chrono::Utc::now() - a.adopted_at).num_seconds().abs() < 120, "{a:?}");
        assert!(a.indexes.is_empty(), "{a:?}");
    }
}

async fn adopts_drizzle_tables(backend: Backend) {
    let Some(t) = drizzle_database(backend).await else { return };
    let before = snapshot(&t).await;
    assert_all(&statuses(&t).await, "Pending");

    Migrator::up(&t.db, None).await.unwrap();
    assert_eq!(snapshot(&t).await, before, "adoption changed the catalog");
    assert_all(&statuses(&t).await, "Applied");
    let adopted = adopt::adoptions(&t.db).await.unwrap();
    assert_adopted(&adopted, Origin::DrizzleKit);

    // A second `up` applies nothing and changes nothing, the record included.
    Migrator::up(&t.db, None).await.unwrap();
    assert_eq!(snapshot(&t).await, before);
    assert_eq!(adopt::adoptions(&t.db).await.unwrap(), adopted);

    // `down` forgets the adoption; the app's tables stay as they were.
    Migrator::down(&t.db, None).await.unwrap();
    assert_eq!(snapshot(&t).await, before, "down changed the adopted tables");
    assert_all(&statuses(&t).await, "Pending");
    assert!(adopt::adoptions(&t.db).await.unwrap().is_empty());
    let tables = catalog::snapshot(&t.db, t.backend, &[]).await;
    assert!(!tables.iter().any(|l| l.contains(RECORD_TABLE)), "the record table is left");

    // And `up` adopts them again.
    Migrator::up(&t.db, None).await.unwrap();
    assert_adopted(&adopt::adoptions(&t.db).await.unwrap(), Origin::DrizzleKit);
    assert_eq!(snapshot(&t).await, before);
}

async fn conformance_on_adopted_drizzle_tables(backend: Backend) {
    if drizzle_database(backend).await.is_none() {
        return;
    }
    let ddl = drizzle::ddl(backend);
    let fresh = || async {
        let t = TestDb::new(backend).await.unwrap();
        Migrator::down(&t.db, None).await.unwrap();
        drizzle::apply(&t.db, &ddl).await;
        Migrator::up(&t.db, None).await.unwrap();
        assert!(adopt::is_adopted(&t.db).await.unwrap());
        t
    };
    let (ran, failed) = drizzle::run_cases_on_drizzle_tables(backend, fresh).await;
    assert!(ran >= 45, "{ran} cases ran");
    assert!(failed.is_empty(), "cases failing on adopted Drizzle tables on {backend}: {failed:?}");
}

async fn adopts_tables_of_v1_create_auth_tables(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    Migrator::down(&t.db, None).await.unwrap();
    v1::create_auth_tables::<Tables>(&SchemaManager::new(&t.db)).await.unwrap();
    let before = snapshot(&t).await;

    Migrator::up(&t.db, None).await.unwrap();
    assert_eq!(snapshot(&t).await, before, "adoption changed the catalog");
    assert_all(&statuses(&t).await, "Applied");
    assert_adopted(&adopt::adoptions(&t.db).await.unwrap(), Origin::AuthjsSeaOrm);
    // Nothing to add: they have the indexes.
    assert!(adopt::create_indexes(&t.db).await.unwrap().is_empty());
}

/// `ALTER TABLE ... ` statements in the backend's quoting.
fn sql(backend: Backend, text: &str) -> String {
    if backend == Backend::MySql { text.replace('"', "`") } else { text.to_owned() }
}

async fn incompatible_tables_are_refused(backend: Backend) {
    let Some(t) = drizzle_database(backend).await else { return };
    let (text, date) = match backend {
        Backend::MySql => ("varchar(255)", "timestamp"),
        Backend::Postgres => ("text", "timestamp"),
        _ => ("text", "integer"),
    };
    let mut changes = vec![
        // A dropped column.
        "ALTER TABLE \"account\" DROP COLUMN \"scope\"".to_owned(),
        // A wrong type.
        "ALTER TABLE \"user\" DROP COLUMN \"emailVerified\"".to_owned(),
        "ALTER TABLE \"user\" ADD COLUMN \"emailVerified\" text".to_owned(),
        // A missing table.
        "DROP TABLE \"authenticator\"".to_owned(),
        // A wrong primary key.
        "DROP TABLE \"verificationToken\"".to_owned(),
        format!(
            "CREATE TABLE \"verificationToken\" (\"identifier\" {text} NOT NULL, \"token\" {text} NOT NULL PRIMARY KEY, \
             \"expires\" {date} NOT NULL)"
        ),
    ];
    let mut expected = vec![
        "account.scope: expected a column".to_owned(),
        "user.emailVerified: expected".to_owned(),
        "authenticator: expected a table, found none".to_owned(),
        "verificationToken (primary key): expected (identifier, token), found (token)".to_owned(),
    ];
    if !backend.is_sqlite() {
        // SQLite cannot add a NOT NULL column without a default to a table.
        changes.push("ALTER TABLE \"user\" ADD COLUMN \"role\" text NOT NULL".to_owned());
        expected.push(
            "user.role: expected nullable or a default (the adapter does not write this column), found NOT NULL \
             without a default"
                .to_owned(),
        );
    }
    for change in &changes {
        t.db.execute_unprepared(&sql(backend, change)).await.unwrap_or_else(|e| panic!("{change}: {e}"));
    }
    let before = snapshot(&t).await;

    let err = Migrator::up(&t.db, None).await.unwrap_err();
    let DbErr::Migration(message) = &err else { panic!("not a migration error: {err:?}") };
    eprintln!("{backend}: {message}");
    let mut lines = message.lines();
    let head = lines.next().unwrap();
    assert!(head.contains("cannot be adopted") && head.contains("nothing was changed"), "{message}");
    assert!(head.contains(&format!("{} differences", expected.len())), "{message}");
    let lines: Vec<&str> = lines.map(str::trim).collect();
    assert_eq!(lines.len(), expected.len(), "{message}");
    for want in &expected {
        assert!(lines.iter().any(|l| l.starts_with(want.as_str())), "{want:?} not in:\n{message}");
    }
    assert!(lines.iter().any(|l| l.starts_with("user.emailVerified") && l.ends_with("found text")), "{message}");

    assert_eq!(snapshot(&t).await, before, "a refused adoption changed the catalog");
    assert_all(&statuses(&t).await, "Pending");
    assert!(adopt::adoptions(&t.db).await.unwrap().is_empty());
    let all = catalog::snapshot(&t.db, t.backend, &[]).await;
    assert!(!all.iter().any(|l| l.contains(RECORD_TABLE)), "a refused adoption left its record table");
}

/// The indexes the option adds on Drizzle's tables: all four, except on MySQL/MariaDB, where the `userId` columns
/// are already indexed (InnoDB indexes foreign-key columns itself).
fn expected_indexes(backend: Backend) -> BTreeSet<(String, String)> {
    adopt::EXTRA_INDEXES
        .iter()
        .filter(|(_, column, _)| backend != Backend::MySql || *column != "userId")
        .map(|(table, _, name)| ((*table).to_owned(), (*name).to_owned()))
        .collect()
}

async fn all_index_names(t: &TestDb) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for table in TABLES {
        for name in catalog::index_names(&t.db, t.backend, table).await {
            all.insert((table.to_owned(), name));
        }
    }
    all
}

async fn indexes_option_creates_exactly_those(backend: Backend) {
    let Some(t) = drizzle_database(backend).await else { return };
    let pristine = snapshot(&t).await;
    Migrator::up(&t.db, None).await.unwrap();
    let before = all_index_names(&t).await;

    let created = adopt::create_indexes(&t.db).await.unwrap();
    let after = all_index_names(&t).await;
    let added: BTreeSet<_> = after.difference(&before).cloned().collect();
    assert_eq!(added, expected_indexes(backend));
    assert_eq!(created.iter().cloned().collect::<BTreeSet<_>>(), added.iter().map(|(_, n)| n.clone()).collect());
    let recorded: BTreeSet<String> =
        adopt::adoptions(&t.db).await.unwrap().into_iter().flat_map(|a| a.indexes).collect();
    assert_eq!(recorded, created.iter().cloned().collect());

    // Idempotent; and the plain migrator, which knows nothing of the option, still works.
    assert!(adopt::create_indexes(&t.db).await.unwrap().is_empty());
    Migrator::up(&t.db, None).await.unwrap();
    assert_all(&statuses(&t).await, "Applied");

    // Rolling back the adoption drops them: the database is the app's again, exactly.
    Migrator::down(&t.db, None).await.unwrap();
    assert_eq!(snapshot(&t).await, pristine);
}

/// The application's migrator, with the indexes migration after the Auth.js ones.
struct WithIndexes;

#[async_trait::async_trait]
impl MigratorTrait for WithIndexes {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations = authjs_sea_orm::migration::migrations();
        migrations.push(Box::new(adopt::CreateIndexes));
        migrations
    }
}

async fn create_indexes_migration(backend: Backend) {
    let Some(t) = drizzle_database(backend).await else { return };
    let pristine = snapshot(&t).await;
    let before = all_index_names(&t).await;
    WithIndexes::up(&t.db, None).await.unwrap();
    let added: BTreeSet<_> = all_index_names(&t).await.difference(&before).cloned().collect();
    assert_eq!(added, expected_indexes(backend));
    WithIndexes::down(&t.db, None).await.unwrap();
    assert_eq!(snapshot(&t).await, pristine);

    // On tables this crate created, a no-op.
    let Some(ours) = TestDb::new(backend).await else { return };
    let before = snapshot(&ours).await;
    WithIndexes::up(&ours.db, None).await.unwrap();
    assert_eq!(snapshot(&ours).await, before);
}

macro_rules! adoption_tests {
    ($backend:expr) => {
        #[tokio::test]
        async fn adopts_drizzle_tables() {
            super::adopts_drizzle_tables($backend).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn conformance_on_adopted_drizzle_tables() {
            super::conformance_on_adopted_drizzle_tables($backend).await;
        }

        #[tokio::test]
        async fn adopts_tables_of_v1_create_auth_tables() {
            super::adopts_tables_of_v1_create_auth_tables($backend).await;
        }

        #[tokio::test]
        async fn incompatible_tables_are_refused() {
            super::incompatible_tables_are_refused($backend).await;
        }

        #[tokio::test]
        async fn indexes_option_creates_exactly_those() {
            super::indexes_option_creates_exactly_those($backend).await;
        }

        #[tokio::test]
        async fn create_indexes_migration() {
            super::create_indexes_migration($backend).await;
        }
    };
}

mod sqlite_file {
    adoption_tests!(authjs_sea_orm_tests::Backend::SqliteFile);
}

mod postgres {
    adoption_tests!(authjs_sea_orm_tests::Backend::Postgres);
}

mod mysql {
    adoption_tests!(authjs_sea_orm_tests::Backend::MySql);
}
