//! `authenticators`: WebAuthn credentials.

use sea_orm::entity::prelude::*;

/// A row of `authenticators`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "authenticators")]
pub struct Model {
    /// Credential id.
    #[sea_orm(primary_key, auto_increment = false, unique)]
    pub credential_id: String,
    /// Owner.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// The WebAuthn account's id.
    pub provider_account_id: String,
    /// Public key.
    pub credential_public_key: String,
    /// Signature counter.
    pub counter: i64,
    /// Device type.
    pub credential_device_type: String,
    /// Backed up.
    pub credential_backed_up: bool,
    /// Transports.
    pub transports: Option<String>,
}

/// Relations of `authenticators`.
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
authjs_sea_orm::authenticator_table!();
