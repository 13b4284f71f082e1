//! Loco's `users`, shared with the adapter: `impl UserTable` maps the Auth.js user onto it (id, email,
//! `email_verified_at`), and fills the NOT NULL columns the adapter knows nothing of when a magic-link sign-in
//! creates a user.

use authjs_sea_orm::schema::{IdKind, UserTable};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue, DbBackend, QueryFilter, Value};

pub use super::_entities::users::{ActiveModel, Column, Entity, Model};

/// What a sign-up may pass beside the Auth.js fields (sign-ups made by the magic-link helpers pass the default).
#[derive(Clone, Debug, Default)]
pub struct NewProfile {
    /// Display name; empty when `None` (Loco's `users.name` is NOT NULL).
    pub name: Option<String>,
}

/// A random value of 32 bytes, hex-encoded.
fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is not recoverable for an auth server.
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    hex::encode(bytes)
}

/// A password hash that no password matches: not a PHC string, so Loco's `verify_password` (argon2) rejects every
/// password for users who signed up with a magic link (Django's `!` convention).
pub fn unusable_password() -> String {
    format!("!{}", random_hex())
}

impl UserTable for Entity {
    type Extra = Model; // handlers get the whole Loco user
    type NewExtra = NewProfile;
    const ID_KIND: IdKind = IdKind::AutoIncrement;
    const ID: Column = Column::Id;
    // `name` is NOT NULL in Loco's table and the adapter writes NULL for a user without a name: it is filled by
    // `new_extra_values` instead, and read from `extra`.
    const NAME: Option<Column> = None;
    const EMAIL: Column = Column::Email;
    const EMAIL_VERIFIED: Option<Column> = Some(Column::EmailVerifiedAt);
    const IMAGE: Option<Column> = None;

    fn extra(model: &Model) -> Model {
        model.clone()
    }

    fn new_extra_values(extra: NewProfile, _: DbBackend) -> Vec<(Column, Value)> {
        // `created_at` and `updated_at` have database defaults.
        vec![
            (Column::Pid, Uuid::new_v4().into()),
            (Column::ApiKey, format!("lo-{}", Uuid::new_v4()).into()),
            (Column::Password, unusable_password().into()),
            (Column::Name, extra.name.unwrap_or_default().into()),
        ]
    }
}

impl Model {
    /// The user with Loco public id `pid`.
    ///
    /// # Errors
    /// On a database error.
    pub async fn find_by_pid(db: &impl ConnectionTrait, pid: Uuid) -> Result<Option<Self>, DbErr> {
        Entity::find().filter(Column::Pid.eq(pid)).one(db).await
    }
}

// Loco's usual hook (the adapter writes with sea-query, so hooks do not run for its writes; `new_extra_values`
// covers inserts).
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        let mut this = self;
        if insert {
            if this.pid.is_not_set() {
                this.pid = ActiveValue::Set(Uuid::new_v4());
            }
            if this.api_key.is_not_set() {
                this.api_key = ActiveValue::Set(format!("lo-{}", Uuid::new_v4()));
            }
            if this.password.is_not_set() {
                this.password = ActiveValue::Set(unusable_password());
            }
        } else if this.is_changed() {
            this.updated_at = ActiveValue::Set(chrono::Utc::now().into());
        }
        Ok(this)
    }
}
