//! `SeaORM` Entity for the Auth.js `verificationToken` table (magic-link tokens).

use sea_orm::entity::prelude::*;

use crate::{REDACTED, Timestamp};

/// A row of `verificationToken`. Primary key `(identifier, token)`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verificationToken")]
pub struct Model {
    /// Who the token is for (the e-mail address).
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub identifier: String,
    /// The hashed token, `sha256_hex(raw_token + secret)` (secret).
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub token: String,
    /// Absolute expiry.
    pub expires: Timestamp,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("identifier", &self.identifier)
            .field("token", &REDACTED)
            .field("expires", &self.expires)
            .finish()
    }
}

/// `verificationToken` has no relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
