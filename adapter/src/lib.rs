//! Auth.js-compatible authentication persistence for SeaORM: users, OAuth accounts, database sessions, magic-link
//! verification tokens and WebAuthn authenticators, on SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! [`SeaOrmAdapter`] is the Rust counterpart of `DrizzleAdapter(db)` from `@auth/drizzle-adapter`: it implements
//! every method of the Auth.js adapter contract ([`Adapter`]) on the tables of the Drizzle adapter's default schema,
//! so a Rust service and a Next.js app running Auth.js can share one database.
//!
//! ```
//! use authjs_sea_orm::{Adapter, AdapterSession, NewUser, SeaOrmAdapter};
//! use authjs_sea_orm::migration::{Migrator, MigratorTrait};
//! use chrono::{Duration, Utc};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = authjs_sea_orm::connect("sqlite::memory:").await?;
//! Migrator::up(&db, None).await?;
//! let adapter = SeaOrmAdapter::new(db);
//!
//! let user = adapter
//!     .create_user(NewUser { email: Some("ada@example.com".into()), ..NewUser::default() })
//!     .await?;
//! let session = adapter
//!     .create_session(AdapterSession {
//!         session_token: "a-random-session-token".into(),
//!         user_id: user.id.clone(),
//!         expires: Utc::now() + Duration::days(30),
//!     })
//!     .await?;
//!
//! let (found, owner) = adapter.get_session_and_user(&session.session_token).await?.expect("session exists");
//! assert_eq!(found, session);
//! assert_eq!(owner, user);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod adapter;
#[cfg(feature = "axum")]
pub mod axum;
mod connect;
mod convert;
mod dialect;
mod error;
pub mod migration;
pub mod schema;
mod sea_orm_adapter;
mod table_macros;
mod types;

/// The SeaORM entities of the Auth.js tables (the `authjs-sea-orm-entity` crate).
pub use authjs_sea_orm_entity as entity;

/// The conversions the conformance harness uses to read mapped tables without the adapter. Not part of the API: it
/// may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::convert::{account, authenticator, session, user, user_id_value, verification_token};
    pub use sea_orm;
}

pub use adapter::Adapter;
pub use connect::{connect, connect_options};
pub use error::{Error, Record, Result};
pub use sea_orm_adapter::SeaOrmAdapter;
pub use types::{
    AccountType, AccountUpdate, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, NewUser,
    SessionUpdate, UserUpdate, VerificationToken,
};
