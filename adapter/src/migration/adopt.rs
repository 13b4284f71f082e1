//! Adoption of Auth.js tables that exist already: created by drizzle-kit for a Next.js app on Auth.js's Drizzle
//! adapter, or by an earlier version of this crate without a row in `seaql_migrations` (an application migration
//! calling [`v1::create_auth_tables`](super::v1::create_auth_tables), say); and, by
//! [`migration::prisma`](super::prisma), the Prisma adapter's tables created by `prisma migrate` ([`TableSet::Prisma`]:
//! `User`, `Account`, `Session`, `VerificationToken`, `Authenticator`, checked alike against
//! [`crate::entity::prisma`]).
//!
//! [`m20261126_000001_create_auth_tables`](super::m20261126_000001_create_auth_tables) calls [`adopt_existing`]
//! before its `CREATE TABLE`s. When none of `user`, `account`, `session`, `verificationToken` and `authenticator`
//! exists, it returns `false` having only read the catalog, and the migration creates them as it always did. When
//! some exist, the tables are compared with what the adapter's entities
//! ([`authjs_sea_orm::entity`](crate::entity)) read and write:
//! - all five tables are there;
//! - every entity column exists, with a type the entity reads (per backend, see [`check`]), nullable exactly where
//!   the entity's field is optional;
//! - the primary key has the entity's key columns; `user.email` and `authenticator.credentialID` have a unique
//!   index (or key);
//! - `account.userId`, `session.userId` and `authenticator.userId` have a foreign key to `user.id` with
//!   `ON DELETE CASCADE` (`delete_user` relies on it);
//! - any other column is nullable or has a default (the adapter's inserts do not name it).
//!
//! If all holds, the tables are recorded in [`RECORD_TABLE`] (which tables, from what, when) and the migration is
//! recorded as applied by sea-orm-migration; **nothing else is written**: no `ALTER`, no index, no collation change
//! (later migrations, such as `m20261127_000001_no_pad_keys`, skip adopted tables). Otherwise the migration fails
//! with one error naming each difference (`table.column: expected ..., found ...`), before anything is written.
//!
//! The indexes this crate's migration adds beyond Drizzle's schema (`userId` of `account` and `session`, `expires`
//! of `session` and `verificationToken`) are not created on adoption: drizzle-kit `push` would see them as drift
//! from the app's schema. [`create_indexes`] (or the migration [`CreateIndexes`], or the runner's
//! `--adopt-indexes`) adds the missing ones when the app's owners want them. The `down` of an adopted migration
//! drops only what this crate added (those indexes and [`RECORD_TABLE`]), never the adopted tables.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{ColumnType, ForeignKeyAction};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, Iterable, PrimaryKeyToColumn, QueryResult,
    RelationTrait, RelationType, Statement, Value,
};
use sea_orm_migration::prelude::*;

use crate::entity;

/// The table recording adopted tables: one row per table (`table_name`, `origin`, `migration`, `adopted_at` in
/// epoch seconds, `indexes` this crate added, space-separated). Created on the first adoption, dropped when the
/// adoption is rolled back. Keep it out of drizzle-kit's reach with `tablesFilter` (see the README).
pub const RECORD_TABLE: &str = "authjs_sea_orm_adoption";

/// What created the tables that were adopted, as far as their index names tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// drizzle-kit, from the Auth.js Drizzle adapter's schema (its unique-index names, none of this crate's extra
    /// indexes).
    DrizzleKit,
    /// This crate (its `userId` and `expires` indexes are there), without a row in `seaql_migrations`.
    AuthjsSeaOrm,
    /// `prisma migrate`, from the Auth.js Prisma adapter's schema (Prisma's `User_email_key` and
    /// `Session_sessionToken_key` indexes), adopted by [`migration::prisma`](super::prisma).
    PrismaMigrate,
    /// Another tool: compatible columns and keys, other index names.
    Other,
}

impl Origin {
    /// The name stored in [`RECORD_TABLE`].
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::DrizzleKit => "drizzle-kit",
            Origin::AuthjsSeaOrm => "authjs-sea-orm",
            Origin::PrismaMigrate => "prisma-migrate",
            Origin::Other => "other",
        }
    }

    fn parse(s: &str) -> Origin {
        match s {
            "drizzle-kit" => Origin::DrizzleKit,
            "authjs-sea-orm" => Origin::AuthjsSeaOrm,
            "prisma-migrate" => Origin::PrismaMigrate,
            _ => Origin::Other,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::DrizzleKit => "drizzle-kit (the Auth.js Drizzle adapter's schema)",
            Origin::AuthjsSeaOrm => "authjs-sea-orm (an earlier run, not recorded in seaql_migrations)",
            Origin::PrismaMigrate => "prisma migrate (the Auth.js Prisma adapter's schema)",
            Origin::Other => "another tool (compatible columns and keys)",
        })
    }
}

/// One adopted table, as recorded in [`RECORD_TABLE`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adoption {
    /// The table's name.
    pub table: String,
    /// What created it.
    pub origin: Origin,
    /// The migration that adopted it instead of creating it.
    pub migration: String,
    /// When (whole seconds, UTC).
    pub adopted_at: DateTime<Utc>,
    /// The indexes this crate added to it since ([`create_indexes`]).
    pub indexes: Vec<String>,
}

/// The indexes the crate's first migration creates beyond Drizzle's schema: `(table, column, index name)`.
pub const EXTRA_INDEXES: [(&str, &str, &str); 4] = [
    ("account", "userId", "account_userId_idx"),
    ("session", "userId", "session_userId_idx"),
    ("session", "expires", "session_expires_idx"),
    ("verificationToken", "expires", "verificationToken_expires_idx"),
];

// ---------------------------------------------------------------------------------------------------------------
// What the entities need

/// How a column is read and written by the entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Date,
    /// A date the entity declares as `Timestamp`: ISO-8601 text on SQLite (Prisma's `DATETIME`), else as `Date`.
    IsoDate,
    Integer,
    Bool,
}

impl Kind {
    fn of(column_type: &ColumnType) -> Kind {
        match column_type {
            ColumnType::DateTime => Kind::Date,
            ColumnType::Timestamp => Kind::IsoDate,
            ColumnType::BigInteger | ColumnType::Integer => Kind::Integer,
            ColumnType::Boolean => Kind::Bool,
            _ => Kind::Text,
        }
    }

    /// The column types of `backend` the entities read and write for this kind, as the error names them.
    fn expected(self, backend: DbBackend) -> &'static str {
        match (backend, self) {
            (DbBackend::Postgres, Kind::Text) => "text or character varying",
            (DbBackend::Postgres, Kind::Date | Kind::IsoDate) => "timestamp without time zone",
            (DbBackend::Postgres, Kind::Integer) => "integer or bigint",
            (DbBackend::Postgres, Kind::Bool) => "boolean",
            (DbBackend::MySql, Kind::Text) => "varchar or text",
            (DbBackend::MySql, Kind::Date | Kind::IsoDate) => "datetime or timestamp",
            (DbBackend::MySql, Kind::Integer) => "int or bigint (signed)",
            (DbBackend::MySql, Kind::Bool) => "boolean (tinyint)",
            (_, Kind::Text) => "text",
            (_, Kind::Date) => "integer (epoch milliseconds)",
            (_, Kind::IsoDate) => "datetime (ISO-8601 text)",
            (_, Kind::Integer | Kind::Bool) => "integer",
        }
    }

    /// Whether a column typed `found` on `backend` holds this kind as the entities read and write it.
    fn accepts(self, backend: DbBackend, found: &FoundColumn) -> bool {
        let t = found.sql_type.as_str();
        match backend {
            DbBackend::Postgres => match self {
                Kind::Text => matches!(t, "text" | "character varying"),
                // `timestamptz` would read, but the entities write naive UTC instants, which PostgreSQL converts
                // through the session's time zone there.
                Kind::Date | Kind::IsoDate => t == "timestamp without time zone",
                Kind::Integer => matches!(t, "integer" | "bigint"),
                Kind::Bool => t == "boolean",
            },
            DbBackend::MySql => {
                let base = t.split(['(', ' ']).next().unwrap_or_default();
                match self {
                    Kind::Text => matches!(base, "varchar" | "text" | "tinytext" | "mediumtext" | "longtext"),
                    Kind::Date | Kind::IsoDate => matches!(base, "datetime" | "timestamp"),
                    Kind::Integer => matches!(base, "int" | "bigint") && !t.contains("unsigned"),
                    Kind::Bool => base == "tinyint",
                }
            }
            // SQLite: the declared type's affinity (https://www.sqlite.org/datatype3.html, 3.1).
            _ => {
                let t = t.to_ascii_lowercase();
                match self {
                    Kind::Text => {
                        !t.contains("int") && (t.contains("char") || t.contains("clob") || t.contains("text"))
                    }
                    Kind::Date | Kind::Integer => t.contains("int"),
                    // Prisma declares `BOOLEAN` (numeric affinity, 0/1 stored).
                    Kind::Bool => t.contains("int") || t.contains("bool"),
                    Kind::IsoDate => t.contains("date") || t.contains("time"),
                }
            }
        }
    }
}

/// One column of an entity.
struct ColumnSpec {
    name: String,
    kind: Kind,
    nullable: bool,
    unique: bool,
}

/// One table as an entity reads it.
struct TableSpec {
    name: &'static str,
    columns: Vec<ColumnSpec>,
    primary_key: BTreeSet<String>,
    /// Columns referring to `user.id`, rows deleted with the user.
    cascades_to_user: Vec<String>,
}

fn spec<E: EntityTrait>() -> TableSpec {
    let columns = E::Column::iter()
        .map(|col| {
            let def = col.def();
            ColumnSpec {
                name: col.to_string(),
                kind: Kind::of(def.get_column_type()),
                nullable: def.is_null(),
                unique: def.is_unique(),
            }
        })
        .collect();
    let primary_key = E::PrimaryKey::iter().map(|key| key.into_column().to_string()).collect();
    let cascades_to_user = E::Relation::iter()
        .map(|rel| rel.def())
        .filter(|def| def.rel_type == RelationType::HasOne && matches!(def.on_delete, Some(ForeignKeyAction::Cascade)))
        .flat_map(|def| def.from_col.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .collect();
    TableSpec { name: E::default().table_name(), columns, primary_key, cascades_to_user }
}

/// Which five tables an adoption checks, and against which entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TableSet {
    /// The Auth.js Drizzle adapter's default schema: the entities of [`crate::entity`] (the migrations of
    /// [`migrations()`](super::migrations)).
    Drizzle,
    /// The Auth.js Prisma adapter's schema: the entities of [`crate::entity::prisma`] (the migration of
    /// [`migration::prisma`](super::prisma)).
    Prisma,
    /// next-auth v4's Prisma schema: the entities of [`crate::entity::prisma::v4`] and the v5 `Authenticator`,
    /// which may be missing (the migration of [`migration::prisma::v4`](super::prisma::v4)).
    PrismaV4,
}

impl TableSet {
    /// The five tables, users first.
    fn specs(self) -> [TableSpec; 5] {
        match self {
            TableSet::Drizzle => [
                spec::<entity::user::Entity>(),
                spec::<entity::account::Entity>(),
                spec::<entity::session::Entity>(),
                spec::<entity::verification_token::Entity>(),
                spec::<entity::authenticator::Entity>(),
            ],
            TableSet::PrismaV4 => [
                spec::<entity::prisma::v4::user::Entity>(),
                spec::<entity::prisma::v4::account::Entity>(),
                spec::<entity::prisma::v4::session::Entity>(),
                spec::<entity::prisma::v4::verification_token::Entity>(),
                spec::<entity::prisma::authenticator::Entity>(),
            ],
            TableSet::Prisma => [
                spec::<entity::prisma::user::Entity>(),
                spec::<entity::prisma::account::Entity>(),
                spec::<entity::prisma::session::Entity>(),
                spec::<entity::prisma::verification_token::Entity>(),
                spec::<entity::prisma::authenticator::Entity>(),
            ],
        }
    }

    /// The names of the five tables, users first.
    pub fn table_names(self) -> [&'static str; 5] {
        self.specs().map(|s| s.name)
    }

    /// Columns the entities read as optional that an adopted table may declare `NOT NULL`: the documented Prisma
    /// schema for PostgreSQL has `email String`, where the migration of the preset creates `String?`. Writes
    /// leaving such a column empty fail on that table.
    fn may_be_required(self) -> &'static [(&'static str, &'static str)] {
        match self {
            TableSet::Drizzle | TableSet::PrismaV4 => &[],
            TableSet::Prisma => &[("User", "email")],
        }
    }

    /// Tables an adopted database may lack: next-auth v4 has no WebAuthn, so no `Authenticator`.
    fn optional(self) -> &'static [&'static str] {
        match self {
            TableSet::PrismaV4 => &["Authenticator"],
            _ => &[],
        }
    }
}

/// The names of the five tables of the Drizzle adapter's schema ([`TableSet::Drizzle`]).
pub fn table_names() -> [&'static str; 5] {
    TableSet::Drizzle.table_names()
}

// ---------------------------------------------------------------------------------------------------------------
// What the catalog says

#[derive(Debug)]
struct FoundColumn {
    name: String,
    /// PostgreSQL `data_type`, MySQL `COLUMN_TYPE`, SQLite declared type; lower case.
    sql_type: String,
    nullable: bool,
    has_default: bool,
}

#[derive(Debug)]
struct FoundIndex {
    name: String,
    columns: Vec<String>,
    unique: bool,
    /// Partial or on expressions: not a plain index of its columns.
    partial: bool,
}

#[derive(Debug)]
struct FoundForeignKey {
    columns: Vec<String>,
    ref_table: String,
    ref_columns: Vec<String>,
    on_delete: String,
}

#[derive(Debug, Default)]
struct FoundTable {
    columns: Vec<FoundColumn>,
    primary_key: Vec<String>,
    indexes: Vec<FoundIndex>,
    foreign_keys: Vec<FoundForeignKey>,
}

impl FoundTable {
    fn has_index(&self, name: &str) -> bool {
        self.indexes.iter().any(|i| i.name == name)
    }

    /// Whether lookups on `column` use an index: the primary key or an index starting with it.
    fn indexed(&self, column: &str) -> bool {
        self.primary_key.first().is_some_and(|c| c == column)
            || self.indexes.iter().any(|i| !i.partial && i.columns.first().is_some_and(|c| c == column))
    }

    /// Whether `column` alone is the primary key or has a unique index.
    fn unique(&self, column: &str) -> bool {
        self.primary_key == [column]
            || self.indexes.iter().any(|i| i.unique && !i.partial && i.columns.len() == 1 && i.columns[0] == column)
    }
}

fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, sql, values)
}

/// The base tables of the current database (current schema on PostgreSQL).
async fn existing_tables(db: &impl ConnectionTrait) -> Result<BTreeSet<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        DbBackend::MySql => {
            "SELECT TABLE_NAME AS name FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let rows = db.query_all_raw(stmt(backend, sql, Vec::new())).await?;
    rows.iter().map(|r| r.try_get::<String>("", "name")).collect()
}

/// What the catalog says of `table`. Every backend's queries answer with the same column names, flags as integers
/// (0 or 1), so one mapping reads them all ([`column_row`], [`index_row`], [`foreign_key_row`]).
async fn read_table(db: &impl ConnectionTrait, table: &str) -> Result<FoundTable, DbErr> {
    let backend = db.get_database_backend();
    let query = |sql: &str| db.query_all_raw(stmt(backend, sql, vec![table.into()]));
    let (columns_sql, indexes_sql, foreign_keys_sql) = match backend {
        DbBackend::Postgres => (PG_COLUMNS, PG_INDEXES, PG_FOREIGN_KEYS),
        DbBackend::MySql => (MYSQL_COLUMNS, MYSQL_INDEXES, MYSQL_FOREIGN_KEYS),
        _ => (SQLITE_COLUMNS, SQLITE_INDEXES, SQLITE_FOREIGN_KEYS),
    };
    let columns = query(columns_sql).await?.iter().map(column_row).collect::<Result<Vec<_>, DbErr>>()?;
    let index_rows = query(indexes_sql).await?.iter().map(index_row).collect::<Result<Vec<_>, DbErr>>()?;
    let foreign_keys = query(foreign_keys_sql).await?.iter().map(foreign_key_row).collect::<Result<Vec<_>, _>>()?;
    let (mut primary_key, indexes) = group_indexes(index_rows);
    if backend == DbBackend::Sqlite {
        // SQLite's catalog has no index for a rowid primary key: its columns come with their place in the key.
        let mut key: Vec<_> = columns.iter().filter(|(_, at)| *at > 0).map(|(c, at)| (*at, c.name.clone())).collect();
        key.sort();
        primary_key = key.into_iter().map(|(_, name)| name).collect();
    }
    Ok(FoundTable {
        columns: columns.into_iter().map(|(column, _)| column).collect(),
        primary_key,
        indexes,
        foreign_keys: group_foreign_keys(foreign_keys),
    })
}

/// Groups `(index, column, unique, partial, primary)` rows into the primary key and the other indexes.
fn group_indexes(
    rows: impl IntoIterator<Item = (String, Option<String>, bool, bool, bool)>,
) -> (Vec<String>, Vec<FoundIndex>) {
    let mut primary_key = Vec::new();
    let mut indexes: BTreeMap<String, FoundIndex> = BTreeMap::new();
    for (name, column, unique, partial, primary) in rows {
        if primary {
            primary_key.extend(column);
            continue;
        }
        let index =
            indexes.entry(name.clone()).or_insert_with(|| FoundIndex { name, columns: Vec::new(), unique, partial });
        match column {
            Some(column) => index.columns.push(column),
            None => index.partial = true,
        }
    }
    (primary_key, indexes.into_values().collect())
}

/// Groups `(key, column, referenced table, referenced column, ON DELETE)` rows into foreign keys.
fn group_foreign_keys(
    rows: impl IntoIterator<Item = (String, String, String, String, String)>,
) -> Vec<FoundForeignKey> {
    let mut keys: BTreeMap<String, FoundForeignKey> = BTreeMap::new();
    for (key, column, ref_table, ref_column, on_delete) in rows {
        let fk = keys.entry(key).or_insert_with(|| FoundForeignKey {
            columns: Vec::new(),
            ref_table,
            ref_columns: Vec::new(),
            on_delete: on_delete.to_uppercase(),
        });
        fk.columns.push(column);
        fk.ref_columns.push(ref_column);
    }
    keys.into_values().collect()
}

/// A flag the catalog queries answer as an integer.
fn flag(row: &QueryResult, column: &str) -> Result<bool, DbErr> {
    Ok(row.try_get::<i64>("", column)? != 0)
}

/// A column (`name`, `sql_type`, `nullable`, `has_default`), and its place in the primary key (`pk`: SQLite only,
/// 0 elsewhere and outside the key).
fn column_row(row: &QueryResult) -> Result<(FoundColumn, i64), DbErr> {
    let column = FoundColumn {
        name: row.try_get("", "name")?,
        sql_type: row.try_get("", "sql_type")?,
        nullable: flag(row, "nullable")?,
        has_default: flag(row, "has_default")?,
    };
    Ok((column, row.try_get("", "pk")?))
}

/// One column of an index: `(name, col, is_unique, partial, is_primary)`.
fn index_row(row: &QueryResult) -> Result<(String, Option<String>, bool, bool, bool), DbErr> {
    Ok((
        row.try_get("", "name")?,
        row.try_get("", "col")?,
        flag(row, "is_unique")?,
        flag(row, "partial")?,
        flag(row, "is_primary")?,
    ))
}

/// One column of a foreign key: `(name, col, ref_table, ref_col, on_delete)`.
fn foreign_key_row(row: &QueryResult) -> Result<(String, String, String, String, String), DbErr> {
    Ok((
        row.try_get("", "name")?,
        row.try_get("", "col")?,
        row.try_get("", "ref_table")?,
        row.try_get("", "ref_col")?,
        row.try_get("", "on_delete")?,
    ))
}

/// `$1` of the PostgreSQL queries, as a relation of the current schema.
macro_rules! pg_table {
    () => {
        "to_regclass(format('%I.%I', current_schema(), $1::text))"
    };
}

const PG_COLUMNS: &str = "\
    SELECT column_name::text AS name, data_type::text AS sql_type, (is_nullable = 'YES')::int::int8 AS nullable, \
           (column_default IS NOT NULL OR is_identity = 'YES' OR is_generated <> 'NEVER')::int::int8 AS has_default, \
           0::int8 AS pk \
    FROM information_schema.columns \
    WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";

const PG_INDEXES: &str = concat!(
    "SELECT i.relname::text AS name, a.attname::text AS col, ix.indisunique::int::int8 AS is_unique, \
            (ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL)::int::int8 AS partial, ix.indisprimary::int::int8 AS is_primary \
     FROM pg_index ix \
     JOIN pg_class i ON i.oid = ix.indexrelid \
     CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
     LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum \
     WHERE ix.indrelid = ",
    pg_table!(),
    " ORDER BY i.relname, k.ord"
);

const PG_FOREIGN_KEYS: &str = concat!(
    "SELECT c.conname::text AS name, a.attname::text AS col, rt.relname::text AS ref_table, \
            fa.attname::text AS ref_col, \
            CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' \
                 WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS on_delete \
     FROM pg_constraint c \
     CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord) \
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
     JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fattnum \
     JOIN pg_class rt ON rt.oid = c.confrelid \
     WHERE c.conrelid = ",
    pg_table!(),
    " AND c.contype = 'f' ORDER BY c.conname, k.ord"
);

const MYSQL_COLUMNS: &str = "\
    SELECT COLUMN_NAME AS name, LOWER(COLUMN_TYPE) AS sql_type, CAST(IS_NULLABLE = 'YES' AS SIGNED) AS nullable, \
           CAST(COLUMN_DEFAULT IS NOT NULL OR EXTRA LIKE '%auto_increment%' OR EXTRA LIKE '%GENERATED%' AS SIGNED) \
             AS has_default, \
           CAST(0 AS SIGNED) AS pk \
    FROM information_schema.COLUMNS \
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";

const MYSQL_INDEXES: &str = "\
    SELECT INDEX_NAME AS name, COLUMN_NAME AS col, CAST(NON_UNIQUE = 0 AS SIGNED) AS is_unique, \
           CAST(SUB_PART IS NOT NULL OR COLUMN_NAME IS NULL AS SIGNED) AS partial, \
           CAST(INDEX_NAME = 'PRIMARY' AS SIGNED) AS is_primary \
    FROM information_schema.STATISTICS \
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX";

const MYSQL_FOREIGN_KEYS: &str = "\
    SELECT r.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, r.REFERENCED_TABLE_NAME AS ref_table, \
           k.REFERENCED_COLUMN_NAME AS ref_col, r.DELETE_RULE AS on_delete \
    FROM information_schema.REFERENTIAL_CONSTRAINTS r \
    JOIN information_schema.KEY_COLUMN_USAGE k \
      ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.TABLE_NAME = r.TABLE_NAME \
     AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME \
    WHERE r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME = ? \
    ORDER BY r.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// A column in the primary key is never NULL (SQLite allows NULL in a non-rowid key unless declared `NOT NULL`, but
/// the adapter never writes one); an `INTEGER PRIMARY KEY` is the rowid: assigned when not given.
const SQLITE_COLUMNS: &str = "\
    SELECT name, lower(type) AS sql_type, (\"notnull\" = 0 AND pk = 0) AS nullable, \
           (dflt_value IS NOT NULL OR (pk > 0 AND lower(type) = 'integer')) AS has_default, pk \
    FROM pragma_table_info(?) ORDER BY cid";

/// The primary key is read from `pragma_table_info` (a rowid key has no index): an index made for it is left out.
const SQLITE_INDEXES: &str = "\
    SELECT il.name, ii.name AS col, il.\"unique\" AS is_unique, il.partial, 0 AS is_primary \
    FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii \
    WHERE il.origin <> 'pk' ORDER BY il.name, ii.seqno";

/// `to` is NULL when the foreign key names no column: the referenced table's primary key, `id` in these tables.
const SQLITE_FOREIGN_KEYS: &str = "\
    SELECT CAST(id AS TEXT) AS name, \"from\" AS col, \"table\" AS ref_table, coalesce(\"to\", 'id') AS ref_col, \
           on_delete \
    FROM pragma_foreign_key_list(?) ORDER BY id, seq";

// ---------------------------------------------------------------------------------------------------------------
// The comparison

/// How existing tables differ from what the adapter's entities need: one line per difference,
/// `table.column: expected ..., found ...`. Names only, never a value of a row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Differences(pub Vec<String>);

impl fmt::Display for Differences {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the existing Auth.js tables cannot be adopted ({} difference{} from what the adapter reads and writes; \
             nothing was changed):",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )?;
        for difference in &self.0 {
            write!(f, "\n  {difference}")?;
        }
        Ok(())
    }
}

fn list(columns: &[String]) -> String {
    format!("({})", columns.join(", "))
}

/// Compares `found` (the existing ones among the five tables of `set`) with what the entities need on `backend`.
fn compare(set: TableSet, backend: DbBackend, found: &BTreeMap<String, FoundTable>) -> Differences {
    let mut out = Vec::new();
    let specs = set.specs();
    let users = specs[0].name;
    for spec in specs.iter() {
        let t = spec.name;
        let Some(table) = found.get(t) else {
            if !set.optional().contains(&t) {
                out.push(format!("{t}: expected a table, found none"));
            }
            continue;
        };
        for col in &spec.columns {
            let Some(f) = table.columns.iter().find(|c| c.name == col.name) else {
                let expected = col.kind.expected(backend);
                out.push(format!("{t}.{}: expected a column ({expected}), found none", col.name));
                continue;
            };
            if !col.kind.accepts(backend, f) {
                out.push(format!("{t}.{}: expected {}, found {}", col.name, col.kind.expected(backend), f.sql_type));
            }
            if col.nullable && !f.nullable && !set.may_be_required().contains(&(t, col.name.as_str())) {
                out.push(format!("{t}.{}: expected nullable, found NOT NULL", col.name));
            } else if !col.nullable && f.nullable {
                out.push(format!("{t}.{}: expected NOT NULL, found nullable", col.name));
            }
            if col.unique && !table.unique(&col.name) {
                out.push(format!("{t}.{}: expected a unique index, found none", col.name));
            }
        }
        let found_pk: BTreeSet<&String> = table.primary_key.iter().collect();
        // The entity's key may be a unique index without a primary key (Prisma's v5 `Session`, v4
        // `VerificationToken`).
        let unique_key = table.primary_key.is_empty()
            && (spec.primary_key.len() == 1 && spec.primary_key.iter().all(|column| table.unique(column))
                || table.indexes.iter().any(|i| {
                    i.unique
                        && !i.partial
                        && i.columns.iter().collect::<BTreeSet<_>>() == spec.primary_key.iter().collect()
                }));
        if found_pk != spec.primary_key.iter().collect() && !unique_key {
            let expected: Vec<String> = spec.primary_key.iter().cloned().collect();
            let found = if table.primary_key.is_empty() { "none".to_owned() } else { list(&table.primary_key) };
            out.push(format!("{t} (primary key): expected {}, found {found}", list(&expected)));
        }
        for column in &spec.cascades_to_user {
            let fk = table
                .foreign_keys
                .iter()
                .find(|fk| fk.columns == [column.as_str()] && fk.ref_table == users && fk.ref_columns == ["id"]);
            match fk {
                None => out.push(format!(
                    "{t}.{column}: expected a foreign key to {users}.id with ON DELETE CASCADE, found none"
                )),
                Some(fk) if fk.on_delete != "CASCADE" => out.push(format!(
                    "{t}.{column}: expected a foreign key to {users}.id with ON DELETE CASCADE, found ON DELETE {}",
                    fk.on_delete
                )),
                Some(_) => {}
            }
        }
        for f in &table.columns {
            if !f.nullable && !f.has_default && !spec.columns.iter().any(|c| c.name == f.name) {
                out.push(format!(
                    "{t}.{}: expected nullable or a default (the adapter does not write this column), found NOT NULL \
                     without a default",
                    f.name
                ));
            }
        }
    }
    Differences(out)
}

/// The origin told by the index names of the five tables.
fn origin(set: TableSet, found: &BTreeMap<String, FoundTable>) -> Origin {
    let has = |table: &str, index: &str| found.get(table).is_some_and(|t| t.has_index(index));
    if matches!(set, TableSet::Prisma | TableSet::PrismaV4) {
        let prisma = has("User", "User_email_key") && has("Session", "Session_sessionToken_key");
        return if prisma { Origin::PrismaMigrate } else { Origin::Other };
    }
    if EXTRA_INDEXES.iter().all(|(table, _, index)| has(table, index)) {
        Origin::AuthjsSeaOrm
    } else if EXTRA_INDEXES.iter().all(|(table, _, index)| !has(table, index))
        && has("user", "user_email_unique")
        && has("authenticator", "authenticator_credentialID_unique")
    {
        Origin::DrizzleKit
    } else {
        Origin::Other
    }
}

/// Reads the five tables from the catalog and compares them with what the entities need: `Ok(None)` when none of
/// them exists, `Ok(Some(origin))` when all five exist and are compatible, else the [`Differences`].
///
/// Only reads the catalog. [`adopt_existing`] calls it; call it yourself to see whether a database can be adopted.
pub async fn check(db: &impl ConnectionTrait) -> Result<Option<Result<Origin, Differences>>, DbErr> {
    check_set(db, TableSet::Drizzle).await
}

/// [`check`] for the tables of `set`: [`TableSet::Prisma`] compares the Prisma adapter's tables with
/// [`crate::entity::prisma`].
pub async fn check_set(db: &impl ConnectionTrait, set: TableSet) -> Result<Option<Result<Origin, Differences>>, DbErr> {
    let backend = db.get_database_backend();
    let existing = existing_tables(db).await?;
    let mut found = BTreeMap::new();
    for name in set.table_names() {
        if existing.contains(name) {
            found.insert(name.to_owned(), read_table(db, name).await?);
        }
    }
    if found.is_empty() {
        return Ok(None);
    }
    let differences = compare(set, backend, &found);
    Ok(Some(if differences.0.is_empty() { Ok(origin(set, &found)) } else { Err(differences) }))
}

// ---------------------------------------------------------------------------------------------------------------
// The record

fn record_table() -> Alias {
    Alias::new(RECORD_TABLE)
}

#[derive(Iden)]
enum Record {
    TableName,
    Origin,
    Migration,
    AdoptedAt,
    Indexes,
}

async fn record_exists(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(existing_tables(db).await?.contains(RECORD_TABLE))
}

/// The adopted tables, as recorded in [`RECORD_TABLE`]: empty when nothing was adopted. Only reads.
pub async fn adoptions(db: &impl ConnectionTrait) -> Result<Vec<Adoption>, DbErr> {
    if !record_exists(db).await? {
        return Ok(Vec::new());
    }
    let query = Query::select()
        .columns([Record::TableName, Record::Origin, Record::Migration, Record::AdoptedAt, Record::Indexes])
        .from(record_table())
        .to_owned();
    let rows = db.query_all(&query).await?;
    let mut adoptions: Vec<Adoption> = rows
        .iter()
        .map(|r| {
            let at: i64 = r.try_get("", "adopted_at")?;
            let indexes: Option<String> = r.try_get("", "indexes")?;
            Ok(Adoption {
                table: r.try_get("", "table_name")?,
                origin: Origin::parse(&r.try_get::<String>("", "origin")?),
                migration: r.try_get("", "migration")?,
                adopted_at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
                indexes: indexes.unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
            })
        })
        .collect::<Result<_, DbErr>>()?;
    // In the order of the tables, users first.
    let order: Vec<&str> = TableSet::Drizzle.table_names().into_iter().chain(TableSet::Prisma.table_names()).collect();
    // (next-auth v4's Prisma tables have the v5 names.)
    adoptions.sort_by_key(|a| order.iter().position(|t| *t == a.table).unwrap_or(order.len()));
    Ok(adoptions)
}

/// Whether the Auth.js tables of this database were adopted (recorded in [`RECORD_TABLE`]). Only reads.
pub async fn is_adopted(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(!adoptions(db).await?.is_empty())
}

async fn write_record(db: &impl ConnectionTrait, migration: &str, origin: Origin, names: &[&str]) -> Result<(), DbErr> {
    let create = Table::create()
        .table(record_table())
        .if_not_exists()
        .col(ColumnDef::new(Record::TableName).string_len(255).not_null().primary_key())
        .col(ColumnDef::new(Record::Origin).string_len(255).not_null())
        .col(ColumnDef::new(Record::Migration).string_len(255).not_null())
        .col(ColumnDef::new(Record::AdoptedAt).big_integer().not_null())
        .col(ColumnDef::new(Record::Indexes).text().null())
        .to_owned();
    db.execute(&create).await?;
    db.execute(
        &Query::delete()
            .from_table(record_table())
            .and_where(Expr::col(Record::TableName).is_in(names.iter().copied()))
            .to_owned(),
    )
    .await?;
    let now = Utc::now().timestamp();
    let mut insert = Query::insert();
    insert.into_table(record_table()).columns([
        Record::TableName,
        Record::Origin,
        Record::Migration,
        Record::AdoptedAt,
    ]);
    for &name in names {
        insert
            .values([name.into(), origin.as_str().into(), migration.into(), now.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    db.execute(&insert).await?;
    Ok(())
}

/// The `up` branch of an adopting migration: when some of the five tables exist, checks them, and records them as
/// adopted (`true`: the caller creates nothing), or fails listing every difference ([`Differences`] in a
/// [`DbErr::Migration`]). `false` when none exists: the caller creates them. Reads the catalog only, unless it
/// adopts.
pub async fn adopt_existing(manager: &SchemaManager<'_>, migration: &str) -> Result<bool, DbErr> {
    adopt_existing_set(manager, migration, TableSet::Drizzle).await
}

/// [`adopt_existing`] for the tables of `set` ([`migration::prisma`](super::prisma) adopts
/// [`TableSet::Prisma`]).
pub async fn adopt_existing_set(manager: &SchemaManager<'_>, migration: &str, set: TableSet) -> Result<bool, DbErr> {
    let db = manager.get_connection();
    match check_set(db, set).await? {
        None => Ok(false),
        Some(Err(differences)) => Err(DbErr::Migration(differences.to_string())),
        Some(Ok(origin)) => {
            let existing = existing_tables(db).await?;
            let names: Vec<&str> = set.table_names().into_iter().filter(|t| existing.contains(*t)).collect();
            write_record(db, migration, origin, &names).await?;
            Ok(true)
        }
    }
}

/// The `down` branch of an adopting migration: when the tables were adopted, drops the indexes [`create_indexes`]
/// added and the record ([`RECORD_TABLE`]), and returns `true`: the caller must not drop the tables, which belong to
/// the app that created them. `false` when nothing was adopted.
pub async fn forget(manager: &SchemaManager<'_>) -> Result<bool, DbErr> {
    let db = manager.get_connection();
    if !is_adopted(db).await? {
        return Ok(false);
    }
    drop_indexes(db).await?;
    db.execute(&Table::drop().table(record_table()).to_owned()).await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------------------------------
// The indexes option

/// Adds to adopted tables the indexes this crate's migration creates beyond Drizzle's schema ([`EXTRA_INDEXES`]),
/// where the column has no index yet (MySQL indexes foreign-key columns itself, so `userId` usually has one there),
/// and records them. Returns the names of the indexes created: none when nothing was adopted (tables this crate
/// created have them all) or when they exist. Idempotent.
///
/// Off by default: drizzle-kit `push` sees these indexes as drift from the app's Drizzle schema (and offers to
/// drop them), unless the app declares them too. Call it after `Migrator::up`, add [`CreateIndexes`] to your
/// migrations, or run `cargo run -p migration -- up --adopt-indexes`. Rolling back the adoption drops them.
pub async fn create_indexes(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let adopted = adoptions(db).await?;
    let mut created = Vec::new();
    for adoption in &adopted {
        let mut added = Vec::new();
        for (_, column, name) in EXTRA_INDEXES.iter().filter(|(t, _, _)| *t == adoption.table) {
            let table = read_table(db, &adoption.table).await?;
            if table.has_index(name) || table.indexed(column) {
                continue;
            }
            let index = Index::create()
                .name(*name)
                .table(Alias::new(adoption.table.as_str()))
                .col(Alias::new(*column))
                .to_owned();
            db.execute(&index).await?;
            added.push((*name).to_owned());
        }
        if added.is_empty() {
            continue;
        }
        let indexes: Vec<&str> =
            adoption.indexes.iter().map(String::as_str).chain(added.iter().map(String::as_str)).collect();
        let update = Query::update()
            .table(record_table())
            .value(Record::Indexes, indexes.join(" "))
            .and_where(Expr::col(Record::TableName).eq(adoption.table.as_str()))
            .to_owned();
        db.execute(&update).await?;
        created.extend(added);
    }
    Ok(created)
}

/// Drops the indexes [`create_indexes`] added to adopted tables, and forgets them. Returns their names.
pub async fn drop_indexes(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let mut dropped = Vec::new();
    for adoption in adoptions(db).await? {
        if adoption.indexes.is_empty() {
            continue;
        }
        let table = read_table(db, &adoption.table).await?;
        for name in &adoption.indexes {
            // Only names this crate creates, still there.
            if EXTRA_INDEXES.iter().any(|(t, _, n)| *t == adoption.table && n == name) && table.has_index(name) {
                let drop = Index::drop().name(name.as_str()).table(Alias::new(adoption.table.as_str())).to_owned();
                db.execute(&drop).await?;
                dropped.push(name.clone());
            }
        }
        let update = Query::update()
            .table(record_table())
            .value(Record::Indexes, Option::<String>::None)
            .and_where(Expr::col(Record::TableName).eq(adoption.table.as_str()))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(dropped)
}

/// A migration that runs [`create_indexes`] (`down`: [`drop_indexes`]), for an application that wants the indexes
/// on adopted tables: add it after [`migrations()`](super::migrations) in its own `Migrator`, and keep it there (its
/// name is recorded in `seaql_migrations`). A no-op on tables this crate created.
pub struct CreateIndexes;

impl MigrationName for CreateIndexes {
    fn name(&self) -> &str {
        "m20261128_000001_authjs_adopted_indexes"
    }
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for CreateIndexes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager.get_connection()).await.map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager.get_connection()).await.map(drop)
    }
}
