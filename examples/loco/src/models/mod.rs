//! The app's models: Loco's `users` (shared with the adapter) and the auth tables.

pub mod _entities;
pub mod users;

use authjs_sea_orm::SeaOrmAdapter;
use authjs_sea_orm::schema::Tables;

/// The adapter's tables: Loco's `users`, and `accounts`, `sessions`, `verification_tokens`, `authenticators`.
pub type AppTables = Tables<
    _entities::users::Entity,
    _entities::accounts::Entity,
    _entities::sessions::Entity,
    _entities::verification_tokens::Entity,
    _entities::authenticators::Entity,
>;

/// The adapter on those tables: what `Auth`, `SignedIn` and `MaybeSignedIn` are parameterized by. A signed-in
/// request carries the whole Loco user in `session.user.extra`.
pub type AppAdapter = SeaOrmAdapter<AppTables>;
