//! `accounts`: OAuth and other accounts linked to a user (Auth.js's `account`).

use authjs_sea_orm::schema::AccountTable;
use sea_orm::entity::prelude::*;

/// A row of `accounts`. Primary key `(provider, provider_account_id)`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    /// Owner, `users.id`.
    pub user_id: i64,
    /// Account type (`oauth`, `oidc`, `email`, `webauthn`).
    pub r#type: String,
    /// Provider id.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub provider: String,
    /// The account's id at the provider.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub provider_account_id: String,
    /// OAuth refresh token (secret).
    #[sea_orm(column_type = "Text", nullable)]
    pub refresh_token: Option<String>,
    /// OAuth access token (secret).
    #[sea_orm(column_type = "Text", nullable)]
    pub access_token: Option<String>,
    /// Access token expiry, epoch seconds.
    pub expires_at: Option<i64>,
    /// Token type.
    pub token_type: Option<String>,
    /// Scopes.
    #[sea_orm(column_type = "Text", nullable)]
    pub scope: Option<String>,
    /// OpenID Connect id token (secret).
    #[sea_orm(column_type = "Text", nullable)]
    pub id_token: Option<String>,
    /// OAuth session state (secret).
    #[sea_orm(column_type = "Text", nullable)]
    pub session_state: Option<String>,
}

// Written by hand: tokens stay out of logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("user_id", &self.user_id)
            .field("type", &self.r#type)
            .field("provider", &self.provider)
            .field("provider_account_id", &self.provider_account_id)
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Relations of `accounts`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `accounts.user_id` → `users.id`, `ON DELETE CASCADE`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl AccountTable for Entity {
    const USER_ID: Column = Column::UserId;
    const TYPE: Column = Column::Type;
    const PROVIDER: Column = Column::Provider;
    const PROVIDER_ACCOUNT_ID: Column = Column::ProviderAccountId;
    const REFRESH_TOKEN: Column = Column::RefreshToken;
    const ACCESS_TOKEN: Column = Column::AccessToken;
    const EXPIRES_AT: Column = Column::ExpiresAt;
    const TOKEN_TYPE: Column = Column::TokenType;
    const SCOPE: Column = Column::Scope;
    const ID_TOKEN: Column = Column::IdToken;
    const SESSION_STATE: Column = Column::SessionState;
}
