//! An app's own auth tables: `users`, `accounts`, `sessions`, `verification_tokens`, `authenticators`, with
//! snake_case columns and extra user columns (`role`, `phone`, `created_at`), mapped onto the adapter.
//!
//! - [`entities`]: the app's SeaORM entities and their mappings (`impl UserTable for users::Entity`, ...);
//! - [`migration`]: the app's migrator creating those tables;
//! - [`adapter`]: the adapter on them.

pub mod entities;
pub mod migration;

use authjs_sea_orm::SeaOrmAdapter;
use authjs_sea_orm::schema::Tables;
use sea_orm::DatabaseConnection;

/// The app's tables, as one schema.
pub type AppTables = Tables<
    entities::users::Entity,
    entities::accounts::Entity,
    entities::sessions::Entity,
    entities::verification_tokens::Entity,
    entities::authenticators::Entity,
>;

/// The adapter on the app's tables.
pub fn adapter(db: DatabaseConnection) -> SeaOrmAdapter<AppTables> {
    SeaOrmAdapter::new(db)
        .with_users::<entities::users::Entity>()
        .with_accounts::<entities::accounts::Entity>()
        .with_sessions::<entities::sessions::Entity>()
        .with_verification_tokens::<entities::verification_tokens::Entity>()
        .with_authenticators::<entities::authenticators::Entity>()
}
