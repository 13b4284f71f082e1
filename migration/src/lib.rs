//! This repository's migrator: the Auth.js tables, spliced into a `Migrator` the way an application includes them
//! in its own (see `authjs_sea_orm::migration`).

pub use sea_orm_migration::prelude::*;

/// Runs the Auth.js migrations. An application adds its own migrations after them.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        authjs_sea_orm::migration::migrations()
    }
}
