//! Auth.js-compatible authentication persistence for SeaORM: users, OAuth accounts, database sessions, magic-link
//! verification tokens and WebAuthn authenticators, on SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! [`SeaOrmAdapter`] is the Rust counterpart of `DrizzleAdapter(db)` from `@auth/drizzle-adapter`: it implements
//! every method of the Auth.js adapter contract ([`Adapter`]) on the tables of the Drizzle adapter's default schema,
//! so a Rust service and a Next.js app running Auth.js can share one database.
//!
//! # Quick start
//!
//! Pick a backend and a runtime (see [Features](#features)):
//!
//! ```toml
//! [dependencies]
//! # Not on crates.io yet: a path to a checkout of the repository (or `git = "<its URL>"`).
//! authjs-sea-orm = { path = "../authjs-sea-orm/adapter", features = ["sqlite", "runtime-tokio-rustls"] }
//! ```
//!
//! Create the tables, then call the adapter:
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
//! let adapter = SeaOrmAdapter::new(db); // cheap to clone: use it as application state
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
//!
//! Not found is `Ok(None)`; a duplicate is [`Error::Conflict`]; error messages and `Debug` output never hold a
//! token.
//!
//! # Features
//!
//! | feature | default | what it enables |
//! |---|---|---|
//! | `migration` | yes | the [`migration`] module: the migration creating the Auth.js tables (sea-orm-migration) |
//! | `sqlite` | | SQLite (sea-orm's `sqlx-sqlite`), with the settings [`connect`] applies to it |
//! | `postgres` | | PostgreSQL (sea-orm's `sqlx-postgres`) |
//! | `mysql` | | MySQL and MariaDB (sea-orm's `sqlx-mysql`), with the settings [`connect`] applies to them |
//! | `runtime-tokio-rustls` | | Tokio, TLS by rustls |
//! | `runtime-tokio-native-tls` | | Tokio, TLS by the platform's library (OpenSSL on Linux) |
//! | `runtime-tokio` | | Tokio without TLS |
//! | `jwt` | | the `jwt` module: Auth.js session JWTs (v5 and next-auth v4), encrypted and decrypted with RustCrypto crates |
//! | `axum` | | the [`axum`] module (and `jwt`): session extractors for database and JWT sessions, Auth.js cookies, sign-in/out, magic links, CSRF guard |
//! | `cache` | | the `cache` module: `CachedAdapter`, an in-process cache of `get_session_and_user` and `get_user` around any adapter (moka), with a time-to-live and a bounded size; with `postgres`, `CacheListener`, which keeps it current from the [`cache_triggers`]' notifications |
//! | `better-auth` | | the `better_auth` module: `BetterAuthStore`, Better Auth's sessions and users on its own tables (or those of its Drizzle CLI), for `authjs-core`'s Better Auth sessions |
//!
//! The backend and runtime features forward to sea-orm's (and sea-orm-migration's) features of the same meaning.
//! Enable at least one backend and a runtime, usually those of your own `sea-orm` dependency.
//!
//! Why no backend and no runtime by default, as in SeaORM's own crates: they are your application's choice, already
//! made in its `sea-orm` dependency, and default features cannot be turned off by the crates above this one. A
//! default SQLite would compile SQLite's C library into every PostgreSQL application depending on this crate
//! through another (`authjs-sea-orm-loco`, say), and a default TLS stack would clash with the one you picked.
//! `migration` is on by default because nearly every application creates the tables with it; turn default features
//! off if another tool owns your schema (`drizzle-kit` on the Next.js side, say) to leave sea-orm-migration out.
//!
//! Enable a backend through this crate's feature, not only through sea-orm's: its settings and the classification
//! of the values the database refuses ([`Error::InvalidInput`]) are compiled with the feature, and [`connect`]
//! refuses a URL whose feature is off.
//!
//! # Backends
//!
//! | backend | URL | [`connect`] sets |
//! |---|---|---|
//! | SQLite | `sqlite://auth.db?mode=rwc`, `sqlite::memory:` | foreign keys, WAL, a 5 s busy timeout |
//! | PostgreSQL 12+ | `postgres://user:pass@host/db` | |
//! | MariaDB 10.5+ (MySQL 8: not run in CI) | `mysql://user:pass@host/db` | UTC session time zone, strict SQL mode |
//!
//! [`SeaOrmAdapter::new`] takes any [`sea_orm::DatabaseConnection`]; if you build it yourself, start from
//! [`connect_options`]. Which writes return their row (`RETURNING`) is decided per server, once.
//!
//! # Custom tables
//!
//! Like `DrizzleAdapter(db, { usersTable, ... })`, the adapter works on your own tables: implement the [`schema`]
//! traits on your SeaORM entities and swap them in with [`SeaOrmAdapter::with_users`] and its siblings (other
//! names, a PostgreSQL schema, integer or uuid user ids, extra user columns). Guide:
//! [custom tables](guide::custom_tables).
//!
//! # Prisma
//!
//! A Next.js app on `@auth/prisma-adapter` keeps its users in Prisma's tables (`User`, `Account`, ...):
//! `SeaOrmAdapter::<prisma::PrismaTables>::with_schema(db)` works on them, writing ids, timestamps and dates as
//! Prisma's client does; [`prisma::PrismaV4Tables`] is next-auth v4's schema. See [`prisma`], and for a database a
//! Drizzle or Prisma app created already, the guide [joining an existing Next.js app](guide::adoption).
//!
//! # Axum
//!
//! With the `axum` feature, the [`axum`] module reads the Auth.js session cookie in handlers
//! (`CurrentSession`, `MaybeSession`) with Auth.js's session rules, and signs users in and out. The
//! `authjs-sea-orm-loco` crate builds on it for Loco apps.
//!
//! # Session cache
//!
//! With the `cache` feature, `cache::CachedAdapter` (from `authjs-core`) wraps any adapter and answers
//! `get_session_and_user` (and `get_user`) from memory for a set time-to-live; this process's own writes (sign-out,
//! session and user updates and deletes) are seen at once, other processes' within the time-to-live. It is an
//! [`Adapter`] itself, so it goes wherever the adapter went (the `cache` module runs one on SQLite; `authjs-core`'s
//! [guides](authjs_core::guide) tell how to choose its time-to-live). On PostgreSQL, [`cache_triggers`] and
//! `cache::CacheListener` tell every process's cache of every write, by any client, within milliseconds (guide:
//! [cache invalidation](guide::cache_invalidation)).
//!
//! # Migrations
//!
//! The [`migration`] module (default feature `migration`) creates the tables: `Migrator::up(&db, None)`, or splice
//! `migration::migrations()` into your application's own `Migrator` so that one `seaql_migrations` table tracks
//! both. It also creates custom tables with the Auth.js column types, for a migration of your own.
//!
//! # Guides
//!
//! The [`guide`] pages, every Rust snippet in them a doctest: [custom tables](guide::custom_tables),
//! [joining an existing Next.js app](guide::adoption) (Drizzle or Prisma, and what differs between the two sides),
//! [transaction poolers](guide::transaction_poolers), [security](guide::security) and
//! [reliability](guide::reliability) (each claim with the test that holds it), [performance](guide::performance).
//! `authjs-core`'s [guides](authjs_core::guide) cover the Auth.js side: JWT sessions, the session cache, the security
//! of sessions, CSRF and magic links.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[cfg(feature = "better-auth")]
#[cfg_attr(docsrs, doc(cfg(feature = "better-auth")))]
pub mod better_auth;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache {
    //! `authjs-core`'s session cache (feature `cache`): [`CachedAdapter`] around any adapter. See
    //! [`authjs_core::cache`] for what it guarantees. On SQLite, from sign-in to sign-out:
    //!
    //! ```
    //! use std::time::Duration;
    //!
    //! use authjs_sea_orm::cache::CachedAdapter;
    //! use authjs_sea_orm::migration::{Migrator, MigratorTrait};
    //! use authjs_sea_orm::{Adapter, AdapterSession, NewUser, SeaOrmAdapter};
    //! use chrono::Utc;
    //!
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    //! let db = authjs_sea_orm::connect("sqlite::memory:").await?;
    //! Migrator::up(&db, None).await?;
    //! let adapter = CachedAdapter::builder(SeaOrmAdapter::new(db))
    //!     .time_to_live(Duration::from_secs(30)) // how stale a write made elsewhere can be seen here
    //!     .max_capacity(100_000) // sessions kept in memory at most
    //!     .build(); // an `Adapter` too: use it wherever the uncached adapter went (`Auth::new`, Loco)
    //!
    //! let user = adapter.create_user(NewUser { email: Some("ada@example.com".into()), ..NewUser::default() }).await?;
    //! let session = AdapterSession {
    //!     session_token: "a-random-session-token".into(),
    //!     user_id: user.id.clone(),
    //!     expires: Utc::now() + chrono::Duration::days(30),
    //! };
    //! adapter.create_session(session.clone()).await?;
    //! assert!(adapter.get_session_and_user(&session.session_token).await?.is_some()); // from the database
    //! assert!(adapter.get_session_and_user(&session.session_token).await?.is_some()); // from memory
    //!
    //! adapter.delete_session(&session.session_token).await?; // sign out: seen at once by this process
    //! assert_eq!(adapter.get_session_and_user(&session.session_token).await?, None);
    //! # Ok(())
    //! # }
    //! ```

    pub use authjs_core::cache::*;

    #[cfg(feature = "postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
    pub use crate::cache_listener::{
        CacheListener, DEFAULT_HEALTH_CHECK, LISTENER_APPLICATION_NAME, ListenerHandle, MAX_RECONNECT_DELAY,
        MIN_RECONNECT_DELAY,
    };
}
#[cfg(all(feature = "cache", feature = "postgres"))]
mod cache_listener;
pub mod cache_triggers;
mod conn;
mod connect;
mod convert;
mod dialect;
mod error;
pub mod guide {
    //! Guides (each a page of `adapter/docs/`, every Rust snippet in it a doctest).
    //!
    //! The Auth.js side's guides (JWT sessions, the session cache, the security of sessions, CSRF and magic links)
    //! are `authjs-core`'s: [`authjs_core::guide`]. Loco apps: the `authjs-sea-orm-loco` crate's documentation.

    #[cfg(feature = "migration")]
    #[cfg_attr(docsrs, doc(cfg(feature = "migration")))]
    #[doc = include_str!("../docs/custom-tables.md")]
    pub mod custom_tables {}

    #[cfg(feature = "migration")]
    #[cfg_attr(docsrs, doc(cfg(feature = "migration")))]
    #[doc = include_str!("../docs/adoption.md")]
    pub mod adoption {}

    #[doc = include_str!("../docs/transaction-poolers.md")]
    pub mod transaction_poolers {}

    #[doc = include_str!("../docs/security.md")]
    pub mod security {}

    #[doc = include_str!("../docs/reliability.md")]
    pub mod reliability {}

    #[doc = include_str!("../docs/performance.md")]
    pub mod performance {}

    #[cfg(all(feature = "cache", feature = "postgres", feature = "migration"))]
    #[cfg_attr(docsrs, doc(cfg(all(feature = "cache", feature = "postgres", feature = "migration"))))]
    #[doc = include_str!("../docs/cache-invalidation.md")]
    pub mod cache_invalidation {}
}
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod jwt {
    //! `authjs-core`'s Auth.js session JWTs (feature `jwt`), re-exported: see [`authjs_core::jwt`].
    pub use authjs_core::jwt::*;
}
#[cfg(feature = "migration")]
#[cfg_attr(docsrs, doc(cfg(feature = "migration")))]
pub mod migration;
pub mod prisma;
pub mod schema;
mod sea_orm_adapter;
mod table_macros;

/// The database-free Auth.js side this crate builds on (the `authjs-core` crate): everything of it is re-exported
/// here under the same paths (`authjs_sea_orm::Adapter`, `authjs_sea_orm::axum::…`).
pub use authjs_core as core;
/// The SeaORM entities of the Auth.js tables (the `authjs-sea-orm-entity` crate).
pub use authjs_sea_orm_entity as entity;

/// The repository's README: its Rust snippets are doctests of this crate (they use the `axum` feature).
#[cfg(all(doctest, feature = "axum"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The conversions the conformance harness uses to read mapped tables without the adapter. Not part of the API: it
/// may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::convert::{account, authenticator, session, user, user_id_value, verification_token};
    pub use sea_orm;
}

pub use authjs_core::{
    AccountType, AccountUpdate, Adapter, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser,
    DatabaseError, Error, HASHED_TOKEN_MARK, NewUser, Record, Result, SessionUpdate, TokenDigest, UserUpdate,
    VerificationToken,
};
pub use conn::AdapterConnection;
pub use connect::{connect, connect_options};
pub use sea_orm_adapter::SeaOrmAdapter;
