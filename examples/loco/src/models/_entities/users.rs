//! `users`: Loco's standard users table.

use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Set by the database.
    pub created_at: DateTimeWithTimeZone,
    /// Set by the database, then by `before_save`.
    pub updated_at: DateTimeWithTimeZone,
    /// Auto-increment key (the adapter's user id, as a decimal string).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Loco's public id.
    pub pid: Uuid,
    /// E-mail address.
    #[sea_orm(unique)]
    pub email: String,
    /// Password hash (an unusable one for users who sign in with magic links).
    pub password: String,
    /// API key.
    #[sea_orm(unique)]
    pub api_key: String,
    /// Display name.
    pub name: String,
    /// Loco's password reset token.
    pub reset_token: Option<String>,
    /// When it was sent.
    pub reset_sent_at: Option<DateTimeWithTimeZone>,
    /// Loco's e-mail verification token.
    pub email_verification_token: Option<String>,
    /// When it was sent.
    pub email_verification_sent_at: Option<DateTimeWithTimeZone>,
    /// When the address was verified: the adapter's `email_verified`.
    pub email_verified_at: Option<DateTimeWithTimeZone>,
    /// Loco's own magic-link token (unused here: the adapter's verification tokens replace it).
    pub magic_link_token: Option<String>,
    /// Its expiry.
    pub magic_link_expiration: Option<DateTimeWithTimeZone>,
}

/// Relations of `users`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Linked accounts.
    #[sea_orm(has_many = "super::accounts::Entity")]
    Accounts,
    /// Sessions.
    #[sea_orm(has_many = "super::sessions::Entity")]
    Sessions,
}

impl Related<super::accounts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Accounts.def()
    }
}

impl Related<super::sessions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sessions.def()
    }
}
