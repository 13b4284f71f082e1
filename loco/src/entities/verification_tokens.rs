//! `verification_tokens`: magic-link tokens, hashed (Auth.js's `verificationToken`).

use authjs_sea_orm::entity::Timestamp;
use authjs_sea_orm::schema::VerificationTokenTable;
use sea_orm::entity::prelude::*;

/// A row of `verification_tokens`. Primary key `(identifier, token)`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verification_tokens")]
pub struct Model {
    /// The e-mail address the link was sent to.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub identifier: String,
    /// `sha256_hex(token + secret)` (secret).
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub token: String,
    /// Absolute expiry.
    pub expires: Timestamp,
}

// Written by hand: the token stays out of logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("identifier", &self.identifier)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// `verification_tokens` has no relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl VerificationTokenTable for Entity {
    const IDENTIFIER: Column = Column::Identifier;
    const TOKEN: Column = Column::Token;
    const EXPIRES: Column = Column::Expires;
}
