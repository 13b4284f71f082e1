//! `sessions`: database sessions (Auth.js's `session`).

use authjs_sea_orm::entity::Timestamp;
use authjs_sea_orm::schema::SessionTable;
use sea_orm::entity::prelude::*;

/// A row of `sessions`. Primary key `session_token`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// The random value kept in the session cookie (secret), or its hash.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub session_token: String,
    /// Owner, `users.id`.
    pub user_id: i64,
    /// Absolute expiry.
    pub expires: Timestamp,
}

// Written by hand: the session token stays out of logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("user_id", &self.user_id).field("expires", &self.expires).finish_non_exhaustive()
    }
}

/// Relations of `sessions`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `sessions.user_id` → `users.id`, `ON DELETE CASCADE`.
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

impl SessionTable for Entity {
    const SESSION_TOKEN: Column = Column::SessionToken;
    const USER_ID: Column = Column::UserId;
    const EXPIRES: Column = Column::Expires;
}
