//! [Loco](https://loco.rs) integration of `authjs-sea-orm`: Auth.js-compatible magic-link sign-in and database
//! sessions on the `users` table of a Loco app, in four steps.
//!
//! # Loco in four steps
//!
//! On an app made by `loco new` (the SaaS starter, SQLite or PostgreSQL), the four steps are about ten lines in six
//! files: two `Cargo.toml`, `migration/src/lib.rs`, `src/app.rs` and two configs.
//!
//! 1. The dependency, in the app's `Cargo.toml` and in `migration/Cargo.toml`. The crate is not on crates.io yet: a
//!    path to a checkout of this repository (below, one beside the app's directory), or `git = "<its URL>"` in both.
//!    A path is relative to the manifest that holds it, so the migration crate's has one `../` more:
//!
//!    ```toml
//!    # Cargo.toml, [dependencies]
//!    authjs-sea-orm-loco = { path = "../authjs-sea-orm/loco" }
//!    ```
//!
//!    ```toml
//!    # migration/Cargo.toml, [dependencies]
//!    authjs-sea-orm-loco = { path = "../../authjs-sea-orm/loco" }
//!    ```
//!
//! 2. The auth tables, in `migration/src/lib.rs`, after the starter's users migration ([`migration::AuthTables`]):
//!
//!    ```rust
//!    # use sea_orm_migration::prelude::*;
//!    # mod m20220101_000001_users {
//!    #     use sea_orm_migration::prelude::*;
//!    #     #[derive(DeriveMigrationName)]
//!    #     pub struct Migration;
//!    #     #[async_trait::async_trait]
//!    #     impl MigrationTrait for Migration {
//!    #         async fn up(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
//!    #             Ok(())
//!    #         }
//!    #     }
//!    # }
//!    # pub struct Migrator;
//!    # #[async_trait::async_trait]
//!    # impl MigratorTrait for Migrator {
//!    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
//!        vec![
//!            Box::new(m20220101_000001_users::Migration),
//!            Box::new(authjs_sea_orm_loco::migration::AuthTables), // this line
//!            // inject-above (do not remove this comment)
//!        ]
//!    }
//!    # }
//!    ```
//!
//! 3. The initializer, in `initializers()` of `src/app.rs` ([`AuthInitializer`]):
//!
//!    ```rust
//!    # use std::path::Path;
//!    # use loco_rs::app::Hooks;
//!    # use loco_rs::boot::{BootResult, StartMode};
//!    # use loco_rs::config::Config;
//!    # use loco_rs::controller::AppRoutes;
//!    # use loco_rs::environment::Environment;
//!    # use loco_rs::task::Tasks;
//!    use loco_rs::prelude::*;
//!    # mod initializers {
//!    #     pub mod view_engine {
//!    #         pub struct ViewEngineInitializer;
//!    #         #[async_trait::async_trait]
//!    #         impl loco_rs::app::Initializer for ViewEngineInitializer {
//!    #             fn name(&self) -> String {
//!    #                 "view-engine".to_owned()
//!    #             }
//!    #         }
//!    #     }
//!    # }
//!    # pub struct App;
//!
//!    #[async_trait]
//!    impl Hooks for App {
//!        async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
//!            Ok(vec![
//!                Box::new(initializers::view_engine::ViewEngineInitializer),
//!                Box::new(authjs_sea_orm_loco::AuthInitializer::loco().with_magic_link_routes()), // this line
//!            ])
//!        }
//!
//!        // The starter's other hooks, unchanged.
//!    #   fn app_name() -> &'static str {
//!    #       "app"
//!    #   }
//!    #   async fn boot(_mode: StartMode, _environment: &Environment, _config: Config) -> Result<BootResult> {
//!    #       unimplemented!("the starter's create_app::<Self, Migrator>")
//!    #   }
//!    #   fn routes(_ctx: &AppContext) -> AppRoutes {
//!    #       AppRoutes::with_default_routes()
//!    #   }
//!    #   async fn connect_workers(_ctx: &AppContext, _queue: &Queue) -> Result<()> {
//!    #       Ok(())
//!    #   }
//!    #   fn register_tasks(_tasks: &mut Tasks) {}
//!    #   async fn truncate(_ctx: &AppContext) -> Result<()> {
//!    #       Ok(())
//!    #   }
//!    #   async fn seed(_ctx: &AppContext, _base: &Path) -> Result<()> {
//!    #       Ok(())
//!    #   }
//!    }
//!    ```
//!
//! 4. The secret, in `config/development.yaml` and `config/test.yaml` (production reads the `AUTH_SECRET` environment
//!    variable and refuses to start without it):
//!
//!    ```yaml
//!    settings:
//!      auth:
//!        secret: <%= get_env(name="AUTH_SECRET", default="insecure-development-secret") %>
//!    ```
//!
//! `cargo loco start`, then open `/auth/sign-in`: the form mails a link through the app's Loco mailer (the starter's
//! development config sends to an SMTP catcher on `localhost:1025`), and the link signs the user in, creating them in
//! Loco's `users` on the first sign-in. The routes are in [`magic_link`] (they are not in Loco's route listing: see
//! [below](#the-auth-routes-and-locos-route-listing)).
//!
//! # The app's controllers
//!
//! Handlers read the user with the [`SignedIn`] extractor (Loco's 401 when signed out; `Option<SignedIn<_>>` is
//! `None` then instead) or [`MaybeSignedIn`]. `SignedIn` holds a [`CurrentSession`] and derefs to it:
//! `signed_in.user` is the Auth.js user ([`authjs_sea_orm::AdapterUser`]: `id`, `name`, `email`, `email_verified`,
//! `image`) and, with [`LocoAdapter`], `signed_in.user.extra` is the whole `users` row; `SignedIn(current)` in the
//! argument's pattern gives the [`CurrentSession`] itself.
//!
//! ```rust
//! // src/controllers/me.rs
//! use authjs_sea_orm_loco::{LocoAdapter, MaybeSignedIn, SignedIn};
//! use loco_rs::prelude::*;
//!
//! #[debug_handler(state = AppContext)]
//! async fn me(signed_in: SignedIn<LocoAdapter>) -> Result<Response> {
//!     let user = &signed_in.user.extra;
//!     format::json(data!({ "pid": user.pid, "name": user.name, "email": user.email }))
//! }
//!
//! #[debug_handler(state = AppContext)]
//! async fn hello(MaybeSignedIn(current): MaybeSignedIn<LocoAdapter>) -> Result<Response> {
//!     let name = current.map_or_else(|| "stranger".to_owned(), |current| current.user.extra.name);
//!     format::text(&format!("Hello, {name}"))
//! }
//!
//! pub fn routes() -> Routes {
//!     Routes::new().prefix("/api").add("/me", get(me)).add("/hello", get(hello))
//! }
//! ```
//!
//! with `.add_route(controllers::me::routes())` in `routes()` of `src/app.rs`, as for any Loco controller.
//!
//! Loco's habitual `#[debug_handler]` takes the handler's state from a `State<…>` argument, and assumes `()` when
//! there is none; the extractors of this crate read Loco's `AppContext`, so a handler without `State` needs
//! `#[debug_handler(state = AppContext)]` (or no attribute).
//!
//! **The row is this crate's model, not the app's.** `signed_in.user.extra` is [`entities::users::Model`]: the same
//! row and columns as the starter's `models::_entities::users::Model`, but another type, without the app's methods
//! and views. It is not `Serialize` (nor is its `Debug` complete): it holds the password hash, the API key and the
//! reset and verification tokens, so `format::json(&signed_in.user.extra)` does not compile rather than send them.
//! Pick the fields as above, or load the app's own model (one query), as the starter's `current` handler does with
//! its JWT's `pid`, and answer with one of its views (the starter's `Model` is `Serialize`, password hash
//! included):
//!
//! ```rust
//! # mod models {
//! #     pub mod _entities {
//! #         pub mod users {
//! #             use loco_rs::model::{ModelError, ModelResult};
//! #             use sea_orm::entity::prelude::*;
//! #             #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
//! #             #[sea_orm(table_name = "users")]
//! #             pub struct Model {
//! #                 #[sea_orm(primary_key)]
//! #                 pub id: i64,
//! #                 pub pid: Uuid,
//! #                 pub email: String,
//! #                 pub name: String,
//! #             }
//! #             #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
//! #             pub enum Relation {}
//! #             impl ActiveModelBehavior for ActiveModel {}
//! #             impl Model {
//! #                 pub async fn find_by_pid(db: &DatabaseConnection, pid: &str) -> ModelResult<Self> {
//! #                     let pid = Uuid::parse_str(pid).map_err(|e| ModelError::Any(e.into()))?;
//! #                     let user = Entity::find().filter(Column::Pid.eq(pid)).one(db).await?;
//! #                     user.ok_or(ModelError::EntityNotFound)
//! #                 }
//! #             }
//! #         }
//! #     }
//! # }
//! # mod views {
//! #     pub mod auth {
//! #         #[derive(serde::Serialize)]
//! #         pub struct CurrentResponse {
//! #             pub pid: String,
//! #             pub name: String,
//! #             pub email: String,
//! #         }
//! #         impl CurrentResponse {
//! #             pub fn new(user: &crate::models::_entities::users::Model) -> Self {
//! #                 let (pid, name, email) = (user.pid.to_string(), user.name.clone(), user.email.clone());
//! #                 Self { pid, name, email }
//! #             }
//! #         }
//! #     }
//! # }
//! // src/controllers/me.rs, in the app
//! use authjs_sea_orm_loco::{LocoAdapter, SignedIn};
//! use loco_rs::prelude::*;
//!
//! use crate::models::_entities::users;
//! use crate::views::auth::CurrentResponse;
//!
//! #[debug_handler]
//! async fn current(State(ctx): State<AppContext>, signed_in: SignedIn<LocoAdapter>) -> Result<Response> {
//!     let user = users::Model::find_by_pid(&ctx.db, &signed_in.user.extra.pid.to_string()).await?;
//!     format::json(CurrentResponse::new(&user))
//! }
//! # fn main() {}
//! ```
//!
//! # What the four steps give
//!
//! - [`migration::AuthTables`] creates `accounts`, `sessions`, `verification_tokens` and `authenticators` with
//!   `user_id` referring to the starter's `users.id` (`ON DELETE CASCADE`), as a frozen snapshot.
//! - [`LocoTables`] maps the adapter onto those tables and the starter's `users` ([`entities`]): a user created by a
//!   magic link gets a `pid`, an `api_key`, a `name` of at least two characters and a password no login matches, so
//!   the starter's own `users::Model`, validator, JWT login and tasks work with the row. [`LocoAdapter`] is the
//!   adapter on them.
//! - [`AuthInitializer`] builds the [`Auth`] (adapter and session settings) over `ctx.db`, stores it in
//!   `ctx.shared_store` (for [`SignedIn`], [`MaybeSignedIn`], [`auth`] and Loco's `SharedStore<Auth<LocoAdapter>>`
//!   extractor), adds the middleware that re-sends an extended session's cookie (sliding expiry), and with
//!   [`with_magic_link_routes`](AuthInitializer::with_magic_link_routes) mounts the sign-in form, the link mailer, the
//!   callback, sign-out and a session endpoint, each `POST` CSRF-protected ([`csrf`]), the pages replaceable
//!   ([`magic_link::MagicLinkPages`]).
//!
//! The session cookie is Auth.js's (`authjs.session-token`, or next-auth v4's `next-auth.session-token`), holding a
//! database session's token or, with `session_strategy: jwt`, an Auth.js session JWT; so a Next.js app using Auth.js
//! on the same tables and secret accepts it, and the reverse. [`SignedIn`] and [`MaybeSignedIn`] follow the strategy.
//!
//! # The `/auth/*` routes and Loco's route listing
//!
//! `cargo loco start` logs the app's routes as it builds its router, and `cargo loco routes` prints them: both list
//! what `Hooks::routes` returns (the app's `AppRoutes`), so the magic-link routes are not there, though they answer.
//! [`AuthInitializer`] merges them into the router in `Initializer::after_routes`, the one place loco-rs (1.2) gives
//! an initializer to add routes, after Loco has built the app's routes and wrapped them in its middleware. That is
//! on purpose: they get their own copy of Loco's configured middleware, under a layer that takes the magic link's
//! query out of the URI before Loco's logger sees it ([`magic_link`]); routes in `AppRoutes` would sit inside that
//! logger, and their links would be logged. They are:
//!
//! | route | |
//! |---|---|
//! | `GET`, `POST` `/auth/sign-in` | [`magic_link::SIGN_IN_PATH`] |
//! | `GET` `/auth/callback/email` | [`magic_link::CALLBACK_PATH`] |
//! | `POST` `/auth/sign-out` | [`magic_link::SIGN_OUT_PATH`] |
//! | `GET` `/auth/session` | [`magic_link::SESSION_PATH`] |
//!
//! # Settings
//!
//! The `settings.auth` block of the Loco config ([`AuthSettings`]): `secret` (else the environment's secrets, as
//! Auth.js reads them), `previous_secrets`, `session_strategy` (else `AUTH_SESSION_STRATEGY`), `conventions` (else
//! `AUTH_CONVENTIONS`), `secure`, `cookie_name`, `max_age_secs`, `update_age_secs`, `verification_max_age_secs`,
//! `hash_session_tokens`, and for the routes `url`, `email_from`, `after_sign_in`, `after_sign_out`,
//! `sign_in_per_address`, `sign_in_per_client` and `sign_in_window_secs` (limits on sign-in links).
//!
//! # The app's own sign-in flow
//!
//! Without the routes ([`AuthInitializer::loco`] alone), handlers take `SharedStore(auth):
//! SharedStore<Auth<LocoAdapter>>` and call [`Auth::create_magic_link`], [`Auth::verify_magic_link`],
//! [`Auth::sign_in`] and [`Auth::sign_out`] themselves; those take this crate's re-export of the cookie jar
//! ([`CookieJar`]), so the app needs no `axum-extra` of its own (the starter's is another version).
#![cfg_attr(
    feature = "better-auth",
    doc = r##"
# Better Auth

With the feature `better-auth`, a Loco service shares the users and sessions of a Better Auth app (better-auth 1.7)
instead: [`better_auth`] reads the Node app's signed `better-auth.session_token` cookie, looks the session up in its
`session` and `user` tables over `ctx.db`, and refreshes and ends it by Better Auth's rules. Sign-in stays in Node.
The steps, on an app made by `loco new`:

1. The dependency with the feature, in the app's `Cargo.toml` and in `migration/Cargo.toml` (paths as above):
   `authjs-sea-orm-loco = { path = "../authjs-sea-orm/loco", features = ["better-auth"] }`.

2. Better Auth's tables, in `migration/src/lib.rs` ([`better_auth::migration`]): [`Migration`](better_auth::migration::Migration)
   creates them as Better Auth's own migrations do, or adopts the ones Better Auth created (its Drizzle CLI's tables:
   `better_auth::migration::drizzle::Migration`, and `tables: drizzle` in the settings):

   ```rust
   # use sea_orm_migration::prelude::*;
   # pub struct Migrator;
   # #[async_trait::async_trait]
   # impl MigratorTrait for Migrator {
   fn migrations() -> Vec<Box<dyn MigrationTrait>> {
       vec![
           Box::new(authjs_sea_orm_loco::better_auth::migration::Migration), // this line
           // inject-above (do not remove this comment)
       ]
   }
   # }
   ```

3. The initializer, in `initializers()` of `src/app.rs` ([`better_auth::BetterAuthInitializer`]):

   ```rust
   use loco_rs::prelude::*;

   async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
       Ok(vec![Box::new(authjs_sea_orm_loco::better_auth::BetterAuthInitializer)]) // this line
   }
   ```

4. The Node app's secret and URL: the service reads `BETTER_AUTH_SECRET` (or `BETTER_AUTH_SECRETS`, `AUTH_SECRET`)
   and `BETTER_AUTH_URL` from its environment as Better Auth does, or the `settings.better_auth` block of the config
   ([`better_auth::BetterAuthSettings`]; session lifetimes, cookie cache, table naming, cookie prefix and domain, a
   trusted `X-Forwarded-For`). Boot fails on a blank secret, a non-positive lifetime, and Better Auth's public
   default secret outside development and test (`sqlite_boot_fails_on_a_blank_secret`, `settings_become_the_config`,
   `the_default_secret_stays_in_development`).

Handlers take [`better_auth::SignedIn`] (Loco's 401 when signed out) or [`better_auth::MaybeSignedIn`]; signing out
goes through the [`BetterAuth`](better_auth::BetterAuth) of [`better_auth::better_auth`]
(`sqlite_a_node_session_is_accepted_tampering_is_not_and_sign_out_ends_it`, and its `postgres_` twin):

```rust
use authjs_sea_orm_loco::better_auth::{self, MaybeSignedIn, SignedIn};
use axum::http::HeaderMap;
use loco_rs::prelude::*;

#[debug_handler(state = AppContext)]
async fn me(signed_in: SignedIn) -> Result<Response> {
    format::json(data!({ "id": signed_in.user.id, "email": signed_in.user.email }))
}

#[debug_handler(state = AppContext)]
async fn hello(MaybeSignedIn(current): MaybeSignedIn) -> Result<Response> {
    format::text(&format!("Hello, {}", current.map_or_else(|| "stranger".to_owned(), |current| current.user.name)))
}

#[debug_handler]
async fn sign_out(State(ctx): State<AppContext>, headers: HeaderMap) -> Result<Response> {
    let auth = better_auth::better_auth(&ctx)?;
    let (_, cookies) = auth.sign_out_with_headers(&headers).await.map_err(|_| Error::InternalServerError)?;
    Ok((cookies, "signed out").into_response()) // the session deleted, its cookies expired
}

pub fn routes() -> Routes {
    Routes::new().prefix("/api").add("/me", get(me)).add("/hello", get(hello)).add("/sign-out", post(sign_out))
}
```
"##
)]

use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use authjs_sea_orm::axum::cookies::Conventions;
use authjs_sea_orm::axum::limit::LinkLimit;
use authjs_sea_orm::axum::{AuthRejection, SessionStrategy};
use authjs_sea_orm::jwt::SecretError;
use authjs_sea_orm::schema::{Schema, Tables};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use chrono::Duration;
use loco_rs::Error;
use loco_rs::app::{AppContext, Initializer};
use loco_rs::environment::Environment;
use serde::Deserialize;

#[cfg(feature = "better-auth")]
pub mod better_auth;
pub mod entities;
pub mod magic_link;
pub mod migration;

/// The adapter crate, for what this one does not re-export.
pub use authjs_sea_orm;
pub use authjs_sea_orm::axum::{Auth, AuthConfig, CurrentSession, MagicLink, Session, csrf, refresh_session_cookie};
pub use authjs_sea_orm::{Adapter, SeaOrmAdapter};
/// The cookie jar of [`Auth::sign_in`] and [`Auth::sign_out`] (axum-extra's), as a handler argument and response part.
pub use axum_extra::extract::cookie::CookieJar;

use magic_link::{DefaultPages, Links, MagicLinkPages};

/// The tables of a Loco SaaS starter with the auth tables of [`migration::AuthTables`]: Loco's `users`, `accounts`,
/// `sessions`, `verification_tokens` and `authenticators` (see [`entities`]).
pub type LocoTables = Tables<
    entities::users::Entity,
    entities::accounts::Entity,
    entities::sessions::Entity,
    entities::verification_tokens::Entity,
    entities::authenticators::Entity,
>;

/// The adapter on [`LocoTables`]: what [`Auth`], [`SignedIn`] and [`MaybeSignedIn`] name. A signed-in request's
/// `user.extra` is the whole `users` row as this crate's [`entities::users::Model`] (not the app's own model).
pub type LocoAdapter = SeaOrmAdapter<LocoTables>;

/// The prefix of secrets meant for development and tests only (`insecure-development-secret` in the configs of the
/// guide): [`AuthInitializer`] refuses them in any other environment.
pub const INSECURE_SECRET_PREFIX: &str = "insecure-";

/// The `settings.auth` block of the Loco config. Every field is optional; the secret, the strategy and the conventions
/// may come from the environment instead (`AUTH_SECRET`, `AUTH_SESSION_STRATEGY`, `AUTH_CONVENTIONS`, as the Axum
/// example reads them).
#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Secret encrypting session JWTs, signing the CSRF cookie and mixed into hashed verification tokens (Auth.js's
    /// `AUTH_SECRET`). Falls back to the environment, read as the [`conventions`](Self::conventions)' Auth.js reads
    /// it (v5: `AUTH_SECRET_3`, `_2`, `_1`, then `AUTH_SECRET`, the first set one current and the others previous;
    /// v4: `NEXTAUTH_SECRET`, else `AUTH_SECRET`). Outside development and test, one starting with
    /// [`INSECURE_SECRET_PREFIX`] is refused.
    pub secret: Option<String>,
    /// Older secrets, newest first, still accepted for session JWTs (rotation); used with `secret`.
    pub previous_secrets: Vec<String>,
    /// `database` or `jwt` (Auth.js's `session.strategy`); else `AUTH_SESSION_STRATEGY`; else `database`.
    pub session_strategy: Option<String>,
    /// `authjs-v5` or `next-auth-v4`: cookie names and JWT format; else `AUTH_CONVENTIONS`; else `authjs-v5`.
    pub conventions: Option<String>,
    /// Whether cookies are `Secure`; by default, whether the app's URL (`url`, else `server.host`) is `https://`.
    pub secure: Option<bool>,
    /// Session cookie name; by default Auth.js's (`authjs.session-token`, `__Secure-` prefixed when secure).
    pub cookie_name: Option<String>,
    /// Session lifetime in seconds (default 30 days).
    pub max_age_secs: Option<i64>,
    /// How often a session is extended, in seconds (default 24 hours).
    pub update_age_secs: Option<i64>,
    /// Magic-link lifetime in seconds (default 24 hours).
    pub verification_max_age_secs: Option<i64>,
    /// Store the SHA-256 of session tokens instead of the tokens
    /// (see `SeaOrmAdapter::with_hashed_session_tokens`).
    pub hash_session_tokens: bool,
    /// The app's URL as its users reach it (Auth.js's `AUTH_URL`), the start of magic links; by default Loco's
    /// `server.host` and `server.port`, as Loco's own mailers build links.
    pub url: Option<String>,
    /// The `From` of the magic-link e-mail; by default Loco's mailer default.
    pub email_from: Option<String>,
    /// Where the magic link leads once the user is signed in (default `/`).
    pub after_sign_in: Option<String>,
    /// Where signing out leads (default `/`).
    pub after_sign_out: Option<String>,
    /// How many sign-in links one e-mail address may be sent per window (`POST /auth/sign-in`; default 5); over it
    /// the answer is 429 with a `Retry-After`, and nothing is stored or sent. 0 turns the form off.
    pub sign_in_per_address: Option<u32>,
    /// How many sign-in links one client may ask for per window, whatever the addresses (default 20). The client is
    /// its IP address (IPv6: its /64): the one Loco's `remote_ip` middleware resolves when enabled (behind a reverse
    /// proxy), else the TCP peer (`cargo loco start` serves with it); behind a proxy without `remote_ip`, every
    /// client is the proxy, so raise this there.
    pub sign_in_per_client: Option<u32>,
    /// The length of those windows in seconds (default 900, 15 minutes); each starts with its address's or client's
    /// first request.
    pub sign_in_window_secs: Option<u64>,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("previous_secrets", &self.previous_secrets.iter().map(|_| "[redacted]").collect::<Vec<_>>())
            .field("session_strategy", &self.session_strategy)
            .field("conventions", &self.conventions)
            .field("secure", &self.secure)
            .field("cookie_name", &self.cookie_name)
            .field("max_age_secs", &self.max_age_secs)
            .field("update_age_secs", &self.update_age_secs)
            .field("verification_max_age_secs", &self.verification_max_age_secs)
            .field("hash_session_tokens", &self.hash_session_tokens)
            .field("url", &self.url)
            .field("email_from", &self.email_from)
            .field("after_sign_in", &self.after_sign_in)
            .field("after_sign_out", &self.after_sign_out)
            .field("sign_in_per_address", &self.sign_in_per_address)
            .field("sign_in_per_client", &self.sign_in_per_client)
            .field("sign_in_window_secs", &self.sign_in_window_secs)
            .finish()
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Settings {
    auth: Option<AuthSettings>,
}

impl AuthSettings {
    /// The `settings.auth` block of `ctx`'s config (all defaults when absent).
    ///
    /// # Errors
    /// When the block is malformed.
    pub fn from_context(ctx: &AppContext) -> loco_rs::Result<Self> {
        Ok(ctx.config.settings::<Settings>()?.auth.unwrap_or_default())
    }

    /// The app's URL: `url`, else `host:port` of Loco's `server` settings; without a trailing slash.
    pub fn app_url(&self, server: &loco_rs::config::Server) -> String {
        let url = self.url.clone().unwrap_or_else(|| server.full_url());
        url.trim_end_matches('/').to_owned()
    }

    /// The session settings, for the app reached at `app_url`: cookies are `Secure` when it is `https://`, unless
    /// `secure` says otherwise.
    ///
    /// # Errors
    /// When no secret is configured, neither here nor in the environment, or the strategy or conventions are not
    /// known names.
    pub fn to_config(&self, app_url: &str) -> loco_rs::Result<AuthConfig> {
        self.to_config_with_env(app_url, |name| std::env::var(name).ok())
    }

    fn to_config_with_env(&self, app_url: &str, env: impl Fn(&str) -> Option<String>) -> loco_rs::Result<AuthConfig> {
        let setting =
            |value: &Option<String>, var: &str| value.clone().or_else(|| env(var)).filter(|s| !s.trim().is_empty());
        let conventions: Conventions = match setting(&self.conventions, "AUTH_CONVENTIONS") {
            Some(name) => {
                name.parse().map_err(|err| Error::string(&format!("authjs-sea-orm-loco: conventions: {err}")))?
            }
            None => Conventions::default(),
        };
        let strategy: SessionStrategy = match setting(&self.session_strategy, "AUTH_SESSION_STRATEGY") {
            Some(name) => {
                name.parse().map_err(|err| Error::string(&format!("authjs-sea-orm-loco: session_strategy: {err}")))?
            }
            None => SessionStrategy::default(),
        };
        let secrets = match self.secret.clone().filter(|s| !s.is_empty()) {
            Some(secret) => std::iter::once(secret).chain(self.previous_secrets.iter().cloned()).collect(),
            None => conventions.secrets_from(&env),
        };
        let mut config = AuthConfig::from_secrets(secrets).map_err(|err| {
            Error::string(&match err {
                SecretError::Missing => "authjs-sea-orm-loco: no secret: set the AUTH_SECRET environment variable (or \
                                         settings.auth.secret in the config)"
                    .to_owned(),
                SecretError::Blank { position } => format!(
                    "authjs-sea-orm-loco: secret {position} (0: settings.auth.secret or AUTH_SECRET, then \
                     settings.auth.previous_secrets in order) is empty or only whitespace, refused: an unset variable \
                     in the config's template? Remove it or set it"
                ),
                _ => format!("authjs-sea-orm-loco: {err}"),
            })
        })?;
        config.strategy = strategy;
        config.conventions = conventions;
        config.secure =
            self.secure.unwrap_or_else(|| app_url.trim_start().to_ascii_lowercase().starts_with("https://"));
        config.cookie_name.clone_from(&self.cookie_name);
        if let Some(secs) = self.max_age_secs {
            config.max_age = Duration::seconds(secs);
        }
        if let Some(secs) = self.update_age_secs {
            config.update_age = Duration::seconds(secs);
        }
        if let Some(secs) = self.verification_max_age_secs {
            config.verification_max_age = Duration::seconds(secs);
        }
        Ok(config)
    }

    /// The limits on sign-in links of `sign_in_per_address`, `sign_in_per_client` and `sign_in_window_secs`.
    pub fn link_limit(&self) -> LinkLimit {
        let default = LinkLimit::default();
        LinkLimit {
            per_address: self.sign_in_per_address.unwrap_or(default.per_address),
            per_ip: self.sign_in_per_client.unwrap_or(default.per_ip),
            window: self.sign_in_window_secs.map_or(default.window, std::time::Duration::from_secs),
        }
    }

    fn links(&self, app_url: String) -> Links {
        Links {
            base_url: app_url,
            email_from: self.email_from.clone(),
            after_sign_in: self.after_sign_in.clone().unwrap_or_else(|| "/".to_owned()),
            after_sign_out: self.after_sign_out.clone().unwrap_or_else(|| "/".to_owned()),
            limit: self.link_limit(),
        }
    }
}

/// Refuses a development secret outside development and test.
fn check_secret(config: &AuthConfig, environment: &Environment) -> loco_rs::Result<()> {
    let development = matches!(environment, Environment::Development | Environment::Test);
    if !development && config.secrets().any(|secret| secret.starts_with(INSECURE_SECRET_PREFIX)) {
        return Err(Error::string(&format!(
            "authjs-sea-orm-loco: the secret is a development one (it starts with `{INSECURE_SECRET_PREFIX}`), refused \
             in the `{environment}` environment: set AUTH_SECRET to a long random value"
        )));
    }
    Ok(())
}

/// A Loco initializer that builds [`Auth`] over `ctx.db` with the tables of schema `T` and puts it in
/// `ctx.shared_store`, adds [`refresh_session_cookie`] to the router and, with
/// [`with_magic_link_routes`](Self::with_magic_link_routes), mounts the routes of [`magic_link`].
///
/// [`AuthInitializer::loco`] is the one on a Loco starter's tables ([`LocoTables`]); `AuthInitializer::<T>::new()`
/// takes another schema (the Auth.js tables by default). The tables come from the app's migrations (see
/// [`migration`]): the initializer does not migrate.
pub struct AuthInitializer<T = Tables> {
    config: Option<AuthConfig>,
    pages: Option<Arc<dyn MagicLinkPages>>,
    _tables: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for AuthInitializer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthInitializer")
            .field("config", &self.config)
            .field("magic_link_routes", &self.pages.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: Schema> Default for AuthInitializer<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl AuthInitializer<LocoTables> {
    /// The initializer on a Loco starter's `users` table and the tables of [`migration::AuthTables`]
    /// (`AuthInitializer::<LocoTables>::new()`), with the settings of the config's `settings.auth` block.
    pub fn loco() -> Self {
        Self::new()
    }
}

impl<T: Schema> AuthInitializer<T> {
    /// Settings from the `settings.auth` block of the app's config ([`AuthSettings`]).
    pub fn new() -> Self {
        Self { config: None, pages: None, _tables: PhantomData }
    }

    /// These session settings instead of those of the config's `settings.auth` block (whose `secret`, `secure`,
    /// `cookie_name`, `*_age_secs` and `hash_session_tokens` are then not read).
    pub fn with_config(config: AuthConfig) -> Self {
        Self { config: Some(config), pages: None, _tables: PhantomData }
    }

    /// Also mounts the magic-link routes of [`magic_link`] with its plain default pages: the sign-in form, the link
    /// sent through the app's Loco mailer, the callback, sign-out and the session endpoint.
    #[must_use]
    pub fn with_magic_link_routes(self) -> Self {
        self.with_magic_link_pages(DefaultPages)
    }

    /// Also mounts the magic-link routes of [`magic_link`], with these pages and e-mail.
    #[must_use]
    pub fn with_magic_link_pages(mut self, pages: impl MagicLinkPages) -> Self {
        self.pages = Some(Arc::new(pages));
        self
    }

    /// The [`Auth`] this initializer installs: the adapter over `ctx.db` and the session settings.
    ///
    /// # Errors
    /// When the settings are malformed, no secret is configured, or the secret is a development one
    /// ([`INSECURE_SECRET_PREFIX`]) outside development and test.
    pub fn build(&self, ctx: &AppContext) -> loco_rs::Result<Auth<SeaOrmAdapter<T>>> {
        let adapter = SeaOrmAdapter::<T>::with_schema(ctx.db.clone());
        let (adapter, config) = match &self.config {
            Some(config) => (adapter, config.clone()),
            None => {
                let settings = AuthSettings::from_context(ctx)?;
                let config = settings.to_config(&settings.app_url(&ctx.config.server))?;
                let adapter = if settings.hash_session_tokens { adapter.with_hashed_session_tokens() } else { adapter };
                (adapter, config)
            }
        };
        check_secret(&config, &ctx.environment)?;
        Ok(Auth::new(adapter, config))
    }
}

#[async_trait::async_trait]
impl<T: Schema> Initializer for AuthInitializer<T> {
    fn name(&self) -> String {
        "authjs-sea-orm".to_owned()
    }

    async fn before_run(&self, ctx: &AppContext) -> loco_rs::Result<()> {
        ctx.shared_store.insert(self.build(ctx)?);
        if self.pages.is_some() && ctx.mailer.is_none() {
            tracing::warn!(
                "authjs-sea-orm-loco: the magic-link routes need Loco's mailer (config: mailer): links cannot be sent"
            );
        }
        Ok(())
    }

    async fn after_routes(&self, router: axum::Router, ctx: &AppContext) -> loco_rs::Result<axum::Router> {
        let router = match &self.pages {
            Some(pages) => {
                let settings = AuthSettings::from_context(ctx)?;
                let links = settings.links(settings.app_url(&ctx.config.server));
                let auth = auth::<SeaOrmAdapter<T>>(ctx)?;
                router.merge(magic_link::router(ctx, auth, Arc::clone(pages), links)?)
            }
            None => router,
        };
        Ok(router.layer(axum::middleware::from_fn(refresh_session_cookie)))
    }
}

/// The [`Auth`] that [`AuthInitializer`] stored in `ctx` (for tasks, workers and handlers); `A` is the adapter of the
/// initializer's schema: [`LocoAdapter`] for [`AuthInitializer::loco`], `SeaOrmAdapter<T>` for schema `T`.
///
/// # Errors
/// When no `AuthInitializer` of that adapter ran.
pub fn auth<A: Adapter + 'static>(ctx: &AppContext) -> loco_rs::Result<Auth<A>> {
    ctx.shared_store.get::<Auth<A>>().ok_or_else(|| {
        tracing::error!(
            "no Auth<{}> in the shared store: add AuthInitializer to Hooks::initializers",
            std::any::type_name::<A>()
        );
        Error::InternalServerError
    })
}

fn rejection(rejection: AuthRejection) -> Error {
    match rejection {
        AuthRejection::Unauthorized => Error::Unauthorized("sign in required".to_owned()),
        AuthRejection::Internal(err) => {
            tracing::error!(error = %err, "reading the session failed");
            Error::InternalServerError
        }
        _ => Error::InternalServerError,
    }
}

/// A signed-in request: the Loco counterpart of [`CurrentSession`] (which it holds). Rejects with Loco's 401 when
/// signed out; `Option<SignedIn<A>>` is `None` then instead.
///
/// `A` is the adapter of the [`AuthInitializer`]: [`LocoAdapter`] on a Loco starter's tables, whose
/// `signed_in.user.extra` (through `Deref`) is the whole `users` row, as this crate's [`entities::users::Model`] (see
/// [the guide](crate#the-apps-controllers)). `Debug` shows the user's Auth.js fields, not the extra columns.
pub struct SignedIn<A: Adapter = SeaOrmAdapter>(pub CurrentSession<A>);

impl<A: Adapter> Clone for SignedIn<A> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<A: Adapter> std::fmt::Debug for SignedIn<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SignedIn").field(&self.0).finish()
    }
}

impl<A: Adapter> Deref for SignedIn<A> {
    type Target = CurrentSession<A>;

    fn deref(&self) -> &CurrentSession<A> {
        &self.0
    }
}

impl<A: Adapter + 'static> FromRequestParts<AppContext> for SignedIn<A> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Error> {
        let auth = auth::<A>(ctx)?;
        <CurrentSession<A> as FromRequestParts<Auth<A>>>::from_request_parts(parts, &auth)
            .await
            .map(SignedIn)
            .map_err(rejection)
    }
}

impl<A: Adapter + 'static> OptionalFromRequestParts<AppContext> for SignedIn<A> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Option<Self>, Error> {
        let auth = auth::<A>(ctx)?;
        <CurrentSession<A> as OptionalFromRequestParts<Auth<A>>>::from_request_parts(parts, &auth)
            .await
            .map(|current| current.map(SignedIn))
            .map_err(rejection)
    }
}

/// The current session if the request is signed in (the Loco counterpart of `MaybeSession`).
pub struct MaybeSignedIn<A: Adapter = SeaOrmAdapter>(pub Option<CurrentSession<A>>);

impl<A: Adapter> std::fmt::Debug for MaybeSignedIn<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MaybeSignedIn").field(&self.0).finish()
    }
}

impl<A: Adapter + 'static> FromRequestParts<AppContext> for MaybeSignedIn<A> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Error> {
        let signed_in = <SignedIn<A> as OptionalFromRequestParts<AppContext>>::from_request_parts(parts, ctx).await?;
        Ok(MaybeSignedIn(signed_in.map(|s| s.0)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn settings_become_the_session_config() {
        let settings: AuthSettings = serde_json::from_value(serde_json::json!({
            "secret": "s3cret",
            "max_age_secs": 3600,
            "update_age_secs": 60,
            "verification_max_age_secs": 600,
        }))
        .unwrap();
        let config = settings.to_config("http://localhost:5150").unwrap();
        assert_eq!(config.secret(), "s3cret");
        assert!(!config.secure);
        assert_eq!(config.cookie_name(), "authjs.session-token");
        assert_eq!(config.max_age, Duration::hours(1));
        assert_eq!(config.update_age, Duration::minutes(1));
        assert_eq!(config.verification_max_age, Duration::minutes(10));
        assert!(!format!("{settings:?}").contains("s3cret"));

        // An https URL makes cookies secure unless told otherwise.
        let config = settings.to_config("https://example.com").unwrap();
        assert!(config.secure);
        assert_eq!(config.cookie_name(), "__Secure-authjs.session-token");
        assert!(!settings.to_config("localhost:5150").unwrap().secure, "no scheme: not https");
        let settings = AuthSettings { secure: Some(false), ..settings };
        assert!(!settings.to_config("https://example.com").unwrap().secure);
    }

    #[test]
    fn links_follow_the_settings() {
        let server: loco_rs::config::Server = serde_json::from_value(serde_json::json!({
            "port": 5150, "host": "http://localhost", "binding": "localhost",
        }))
        .unwrap();
        let settings = AuthSettings::default();
        assert_eq!(settings.app_url(&server), "http://localhost:5150");
        let links = settings.links(settings.app_url(&server));
        assert_eq!((links.after_sign_in.as_str(), links.after_sign_out.as_str()), ("/", "/"));
        assert_eq!(links.email_from, None);

        let settings: AuthSettings = serde_json::from_value(serde_json::json!({
            "url": "https://app.example.com/",
            "email_from": "App <no-reply@example.com>",
            "after_sign_in": "/dashboard",
            "after_sign_out": "/bye",
        }))
        .unwrap();
        assert_eq!(settings.app_url(&server), "https://app.example.com");
        let links = settings.links(settings.app_url(&server));
        assert_eq!(links.base_url, "https://app.example.com");
        assert_eq!(links.email_from.as_deref(), Some("App <no-reply@example.com>"));
        assert_eq!((links.after_sign_in.as_str(), links.after_sign_out.as_str()), ("/dashboard", "/bye"));
    }

    #[test]
    fn development_secrets_stay_in_development() {
        let config = AuthConfig::new("insecure-development-secret").unwrap();
        assert!(check_secret(&config, &Environment::Development).is_ok());
        assert!(check_secret(&config, &Environment::Test).is_ok());
        for environment in [Environment::Production, Environment::Any("staging".into())] {
            let err = check_secret(&config, &environment).unwrap_err().to_string();
            assert!(err.contains("AUTH_SECRET") && !err.contains("development-secret"), "{err}");
        }
        assert!(check_secret(&AuthConfig::new("a long random value").unwrap(), &Environment::Production).is_ok());
    }

    #[test]
    fn strategy_conventions_and_secrets_come_from_settings_or_the_environment() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
        };
        let env = vars(&[
            ("AUTH_SECRET", "oldest"),
            ("AUTH_SECRET_1", "newest"),
            ("AUTH_SESSION_STRATEGY", "jwt"),
            ("AUTH_CONVENTIONS", "next-auth-v4"),
            ("NEXTAUTH_SECRET", "v4 secret"),
        ]);
        let config = AuthSettings::default().to_config_with_env("http://localhost", env).unwrap();
        assert_eq!((config.strategy, config.conventions), (SessionStrategy::Jwt, Conventions::NextAuthV4));
        assert_eq!(config.secret(), "v4 secret");
        assert_eq!(config.cookie_name(), "next-auth.session-token");

        let v5 = AuthSettings { conventions: Some("authjs-v5".into()), ..AuthSettings::default() };
        let config = v5.to_config_with_env("http://localhost", env).unwrap();
        assert_eq!(config.secrets().collect::<Vec<_>>(), ["newest", "oldest"]);
        assert_eq!(config.strategy, SessionStrategy::Jwt);

        let settings = AuthSettings {
            secret: Some("s".into()),
            previous_secrets: vec!["p".into()],
            session_strategy: Some("database".into()),
            ..AuthSettings::default()
        };
        let config = settings.to_config_with_env("http://localhost", env).unwrap();
        assert_eq!(config.secrets().collect::<Vec<_>>(), ["s", "p"]);
        assert_eq!((config.strategy, config.conventions), (SessionStrategy::Database, Conventions::NextAuthV4));
        assert!(!format!("{settings:?}").contains("\"p\""));

        let bad = AuthSettings { session_strategy: Some("cookie".into()), ..settings.clone() };
        assert!(bad.to_config_with_env("http://localhost", env).is_err());
        assert!(AuthSettings::default().to_config_with_env("http://localhost", vars(&[])).is_err(), "no secret");

        // A development secret among the previous ones is refused in production too.
        let rotated = AuthConfig::from_secrets(["good".to_owned(), "insecure-old".to_owned()]).unwrap();
        assert!(check_secret(&rotated, &Environment::Production).is_err());
    }

    #[test]
    fn blank_secrets_fail_at_boot() {
        let env = |_: &str| None;
        let err =
            |settings: AuthSettings| settings.to_config_with_env("http://localhost", env).err().map(|e| e.to_string());
        // `secret: <%= get_env(name="AUTH_SECRET", default="") %>` with AUTH_SECRET unset: no secret at all.
        let unset = AuthSettings { secret: Some(String::new()), ..AuthSettings::default() };
        assert!(err(unset).is_some_and(|e| e.contains("no secret")));
        let blank = AuthSettings { secret: Some("  ".into()), ..AuthSettings::default() };
        assert!(err(blank).is_some_and(|e| e.contains("secret 0") && e.contains("empty or only whitespace")));
        // `previous_secrets: ["<%= get_env(name="OLD_SECRET", default="") %>"]` with OLD_SECRET unset.
        let previous = AuthSettings {
            secret: Some("current".into()),
            previous_secrets: vec!["older".into(), String::new()],
            ..AuthSettings::default()
        };
        assert!(err(previous).is_some_and(|e| e.contains("secret 2") && !e.contains("current")));
        // A blank AUTH_SECRET in the environment is refused the same way.
        let blank_env = |name: &str| (name == "AUTH_SECRET").then(|| " ".to_owned());
        let from_env = AuthSettings::default().to_config_with_env("http://localhost", blank_env);
        assert!(from_env.err().is_some_and(|e| e.to_string().contains("empty or only whitespace")));
    }

    #[test]
    fn unknown_settings_are_rejected() {
        let parsed = serde_json::from_value::<AuthSettings>(serde_json::json!({ "secrett": "typo" }));
        assert!(parsed.is_err());
    }
}
