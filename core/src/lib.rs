//! Auth.js sessions in Rust, without a database dependency: the Auth.js adapter contract ([`Adapter`]) and its
//! types, and, behind features, what a Rust service needs to share users and sessions with a Next.js app running
//! Auth.js v5 or next-auth v4 — session JWTs ([`jwt`]), cookies, CSRF, magic links and session rules with Axum
//! extractors ([`axum`]), and an in-process session cache ([`cache`]).
//!
//! This crate stores nothing. A store implements [`Adapter`]: `authjs-sea-orm` on SeaORM (SQLite, PostgreSQL,
//! MySQL/MariaDB; the Drizzle and Prisma adapters' tables), or your own on sqlx or diesel. An app whose Auth.js
//! keeps sessions in a JWT and has no adapter at all needs no store: [`axum::AuthConfig::jwt_claims`] reads the
//! session cookie's claims.
//!
//! # Features
//!
//! | feature | what it enables |
//! |---|---|
//! | `jwt` | the `jwt` module: Auth.js session JWTs (v5 and next-auth v4), encrypted and decrypted with RustCrypto crates |
//! | `axum` | the `axum` module (and `jwt`): session extractors for database and JWT sessions, Auth.js cookies, sign-in/out, magic links, CSRF guard, magic-link request limits |
//! | `cache` | the `cache` module: `CachedAdapter`, an in-process cache of `get_session_and_user` around any adapter (moka) |
//! | `better-auth` | the `better_auth` module (and `jwt`): a Better Auth app's signed session cookies, cookie cache and session rules over a `SessionStore`; its Axum extractors with `axum` |
//!
//! No feature pulls in a database crate (CI checks the dependency tree).
//!
//! # Guides
//!
//! The [`guide`] pages, every Rust snippet in them a doctest: [JWT sessions](guide::jwt_sessions) (a Next.js app's
//! `strategy: "jwt"` sessions, v5 and v4), the [session cache](guide::session_cache), and the
//! [security](guide::security) of sessions, CSRF and magic links, each claim with the test that holds it.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod adapter;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[cfg(feature = "better-auth")]
#[cfg_attr(docsrs, doc(cfg(feature = "better-auth")))]
pub mod better_auth;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
mod error;
pub mod guide {
    //! Guides to the Auth.js side (each a page of `core/docs/`, every Rust snippet in it a doctest). The storage
    //! side's (custom tables, joining a Drizzle or Prisma app, transaction poolers, the security and reliability of
    //! the stored rows) are `authjs-sea-orm`'s, in its `guide` module.

    #[cfg(feature = "axum")]
    #[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
    #[doc = include_str!("../docs/jwt-sessions.md")]
    pub mod jwt_sessions {}

    #[cfg(all(feature = "axum", feature = "cache"))]
    #[cfg_attr(docsrs, doc(cfg(all(feature = "axum", feature = "cache"))))]
    #[doc = include_str!("../docs/session-cache.md")]
    pub mod session_cache {}

    #[cfg(feature = "axum")]
    #[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
    #[doc = include_str!("../docs/security.md")]
    pub mod security {}
}
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod jwt;
mod types;

pub use adapter::Adapter;
pub use error::{DatabaseError, Error, Record, Result};
pub use types::{
    AccountType, AccountUpdate, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, HASHED_TOKEN_MARK,
    NewUser, SessionUpdate, TokenDigest, UserUpdate, VerificationToken, hashed_token,
};
