//! The migrations that create the Auth.js tables.
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

use sea_orm_migration::prelude::*;

pub use sea_orm_migration::{MigrationTrait, MigratorTrait};

pub mod columns;
mod m20261126_000001_create_auth_tables;
mod m20261127_000001_no_pad_keys;

pub use m20261126_000001_create_auth_tables::CreateAuthTables;

/// The Auth.js migrations, oldest first, to include in an application's `Migrator`.
pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(CreateAuthTables::<crate::schema::Tables>::new()), Box::new(m20261127_000001_no_pad_keys::Migration)]
}

/// A migrator that runs only the Auth.js migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        migrations()
    }
}
