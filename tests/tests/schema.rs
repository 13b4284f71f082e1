//! Schema tests: the migration creates, on every backend, the tables of the Auth.js Drizzle adapter's default schema
//! with the improvements documented on the migration (millisecond dates that survive 2038, 64-bit `expires_at` and
//! `counter`, `TEXT` tokens and `utf8mb4_bin` on MySQL, indexes on `userId` and `expires`, Drizzle's constraint
//! names).
//!
//! The schema is read back from each database's own catalog (PostgreSQL `information_schema` and `pg_catalog`,
//! MariaDB `information_schema`, SQLite pragmas), never from the migration's code, and compared with [`EXPECTED`].
//! Each test runs on an empty database of its own from the harness (`TestDb::empty`): a SQLite file, or a
//! `t_<random>` database created on the server of `AUTHJS_TEST_POSTGRES_URL` / `AUTHJS_TEST_MYSQL_URL` and dropped
//! afterwards. Without a server URL the test is skipped, unless `CI=true`.
//!
//! These catalog tests are the contract. The `ddl` tests below pin, without a database, the SQL text each released
//! migration runs on each backend (`tests/ddl/{sqlite,postgres,mysql}.sql`) and what `migration::v1` creates for the
//! custom schemas of the conformance suite (`tests/ddl/v1/*.sql`): a released migration never changes, so neither
//! may these files (a new migration adds sections; `AUTHJS_BLESS_DDL=1` writes them).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm_tests::{Backend, TestDb};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement};

// ---------------------------------------------------------------------------------------------------------------
// The expected schema.
// ---------------------------------------------------------------------------------------------------------------

/// `timestamp(3)` as PostgreSQL's catalog spells it.
const PG_TS3: &str = "timestamp(3) without time zone";

/// One column: name, then its SQL type on PostgreSQL, MariaDB and SQLite (as the catalog reports it, lower case;
/// MariaDB integer display widths removed), then whether it is nullable.
type ColumnRow = (&'static str, &'static str, &'static str, &'static str, bool);

/// One table of the expected schema.
struct ExpectedTable {
    name: &'static str,
    /// Every column, in table order.
    columns: &'static [ColumnRow],
    /// Primary key columns, in key order.
    primary_key: &'static [&'static str],
    /// The primary key constraint's name on PostgreSQL (`<table>_pkey` where Drizzle declares the key inline).
    pg_primary_key_name: &'static str,
    /// Indexes other than the primary key: name, columns, unique.
    indexes: &'static [(&'static str, &'static [&'static str], bool)],
    /// Foreign keys, all `(<column>) REFERENCES user(id) ON DELETE CASCADE ON UPDATE NO ACTION`: name, column. The
    /// name is not checked on SQLite: its pragmas do not report it, and Drizzle's SQLite DDL leaves it unnamed.
    foreign_keys_to_user: &'static [(&'static str, &'static str)],
}

/// The schema the migration must create (Drizzle's default schema plus the documented improvements).
const EXPECTED: [ExpectedTable; 5] = [
    ExpectedTable {
        name: "user",
        columns: &[
            // column, PostgreSQL, MariaDB, SQLite, nullable
            ("id", "text", "varchar(255)", "text", false),
            ("name", "text", "varchar(255)", "text", true),
            ("email", "text", "varchar(255)", "text", true),
            ("emailVerified", PG_TS3, "datetime(3)", "integer", true),
            ("image", "text", "text", "text", true),
        ],
        primary_key: &["id"],
        pg_primary_key_name: "user_pkey",
        indexes: &[("user_email_unique", &["email"], true)],
        foreign_keys_to_user: &[],
    },
    ExpectedTable {
        name: "account",
        columns: &[
            ("userId", "text", "varchar(255)", "text", false),
            ("type", "text", "varchar(255)", "text", false),
            ("provider", "text", "varchar(255)", "text", false),
            ("providerAccountId", "text", "varchar(255)", "text", false),
            ("refresh_token", "text", "text", "text", true),
            ("access_token", "text", "text", "text", true),
            ("expires_at", "bigint", "bigint", "integer", true),
            ("token_type", "text", "varchar(255)", "text", true),
            ("scope", "text", "text", "text", true),
            ("id_token", "text", "text", "text", true),
            ("session_state", "text", "text", "text", true),
        ],
        primary_key: &["provider", "providerAccountId"],
        pg_primary_key_name: "account_provider_providerAccountId_pk",
        indexes: &[("account_userId_idx", &["userId"], false)],
        foreign_keys_to_user: &[("account_userId_user_id_fk", "userId")],
    },
    ExpectedTable {
        name: "session",
        columns: &[
            ("sessionToken", "text", "varchar(255)", "text", false),
            ("userId", "text", "varchar(255)", "text", false),
            ("expires", PG_TS3, "datetime(3)", "integer", false),
        ],
        primary_key: &["sessionToken"],
        pg_primary_key_name: "session_pkey",
        indexes: &[("session_userId_idx", &["userId"], false), ("session_expires_idx", &["expires"], false)],
        foreign_keys_to_user: &[("session_userId_user_id_fk", "userId")],
    },
    ExpectedTable {
        name: "verificationToken",
        columns: &[
            ("identifier", "text", "varchar(255)", "text", false),
            ("token", "text", "varchar(255)", "text", false),
            ("expires", PG_TS3, "datetime(3)", "integer", false),
        ],
        primary_key: &["identifier", "token"],
        pg_primary_key_name: "verificationToken_identifier_token_pk",
        indexes: &[("verificationToken_expires_idx", &["expires"], false)],
        foreign_keys_to_user: &[],
    },
    ExpectedTable {
        name: "authenticator",
        columns: &[
            ("credentialID", "text", "varchar(255)", "text", false),
            ("userId", "text", "varchar(255)", "text", false),
            ("providerAccountId", "text", "varchar(255)", "text", false),
            ("credentialPublicKey", "text", "text", "text", false),
            ("counter", "bigint", "bigint", "integer", false),
            ("credentialDeviceType", "text", "varchar(255)", "text", false),
            ("credentialBackedUp", "boolean", "tinyint(1)", "integer", false),
            ("transports", "text", "varchar(255)", "text", true),
        ],
        primary_key: &["userId", "credentialID"],
        pg_primary_key_name: "authenticator_userId_credentialID_pk",
        indexes: &[("authenticator_credentialID_unique", &["credentialID"], true)],
        foreign_keys_to_user: &[("authenticator_userId_user_id_fk", "userId")],
    },
];

/// The table sea-orm-migration keeps its history in; the only one allowed to remain after `down`.
const MIGRATIONS_TABLE: &str = "seaql_migrations";

/// A column as read from the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    sql_type: String,
    nullable: bool,
}

/// A foreign key as read from the catalog (`name` is `None` on SQLite, whose pragmas do not report it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    name: Option<String>,
    columns: Vec<String>,
    ref_table: String,
    ref_columns: Vec<String>,
    on_delete: String,
    on_update: String,
}

/// An index other than the primary key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IndexDef {
    columns: Vec<String>,
    unique: bool,
}

/// One table as read from the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TableSchema {
    columns: Vec<Column>,
    primary_key: Vec<String>,
    /// The primary key constraint's name: PostgreSQL only (always `PRIMARY` on MariaDB, unnamed on SQLite).
    primary_key_name: Option<String>,
    indexes: BTreeMap<String, IndexDef>,
    foreign_keys: BTreeSet<ForeignKey>,
}

impl ExpectedTable {
    fn schema(&self, backend: Backend) -> TableSchema {
        let columns = self
            .columns
            .iter()
            .map(|&(name, pg, my, lite, nullable)| Column {
                name: name.to_owned(),
                sql_type: match backend {
                    Backend::Postgres => pg,
                    Backend::MySql => my,
                    Backend::SqliteFile | Backend::SqliteMemory => lite,
                }
                .to_owned(),
                nullable,
            })
            .collect();
        let indexes = self
            .indexes
            .iter()
            .map(|&(name, columns, unique)| (name.to_owned(), IndexDef { columns: strings(columns), unique }))
            .collect();
        let foreign_keys = self
            .foreign_keys_to_user
            .iter()
            .map(|&(name, column)| ForeignKey {
                name: (!backend.is_sqlite()).then(|| name.to_owned()),
                columns: vec![column.to_owned()],
                ref_table: "user".to_owned(),
                ref_columns: vec!["id".to_owned()],
                on_delete: "CASCADE".to_owned(),
                on_update: "NO ACTION".to_owned(),
            })
            .collect();
        TableSchema {
            columns,
            primary_key: strings(self.primary_key),
            primary_key_name: (backend == Backend::Postgres).then(|| self.pg_primary_key_name.to_owned()),
            indexes,
            foreign_keys,
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------------------------
// The tests, stamped out per backend at the bottom.
// ---------------------------------------------------------------------------------------------------------------

/// `up` on an empty database creates exactly the expected tables, columns, keys and indexes.
async fn up_creates_the_expected_schema(backend: Backend) {
    let Some(fresh) = TestDb::empty(backend).await else { return };
    let db = fresh.db.clone();
    Migrator::up(&db, None).await.unwrap_or_else(|e| panic!("up on {backend:?}: {e}"));
    assert_expected_schema(&db, backend).await;
    db.close().await.unwrap();
}

/// `down` removes every auth table (only `seaql_migrations` may remain); `up` after it recreates the same schema;
/// the cycle can be repeated.
async fn down_removes_the_tables_and_up_recreates_them(backend: Backend) {
    let Some(fresh) = TestDb::empty(backend).await else { return };
    let db = fresh.db.clone();
    for round in 1..=2 {
        Migrator::up(&db, None).await.unwrap_or_else(|e| panic!("up #{round} on {backend:?}: {e}"));
        assert_expected_schema(&db, backend).await;
        Migrator::down(&db, None).await.unwrap_or_else(|e| panic!("down #{round} on {backend:?}: {e}"));
        let left = table_names(&db, backend).await;
        assert!(
            left.iter().all(|t| t == MIGRATIONS_TABLE),
            "{backend:?}: tables left after down #{round}: {left:?} (only {MIGRATIONS_TABLE} may remain)"
        );
        if backend.is_sqlite() {
            let indexes = db
                .query_all_raw(stmt(backend, "SELECT name FROM sqlite_master WHERE type = 'index'", None))
                .await
                .unwrap();
            let indexes: Vec<String> = indexes.iter().map(|r| get(r, "name")).collect();
            assert!(
                indexes.iter().all(|i| i.contains(MIGRATIONS_TABLE)),
                "{backend:?}: indexes left after down: {indexes:?}"
            );
        }
        assert!(
            Migrator::get_applied_migrations(&db).await.unwrap().is_empty(),
            "{backend:?}: migrations still recorded as applied after down #{round}"
        );
    }
    Migrator::up(&db, None).await.unwrap_or_else(|e| panic!("final up on {backend:?}: {e}"));
    assert_expected_schema(&db, backend).await;
    db.close().await.unwrap();
}

/// A second `up` applies nothing and changes nothing.
async fn up_twice_is_a_no_op(backend: Backend) {
    let Some(fresh) = TestDb::empty(backend).await else { return };
    let db = fresh.db.clone();
    Migrator::up(&db, None).await.unwrap_or_else(|e| panic!("up on {backend:?}: {e}"));
    let history = migration_history(&db).await;
    assert_eq!(history.len(), Migrator::migrations().len(), "{backend:?}: every migration recorded once");
    let tables = table_names(&db, backend).await;
    let schema = read_schema(&db, backend).await;

    Migrator::up(&db, None).await.unwrap_or_else(|e| panic!("second up on {backend:?}: {e}"));
    assert_eq!(migration_history(&db).await, history, "{backend:?}: the second up changed seaql_migrations");
    assert!(Migrator::get_pending_migrations(&db).await.unwrap().is_empty(), "{backend:?}: pending after up");
    assert_eq!(table_names(&db, backend).await, tables, "{backend:?}: the second up changed the tables");
    assert_eq!(read_schema(&db, backend).await, schema, "{backend:?}: the second up changed the schema");
    db.close().await.unwrap();
}

/// On a connection from `authjs_sea_orm::connect`, a row referencing a missing user is rejected (SQLite only
/// enforces foreign keys when asked to, per connection), and the same row is accepted once the user exists.
async fn connect_enforces_foreign_keys(backend: Backend) {
    let Some(fresh) = TestDb::empty(backend).await else { return };
    let db = fresh.db.clone();
    Migrator::up(&db, None).await.unwrap_or_else(|e| panic!("up on {backend:?}: {e}"));

    if backend.is_sqlite() {
        // sea-orm pools a single SQLite connection unless told otherwise.
        let row = db.query_one_raw(stmt(backend, "PRAGMA foreign_keys", None)).await.unwrap().unwrap();
        let on: i64 = row.try_get_by_index(0).unwrap();
        assert_eq!(on, 1, "{backend:?}: PRAGMA foreign_keys is off");
    }

    let insert_account = Query::insert()
        .into_table(Alias::new("account"))
        .columns([Alias::new("userId"), Alias::new("type"), Alias::new("provider"), Alias::new("providerAccountId")])
        .values_panic(["no-such-user".into(), "oauth".into(), "github".into(), "gh-1".into()])
        .to_owned();
    let err = db.execute(&insert_account).await.expect_err("an account for a missing user must be rejected");
    let msg = err.to_string().to_lowercase();
    assert!(msg.contains("foreign key"), "{backend:?}: expected a foreign key violation, got: {err}");

    let insert_user = Query::insert()
        .into_table(Alias::new("user"))
        .columns([Alias::new("id")])
        .values_panic(["no-such-user".into()])
        .to_owned();
    db.execute(&insert_user).await.unwrap();
    db.execute(&insert_account).await.unwrap_or_else(|e| panic!("{backend:?}: account for an existing user: {e}"));

    // And the cascade the adapter's deleteUser relies on.
    let delete_user = Query::delete().from_table(Alias::new("user")).to_owned();
    db.execute(&delete_user).await.unwrap();
    let left = db.query_one_raw(stmt(backend, &count_sql(backend, "account"), None)).await.unwrap().unwrap();
    let left: i64 = left.try_get_by_index(0).unwrap();
    assert_eq!(left, 0, "{backend:?}: deleting the user did not cascade to its account");
    db.close().await.unwrap();
}

/// MySQL/MariaDB sessions from `authjs_sea_orm::connect` store dates as UTC (`time_zone = '+00:00'`) and reject
/// values that do not fit (strict SQL mode), on every pooled connection.
async fn mysql_sessions_are_utc_and_strict() {
    let Some(fresh) = TestDb::empty(Backend::MySql).await else { return };
    let db = fresh.db.clone();
    let mut txs = Vec::new();
    for _ in 0..3 {
        let tx = sea_orm::TransactionTrait::begin(&db).await.unwrap();
        let row = tx
            .query_one_raw(stmt(
                Backend::MySql,
                "SELECT CAST(@@session.time_zone AS CHAR) AS tz, CAST(@@session.sql_mode AS CHAR) AS mode",
                None,
            ))
            .await
            .unwrap()
            .unwrap();
        let tz: String = get(&row, "tz");
        let mode: String = get(&row, "mode");
        assert_eq!(tz, "+00:00", "session time_zone");
        assert!(mode.split(',').any(|m| m == "STRICT_ALL_TABLES"), "sql_mode {mode:?} lacks STRICT_ALL_TABLES");
        txs.push(tx);
    }
    for tx in txs {
        tx.rollback().await.unwrap();
    }
    db.close().await.unwrap();
}

macro_rules! on_each_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite_file {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::SqliteFile).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::Postgres).await })*
        }
        mod mysql {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::MySql).await })*
            #[tokio::test]
            async fn sessions_are_utc_and_strict() {
                super::mysql_sessions_are_utc_and_strict().await
            }
        }
    };
}

on_each_backend!(
    up_creates_the_expected_schema,
    down_removes_the_tables_and_up_recreates_them,
    up_twice_is_a_no_op,
    connect_enforces_foreign_keys,
);

/// `migration::v1` creates the PostgreSQL schema its tables are in under any name: one holding a double quote is
/// quoted as an identifier, not spliced into the SQL.
#[tokio::test]
async fn postgres_schema_names_are_quoted() {
    use authjs_sea_orm::migration::{SchemaManager, v1};
    use authjs_sea_orm_tests::schemas::quoted_schema;
    let Some(fresh) = TestDb::empty(Backend::Postgres).await else { return };
    let manager = SchemaManager::new(&fresh.db);
    v1::create_auth_tables::<quoted_schema::Tables>(&manager).await.expect("create in a schema named with a quote");
    let count = "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'auth \"v2\"'";
    let row = fresh.db.query_one_raw(stmt(Backend::Postgres, count, None)).await.unwrap().expect("a row");
    assert_eq!(get::<i64>(&row, "n"), 5);
    v1::drop_auth_tables::<quoted_schema::Tables>(&manager).await.expect("drop");
    fresh.db.close().await.unwrap();
}

mod sqlite_memory {
    #[tokio::test]
    async fn connect_enforces_foreign_keys() {
        super::connect_enforces_foreign_keys(super::Backend::SqliteMemory).await
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The SQL of the migrations, pinned.
// ---------------------------------------------------------------------------------------------------------------

mod ddl {
    use authjs_sea_orm::migration::{m20261126_000001_create_auth_tables, m20261127_000001_no_pad_keys, v1};
    use authjs_sea_orm::schema::{Schema, Tables};
    use authjs_sea_orm_tests::schemas::{integer_ids, prefixed, uuid_ids};
    use sea_orm::{DbBackend, Statement};

    const BACKENDS: [(DbBackend, &str); 3] =
        [(DbBackend::Sqlite, "sqlite"), (DbBackend::Postgres, "postgres"), (DbBackend::MySql, "mysql")];

    /// `(title, statements)` sections of a snapshot file.
    type Sections = Vec<(String, Vec<Statement>)>;

    /// The SQL text of `sections`, as stored in the snapshot files.
    fn render(header: &str, sections: &Sections) -> String {
        let mut out = String::from(header);
        for (title, statements) in sections {
            out.push_str(&format!("\n-- {title}\n"));
            if statements.is_empty() {
                out.push_str("-- (nothing)\n");
            }
            for statement in statements {
                assert!(statement.values.as_ref().is_none_or(|v| v.0.is_empty()), "bound values in {statement}");
                out.push_str(&statement.sql);
                out.push_str(";\n");
            }
        }
        out
    }

    /// Compares `actual` with the file `tests/ddl/<path>`, or writes it with `AUTHJS_BLESS_DDL=1`.
    fn assert_snapshot(path: &str, actual: &str) {
        let file = format!("{}/ddl/{path}", env!("CARGO_MANIFEST_DIR"));
        if std::env::var("AUTHJS_BLESS_DDL").is_ok_and(|v| v == "1") {
            std::fs::write(&file, actual).unwrap_or_else(|e| panic!("writing {file}: {e}"));
            return;
        }
        let expected = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("reading {file}: {e}"));
        if expected == actual {
            return;
        }
        let (expected_lines, actual_lines): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
        let line = (0..expected_lines.len().max(actual_lines.len()))
            .find(|&i| expected_lines.get(i) != actual_lines.get(i))
            .unwrap_or(0);
        panic!(
            "tests/ddl/{path} differs from the SQL the code runs, from line {}:\n  file: {:?}\n  code: {:?}\n\
             A released migration never changes: fix the code, do not update the file (a new migration adds new \
             sections).\n\nThe code's SQL:\n{actual}",
            line + 1,
            expected_lines.get(line),
            actual_lines.get(line),
        );
    }

    /// The released migrations of `authjs_sea_orm::migration::migrations()` on `backend`.
    fn migrations(backend: DbBackend) -> Sections {
        type CreateAuthTables = m20261126_000001_create_auth_tables::Migration;
        type NoPadKeys = m20261127_000001_no_pad_keys::Migration;
        let names: Vec<String> = authjs_sea_orm::migration::migrations().iter().map(|m| m.name().to_owned()).collect();
        assert_eq!(
            names,
            ["m20261126_000001_create_auth_tables", "m20261127_000001_no_pad_keys"],
            "a new migration: add its sections here"
        );
        let mut sections = vec![
            (format!("{} up", names[0]), CreateAuthTables::up_statements(backend)),
            (format!("{} down", names[0]), CreateAuthTables::down_statements(backend)),
        ];
        // MySQL/MariaDB only: the collation query, then the changes if the server has a NO PAD collation.
        for up in [true, false] {
            let direction = if up { "up" } else { "down" };
            if backend != DbBackend::MySql {
                sections.push((format!("{} {direction}", names[1]), Vec::new()));
                continue;
            }
            for collation in [Some("utf8mb4_nopad_bin"), Some("utf8mb4_0900_bin"), None] {
                let mut statements = vec![NoPadKeys::collation_query()];
                if let Some(collation) = collation {
                    statements.extend(if up {
                        NoPadKeys::up_statements(collation)
                    } else {
                        NoPadKeys::down_statements()
                    });
                }
                let title =
                    format!("{} {direction} (server NO PAD collation: {})", names[1], collation.unwrap_or("none"));
                sections.push((title, statements));
            }
        }
        sections
    }

    fn v1_sections<T: Schema>(name: &str, backend: DbBackend, sections: &mut Sections) {
        sections.push((format!("create_auth_tables::<{name}>"), v1::create_statements::<T>(backend)));
        sections.push((format!("drop_auth_tables::<{name}>"), v1::drop_statements::<T>(backend)));
    }

    /// `migration::v1` on the custom schemas of the conformance suite that it creates (`uuid_ids` runs on PostgreSQL
    /// only).
    fn v1(backend: DbBackend) -> Sections {
        let mut sections = Vec::new();
        v1_sections::<prefixed::Tables>("prefixed::Tables", backend, &mut sections);
        v1_sections::<integer_ids::Tables>("integer_ids::Tables", backend, &mut sections);
        if backend == DbBackend::Postgres {
            v1_sections::<uuid_ids::Tables>("uuid_ids::Tables", backend, &mut sections);
        }
        sections
    }

    fn migrations_header(backend: &str) -> String {
        format!(
            "-- The SQL the migrations of authjs_sea_orm::migration::migrations() run on {backend}, pinned by the `ddl` \
             tests of\n-- tests/tests/schema.rs. A released migration never changes: a difference in an existing \
             section is a\n-- bug in the migration, not a file to update. A new migration adds sections.\n"
        )
    }

    fn v1_header(backend: &str) -> String {
        format!(
            "-- What authjs_sea_orm::migration::v1 creates on {backend} for custom schemas of tests/src/schemas.rs, \
             pinned by the\n-- `ddl` tests of tests/tests/schema.rs. v1 never changes: a difference is a bug in v1, \
             not a file to update.\n"
        )
    }

    fn pin(backend: DbBackend, file: &str) {
        assert_snapshot(&format!("{file}.sql"), &render(&migrations_header(file), &migrations(backend)));
        assert_snapshot(&format!("v1/{file}.sql"), &render(&v1_header(file), &v1(backend)));
    }

    #[test]
    fn sqlite() {
        pin(DbBackend::Sqlite, "sqlite");
    }

    #[test]
    fn postgres() {
        pin(DbBackend::Postgres, "postgres");
    }

    #[test]
    fn mysql() {
        pin(DbBackend::MySql, "mysql");
    }

    /// On the default tables, `v1` creates and drops exactly what the released migration does.
    #[test]
    fn v1_on_the_default_tables_is_the_released_migration() {
        type Released = m20261126_000001_create_auth_tables::Migration;
        for (backend, name) in BACKENDS {
            let sql = |statements: Vec<Statement>| statements.into_iter().map(|s| s.sql).collect::<Vec<_>>();
            assert_eq!(
                sql(v1::create_statements::<Tables>(backend)),
                sql(Released::up_statements(backend)),
                "{name}: up"
            );
            assert_eq!(
                sql(v1::drop_statements::<Tables>(backend)),
                sql(Released::down_statements(backend)),
                "{name}: down"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing with the catalog.
// ---------------------------------------------------------------------------------------------------------------

async fn assert_expected_schema(db: &DatabaseConnection, backend: Backend) {
    let mut expected_tables: BTreeSet<String> = EXPECTED.iter().map(|t| t.name.to_owned()).collect();
    expected_tables.insert(MIGRATIONS_TABLE.to_owned());
    assert_eq!(table_names(db, backend).await, expected_tables, "{backend:?}: the set of tables");

    let actual = read_schema(db, backend).await;
    for table in &EXPECTED {
        let (actual, expected) = (&actual[table.name], table.schema(backend));
        let what = format!("{backend:?}, table {}", table.name);
        assert_eq!(actual.columns, expected.columns, "{what}: columns (name, type, nullable)");
        assert_eq!(actual.primary_key, expected.primary_key, "{what}: primary key columns");
        assert_eq!(actual.primary_key_name, expected.primary_key_name, "{what}: primary key name");
        assert_eq!(actual.indexes, expected.indexes, "{what}: indexes other than the primary key");
        assert_eq!(actual.foreign_keys, expected.foreign_keys, "{what}: foreign keys");
        assert_eq!(*actual, expected, "{what}");
    }

    if backend == Backend::MySql {
        assert_mysql_table_options(db).await;
    }
}

/// The key columns the second migration moves to MariaDB's `NO PAD` binary collation.
const NO_PAD_KEYS: [(&str, &str); 7] = [
    ("user", "email"),
    ("account", "provider"),
    ("account", "providerAccountId"),
    ("session", "sessionToken"),
    ("verificationToken", "identifier"),
    ("verificationToken", "token"),
    ("authenticator", "credentialID"),
];

/// MariaDB: InnoDB tables in `utf8mb4_bin`, every text column in `utf8mb4_bin` (keys compare byte for byte), the
/// looked-up keys in `utf8mb4_nopad_bin` (trailing spaces count too).
async fn assert_mysql_table_options(db: &DatabaseConnection) {
    for table in &EXPECTED {
        let row = db
            .query_one_raw(stmt(
                Backend::MySql,
                "SELECT ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                Some(table.name),
            ))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("table {} not in information_schema.TABLES", table.name));
        assert_eq!(get::<String>(&row, "engine"), "InnoDB", "engine of {}", table.name);
        assert_eq!(get::<String>(&row, "collation"), "utf8mb4_bin", "collation of {}", table.name);

        let rows = db
            .query_all_raw(stmt(
                Backend::MySql,
                "SELECT COLUMN_NAME AS name, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation \
                 FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLLATION_NAME IS NOT NULL",
                Some(table.name),
            ))
            .await
            .unwrap();
        assert!(!rows.is_empty(), "{}: no text columns found", table.name);
        for row in &rows {
            let column: String = get(row, "name");
            assert_eq!(get::<String>(row, "charset"), "utf8mb4", "charset of {}.{column}", table.name);
            let expected =
                if NO_PAD_KEYS.contains(&(table.name, column.as_str())) { "utf8mb4_nopad_bin" } else { "utf8mb4_bin" };
            assert_eq!(get::<String>(row, "collation"), expected, "collation of {}.{column}", table.name);
        }
    }
}

/// Every auth table's schema, read from the catalog.
async fn read_schema(db: &DatabaseConnection, backend: Backend) -> BTreeMap<&'static str, TableSchema> {
    let mut schema = BTreeMap::new();
    for table in &EXPECTED {
        let read = match backend {
            Backend::Postgres => read_postgres_table(db, table.name).await,
            Backend::MySql => read_mysql_table(db, table.name).await,
            Backend::SqliteFile | Backend::SqliteMemory => read_sqlite_table(db, table.name).await,
        };
        schema.insert(table.name, read);
    }
    schema
}

/// The names of the tables of the database (current schema on PostgreSQL).
async fn table_names(db: &DatabaseConnection, backend: Backend) -> BTreeSet<String> {
    let sql = match backend {
        Backend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        }
        Backend::MySql => "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
        Backend::SqliteFile | Backend::SqliteMemory => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
    };
    db.query_all_raw(stmt(backend, sql, None)).await.unwrap().iter().map(|r| get(r, "name")).collect()
}

async fn migration_history(db: &DatabaseConnection) -> Vec<(String, i64)> {
    Migrator::get_migration_models(db).await.unwrap().into_iter().map(|m| (m.version, m.applied_at)).collect()
}

fn count_sql(backend: Backend, table: &str) -> String {
    match backend {
        Backend::MySql => format!("SELECT COUNT(*) FROM `{table}`"),
        _ => format!("SELECT COUNT(*) FROM \"{table}\""),
    }
}

async fn read_postgres_table(db: &DatabaseConnection, table: &str) -> TableSchema {
    let b = Backend::Postgres;
    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT column_name::text AS name, data_type::text AS data_type, is_nullable::text AS nullable, \
                    datetime_precision::int4 AS precision, character_maximum_length::int4 AS length \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 \
             ORDER BY ordinal_position",
            Some(table),
        ))
        .await
        .unwrap();
    let columns = rows
        .iter()
        .map(|r| {
            let data_type: String = get(r, "data_type");
            let precision: Option<i32> = get(r, "precision");
            let length: Option<i32> = get(r, "length");
            let sql_type = match (data_type.split_once(' '), precision, length) {
                // "timestamp without time zone" with precision 3 => "timestamp(3) without time zone"
                (Some((head @ ("timestamp" | "time"), tail)), Some(p), _) => format!("{head}({p}) {tail}"),
                (_, _, Some(n)) => format!("{data_type}({n})"),
                _ => data_type,
            };
            Column { name: get(r, "name"), sql_type, nullable: get::<String>(r, "nullable") == "YES" }
        })
        .collect();

    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT c.conname::text AS name, a.attname::text AS column \
             FROM pg_constraint c \
             CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
             WHERE c.conrelid = to_regclass(quote_ident($1)) AND c.contype = 'p' \
             ORDER BY k.ord",
            Some(table),
        ))
        .await
        .unwrap();
    let primary_key = rows.iter().map(|r| get(r, "column")).collect();
    let mut names: Vec<String> = rows.iter().map(|r| get(r, "name")).collect();
    names.dedup();
    assert!(names.len() <= 1, "{table}: several primary keys {names:?}");

    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT i.relname::text AS name, ix.indisunique AS is_unique, a.attname::text AS column \
             FROM pg_index ix \
             JOIN pg_class i ON i.oid = ix.indexrelid \
             CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum \
             WHERE ix.indrelid = to_regclass(quote_ident($1)) AND NOT ix.indisprimary \
             ORDER BY i.relname, k.ord",
            Some(table),
        ))
        .await
        .unwrap();
    let indexes = group_indexes(rows.iter().map(|r| (get(r, "name"), get(r, "column"), get(r, "is_unique"))));

    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT c.conname::text AS name, a.attname::text AS column, rt.relname::text AS ref_table, \
                    fa.attname::text AS ref_column, c.confdeltype::text AS on_delete, \
                    c.confupdtype::text AS on_update \
             FROM pg_constraint c \
             CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord) \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
             JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fattnum \
             JOIN pg_class rt ON rt.oid = c.confrelid \
             WHERE c.conrelid = to_regclass(quote_ident($1)) AND c.contype = 'f' \
             ORDER BY c.conname, k.ord",
            Some(table),
        ))
        .await
        .unwrap();
    let pg_action = |code: String| match code.as_str() {
        "a" => "NO ACTION".to_owned(),
        "r" => "RESTRICT".to_owned(),
        "c" => "CASCADE".to_owned(),
        "n" => "SET NULL".to_owned(),
        "d" => "SET DEFAULT".to_owned(),
        other => format!("unknown action {other:?}"),
    };
    let foreign_keys = group_foreign_keys(rows.iter().map(|r| {
        let name: String = get(r, "name");
        (
            name.clone(),
            Some(name),
            get(r, "column"),
            get(r, "ref_table"),
            get(r, "ref_column"),
            pg_action(get(r, "on_delete")),
            pg_action(get(r, "on_update")),
        )
    }));

    TableSchema { columns, primary_key, primary_key_name: names.pop(), indexes, foreign_keys }
}

async fn read_mysql_table(db: &DatabaseConnection, table: &str) -> TableSchema {
    let b = Backend::MySql;
    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS sql_type, IS_NULLABLE AS nullable \
             FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? \
             ORDER BY ORDINAL_POSITION",
            Some(table),
        ))
        .await
        .unwrap();
    let columns = rows
        .iter()
        .map(|r| Column {
            name: get(r, "name"),
            sql_type: normalize_mysql_type(&get::<String>(r, "sql_type")),
            nullable: get::<String>(r, "nullable") == "YES",
        })
        .collect();

    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT k.COLUMN_NAME AS name \
             FROM information_schema.TABLE_CONSTRAINTS t \
             JOIN information_schema.KEY_COLUMN_USAGE k \
               ON k.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME \
              AND k.CONSTRAINT_NAME = t.CONSTRAINT_NAME \
             WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = ? AND t.CONSTRAINT_TYPE = 'PRIMARY KEY' \
             ORDER BY k.ORDINAL_POSITION",
            Some(table),
        ))
        .await
        .unwrap();
    let primary_key = rows.iter().map(|r| get(r, "name")).collect();

    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT INDEX_NAME AS name, COLUMN_NAME AS col, CAST(NON_UNIQUE AS SIGNED) AS non_unique \
             FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' \
             ORDER BY INDEX_NAME, SEQ_IN_INDEX",
            Some(table),
        ))
        .await
        .unwrap();
    let indexes = group_indexes(rows.iter().map(|r| (get(r, "name"), get(r, "col"), get::<i64>(r, "non_unique") == 0)));

    // Every unique index must also be reported as a UNIQUE constraint.
    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT CONSTRAINT_NAME AS name FROM information_schema.TABLE_CONSTRAINTS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_TYPE = 'UNIQUE'",
            Some(table),
        ))
        .await
        .unwrap();
    let unique_constraints: BTreeSet<String> = rows.iter().map(|r| get(r, "name")).collect();
    let unique_indexes: BTreeSet<String> =
        indexes.iter().filter(|(_, i)| i.unique).map(|(name, _)| name.clone()).collect();
    assert_eq!(unique_constraints, unique_indexes, "{table}: UNIQUE constraints vs unique indexes");

    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT r.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, r.REFERENCED_TABLE_NAME AS ref_table, \
                    k.REFERENCED_COLUMN_NAME AS ref_col, r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update \
             FROM information_schema.REFERENTIAL_CONSTRAINTS r \
             JOIN information_schema.KEY_COLUMN_USAGE k \
               ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.TABLE_NAME = r.TABLE_NAME \
              AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME \
             WHERE r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME = ? \
             ORDER BY r.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            Some(table),
        ))
        .await
        .unwrap();
    let foreign_keys = group_foreign_keys(rows.iter().map(|r| {
        let name: String = get(r, "name");
        (
            name.clone(),
            Some(name),
            get(r, "col"),
            get(r, "ref_table"),
            get(r, "ref_col"),
            get(r, "on_delete"),
            get(r, "on_update"),
        )
    }));

    TableSchema { columns, primary_key, primary_key_name: None, indexes, foreign_keys }
}

/// Lower case, without the display width MariaDB and MySQL 5 print for integers (`bigint(20)`), except
/// `tinyint(1)`, which is how both spell `boolean`.
fn normalize_mysql_type(sql_type: &str) -> String {
    let t = sql_type.to_lowercase();
    for int in ["bigint", "int", "smallint", "mediumint"] {
        if let Some(rest) = t.strip_prefix(int).and_then(|r| r.strip_prefix('('))
            && let Some((digits, tail)) = rest.split_once(')')
            && digits.chars().all(|c| c.is_ascii_digit())
        {
            return format!("{int}{tail}");
        }
    }
    t
}

async fn read_sqlite_table(db: &DatabaseConnection, table: &str) -> TableSchema {
    let b = Backend::SqliteFile;
    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info(?) ORDER BY cid",
            Some(table),
        ))
        .await
        .unwrap();
    let columns = rows
        .iter()
        .map(|r| Column {
            name: get(r, "name"),
            sql_type: get::<String>(r, "type").to_lowercase(),
            nullable: get::<i64>(r, "not_null") == 0,
        })
        .collect();
    let mut pk: Vec<(i64, String)> =
        rows.iter().map(|r| (get(r, "pk"), get(r, "name"))).filter(|(pos, _)| *pos > 0).collect();
    pk.sort();
    let primary_key = pk.into_iter().map(|(_, name)| name).collect();

    let index_rows = db
        .query_all_raw(stmt(
            b,
            "SELECT name, \"unique\" AS is_unique, origin FROM pragma_index_list(?) WHERE origin <> 'pk' ORDER BY name",
            Some(table),
        ))
        .await
        .unwrap();
    let mut flat = Vec::new();
    for r in &index_rows {
        let name: String = get(r, "name");
        let unique = get::<i64>(r, "is_unique") != 0;
        let cols = db
            .query_all_raw(stmt(b, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", Some(&name)))
            .await
            .unwrap();
        for c in &cols {
            flat.push((name.clone(), get(c, "name"), unique));
        }
    }
    let indexes = group_indexes(flat);

    let rows = db
        .query_all_raw(stmt(
            b,
            "SELECT id, \"table\" AS ref_table, \"from\" AS col, \"to\" AS ref_col, on_update, on_delete \
             FROM pragma_foreign_key_list(?) ORDER BY id, seq",
            Some(table),
        ))
        .await
        .unwrap();
    let foreign_keys = group_foreign_keys(rows.iter().map(|r| {
        (
            get::<i64>(r, "id").to_string(),
            None,
            get(r, "col"),
            get(r, "ref_table"),
            get(r, "ref_col"),
            get(r, "on_delete"),
            get(r, "on_update"),
        )
    }));

    TableSchema { columns, primary_key, primary_key_name: None, indexes, foreign_keys }
}

/// Groups (index, column, unique) rows, in column order, into indexes.
fn group_indexes(rows: impl IntoIterator<Item = (String, String, bool)>) -> BTreeMap<String, IndexDef> {
    let mut indexes: BTreeMap<String, IndexDef> = BTreeMap::new();
    for (name, column, unique) in rows {
        let index = indexes.entry(name).or_insert_with(|| IndexDef { columns: Vec::new(), unique });
        assert_eq!(index.unique, unique, "an index is unique on some columns only");
        index.columns.push(column);
    }
    indexes
}

/// One row per foreign-key column: grouping key, name, column, referenced table and column, ON DELETE, ON UPDATE.
type ForeignKeyRow = (String, Option<String>, String, String, String, String, String);

/// Groups foreign-key rows, in column order, into foreign keys.
fn group_foreign_keys(rows: impl IntoIterator<Item = ForeignKeyRow>) -> BTreeSet<ForeignKey> {
    let mut keys: BTreeMap<String, ForeignKey> = BTreeMap::new();
    for (key, name, column, ref_table, ref_column, on_delete, on_update) in rows {
        let fk = keys.entry(key).or_insert_with(|| ForeignKey {
            name,
            columns: Vec::new(),
            ref_table,
            ref_columns: Vec::new(),
            on_delete: on_delete.to_uppercase(),
            on_update: on_update.to_uppercase(),
        });
        fk.columns.push(column);
        fk.ref_columns.push(ref_column);
    }
    keys.into_values().collect()
}

fn stmt(backend: Backend, sql: &str, table: Option<&str>) -> Statement {
    let db_backend = match backend {
        Backend::Postgres => DbBackend::Postgres,
        Backend::MySql => DbBackend::MySql,
        Backend::SqliteFile | Backend::SqliteMemory => DbBackend::Sqlite,
    };
    match table {
        Some(table) => Statement::from_sql_and_values(db_backend, sql, [table.into()]),
        None => Statement::from_string(db_backend, sql),
    }
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> T {
    row.try_get("", column).unwrap_or_else(|e| panic!("column {column}: {e}"))
}
