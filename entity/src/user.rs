//! `SeaORM` Entity for the Auth.js `user` table.

use sea_orm::entity::prelude::*;

use crate::Timestamp;

/// A row of `user`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    /// Primary key (a UUID v4 string unless the app chose otherwise).
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub id: String,
    /// Display name.
    #[sea_orm(column_type = "Text", nullable)]
    pub name: Option<String>,
    /// E-mail address, unique.
    #[sea_orm(column_type = "Text", nullable, unique)]
    pub email: Option<String>,
    /// When the e-mail address was verified (first magic-link sign-in).
    #[sea_orm(column_name = "emailVerified", nullable)]
    pub email_verified: Option<Timestamp>,
    /// Avatar URL.
    #[sea_orm(column_type = "Text", nullable)]
    pub image: Option<String>,
}

/// Relations of `user`: it has many accounts, sessions and authenticators.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `account.userId` → `user.id`.
    #[sea_orm(has_many = "super::account::Entity")]
    Account,
    /// `authenticator.userId` → `user.id`.
    #[sea_orm(has_many = "super::authenticator::Entity")]
    Authenticator,
    /// `session.userId` → `user.id`.
    #[sea_orm(has_many = "super::session::Entity")]
    Session,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl Related<super::authenticator::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Authenticator.def()
    }
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
