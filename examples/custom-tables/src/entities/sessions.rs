//! `sessions`: database sessions.

use authjs_sea_orm::entity::Timestamp;
use sea_orm::entity::prelude::*;

/// A row of `sessions`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// The cookie's token.
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_token: String,
    /// Owner.
    pub user_id: String,
    /// Expiry.
    pub expires: Timestamp,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("user_id", &self.user_id).field("expires", &self.expires).finish_non_exhaustive()
    }
}

/// Relations of `sessions`.
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
authjs_sea_orm::session_table!();
