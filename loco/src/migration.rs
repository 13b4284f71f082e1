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
//! **A frozen snapshot.** The statements are written out below, with every table, column, type, key, constraint and
//! index name, per backend, and never change: the migration is recorded as applied under its name
//! (`m20261127_000001_authjs_auth_tables`), so it must create the same tables on every deployment and after every
//! upgrade of this crate (the tests pin them). A later change to these tables would come as another migration, added
//! by another line. Types are the Auth.js ones the entities of [`crate::entities`] read and write:
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

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

/// `CREATE` statements on SQLite, in order.
pub const SQLITE_UP: [&str; 9] = [
    r#"CREATE TABLE "accounts" (
  "user_id" integer NOT NULL,
  "type" text NOT NULL,
  "provider" text NOT NULL,
  "provider_account_id" text NOT NULL,
  "refresh_token" text,
  "access_token" text,
  "expires_at" integer,
  "token_type" text,
  "scope" text,
  "id_token" text,
  "session_state" text,
  CONSTRAINT "accounts_provider_provider_account_id_pk" PRIMARY KEY ("provider", "provider_account_id"),
  CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
)"#,
    r#"CREATE INDEX "accounts_user_id_idx" ON "accounts" ("user_id")"#,
    r#"CREATE TABLE "sessions" (
  "session_token" text NOT NULL PRIMARY KEY,
  "user_id" integer NOT NULL,
  "expires" integer NOT NULL,
  CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
)"#,
    r#"CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id")"#,
    r#"CREATE INDEX "sessions_expires_idx" ON "sessions" ("expires")"#,
    r#"CREATE TABLE "verification_tokens" (
  "identifier" text NOT NULL,
  "token" text NOT NULL,
  "expires" integer NOT NULL,
  CONSTRAINT "verification_tokens_identifier_token_pk" PRIMARY KEY ("identifier", "token")
)"#,
    r#"CREATE INDEX "verification_tokens_expires_idx" ON "verification_tokens" ("expires")"#,
    r#"CREATE TABLE "authenticators" (
  "credential_id" text NOT NULL,
  "user_id" integer NOT NULL,
  "provider_account_id" text NOT NULL,
  "credential_public_key" text NOT NULL,
  "counter" integer NOT NULL,
  "credential_device_type" text NOT NULL,
  "credential_backed_up" integer NOT NULL,
  "transports" text,
  CONSTRAINT "authenticators_user_id_credential_id_pk" PRIMARY KEY ("user_id", "credential_id"),
  CONSTRAINT "authenticators_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
)"#,
    r#"CREATE UNIQUE INDEX "authenticators_credential_id_unique" ON "authenticators" ("credential_id")"#,
];

/// `CREATE` statements on PostgreSQL, in order.
pub const POSTGRES_UP: [&str; 9] = [
    r#"CREATE TABLE "accounts" (
  "user_id" bigint NOT NULL,
  "type" text NOT NULL,
  "provider" text NOT NULL,
  "provider_account_id" text NOT NULL,
  "refresh_token" text,
  "access_token" text,
  "expires_at" bigint,
  "token_type" text,
  "scope" text,
  "id_token" text,
  "session_state" text,
  CONSTRAINT "accounts_provider_provider_account_id_pk" PRIMARY KEY ("provider", "provider_account_id"),
  CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
)"#,
    r#"CREATE INDEX "accounts_user_id_idx" ON "accounts" ("user_id")"#,
    r#"CREATE TABLE "sessions" (
  "session_token" text NOT NULL PRIMARY KEY,
  "user_id" bigint NOT NULL,
  "expires" timestamp(3) NOT NULL,
  CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
)"#,
    r#"CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id")"#,
    r#"CREATE INDEX "sessions_expires_idx" ON "sessions" ("expires")"#,
    r#"CREATE TABLE "verification_tokens" (
  "identifier" text NOT NULL,
  "token" text NOT NULL,
  "expires" timestamp(3) NOT NULL,
  CONSTRAINT "verification_tokens_identifier_token_pk" PRIMARY KEY ("identifier", "token")
)"#,
    r#"CREATE INDEX "verification_tokens_expires_idx" ON "verification_tokens" ("expires")"#,
    r#"CREATE TABLE "authenticators" (
  "credential_id" text NOT NULL,
  "user_id" bigint NOT NULL,
  "provider_account_id" text NOT NULL,
  "credential_public_key" text NOT NULL,
  "counter" bigint NOT NULL,
  "credential_device_type" text NOT NULL,
  "credential_backed_up" boolean NOT NULL,
  "transports" text,
  CONSTRAINT "authenticators_user_id_credential_id_pk" PRIMARY KEY ("user_id", "credential_id"),
  CONSTRAINT "authenticators_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
)"#,
    r#"CREATE UNIQUE INDEX "authenticators_credential_id_unique" ON "authenticators" ("credential_id")"#,
];

/// `DROP` statements on SQLite and PostgreSQL, in order (`down`; the indexes go with their tables).
pub const DOWN: [&str; 4] = [
    r#"DROP TABLE "authenticators""#,
    r#"DROP TABLE "sessions""#,
    r#"DROP TABLE "accounts""#,
    r#"DROP TABLE "verification_tokens""#,
];

/// The statements `up` runs on `backend`; `None` on MySQL/MariaDB.
pub fn up_statements(backend: DbBackend) -> Option<&'static [&'static str]> {
    match backend {
        DbBackend::Sqlite => Some(&SQLITE_UP),
        DbBackend::Postgres => Some(&POSTGRES_UP),
        _ => None,
    }
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

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    for sql in statements {
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
        run(manager, &DOWN).await
    }
}
