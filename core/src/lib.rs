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
//!
//! No feature pulls in a database crate (CI checks the dependency tree).
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod adapter;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
mod error;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod jwt;
mod types;

pub use adapter::Adapter;
pub use error::{DatabaseError, Error, Record, Result};
pub use types::{
    AccountType, AccountUpdate, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, HASHED_TOKEN_MARK,
    NewUser, SessionUpdate, UserUpdate, VerificationToken, hashed_token,
};
