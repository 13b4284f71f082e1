//! MySQL/MariaDB: the key columns of the Auth.js tables compare without padding, so `a@b.c` and `a@b.c ` are two
//! keys. `utf8mb4_bin` (the first migration's collation) is exact but `PAD SPACE`: trailing spaces are ignored, so
//! such keys collide in unique indexes. This migration moves the e-mail, session token, verification token and
//! account and credential keys to the binary `NO PAD` collation of the server: MariaDB's `utf8mb4_nopad_bin`
//! (10.2+), MySQL's `utf8mb4_0900_bin` (8.0.17+). User ids and the `userId` columns referring to them keep
//! `utf8mb4_bin` (MySQL refuses to change a column used by a foreign key); they are UUIDs, compared exactly by the
//! adapter either way.
//!
//! A no-op on SQLite and PostgreSQL (their default collations compare bytes) and on servers without such a collation.
//! A frozen snapshot: it names its tables and columns itself.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

/// `(table, column, nullability)` of every key column this migration changes: all `varchar(255)`, as the first
/// migration created them.
const KEYS: [(&str, &str, &str); 7] = [
    ("user", "email", "NULL"),
    ("account", "provider", "NOT NULL"),
    ("account", "providerAccountId", "NOT NULL"),
    ("session", "sessionToken", "NOT NULL"),
    ("verificationToken", "identifier", "NOT NULL"),
    ("verificationToken", "token", "NOT NULL"),
    ("authenticator", "credentialID", "NOT NULL"),
];

/// Moves the key columns of the Auth.js tables to a `NO PAD` binary collation on MySQL/MariaDB.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000001_no_pad_keys"
    }
}

/// The server's binary `NO PAD` collation for utf8mb4, if it has one.
async fn no_pad_collation(manager: &SchemaManager<'_>) -> Result<Option<String>, DbErr> {
    let row = manager
        .get_connection()
        .query_one_raw(Statement::from_string(
            DbBackend::MySql,
            "SELECT COLLATION_NAME FROM information_schema.COLLATIONS \
             WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1",
        ))
        .await?;
    row.map(|row| row.try_get_by_index::<String>(0)).transpose()
}

async fn set_collation(manager: &SchemaManager<'_>, collation: &str) -> Result<(), DbErr> {
    for (table, column, null) in KEYS {
        let sql = format!("ALTER TABLE `{table}` MODIFY `{column}` varchar(255) COLLATE {collation} {null}");
        manager.get_connection().execute_unprepared(&sql).await?;
    }
    Ok(())
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[async_trait::async_trait]
#[allow(elided_lifetimes_in_paths)]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::MySql {
            return Ok(());
        }
        match no_pad_collation(manager).await? {
            Some(collation) => set_collation(manager, &collation).await,
            None => Ok(()),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::MySql || no_pad_collation(manager).await?.is_none() {
            return Ok(());
        }
        set_collation(manager, "utf8mb4_bin").await
    }
}
