//! `SeaORM` Entity for the Auth.js `authenticator` table (WebAuthn credentials).

use sea_orm::entity::prelude::*;

use crate::WideInt;

/// A row of `authenticator`. Primary key `(userId, credentialID)`; `credentialID` is unique on its own.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "authenticator")]
pub struct Model {
    /// Base64 credential id.
    #[sea_orm(primary_key, auto_increment = false, column_name = "credentialID", column_type = "Text", unique)]
    pub credential_id: String,
    /// Owner, `user.id`.
    #[sea_orm(primary_key, auto_increment = false, column_name = "userId", column_type = "Text")]
    pub user_id: String,
    /// The WebAuthn account's `providerAccountId` (the base64 credential id).
    #[sea_orm(column_name = "providerAccountId", column_type = "Text")]
    pub provider_account_id: String,
    /// Base64 public key.
    #[sea_orm(column_name = "credentialPublicKey", column_type = "Text")]
    pub credential_public_key: String,
    /// Signature counter.
    pub counter: WideInt,
    /// `singleDevice` or `multiDevice`.
    #[sea_orm(column_name = "credentialDeviceType", column_type = "Text")]
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    #[sea_orm(column_name = "credentialBackedUp")]
    pub credential_backed_up: bool,
    /// Comma-joined transports, such as `usb,ble,nfc`.
    #[sea_orm(column_type = "Text", nullable)]
    pub transports: Option<String>,
}

/// Relations of `authenticator`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `authenticator.userId` → `user.id`, `ON DELETE CASCADE`.
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
