//! The app's models: Loco's `users` (shared with the adapter) and the auth tables.

pub mod _entities;
pub mod users;

use authjs_sea_orm::schema::Tables;

/// The adapter's tables: Loco's `users`, and `accounts`, `sessions`, `verification_tokens`, `authenticators`.
pub type AppTables = Tables<
    _entities::users::Entity,
    _entities::accounts::Entity,
    _entities::sessions::Entity,
    _entities::verification_tokens::Entity,
    _entities::authenticators::Entity,
>;

/// What a signed-in request carries beside the Auth.js fields: the whole Loco user.
pub type User = users::Model;
