//! The comparison and the origin on hand-built catalog rows, without a database: the tables drizzle-kit and
//! `prisma migrate` create, as each backend's catalog describes them, and every kind of difference.

use std::collections::BTreeMap;

use sea_orm::DbBackend;

use super::catalog::{FoundColumn, FoundForeignKey, FoundIndex, FoundTable};
use super::compare::{compare, origin};
use super::{Differences, EXTRA_INDEXES, Origin, TableSet};

const NULL: bool = true;
const NOT_NULL: bool = false;

/// Column types as a backend's catalog names them (PostgreSQL `data_type`, MySQL `COLUMN_TYPE`, SQLite's declared
/// type, lower case).
struct Types {
    key: &'static str,
    long: &'static str,
    date: &'static str,
    int: &'static str,
    bool: &'static str,
}

/// drizzle-kit's types on PostgreSQL.
const POSTGRES: Types =
    Types { key: "text", long: "text", date: "timestamp without time zone", int: "integer", bool: "boolean" };
/// drizzle-kit's types on MySQL/MariaDB.
const MYSQL: Types =
    Types { key: "varchar(255)", long: "text", date: "datetime(3)", int: "bigint", bool: "tinyint(1)" };
/// drizzle-kit's types on SQLite (`timestamp_ms` dates, `boolean` mode).
const SQLITE: Types = Types { key: "text", long: "text", date: "integer", int: "integer", bool: "integer" };

/// A table of `columns` (`name`, type, nullable; none with a default) and `primary_key`.
fn table(columns: &[(&str, &str, bool)], primary_key: &[&str]) -> FoundTable {
    FoundTable {
        columns: columns
            .iter()
            .map(|&(name, sql_type, nullable)| FoundColumn {
                name: name.to_owned(),
                sql_type: sql_type.to_owned(),
                nullable,
                has_default: false,
            })
            .collect(),
        primary_key: primary_key.iter().map(|c| (*c).to_owned()).collect(),
        ..FoundTable::default()
    }
}

impl FoundTable {
    fn index(mut self, name: &str, columns: &[&str], unique: bool) -> Self {
        let columns = columns.iter().map(|c| (*c).to_owned()).collect();
        self.indexes.push(FoundIndex { name: name.to_owned(), columns, unique, partial: false });
        self
    }

    /// A foreign key from `column` to `users.id`, `ON DELETE CASCADE`.
    fn cascade(mut self, column: &str, users: &str) -> Self {
        self.foreign_keys.push(FoundForeignKey {
            columns: vec![column.to_owned()],
            ref_table: users.to_owned(),
            ref_columns: vec!["id".to_owned()],
            on_delete: "CASCADE".to_owned(),
        });
        self
    }

    /// Adds a column with a default (Prisma's `createdAt`).
    fn with_default(mut self, name: &str, sql_type: &str) -> Self {
        let column =
            FoundColumn { name: name.to_owned(), sql_type: sql_type.to_owned(), nullable: false, has_default: true };
        self.columns.push(column);
        self
    }
}

fn tables(tables: impl IntoIterator<Item = (&'static str, FoundTable)>) -> BTreeMap<String, FoundTable> {
    tables.into_iter().map(|(name, table)| (name.to_owned(), table)).collect()
}

/// The tables drizzle-kit creates from the Auth.js Drizzle adapter's schema.
fn drizzle_kit(t: &Types) -> BTreeMap<String, FoundTable> {
    let (key, long, date) = (t.key, t.long, t.date);
    tables([
        (
            "user",
            table(
                &[
                    ("id", key, NOT_NULL),
                    ("name", key, NULL),
                    ("email", key, NULL),
                    ("emailVerified", date, NULL),
                    ("image", long, NULL),
                ],
                &["id"],
            )
            .index("user_email_unique", &["email"], true),
        ),
        (
            "account",
            table(
                &[
                    ("userId", key, NOT_NULL),
                    ("type", key, NOT_NULL),
                    ("provider", key, NOT_NULL),
                    ("providerAccountId", key, NOT_NULL),
                    ("refresh_token", long, NULL),
                    ("access_token", long, NULL),
                    ("expires_at", t.int, NULL),
                    ("token_type", key, NULL),
                    ("scope", long, NULL),
                    ("id_token", long, NULL),
                    ("session_state", long, NULL),
                ],
                &["provider", "providerAccountId"],
            )
            .cascade("userId", "user"),
        ),
        (
            "session",
            table(
                &[("sessionToken", key, NOT_NULL), ("userId", key, NOT_NULL), ("expires", date, NOT_NULL)],
                &["sessionToken"],
            )
            .cascade("userId", "user"),
        ),
        (
            "verificationToken",
            table(
                &[("identifier", key, NOT_NULL), ("token", key, NOT_NULL), ("expires", date, NOT_NULL)],
                &["identifier", "token"],
            ),
        ),
        (
            "authenticator",
            table(
                &[
                    ("credentialID", key, NOT_NULL),
                    ("userId", key, NOT_NULL),
                    ("providerAccountId", key, NOT_NULL),
                    ("credentialPublicKey", long, NOT_NULL),
                    ("counter", t.int, NOT_NULL),
                    ("credentialDeviceType", key, NOT_NULL),
                    ("credentialBackedUp", t.bool, NOT_NULL),
                    ("transports", key, NULL),
                ],
                &["userId", "credentialID"],
            )
            .index("authenticator_credentialID_unique", &["credentialID"], true)
            .cascade("userId", "user"),
        ),
    ])
}

const TS: &str = "timestamp without time zone";

/// The tables `prisma migrate` creates on PostgreSQL from the Auth.js v5 Prisma schema (`prisma/postgres.sql`).
fn prisma_v5() -> BTreeMap<String, FoundTable> {
    tables([
        (
            "User",
            table(
                &[
                    ("id", "text", NOT_NULL),
                    ("name", "text", NULL),
                    ("email", "text", NULL),
                    ("emailVerified", TS, NULL),
                    ("image", "text", NULL),
                    ("updatedAt", TS, NOT_NULL),
                ],
                &["id"],
            )
            .with_default("createdAt", TS)
            .index("User_email_key", &["email"], true),
        ),
        (
            "Account",
            table(
                &[
                    ("userId", "text", NOT_NULL),
                    ("type", "text", NOT_NULL),
                    ("provider", "text", NOT_NULL),
                    ("providerAccountId", "text", NOT_NULL),
                    ("refresh_token", "text", NULL),
                    ("access_token", "text", NULL),
                    ("expires_at", "integer", NULL),
                    ("token_type", "text", NULL),
                    ("scope", "text", NULL),
                    ("id_token", "text", NULL),
                    ("session_state", "text", NULL),
                    ("updatedAt", TS, NOT_NULL),
                ],
                &["provider", "providerAccountId"],
            )
            .with_default("createdAt", TS)
            .cascade("userId", "User"),
        ),
        (
            // No primary key: the entity's key `sessionToken` is a unique index.
            "Session",
            table(
                &[
                    ("sessionToken", "text", NOT_NULL),
                    ("userId", "text", NOT_NULL),
                    ("expires", TS, NOT_NULL),
                    ("updatedAt", TS, NOT_NULL),
                ],
                &[],
            )
            .with_default("createdAt", TS)
            .index("Session_sessionToken_key", &["sessionToken"], true)
            .cascade("userId", "User"),
        ),
        (
            "VerificationToken",
            table(
                &[("identifier", "text", NOT_NULL), ("token", "text", NOT_NULL), ("expires", TS, NOT_NULL)],
                &["identifier", "token"],
            ),
        ),
        ("Authenticator", prisma_authenticator()),
    ])
}

fn prisma_authenticator() -> FoundTable {
    table(
        &[
            ("credentialID", "text", NOT_NULL),
            ("userId", "text", NOT_NULL),
            ("providerAccountId", "text", NOT_NULL),
            ("credentialPublicKey", "text", NOT_NULL),
            ("counter", "integer", NOT_NULL),
            ("credentialDeviceType", "text", NOT_NULL),
            ("credentialBackedUp", "boolean", NOT_NULL),
            ("transports", "text", NULL),
        ],
        &["userId", "credentialID"],
    )
    .index("Authenticator_credentialID_key", &["credentialID"], true)
    .cascade("userId", "User")
}

/// The tables `prisma migrate` creates on PostgreSQL from next-auth v4's Prisma schema (`prisma/v4/postgres.sql`),
/// without `Authenticator` (next-auth v4 has no WebAuthn).
fn prisma_v4() -> BTreeMap<String, FoundTable> {
    tables([
        (
            "User",
            table(
                &[
                    ("id", "text", NOT_NULL),
                    ("name", "text", NULL),
                    ("email", "text", NULL),
                    ("emailVerified", TS, NULL),
                    ("image", "text", NULL),
                ],
                &["id"],
            )
            .index("User_email_key", &["email"], true),
        ),
        (
            "Account",
            table(
                &[
                    ("id", "text", NOT_NULL),
                    ("userId", "text", NOT_NULL),
                    ("type", "text", NOT_NULL),
                    ("provider", "text", NOT_NULL),
                    ("providerAccountId", "text", NOT_NULL),
                    ("refresh_token", "text", NULL),
                    ("access_token", "text", NULL),
                    ("expires_at", "integer", NULL),
                    ("token_type", "text", NULL),
                    ("scope", "text", NULL),
                    ("id_token", "text", NULL),
                    ("session_state", "text", NULL),
                ],
                &["id"],
            )
            .index("Account_provider_providerAccountId_key", &["provider", "providerAccountId"], true)
            .cascade("userId", "User"),
        ),
        (
            "Session",
            table(
                &[
                    ("id", "text", NOT_NULL),
                    ("sessionToken", "text", NOT_NULL),
                    ("userId", "text", NOT_NULL),
                    ("expires", TS, NOT_NULL),
                ],
                &["id"],
            )
            .index("Session_sessionToken_key", &["sessionToken"], true)
            .cascade("userId", "User"),
        ),
        (
            // No primary key: the entity's key `(identifier, token)` is a unique index.
            "VerificationToken",
            table(&[("identifier", "text", NOT_NULL), ("token", "text", NOT_NULL), ("expires", TS, NOT_NULL)], &[])
                .index("VerificationToken_token_key", &["token"], true)
                .index("VerificationToken_identifier_token_key", &["identifier", "token"], true),
        ),
    ])
}

fn get<'a>(found: &'a mut BTreeMap<String, FoundTable>, table: &str) -> &'a mut FoundTable {
    found.get_mut(table).unwrap_or_else(|| panic!("no table {table}"))
}

fn column<'a>(found: &'a mut BTreeMap<String, FoundTable>, table: &str, column: &str) -> &'a mut FoundColumn {
    get(found, table).columns.iter_mut().find(|c| c.name == column).unwrap_or_else(|| panic!("no {table}.{column}"))
}

fn remove_index(found: &mut BTreeMap<String, FoundTable>, table: &str, index: &str) {
    get(found, table).indexes.retain(|i| i.name != index);
}

fn lines(differences: &Differences) -> Vec<&str> {
    differences.0.iter().map(String::as_str).collect()
}

#[test]
fn drizzle_kit_tables_match_on_every_backend_and_are_told_by_their_index_names() {
    for (backend, types) in [(DbBackend::Postgres, POSTGRES), (DbBackend::MySql, MYSQL), (DbBackend::Sqlite, SQLITE)] {
        let found = drizzle_kit(&types);
        assert_eq!(compare(TableSet::Drizzle, backend, &found), Differences::default(), "{backend:?}");
        assert_eq!(origin(TableSet::Drizzle, &found), Origin::DrizzleKit, "{backend:?}");
    }
}

#[test]
fn the_origin_is_this_crate_with_all_its_extra_indexes_and_another_tool_with_some_or_other_names() {
    let mut found = drizzle_kit(&POSTGRES);
    for (table, column, name) in EXTRA_INDEXES {
        let t = found.remove(table).unwrap_or_else(|| panic!("no table {table}"));
        found.insert(table.to_owned(), t.index(name, &[column], false));
    }
    assert_eq!(compare(TableSet::Drizzle, DbBackend::Postgres, &found), Differences::default());
    assert_eq!(origin(TableSet::Drizzle, &found), Origin::AuthjsSeaOrm);

    // Some of them only: neither drizzle-kit's nor this crate's.
    remove_index(&mut found, "session", "session_expires_idx");
    assert_eq!(origin(TableSet::Drizzle, &found), Origin::Other);

    // drizzle-kit's columns and keys, a unique index of another name: compatible, by another tool.
    let mut found = drizzle_kit(&POSTGRES);
    remove_index(&mut found, "user", "user_email_unique");
    let user = found.remove("user").unwrap_or_default().index("user_email_key", &["email"], true);
    found.insert("user".to_owned(), user);
    assert_eq!(compare(TableSet::Drizzle, DbBackend::Postgres, &found), Differences::default());
    assert_eq!(origin(TableSet::Drizzle, &found), Origin::Other);

    // Prisma's index names mean nothing to the Drizzle set, and the reverse.
    assert_eq!(origin(TableSet::Drizzle, &prisma_v5()), Origin::Other);
    assert_eq!(origin(TableSet::Prisma, &drizzle_kit(&POSTGRES)), Origin::Other);
}

#[test]
fn every_difference_is_named_in_the_order_of_the_tables_and_their_columns() {
    let mut found = drizzle_kit(&POSTGRES);
    get(&mut found, "user").columns.retain(|c| c.name != "image");
    column(&mut found, "user", "name").nullable = false;
    remove_index(&mut found, "user", "user_email_unique");
    get(&mut found, "account").primary_key = vec!["provider".to_owned()];
    column(&mut found, "session", "expires").nullable = true;
    get(&mut found, "session").foreign_keys[0].on_delete = "NO ACTION".to_owned();
    found.remove("verificationToken");
    column(&mut found, "authenticator", "counter").sql_type = "numeric".to_owned();
    get(&mut found, "authenticator").foreign_keys.clear();
    // Columns the adapter does not write: fine when nullable or with a default, not when required.
    let authenticator = found.remove("authenticator").unwrap_or_default();
    let mut authenticator = authenticator.with_default("createdAt", TS);
    authenticator.columns.extend([
        FoundColumn { name: "note".to_owned(), sql_type: "text".to_owned(), nullable: true, has_default: false },
        FoundColumn { name: "role".to_owned(), sql_type: "text".to_owned(), nullable: false, has_default: false },
    ]);
    found.insert("authenticator".to_owned(), authenticator);

    let differences = compare(TableSet::Drizzle, DbBackend::Postgres, &found);
    assert_eq!(
        lines(&differences),
        [
            "user.name: expected nullable, found NOT NULL",
            "user.email: expected a unique index, found none",
            "user.image: expected a column (text or character varying), found none",
            "account (primary key): expected (provider, providerAccountId), found (provider)",
            "session.expires: expected NOT NULL, found nullable",
            "session.userId: expected a foreign key to user.id with ON DELETE CASCADE, found ON DELETE NO ACTION",
            "verificationToken: expected a table, found none",
            "authenticator.counter: expected integer or bigint, found numeric",
            "authenticator.userId: expected a foreign key to user.id with ON DELETE CASCADE, found none",
            "authenticator.role: expected nullable or a default (the adapter does not write this column), \
             found NOT NULL without a default",
        ]
    );
    let message = differences.to_string();
    assert!(
        message.starts_with(
            "the existing Auth.js tables cannot be adopted (10 differences from what the adapter reads and writes; \
             nothing was changed):\n  user.name: expected nullable, found NOT NULL\n  user.email:"
        ),
        "{message}"
    );
    let one = Differences(vec!["user: expected a table, found none".to_owned()]);
    assert_eq!(
        one.to_string(),
        "the existing Auth.js tables cannot be adopted (1 difference from what the adapter reads and writes; nothing \
         was changed):\n  user: expected a table, found none"
    );
}

#[test]
fn column_types_are_checked_as_each_backend_reads_them() {
    // MySQL: signed integers only (the entities write negative numbers too), keys as varchar or text.
    let mut found = drizzle_kit(&MYSQL);
    column(&mut found, "authenticator", "counter").sql_type = "bigint unsigned".to_owned();
    column(&mut found, "user", "id").sql_type = "int".to_owned();
    column(&mut found, "user", "image").sql_type = "mediumtext".to_owned();
    column(&mut found, "session", "expires").sql_type = "timestamp".to_owned();
    assert_eq!(
        lines(&compare(TableSet::Drizzle, DbBackend::MySql, &found)),
        [
            "user.id: expected varchar or text, found int",
            "authenticator.counter: expected int or bigint (signed), found bigint unsigned",
        ]
    );

    // SQLite: by the declared type's affinity; Drizzle's dates are epoch milliseconds, so an integer.
    let mut found = drizzle_kit(&SQLITE);
    column(&mut found, "session", "expires").sql_type = "text".to_owned();
    column(&mut found, "user", "id").sql_type = "varchar(36)".to_owned();
    column(&mut found, "authenticator", "credentialBackedUp").sql_type = "boolean".to_owned();
    column(&mut found, "account", "expires_at").sql_type = "bigint".to_owned();
    column(&mut found, "account", "scope").sql_type = "point".to_owned();
    assert_eq!(
        lines(&compare(TableSet::Drizzle, DbBackend::Sqlite, &found)),
        [
            "account.scope: expected text, found point",
            "session.expires: expected integer (epoch milliseconds), found text",
        ]
    );

    // PostgreSQL: `timestamptz` would be read through the session's time zone.
    let mut found = drizzle_kit(&POSTGRES);
    column(&mut found, "session", "expires").sql_type = "timestamp with time zone".to_owned();
    column(&mut found, "user", "name").sql_type = "character varying".to_owned();
    assert_eq!(
        lines(&compare(TableSet::Drizzle, DbBackend::Postgres, &found)),
        ["session.expires: expected timestamp without time zone, found timestamp with time zone",]
    );
}

#[test]
fn prisma_migrate_tables_match_and_are_told_by_prismas_index_names() {
    let found = prisma_v5();
    assert_eq!(compare(TableSet::Prisma, DbBackend::Postgres, &found), Differences::default());
    assert_eq!(origin(TableSet::Prisma, &found), Origin::PrismaMigrate);

    // The documented PostgreSQL schema's `email String`: accepted for Prisma, not for Drizzle's tables.
    let mut found = prisma_v5();
    column(&mut found, "User", "email").nullable = false;
    assert_eq!(compare(TableSet::Prisma, DbBackend::Postgres, &found), Differences::default());
    let mut drizzle = drizzle_kit(&POSTGRES);
    column(&mut drizzle, "user", "email").nullable = false;
    assert_eq!(
        lines(&compare(TableSet::Drizzle, DbBackend::Postgres, &drizzle)),
        ["user.email: expected nullable, found NOT NULL"]
    );

    // `Session` has no primary key: without its unique index, nothing keys it, and the origin is unknown.
    let mut found = prisma_v5();
    remove_index(&mut found, "Session", "Session_sessionToken_key");
    assert_eq!(
        lines(&compare(TableSet::Prisma, DbBackend::Postgres, &found)),
        ["Session (primary key): expected (sessionToken), found none"]
    );
    assert_eq!(origin(TableSet::Prisma, &found), Origin::Other);

    // A partial unique index keys nothing either.
    let mut found = prisma_v5();
    get(&mut found, "Session").indexes[0].partial = true;
    assert_eq!(
        lines(&compare(TableSet::Prisma, DbBackend::Postgres, &found)),
        ["Session (primary key): expected (sessionToken), found none"]
    );
}

#[test]
fn next_auth_v4_tables_may_lack_the_authenticator_and_key_verification_tokens_by_a_unique_index() {
    let found = prisma_v4();
    assert_eq!(compare(TableSet::PrismaV4, DbBackend::Postgres, &found), Differences::default());
    assert_eq!(origin(TableSet::PrismaV4, &found), Origin::PrismaMigrate);
    let mut with_authenticator = prisma_v4();
    with_authenticator.insert("Authenticator".to_owned(), prisma_authenticator());
    assert_eq!(compare(TableSet::PrismaV4, DbBackend::Postgres, &with_authenticator), Differences::default());

    // The v5 set requires the Authenticator table.
    let v5 = compare(TableSet::Prisma, DbBackend::Postgres, &found);
    assert!(lines(&v5).contains(&"Authenticator: expected a table, found none"), "{v5}");

    // `(identifier, token)` keys a verification token: the unique index on `token` alone does not.
    let mut found = prisma_v4();
    remove_index(&mut found, "VerificationToken", "VerificationToken_identifier_token_key");
    assert_eq!(
        lines(&compare(TableSet::PrismaV4, DbBackend::Postgres, &found)),
        ["VerificationToken (primary key): expected (identifier, token), found none"]
    );
}
