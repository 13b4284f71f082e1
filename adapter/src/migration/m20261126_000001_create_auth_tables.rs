//! Creates `user`, `account`, `session`, `verificationToken` and `authenticator` as the Auth.js Drizzle adapter's
//! default schema does (same table, column and constraint names and value encodings), with these improvements that
//! stay compatible with it:
//! - every date keeps milliseconds and is valid past 2038 (MySQL `DATETIME(3)` holding UTC instead of `TIMESTAMP`);
//! - `expires_at` and `counter` are 64-bit (a WebAuthn counter is an unsigned 32-bit value);
//! - OAuth token columns, `image` and `credentialPublicKey` are `TEXT` on MySQL (Google id tokens exceed 255
//!   characters);
//! - MySQL tables use `utf8mb4_bin`, so keys compare exactly as on PostgreSQL and SQLite;
//! - indexes on the `userId` columns (sign out everywhere, cascades) and on `expires` (cleanup of expired rows).
//!
//! A frozen snapshot (released in 0.1.0): its SQL is written out, one file per backend and direction beside this
//! module (`m20261126_000001_create_auth_tables/{sqlite,postgres,mysql}.{up,down}.sql`, loaded with `include_str!`
//! as the [Prisma preset's](super::prisma) are), with every table, column, type, key, constraint name and index, and
//! uses nothing that a later version of this crate could change (neither the schema traits nor [`v1`](super::v1)).
//! `tests/ddl/{sqlite,postgres,mysql}.sql` pin the SQL it runs.
//!
//! **Adoption (added after the release, before the `CREATE` path).** `up` first reads the catalog: when some of the
//! five tables exist already (a Next.js app's, created by drizzle-kit; or this crate's, created without a row in
//! `seaql_migrations`), it does not create anything but checks and records them ([`adopt::adopt_existing`]), or fails
//! listing every difference. Before, such a database failed with "table already exists" and was left as it was, so no
//! database migrated by 0.1.0 takes the new branch: on an empty database the catalog read finds nothing and the
//! statements of the SQL files run unchanged, as pinned. Likewise `down` first asks whether the tables were adopted
//! ([`adopt::forget`]): then it forgets the adoption and leaves the tables, which belong to the app.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

use super::{adopt, sql_statements};

/// Creates the Auth.js tables (or adopts existing ones, see the module docs).
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000001_create_auth_tables"
    }
}

/// The SQL `up` runs on SQLite, one statement a line.
pub const SQLITE_UP: &str = include_str!("m20261126_000001_create_auth_tables/sqlite.up.sql");
/// The SQL `down` runs on SQLite.
pub const SQLITE_DOWN: &str = include_str!("m20261126_000001_create_auth_tables/sqlite.down.sql");
/// The SQL `up` runs on PostgreSQL.
pub const POSTGRES_UP: &str = include_str!("m20261126_000001_create_auth_tables/postgres.up.sql");
/// The SQL `down` runs on PostgreSQL.
pub const POSTGRES_DOWN: &str = include_str!("m20261126_000001_create_auth_tables/postgres.down.sql");
/// The SQL `up` runs on MySQL and MariaDB.
pub const MYSQL_UP: &str = include_str!("m20261126_000001_create_auth_tables/mysql.up.sql");
/// The SQL `down` runs on MySQL and MariaDB.
pub const MYSQL_DOWN: &str = include_str!("m20261126_000001_create_auth_tables/mysql.down.sql");

/// The statements of `script`, for `b`.
fn statements(b: DbBackend, script: &str) -> Vec<Statement> {
    sql_statements(script).map(|sql| Statement::from_string(b, sql)).collect()
}

impl Migration {
    /// The statements `up` runs on `b`, in order ([`SQLITE_UP`], [`POSTGRES_UP`], [`MYSQL_UP`]): each table, then
    /// its indexes.
    pub fn up_statements(b: DbBackend) -> Vec<Statement> {
        let script = match b {
            DbBackend::MySql => MYSQL_UP,
            DbBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        };
        statements(b, script)
    }

    /// The statements `down` runs on `b`, in order: children first, their foreign keys point at `user`.
    pub fn down_statements(b: DbBackend) -> Vec<Statement> {
        let script = match b {
            DbBackend::MySql => MYSQL_DOWN,
            DbBackend::Postgres => POSTGRES_DOWN,
            _ => SQLITE_DOWN,
        };
        statements(b, script)
    }
}

async fn execute(manager: &SchemaManager<'_>, statements: Vec<Statement>) -> Result<(), DbErr> {
    for statement in statements {
        manager.get_connection().execute_raw(statement).await?;
    }
    Ok(())
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if adopt::adopt_existing(manager, self.name()).await? {
            return Ok(());
        }
        execute(manager, Self::up_statements(manager.get_database_backend())).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if adopt::forget(manager).await? {
            return Ok(());
        }
        execute(manager, Self::down_statements(manager.get_database_backend())).await
    }
}
