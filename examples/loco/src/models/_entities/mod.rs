//! SeaORM entities, as `sea-orm-cli generate entity` writes them in a Loco app (plus the adapter's mappings of the
//! auth tables, next to each entity).

pub mod accounts;
pub mod authenticators;
pub mod sessions;
pub mod users;
pub mod verification_tokens;
