//! `authenticators`: WebAuthn credentials (Auth.js's `authenticator`).

use authjs_sea_orm::schema::AuthenticatorTable;
use sea_orm::entity::prelude::*;

/// A row of `authenticators`. Primary key `(user_id, credential_id)`; `credential_id` is unique.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "authenticators")]
pub struct Model {
    /// Credential id.
    #[sea_orm(primary_key, auto_increment = false, unique, column_type = "Text")]
    pub credential_id: String,
    /// Owner, `users.id`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// The WebAuthn account's provider account id.
    #[sea_orm(column_type = "Text")]
    pub provider_account_id: String,
    /// Public key.
    #[sea_orm(column_type = "Text")]
    pub credential_public_key: String,
    /// Signature counter.
    pub counter: i64,
    /// Device type.
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    pub credential_backed_up: bool,
    /// Transports.
    pub transports: Option<String>,
}

/// Relations of `authenticators`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `authenticators.user_id` → `users.id`, `ON DELETE CASCADE`.
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

impl AuthenticatorTable for Entity {
    const CREDENTIAL_ID: Column = Column::CredentialId;
    const USER_ID: Column = Column::UserId;
    const PROVIDER_ACCOUNT_ID: Column = Column::ProviderAccountId;
    const CREDENTIAL_PUBLIC_KEY: Column = Column::CredentialPublicKey;
    const COUNTER: Column = Column::Counter;
    const CREDENTIAL_DEVICE_TYPE: Column = Column::CredentialDeviceType;
    const CREDENTIAL_BACKED_UP: Column = Column::CredentialBackedUp;
    const TRANSPORTS: Column = Column::Transports;
}
