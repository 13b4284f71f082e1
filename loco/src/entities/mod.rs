//! The SeaORM entities of a Loco SaaS starter's `users` table and of the four auth tables that
//! [`migration::AuthTables`](crate::migration::AuthTables) creates beside it, each implementing its table trait of
//! [`authjs_sea_orm::schema`]: [`LocoTables`](crate::LocoTables) names them together.
//!
//! They are this crate's own definitions of those tables (the app keeps its own `models::_entities::users`, its
//! hooks and validator): the adapter reads and writes through them, and a row it writes is one the app's
//! `users::Model` reads and its validator accepts (see [`users`]).

pub mod accounts;
pub mod authenticators;
pub mod sessions;
pub mod users;
pub mod verification_tokens;
