//! `SeaORM` Entity for the Auth.js `account` table (OAuth/OIDC, e-mail and WebAuthn accounts linked to a user).

use sea_orm::entity::prelude::*;

use crate::{WideInt, redact_opt};

/// A row of `account`. Primary key `(provider, providerAccountId)`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    /// Owner, `user.id`.
    #[sea_orm(column_name = "userId", column_type = "Text")]
    pub user_id: String,
    /// `oauth`, `oidc`, `email` or `webauthn`.
    #[sea_orm(column_name = "type", column_type = "Text")]
    pub r#type: String,
    /// Provider id, such as `github`.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub provider: String,
    /// The account's id at the provider.
    #[sea_orm(primary_key, auto_increment = false, column_name = "providerAccountId", column_type = "Text")]
    pub provider_account_id: String,
    /// OAuth refresh token (secret).
    #[sea_orm(column_type = "Text", nullable)]
    pub refresh_token: Option<String>,
    /// OAuth access token (secret).
    #[sea_orm(column_type = "Text", nullable)]
    pub access_token: Option<String>,
    /// Access token expiry, epoch seconds.
    pub expires_at: Option<WideInt>,
    /// Lower-cased token type, such as `bearer`.
    #[sea_orm(column_type = "Text", nullable)]
    pub token_type: Option<String>,
    /// Granted scopes, space separated.
    #[sea_orm(column_type = "Text", nullable)]
    pub scope: Option<String>,
    /// OpenID Connect id token (secret).
    #[sea_orm(column_type = "Text", nullable)]
    pub id_token: Option<String>,
    /// OAuth `session_state` (secret).
    #[sea_orm(column_type = "Text", nullable)]
    pub session_state: Option<String>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("user_id", &self.user_id)
            .field("type", &self.r#type)
            .field("provider", &self.provider)
            .field("provider_account_id", &self.provider_account_id)
            .field("refresh_token", &redact_opt(&self.refresh_token))
            .field("access_token", &redact_opt(&self.access_token))
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("id_token", &redact_opt(&self.id_token))
            .field("session_state", &redact_opt(&self.session_state))
            .finish()
    }
}

/// Relations of `account`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `account.userId` → `user.id`, `ON DELETE CASCADE`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
