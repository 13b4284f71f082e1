//! Adoption of Auth.js tables that exist already: created by drizzle-kit for a Next.js app on Auth.js's Drizzle
//! adapter, or by an earlier version of this crate without a row in `seaql_migrations` (an application migration
//! calling [`v1::create_auth_tables`](super::v1::create_auth_tables), say); and, by
//! [`migration::prisma`](super::prisma), the Prisma adapter's tables created by `prisma migrate` ([`TableSet::Prisma`]:
//! `User`, `Account`, `Session`, `VerificationToken`, `Authenticator`, checked alike against
//! [`crate::entity::prisma`]); and, by [`migration::better_auth`](super::better_auth), Better Auth's tables
//! ([`TableSet::BetterAuth`], [`TableSet::BetterAuthDrizzle`]: `user`, `session`, `account`, `verification`, checked
//! against [`crate::entity::better_auth`]; only `session`, the one table the Rust side inserts into, must have no
//! other `NOT NULL` column without a default).
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
//!
//! The code follows those steps, one file each: what the entities need (`spec`), what the catalog says (`catalog`),
//! the comparison and the origin (`compare`), the record (`record`) and the indexes option (`indexes`).

use std::fmt;

use chrono::{DateTime, Utc};

mod catalog;
mod compare;
mod indexes;
mod record;
mod spec;
#[cfg(test)]
mod tests;

pub use compare::{Differences, check, check_set};
pub use indexes::{CreateIndexes, create_indexes, drop_indexes};
pub use record::{adopt_existing, adopt_existing_set, adoptions, forget, is_adopted};
pub use spec::{TableSet, table_names};

/// The table recording adopted tables: one row per table (`table_name`, `origin`, `migration`, `adopted_at` in
/// epoch seconds, `indexes` this crate added, space-separated). Created on the first adoption, dropped when the
/// adoption is rolled back. Keep it out of drizzle-kit's reach with `tablesFilter` (see the adoption guide, `guide::adoption`).
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
    /// Better Auth's own migrations (`getMigrations`, `npx auth migrate`; or [`migration::better_auth`](super::better_auth),
    /// which creates the same tables), adopted by [`migration::better_auth`](super::better_auth).
    BetterAuth,
    /// drizzle-kit, from the schema Better Auth's Drizzle CLI writes (`npx auth generate`), adopted by
    /// [`migration::better_auth::drizzle`](super::better_auth::drizzle).
    BetterAuthDrizzleKit,
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
            Origin::BetterAuth => "better-auth",
            Origin::BetterAuthDrizzleKit => "better-auth-drizzle-kit",
            Origin::Other => "other",
        }
    }

    fn parse(s: &str) -> Origin {
        match s {
            "drizzle-kit" => Origin::DrizzleKit,
            "authjs-sea-orm" => Origin::AuthjsSeaOrm,
            "prisma-migrate" => Origin::PrismaMigrate,
            "better-auth" => Origin::BetterAuth,
            "better-auth-drizzle-kit" => Origin::BetterAuthDrizzleKit,
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
            Origin::BetterAuth => "Better Auth's migrations (getMigrations, npx auth migrate)",
            Origin::BetterAuthDrizzleKit => "drizzle-kit (the schema Better Auth's Drizzle CLI writes)",
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
