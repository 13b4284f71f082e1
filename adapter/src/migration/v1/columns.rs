//! Column types of the Auth.js tables per backend, for migrations of custom tables that keep the same encodings
//! (dates as epoch milliseconds on SQLite, `timestamp(3)` on PostgreSQL, `datetime(3)` holding UTC on MySQL).
//!
//! Frozen with the rest of [`v1`](super): these functions never change what they return, so a migration written with
//! them creates the same columns after any upgrade of this crate. Other types would come as `v2::columns`.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

/// The kinds of Auth.js columns; each has one SQL type per backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// A key or short identifier: compared, indexed, part of primary keys.
    Key,
    /// A short text such as a name or a token type.
    Short,
    /// A text of unbounded length: OAuth tokens, URLs, public keys.
    Long,
    /// A UTC instant at millisecond precision.
    Date,
    /// A 64-bit integer.
    BigInt,
    /// A boolean.
    Bool,
}

/// A column of `kind`, typed as the Auth.js migration types it on `backend`:
///
/// | kind | SQLite | PostgreSQL | MySQL/MariaDB |
/// |---|---|---|---|
/// | `Key`, `Short` | `text` | `text` | `varchar(255)` |
/// | `Long` | `text` | `text` | `text` |
/// | `Date` | `integer` (epoch ms) | `timestamp(3)` | `datetime(3)` |
/// | `BigInt` | `integer` | `bigint` | `bigint` |
/// | `Bool` | `integer` (0/1) | `boolean` | `boolean` |
pub fn auth_column(backend: DbBackend, name: impl IntoIden, kind: ColumnKind, nullable: bool) -> ColumnDef {
    let sql_type = match (backend, kind) {
        (DbBackend::MySql, ColumnKind::Key | ColumnKind::Short) => "varchar(255)",
        (DbBackend::MySql, ColumnKind::Long) => "text",
        (DbBackend::MySql, ColumnKind::Date) => "datetime(3)",
        (DbBackend::MySql, ColumnKind::Bool) => "boolean",
        (DbBackend::Postgres, ColumnKind::Date) => "timestamp(3)",
        (DbBackend::Postgres, ColumnKind::Bool) => "boolean",
        (DbBackend::Postgres, ColumnKind::BigInt) | (DbBackend::MySql, ColumnKind::BigInt) => "bigint",
        // SQLite: dates are epoch milliseconds and booleans 0/1, as Drizzle's `timestamp_ms` and `boolean` modes.
        (_, ColumnKind::Date | ColumnKind::BigInt | ColumnKind::Bool) => "integer",
        (_, ColumnKind::Key | ColumnKind::Short | ColumnKind::Long) => "text",
    };
    let mut def = ColumnDef::new(name);
    def.custom(Alias::new(sql_type));
    if nullable {
        def.null();
    } else {
        def.not_null();
    }
    def
}

/// `CREATE TABLE name`, with InnoDB, `utf8mb4` and the exact `utf8mb4_bin` collation on MySQL/MariaDB.
pub fn auth_table(backend: DbBackend, name: impl IntoTableRef) -> TableCreateStatement {
    let mut stmt = Table::create();
    stmt.table(name);
    if backend == DbBackend::MySql {
        stmt.engine("InnoDB").character_set("utf8mb4").collate("utf8mb4_bin");
    }
    stmt
}
