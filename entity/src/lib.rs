//! SeaORM entities for the Auth.js tables.
//!
//! Table and column names are those of the `@auth/drizzle-adapter` default schema (`user`, `account`, `session`,
//! `verificationToken`, `authenticator`; camelCase Auth.js columns, snake_case OAuth columns), so a database created
//! by either side works with the other. Rust field names are snake_case. [`prisma`] holds the Prisma adapter's tables,
//! [`better_auth`] Better Auth's.
//!
//! # Dates
//! Every date column is a [`Timestamp`]. It reads all the encodings an Auth.js database uses: epoch milliseconds in
//! an `INTEGER` column on SQLite, `timestamp` without time zone holding UTC on PostgreSQL, `DATETIME`/`TIMESTAMP`
//! holding UTC on MySQL/MariaDB. Writing needs to know the backend (SQLite wants an integer), which a plain
//! `Value` conversion cannot know: build date values with [`Timestamp::to_value`] (or write through the adapter)
//! when you write these tables yourself.
//!
//! # Integers
//! `expires_at` and `counter` are [`WideInt`]s: 64-bit here, 32-bit in a database created from Drizzle's schema.
//!
//! # Secrets
//! `Debug` of the models that hold secrets ([`session::Model`], [`account::Model`],
//! [`verification_token::Model`]) redacts them.
#![forbid(unsafe_code)]

pub mod prelude;

pub mod account;
pub mod authenticator;
pub mod better_auth;
pub mod prisma;
pub mod session;
pub mod timestamp;
pub mod user;
pub mod verification_token;
pub mod wide_int;

pub use timestamp::Timestamp;
pub use wide_int::WideInt;

/// What `Debug` prints in place of a secret value.
pub const REDACTED: &str = "[redacted]";

/// `Debug` helper for an optional secret: shows whether it is set, never its value.
pub fn redact_opt(value: &Option<String>) -> Option<&'static str> {
    value.as_ref().map(|_| REDACTED)
}
