//! `SeaORM` Entity for the Auth.js `session` table (database sessions).

use sea_orm::entity::prelude::*;

use crate::{REDACTED, Timestamp};

/// A row of `session`. Primary key `sessionToken`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    /// The random value kept in the session cookie (secret).
    #[sea_orm(primary_key, auto_increment = false, column_name = "sessionToken", column_type = "Text")]
    pub session_token: String,
    /// Owner, `user.id`.
    #[sea_orm(column_name = "userId", column_type = "Text")]
    pub user_id: String,
    /// Absolute expiry.
    pub expires: Timestamp,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("session_token", &REDACTED)
            .field("user_id", &self.user_id)
            .field("expires", &self.expires)
            .finish()
    }
}

/// Relations of `session`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `session.userId` → `user.id`, `ON DELETE CASCADE`.
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
