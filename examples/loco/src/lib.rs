//! A Loco 1.2 app whose users sign in with magic links through `authjs-sea-orm`, on Loco's own `users` table.
//!
//! - [`app`]: the Loco `Hooks`, with the `AuthInitializer` of `authjs-sea-orm-loco`;
//! - [`models`]: Loco's `users` entity mapped onto the adapter (`impl UserTable`), and the auth tables' entities;
//! - [`controllers`]: the sign-in form, the magic-link callback, sign-out, a protected page and a JSON endpoint; every
//!   form carries a CSRF token, checked on every `POST` (403 without) by [`authjs_sea_orm::axum::csrf`];
//! - [`mailers`]: the magic-link e-mail, sent with Loco's mailer.
//!
//! The migrations are the `example-loco-migration` crate (`examples/loco/migration`).

pub mod app;
pub mod controllers;
pub mod mailers;
pub mod models;
