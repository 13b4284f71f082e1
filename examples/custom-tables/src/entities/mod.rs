//! The app's entities, each with its mapping onto the Auth.js record it stores.

pub mod accounts;
pub mod authenticators;
pub mod sessions;
pub mod users;
pub mod verification_tokens;
