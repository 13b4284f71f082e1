//! The migrations that create the Auth.js tables, and [`v1`], the builder of the same tables for custom schemas.
//!
//! Run them on their own with [`Migrator`] (`Migrator::up(&db, None)`, the counterpart of Drizzle's `migrate()`), or
//! splice [`migrations()`] into your application's own `Migrator` so that one `seaql_migrations` table tracks both
//! (two migrators sharing that table fail with "migration file is missing"):
//!
//! ```
//! use sea_orm_migration::prelude::*;
//!
//! pub struct Migrator;
//!
//! #[async_trait::async_trait]
//! impl MigratorTrait for Migrator {
//!     fn migrations() -> Vec<Box<dyn MigrationTrait>> {
//!         let mut migrations = authjs_sea_orm::migration::migrations();
//!         // migrations.push(Box::new(m20260101_000001_create_posts::Migration));
//!         migrations
//!     }
//! }
//! ```
//!
//! An application on custom tables (see [`crate::schema`]) does not take these migrations: it writes its own
//! migration file calling [`v1::create_auth_tables`] (example there), or types its own columns with
//! [`v1::columns`].
//!
//! **A released migration never changes.** Each migration of [`migrations()`] states its tables, columns, types,
//! keys, constraint names and indexes itself, for every backend, in SQL files beside its module (read by
//! [`sql_statements`]), and uses nothing a later version of this crate could change (neither the
//! [`schema`](crate::schema) traits nor [`v1`]); `tests/ddl/*.sql` pin the SQL each one runs, so a database migrated
//! by any version holds the same schema. A change to the schema is a new migration,
//! appended to [`migrations()`], with a `down` that undoes it (as [`m20261127_000001_no_pad_keys`]). Likewise
//! [`v1`] never changes what it creates: other tables would come as a `v2`.
//!
//! **Existing tables are adopted, not recreated.** On a database whose Auth.js tables exist already (created by
//! drizzle-kit for a Next.js app, or by this crate without a row in `seaql_migrations`), the first migration checks
//! them against what the adapter reads and writes and records them as adopted instead of failing with "table
//! already exists"; nothing of those tables is altered, by it or by later migrations. See [`adopt`], including the
//! optional indexes ([`adopt::create_indexes`], [`adopt::CreateIndexes`]).

use sea_orm_migration::prelude::*;

pub use sea_orm_migration::{MigrationName, MigrationTrait, MigratorTrait, SchemaManager};

pub mod adopt;
pub mod better_auth;
pub mod m20261126_000001_create_auth_tables;
pub mod m20261127_000001_no_pad_keys;
pub mod prisma;
pub mod v1;

/// The statements of a SQL script as the frozen migrations store theirs (the `.sql` files beside their modules, loaded
/// with `include_str!`): each ends with a `;` at the end of a line, and lines starting with `--` are comments. Returns
/// them in order, without their `;`, comment lines dropped and surrounding whitespace trimmed; a statement's other
/// lines are kept as they are.
pub fn sql_statements(script: &str) -> impl Iterator<Item = String> + '_ {
    script.split(";\n").filter_map(|stmt| {
        let sql: Vec<&str> = stmt.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
        let sql = sql.join("\n");
        let sql = sql.trim().trim_end_matches(';');
        (!sql.is_empty()).then(|| sql.to_owned())
    })
}

/// The Auth.js migrations, oldest first, to include in an application's `Migrator`.
pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(m20261126_000001_create_auth_tables::Migration), Box::new(m20261127_000001_no_pad_keys::Migration)]
}

/// A migrator that runs only the Auth.js migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        migrations()
    }
}
