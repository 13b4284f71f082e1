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
//! A frozen snapshot (released in 0.1.0): it states every table, column, type, key, constraint name and index
//! itself, per backend, and uses nothing that a later version of this crate could change (neither the schema traits
//! nor [`v1`](super::v1)). `tests/ddl/{sqlite,postgres,mysql}.sql` pin the SQL it runs.
//!
//! **Adoption (added after the release, before the `CREATE` path).** `up` first reads the catalog: when some of the
//! five tables exist already (a Next.js app's, created by drizzle-kit; or this crate's, created without a row in
//! `seaql_migrations`), it does not create anything but checks and records them ([`adopt::adopt_existing`]), or
//! fails listing every difference. Before, such a database failed with "table already exists" and was left as it
//! was, so no database migrated by 0.1.0 takes the new branch: on an empty database the catalog read finds nothing
//! and the statements below run unchanged, as pinned. Likewise `down` first asks whether the tables were adopted
//! ([`adopt::forget`]): then it forgets the adoption and leaves the tables, which belong to the app.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

use super::adopt;

/// Creates the Auth.js tables (or adopts existing ones, see the module docs).
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000001_create_auth_tables"
    }
}

/// A column type as this migration spells it on each backend.
#[derive(Clone, Copy)]
struct SqlType {
    sqlite: &'static str,
    postgres: &'static str,
    mysql: &'static str,
}

/// A key or short identifier: compared, indexed, part of primary keys.
const KEY: SqlType = SqlType { sqlite: "text", postgres: "text", mysql: "varchar(255)" };
/// A short text: a name, a token type, a device type.
const SHORT: SqlType = SqlType { sqlite: "text", postgres: "text", mysql: "varchar(255)" };
/// A text of unbounded length: OAuth tokens, URLs, public keys.
const LONG: SqlType = SqlType { sqlite: "text", postgres: "text", mysql: "text" };
/// A UTC instant at millisecond precision: epoch milliseconds on SQLite (Drizzle's `timestamp_ms` mode).
const DATE: SqlType = SqlType { sqlite: "integer", postgres: "timestamp(3)", mysql: "datetime(3)" };
/// A 64-bit integer.
const BIGINT: SqlType = SqlType { sqlite: "integer", postgres: "bigint", mysql: "bigint" };
/// A boolean: 0/1 on SQLite (Drizzle's `boolean` mode), `tinyint(1)` on MySQL.
const BOOL: SqlType = SqlType { sqlite: "integer", postgres: "boolean", mysql: "boolean" };

fn column(b: DbBackend, name: &str, sql_type: SqlType, nullable: bool) -> ColumnDef {
    let sql_type = match b {
        DbBackend::MySql => sql_type.mysql,
        DbBackend::Postgres => sql_type.postgres,
        _ => sql_type.sqlite,
    };
    let mut def = ColumnDef::new(Alias::new(name));
    def.custom(Alias::new(sql_type));
    if nullable {
        def.null();
    } else {
        def.not_null();
    }
    def
}

fn not_null(b: DbBackend, name: &str, sql_type: SqlType) -> ColumnDef {
    column(b, name, sql_type, false)
}

fn null(b: DbBackend, name: &str, sql_type: SqlType) -> ColumnDef {
    column(b, name, sql_type, true)
}

/// `CREATE TABLE name`, with InnoDB, `utf8mb4` and the exact `utf8mb4_bin` collation on MySQL/MariaDB.
fn table(b: DbBackend, name: &str) -> TableCreateStatement {
    let mut stmt = Table::create();
    stmt.table(Alias::new(name));
    if b == DbBackend::MySql {
        stmt.engine("InnoDB").character_set("utf8mb4").collate("utf8mb4_bin");
    }
    stmt
}

/// A named composite primary key.
fn primary_key(name: &str, columns: [&str; 2]) -> IndexCreateStatement {
    Index::create().name(name).col(Alias::new(columns[0])).col(Alias::new(columns[1])).to_owned()
}

/// `FOREIGN KEY (column) REFERENCES user (id) ON DELETE CASCADE ON UPDATE NO ACTION`, named `name`.
fn cascade_to_user(name: &str, table: &str, column: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(Alias::new(table), Alias::new(column))
        .to(Alias::new("user"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .on_update(ForeignKeyAction::NoAction)
        .to_owned()
}

fn index(name: &str, table: &str, column: &str) -> IndexCreateStatement {
    Index::create().name(name).table(Alias::new(table)).col(Alias::new(column)).to_owned()
}

fn unique_index(name: &str, table: &str, column: &str) -> IndexCreateStatement {
    index(name, table, column).unique().to_owned()
}

impl Migration {
    /// The statements `up` runs on `b`, in order, rendered without a database.
    pub fn up_statements(b: DbBackend) -> Vec<Statement> {
        let user = table(b, "user")
            .col(not_null(b, "id", KEY).primary_key())
            .col(null(b, "name", SHORT))
            .col(null(b, "email", KEY))
            .col(null(b, "emailVerified", DATE))
            .col(null(b, "image", LONG))
            .to_owned();

        let account = table(b, "account")
            .col(not_null(b, "userId", KEY))
            .col(not_null(b, "type", KEY))
            .col(not_null(b, "provider", KEY))
            .col(not_null(b, "providerAccountId", KEY))
            .col(null(b, "refresh_token", LONG))
            .col(null(b, "access_token", LONG))
            .col(null(b, "expires_at", BIGINT))
            .col(null(b, "token_type", SHORT))
            .col(null(b, "scope", LONG))
            .col(null(b, "id_token", LONG))
            .col(null(b, "session_state", LONG))
            .primary_key(&mut primary_key("account_provider_providerAccountId_pk", ["provider", "providerAccountId"]))
            .foreign_key(&mut cascade_to_user("account_userId_user_id_fk", "account", "userId"))
            .to_owned();

        let session = table(b, "session")
            .col(not_null(b, "sessionToken", KEY).primary_key())
            .col(not_null(b, "userId", KEY))
            .col(not_null(b, "expires", DATE))
            .foreign_key(&mut cascade_to_user("session_userId_user_id_fk", "session", "userId"))
            .to_owned();

        let verification_token = table(b, "verificationToken")
            .col(not_null(b, "identifier", KEY))
            .col(not_null(b, "token", KEY))
            .col(not_null(b, "expires", DATE))
            .primary_key(&mut primary_key("verificationToken_identifier_token_pk", ["identifier", "token"]))
            .to_owned();

        let authenticator = table(b, "authenticator")
            .col(not_null(b, "credentialID", KEY))
            .col(not_null(b, "userId", KEY))
            .col(not_null(b, "providerAccountId", KEY))
            .col(not_null(b, "credentialPublicKey", LONG))
            .col(not_null(b, "counter", BIGINT))
            .col(not_null(b, "credentialDeviceType", SHORT))
            .col(not_null(b, "credentialBackedUp", BOOL))
            .col(null(b, "transports", SHORT))
            .primary_key(&mut primary_key("authenticator_userId_credentialID_pk", ["userId", "credentialID"]))
            .foreign_key(&mut cascade_to_user("authenticator_userId_user_id_fk", "authenticator", "userId"))
            .to_owned();

        vec![
            b.build(&user),
            b.build(&unique_index("user_email_unique", "user", "email")),
            b.build(&account),
            b.build(&index("account_userId_idx", "account", "userId")),
            b.build(&session),
            b.build(&index("session_userId_idx", "session", "userId")),
            b.build(&index("session_expires_idx", "session", "expires")),
            b.build(&verification_token),
            b.build(&index("verificationToken_expires_idx", "verificationToken", "expires")),
            b.build(&authenticator),
            b.build(&unique_index("authenticator_credentialID_unique", "authenticator", "credentialID")),
        ]
    }

    /// The statements `down` runs on `b`, in order: children first, their foreign keys point at `user`.
    pub fn down_statements(b: DbBackend) -> Vec<Statement> {
        ["authenticator", "session", "account", "verificationToken", "user"]
            .into_iter()
            .map(|name| b.build(&Table::drop().table(Alias::new(name)).to_owned()))
            .collect()
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
