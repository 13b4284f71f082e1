//! `SeaORM` Entity prelude: the five Auth.js entities under their table names.

pub use super::account::Entity as Account;
pub use super::authenticator::Entity as Authenticator;
pub use super::session::Entity as Session;
pub use super::user::Entity as User;
pub use super::verification_token::Entity as VerificationToken;
