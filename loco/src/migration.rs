//! The migration creating the auth tables beside the users table of Loco's SaaS starter: splice [`AuthTables`] into the
//! app's `Migrator`, after the starter's users migration.
//!
//! ```ignore
//! // migration/src/lib.rs
//! fn migrations() -> Vec<Box<dyn MigrationTrait>> {
//!     vec![
//!         Box::new(m20220101_000001_users::Migration),
//!         Box::new(authjs_sea_orm_loco::migration::AuthTables),
//!         // inject-above (do not remove this comment)
//!     ]
//! }
//! ```
//!
//! It creates `accounts`, `sessions`, `verification_tokens` and `authenticators`, whose `user_id` refers to the
//! starter's `users.id` (`bigint`: Loco's `ColType::PkAuto`) with `ON DELETE CASCADE`: deleting a Loco user deletes
//! their sessions, accounts and authenticators. `down` drops the four tables; `users` is the app's.
//!
//! **A frozen snapshot.** The statements are written out in SQL files beside this module, loaded with `include_str!`
//! ([`SQLITE_UP`], [`POSTGRES_UP`], [`DOWN`]: `migration/{sqlite.up,postgres.up,down}.sql`), with every table, column,
//! type, key, constraint and index name, per backend, and never change: the migration is recorded as applied under its
//! name (`m20261127_000001_authjs_auth_tables`), so it must create the same tables on every deployment and after every
//! upgrade of this crate (the tests pin them). A later change to these tables would come as another migration, added by
//! another line. Types are the Auth.js ones the entities of [`crate::entities`] read and write:
//!
//! | column | SQLite | PostgreSQL |
//! |---|---|---|
//! | `user_id` | `integer` | `bigint` |
//! | keys, names, tokens | `text` | `text` |
//! | `expires` (dates) | `integer` (epoch milliseconds) | `timestamp(3)` (UTC) |
//! | `expires_at`, `counter` | `integer` | `bigint` |
//! | `credential_backed_up` | `integer` (0/1) | `boolean` |
//!
//! SQLite and PostgreSQL are the databases Loco supports; on MySQL/MariaDB `up` refuses with an error and creates
//! nothing.

use authjs_sea_orm::migration::sql_statements;
use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

/// The SQL `up` runs on SQLite: the `CREATE` statements, in order.
pub const SQLITE_UP: &str = include_str!("migration/sqlite.up.sql");

/// The SQL `up` runs on PostgreSQL: the `CREATE` statements, in order.
pub const POSTGRES_UP: &str = include_str!("migration/postgres.up.sql");

/// The SQL `down` runs on SQLite and PostgreSQL: the `DROP` statements, in order (the indexes go with their tables).
pub const DOWN: &str = include_str!("migration/down.sql");

/// The statements `up` runs on `backend`, in order ([`SQLITE_UP`], [`POSTGRES_UP`]); `None` on MySQL/MariaDB.
pub fn up_statements(backend: DbBackend) -> Option<Vec<String>> {
    let script = match backend {
        DbBackend::Sqlite => SQLITE_UP,
        DbBackend::Postgres => POSTGRES_UP,
        _ => return None,
    };
    Some(sql_statements(script).collect())
}

/// The statements `down` runs, in order ([`DOWN`]).
pub fn down_statements() -> Vec<String> {
    sql_statements(DOWN).collect()
}

/// Creates `accounts`, `sessions`, `verification_tokens` and `authenticators` referring to Loco's `users` (see the
/// [module docs](self)); recorded as `m20261127_000001_authjs_auth_tables`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AuthTables;

impl MigrationName for AuthTables {
    fn name(&self) -> &str {
        "m20261127_000001_authjs_auth_tables"
    }
}

async fn run(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    for sql in &statements {
        manager.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for AuthTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let statements = up_statements(backend).ok_or_else(|| {
            DbErr::Migration(format!(
                "authjs-sea-orm-loco: the auth tables are created on SQLite and PostgreSQL (the databases Loco \
                 supports), not on {backend:?}"
            ))
        })?;
        run(manager, statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, down_statements()).await
    }
}
