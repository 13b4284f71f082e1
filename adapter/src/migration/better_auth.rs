//! The migrations of Better Auth's core tables (`user`, `session`, `account`, `verification`), for a Rust service
//! sharing them with a Better Auth app (better-auth 1.7): create them as Better Auth would, or adopt the ones it
//! created.
//!
//! - This module's [`Migration`] creates exactly what Better Auth's own migrations create
//!   (`getMigrations(options).runMigrations()`, `npx auth migrate`) on each backend, observed from better-auth
//!   1.7.25: quoted camelCase columns; SQLite `date`, PostgreSQL `timestamptz`, MySQL/MariaDB `timestamp(3)` dates;
//!   `varchar(36)` ids and `varchar(255)` unique or indexed strings on MySQL; the indexes `session_userId_idx`,
//!   `account_userId_idx` and `verification_identifier_idx`. The SQL is `better_auth/{sqlite,postgres,mysql}.sql`
//!   beside this module, Better Auth's `compileMigrations()` output, and never changes: Better Auth finds nothing to
//!   migrate on tables it created. The tables of `better_auth::BetterAuthTables` (feature `better-auth`).
//! - [`drizzle::Migration`] creates the tables of the schema Better Auth's Drizzle CLI writes (`npx auth generate`
//!   for `drizzleAdapter(db, { provider })`), as drizzle-kit creates them (`better_auth/drizzle/*.sql`): snake_case
//!   columns, SQLite `integer` epoch-millisecond dates, PostgreSQL `timestamp`, drizzle-kit's constraint and index
//!   names. The tables of `better_auth::BetterAuthDrizzleTables`.
//!
//! On a database whose tables Better Auth (or drizzle-kit) created already, `up` adopts them instead: it checks them
//! against [`crate::entity::better_auth`] (or its `drizzle` module) with the adoption of the Auth.js tables
//! ([`adopt::TableSet::BetterAuth`](super::adopt::TableSet::BetterAuth),
//! [`adopt::TableSet::BetterAuthDrizzle`](super::adopt::TableSet::BetterAuthDrizzle): every column with a type the
//! entities read and write, nullable exactly where they are optional, the primary keys, a unique `email` and `token`,
//! the foreign keys to `user.id` with `ON DELETE CASCADE`, and no other `NOT NULL` column without a default in
//! `session`, the one table the Rust side inserts into; plugins' extra columns elsewhere are fine), records them in
//! [`adopt::RECORD_TABLE`](super::adopt::RECORD_TABLE) and alters nothing; incompatible tables fail with every
//! difference named, before anything is written. `down` of an adopted migration forgets the adoption and keeps the
//! tables; otherwise it drops them.
//!
//! ```
//! use authjs_sea_orm::migration::MigratorTrait;
//! use authjs_sea_orm::migration::better_auth::Migrator;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = authjs_sea_orm::connect("sqlite::memory:").await?;
//! Migrator::up(&db, None).await?; // or splice `migrations()` into your own Migrator
//! # Ok(())
//! # }
//! ```
//!
//! Held by `tests/tests/better_auth_store.rs` on SQLite, PostgreSQL and MariaDB, for both namings:
//! `migration_creates_the_reference_ddl` (the catalog equals that of a database created by better-auth 1.7.25's own
//! DDL, and on SQLite `sqlite_master` holds its very text; for the Drizzle naming, by the DDL the real drizzle-kit
//! generates from the schema the CLI writes, `tests/interop-better-auth/drizzle/`), `adopts_reference_tables` and
//! `incompatible_tables_are_refused`.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

use super::adopt::TableSet;
use super::prisma::{create_or_adopt, drop_unless_adopted, preset_migration};

/// The SQL Better Auth's migrations run on PostgreSQL.
pub const POSTGRES_SQL: &str = include_str!("better_auth/postgres.sql");
/// The same on MySQL and MariaDB.
pub const MYSQL_SQL: &str = include_str!("better_auth/mysql.sql");
/// The same on SQLite.
pub const SQLITE_SQL: &str = include_str!("better_auth/sqlite.sql");

/// The tables, in the order Better Auth creates them (dropped in reverse).
pub const TABLES: [&str; 4] = ["user", "session", "account", "verification"];

/// The SQL for `backend`.
pub fn sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => POSTGRES_SQL,
        DbBackend::MySql => MYSQL_SQL,
        _ => SQLITE_SQL,
    }
}

preset_migration!(
    /// Creates Better Auth's core tables as its own migrations do ([`sql`]), or adopts them; `down` drops them.
    "m20261203_000001_create_better_auth_tables",
    TableSet::BetterAuth,
    "Better Auth tables'"
);

/// The tables of Better Auth's Drizzle CLI schema: created as drizzle-kit creates them, or adopted.
pub mod drizzle {
    use sea_orm::DbBackend;
    use sea_orm_migration::prelude::*;

    use super::{TABLES, TableSet, create_or_adopt, drop_unless_adopted, preset_migration};

    /// The SQL drizzle-kit runs for Better Auth's Drizzle CLI schema on PostgreSQL.
    pub const POSTGRES_SQL: &str = include_str!("better_auth/drizzle/postgres.sql");
    /// The same on MySQL and MariaDB.
    pub const MYSQL_SQL: &str = include_str!("better_auth/drizzle/mysql.sql");
    /// The same on SQLite.
    pub const SQLITE_SQL: &str = include_str!("better_auth/drizzle/sqlite.sql");

    /// The SQL for `backend`.
    pub fn sql(backend: DbBackend) -> &'static str {
        match backend {
            DbBackend::Postgres => POSTGRES_SQL,
            DbBackend::MySql => MYSQL_SQL,
            _ => SQLITE_SQL,
        }
    }

    preset_migration!(
        /// Creates the tables of Better Auth's Drizzle CLI schema ([`sql`]), or adopts them; `down` drops them.
        "m20261203_000002_create_better_auth_drizzle_tables",
        TableSet::BetterAuthDrizzle,
        "Better Auth Drizzle tables'"
    );
}

#[cfg(test)]
mod tests {
    use super::super::sql_statements;
    use super::*;

    #[test]
    fn every_backend_creates_four_tables_and_three_indexes() {
        for backend in [DbBackend::Postgres, DbBackend::MySql, DbBackend::Sqlite] {
            for script in [sql(backend), drizzle::sql(backend)] {
                let all: Vec<String> = sql_statements(script).collect();
                let creates = |what: &str| all.iter().filter(|s| s.to_lowercase().starts_with(what)).count();
                assert_eq!(creates("create table"), 4, "{backend:?}");
                assert_eq!(creates("create index"), 3, "{backend:?}");
                assert!(all.iter().all(|s| !s.contains("--") && !s.ends_with(';')), "{backend:?}");
                assert_eq!(script.to_lowercase().matches("on delete cascade").count(), 2, "{backend:?}");
            }
        }
    }
}
