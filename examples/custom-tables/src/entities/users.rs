//! `users`: the app's users, with a role, a phone number and a creation date.

use authjs_sea_orm::entity::Timestamp;
use authjs_sea_orm::schema::{IdKind, UserTable};
use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::{DbBackend, Value};

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// E-mail address.
    #[sea_orm(unique)]
    pub email: Option<String>,
    /// When the address was verified.
    pub email_verified: Option<Timestamp>,
    /// Avatar URL.
    pub image: Option<String>,
    /// `member` unless the app said otherwise.
    pub role: String,
    /// Phone number.
    pub phone: Option<String>,
    /// When the user signed up.
    pub created_at: Timestamp,
}

/// Relations of `users`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The app's part of a new user.
#[derive(Clone, Debug, Default)]
pub struct NewProfile {
    /// Role; `member` when `None`.
    pub role: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

impl UserTable for Entity {
    type Extra = Model;
    type NewExtra = NewProfile;
    const ID_KIND: IdKind = IdKind::Text;
    const ID: Column = Column::Id;
    const NAME: Option<Column> = Some(Column::Name);
    const EMAIL: Column = Column::Email;
    const EMAIL_VERIFIED: Option<Column> = Some(Column::EmailVerified);
    const IMAGE: Option<Column> = Some(Column::Image);

    fn extra(model: &Model) -> Model {
        model.clone()
    }

    fn new_extra_values(extra: NewProfile, backend: DbBackend) -> Vec<(Column, Value)> {
        vec![
            (Column::Role, extra.role.unwrap_or_else(|| "member".to_owned()).into()),
            (Column::Phone, extra.phone.into()),
            (Column::CreatedAt, Timestamp::new(Utc::now()).to_value(backend)),
        ]
    }
}
