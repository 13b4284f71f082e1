//! The migrations of `examples/loco`, as in any Loco app's `migration` crate: Loco's `users` table, then the Auth.js
//! tables (`accounts`, `sessions`, `verification_tokens`, `authenticators`) whose `user_id` refers to `users.id`.
//!
//! The auth tables are this app's own migration rather than `authjs_sea_orm::migration::migrations()`: those create
//! the Auth.js `user` table too, and here the users table is Loco's. Their columns use
//! `authjs_sea_orm::migration::v1::columns`, so they hold what the adapter writes with the Auth.js encodings.

pub use sea_orm_migration::prelude::*;

mod m20220101_000001_users;
mod m20261126_000001_auth_tables;

/// The app's migrator: `cargo run -p example-loco -- db migrate` runs it, and so does boot with `auto_migrate`.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20220101_000001_users::Migration), Box::new(m20261126_000001_auth_tables::Migration)]
    }
}
