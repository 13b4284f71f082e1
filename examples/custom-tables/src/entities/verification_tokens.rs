//! `verification_tokens`: magic-link tokens.

use authjs_sea_orm::entity::Timestamp;
use sea_orm::entity::prelude::*;

/// A row of `verification_tokens`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verification_tokens")]
pub struct Model {
    /// The e-mail address.
    #[sea_orm(primary_key, auto_increment = false)]
    pub identifier: String,
    /// The hashed token.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token: String,
    /// Expiry.
    pub expires: Timestamp,
}

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

// Every column under its Auth.js name.
authjs_sea_orm::verification_token_table!();
