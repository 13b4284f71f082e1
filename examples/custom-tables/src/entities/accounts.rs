//! `accounts`: OAuth and other accounts linked to a user.

use sea_orm::entity::prelude::*;

/// A row of `accounts`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    /// Owner.
    pub user_id: String,
    /// Account type.
    pub r#type: String,
    /// Provider id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider: String,
    /// Id at the provider.
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider_account_id: String,
    /// Refresh token.
    pub refresh_token: Option<String>,
    /// Access token.
    pub access_token: Option<String>,
    /// Expiry, epoch seconds.
    pub expires_at: Option<i64>,
    /// Token type.
    pub token_type: Option<String>,
    /// Scopes.
    pub scope: Option<String>,
    /// Id token.
    pub id_token: Option<String>,
    /// Session state.
    pub session_state: Option<String>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("user_id", &self.user_id)
            .field("provider", &self.provider)
            .field("provider_account_id", &self.provider_account_id)
            .finish_non_exhaustive()
    }
}

/// Relations of `accounts`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The owner.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl ActiveModelBehavior for ActiveModel {}

// Every column under its Auth.js name.
authjs_sea_orm::account_table!();
