//! MySQL/MariaDB: the key columns of the Auth.js tables compare without padding, so `a@b.c` and `a@b.c ` are two
//! keys. `utf8mb4_bin` (the first migration's collation) is exact but `PAD SPACE`: trailing spaces are ignored, so
//! such keys collide in unique indexes. This migration moves the e-mail, session token, verification token and
//! account and credential keys to the binary `NO PAD` collation of the server: MariaDB's `utf8mb4_nopad_bin`
//! (10.2+), MySQL's `utf8mb4_0900_bin` (8.0.17+). User ids and the `userId` columns referring to them keep
//! `utf8mb4_bin` (MySQL refuses to change a column used by a foreign key); they are UUIDs, compared exactly by the
//! adapter either way.
//!
//! A no-op on SQLite and PostgreSQL (their default collations compare bytes), on servers without such a collation,
//! and on adopted tables ([`adopt`]: their collations belong to the app that created them; the adapter compares
//! keys byte for byte whatever the collation). The adoption check, a catalog read, was added after the release.
//! A frozen snapshot: its statements are written out in `m20261127_000001_no_pad_keys/mysql.sql` beside this module
//! ([`MYSQL_SQL`], loaded with `include_str!`), naming its tables and columns. `tests/ddl/mysql.sql` pins the SQL it
//! runs.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

use super::{adopt, sql_statements};

/// The statements of this migration, one a line: each key column (all `varchar(255)`, as the first migration created
/// them) in the collation `{collation}` stands for.
pub const MYSQL_SQL: &str = include_str!("m20261127_000001_no_pad_keys/mysql.sql");

/// Moves the key columns of the Auth.js tables to a `NO PAD` binary collation on MySQL/MariaDB.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000001_no_pad_keys"
    }
}

impl Migration {
    /// The query `up` and `down` run first on MySQL/MariaDB: the server's binary `NO PAD` collation for utf8mb4, if
    /// it has one (no row: both do nothing more).
    pub fn collation_query() -> Statement {
        Statement::from_string(
            DbBackend::MySql,
            "SELECT COLLATION_NAME FROM information_schema.COLLATIONS \
             WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1",
        )
    }

    /// The statements `up` runs next on a MySQL/MariaDB server whose [`collation_query`](Self::collation_query)
    /// returned `collation`: [`MYSQL_SQL`] in that collation.
    pub fn up_statements(collation: &str) -> Vec<Statement> {
        sql_statements(MYSQL_SQL)
            .map(|sql| Statement::from_string(DbBackend::MySql, sql.replace("{collation}", collation)))
            .collect()
    }

    /// The statements `down` runs next on a MySQL/MariaDB server that has a `NO PAD` collation: back to
    /// `utf8mb4_bin`.
    pub fn down_statements() -> Vec<Statement> {
        Self::up_statements("utf8mb4_bin")
    }
}

/// The server's binary `NO PAD` collation for utf8mb4, if it has one.
async fn no_pad_collation(manager: &SchemaManager<'_>) -> Result<Option<String>, DbErr> {
    let row = manager.get_connection().query_one_raw(Migration::collation_query()).await?;
    row.map(|row| row.try_get_by_index::<String>(0)).transpose()
}

async fn execute(manager: &SchemaManager<'_>, statements: Vec<Statement>) -> Result<(), DbErr> {
    for statement in statements {
        manager.get_connection().execute_unprepared(&statement.sql).await?;
    }
    Ok(())
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[async_trait::async_trait]
#[allow(elided_lifetimes_in_paths)]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::MySql || adopt::is_adopted(manager.get_connection()).await? {
            return Ok(());
        }
        match no_pad_collation(manager).await? {
            Some(collation) => execute(manager, Self::up_statements(&collation)).await,
            None => Ok(()),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::MySql
            || adopt::is_adopted(manager.get_connection()).await?
            || no_pad_collation(manager).await?.is_none()
        {
            return Ok(());
        }
        execute(manager, Self::down_statements()).await
    }
}
