//! The app's migrator. It creates the app's own auth tables; an app on the default Auth.js tables would splice
//! `authjs_sea_orm::migration::migrations()` in here instead.

use sea_orm_migration::prelude::*;

mod m20261126_000001_create_users_and_auth;

/// The app's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261126_000001_create_users_and_auth::Migration)]
    }
}
