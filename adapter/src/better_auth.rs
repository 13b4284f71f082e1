//! Better Auth's sessions and users on SeaORM (feature `better-auth`): [`BetterAuthStore`], the
//! [`SessionStore`] of `authjs-core`'s [`better_auth`](authjs_core::better_auth) module, on the tables a Better Auth
//! app (better-auth 1.7) keeps them in, so a Rust service shares its users and sessions.
//!
//! ```
//! use authjs_sea_orm::better_auth::{BetterAuthStore, Session, SessionStore};
//! use authjs_sea_orm::migration::MigratorTrait;
//! use authjs_sea_orm::migration::better_auth::Migrator;
//! use chrono::{Duration, Utc};
//! use sea_orm::ConnectionTrait;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = authjs_sea_orm::connect("sqlite::memory:").await?;
//! Migrator::up(&db, None).await?; // Better Auth's own tables (or adopts the ones it created)
//! // Users sign up on the Node side; here a row as Better Auth writes it.
//! db.execute_unprepared(
//!     r#"INSERT INTO "user" VALUES ('zq0DOCaD3mQ7pYvAXxk0Jc2v3Wg3cJ0D', 'Ada', 'ada@example.com', 1, NULL,
//!        '2026-12-02T16:54:16.760Z', '2026-12-02T16:54:16.760Z')"#,
//! )
//! .await?;
//!
//! let store = BetterAuthStore::new(db); // cheap to clone
//! let now = Utc::now();
//! let session = store
//!     .create_session(Session {
//!         id: "Ud3TgQ5m1VZpCw9yKx2hLr7bNf4sJe6a".into(),
//!         token: "HqEab17MojcaxJWGLR9ru4QK4dCToWxP".into(),
//!         user_id: "zq0DOCaD3mQ7pYvAXxk0Jc2v3Wg3cJ0D".into(),
//!         expires_at: now + Duration::days(7),
//!         created_at: now,
//!         updated_at: now,
//!         ip_address: Some(String::new()),
//!         user_agent: Some("curl/8".into()),
//!     })
//!     .await?;
//! assert_eq!(session.expires_at.timestamp_subsec_nanos() % 1_000_000, 0); // stored to the millisecond, as JS does
//!
//! let (found, user) = store.session_and_user("HqEab17MojcaxJWGLR9ru4QK4dCToWxP").await?.expect("the session");
//! assert_eq!(found, session);
//! assert_eq!((user.email.as_str(), user.email_verified), ("ada@example.com", true));
//! assert_eq!(store.session_and_user("hqeab17mojcaxjwglr9ru4qk4dctowxp").await?, None); // exact match only
//! # Ok(())
//! # }
//! ```
//!
//! # Tables
//!
//! Two presets, the two namings of [`crate::entity::better_auth`]:
//!
//! | preset | tables as | created or adopted by |
//! |---|---|---|
//! | [`BetterAuthTables`] (the default) | Better Auth's own migrations create them (`getMigrations`, `npx auth migrate`): quoted camelCase columns | [`migration::better_auth`](crate::migration::better_auth) |
//! | [`BetterAuthDrizzleTables`] | Better Auth's Drizzle CLI writes them (`npx auth generate`): snake_case columns | [`migration::better_auth::drizzle`](crate::migration::better_auth::drizzle) |
//!
//! and how each stores a date, per backend ([`DateEncoding`]; what the store writes, every date to the millisecond,
//! as a JavaScript `Date` holds it):
//!
//! | | [`BetterAuth`](DateEncoding::BetterAuth) | [`Drizzle`](DateEncoding::Drizzle) |
//! |---|---|---|
//! | SQLite | ISO-8601 text, milliseconds and `Z`: `2026-12-02T16:54:16.760Z` | integer epoch milliseconds |
//! | PostgreSQL | `timestamptz` | `timestamp` holding UTC |
//! | MySQL/MariaDB | `timestamp(3)` holding UTC ([`connect`](crate::connect) pins sessions to UTC) | the same |
//!
//! Reading, every one of these is accepted in either preset, and so are the other forms Better Auth reads from a
//! SQLite `date` column (`2099-01-01 00:00:00`, `2099-01-01T00:00:00Z`, integer milliseconds). Booleans are stored the
//! same way by both (SQLite 0/1, PostgreSQL `boolean`, MySQL `tinyint(1)`), and read from any integer as well.
//!
//! Renamed tables (Better Auth's `modelName` and `fields` options): implement [`UserTable`] and [`SessionTable`] on
//! your own entities, naming the column of each field (compile-checked: they are the entity's `Column` variants),
//! and use `BetterAuthStore::<Tables<MyUsers, MySessions>>::with_schema(db)`. Ids are text (Better Auth's default, or
//! your `generateId` function): its `generateId: "serial"` and PostgreSQL `"uuid"` modes are not supported. For an
//! app configured with `session: { modelName: "auth_session", fields: { token: "session_token" } }`:
//!
//! ```
//! use authjs_sea_orm::better_auth::{BetterAuthStore, DateEncoding, SessionStore, SessionTable, Tables};
//! use authjs_sea_orm::entity::better_auth::user;
//!
//! mod auth_session {
//!     use authjs_sea_orm::entity::Timestamp;
//!     use sea_orm::entity::prelude::*;
//!
//!     #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "auth_session")]
//!     pub struct Model {
//!         #[sea_orm(primary_key, auto_increment = false)]
//!         pub id: String,
//!         #[sea_orm(column_name = "expiresAt", column_type = "TimestampWithTimeZone")]
//!         pub expires_at: Timestamp,
//!         #[sea_orm(unique)]
//!         pub session_token: String,
//!         #[sea_orm(column_name = "createdAt", column_type = "TimestampWithTimeZone")]
//!         pub created_at: Timestamp,
//!         #[sea_orm(column_name = "updatedAt", column_type = "TimestampWithTimeZone")]
//!         pub updated_at: Timestamp,
//!         #[sea_orm(column_name = "ipAddress")]
//!         pub ip_address: Option<String>,
//!         #[sea_orm(column_name = "userAgent")]
//!         pub user_agent: Option<String>,
//!         #[sea_orm(column_name = "userId")]
//!         pub user_id: String,
//!     }
//!
//!     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
//!     pub enum Relation {}
//!
//!     impl ActiveModelBehavior for ActiveModel {}
//! }
//!
//! impl SessionTable for auth_session::Entity {
//!     const DATES: DateEncoding = DateEncoding::BetterAuth; // the tables of Better Auth's own migrations
//!     const ID: auth_session::Column = auth_session::Column::Id;
//!     const TOKEN: auth_session::Column = auth_session::Column::SessionToken;
//!     const USER_ID: auth_session::Column = auth_session::Column::UserId;
//!     const EXPIRES_AT: auth_session::Column = auth_session::Column::ExpiresAt;
//!     const CREATED_AT: auth_session::Column = auth_session::Column::CreatedAt;
//!     const UPDATED_AT: auth_session::Column = auth_session::Column::UpdatedAt;
//!     const IP_ADDRESS: auth_session::Column = auth_session::Column::IpAddress;
//!     const USER_AGENT: auth_session::Column = auth_session::Column::UserAgent;
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use sea_orm::ConnectionTrait;
//! let db = authjs_sea_orm::connect("sqlite::memory:").await?;
//! # db.execute_unprepared(r#"create table "user" ("id" text not null primary key, "name" text not null,
//! #     "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null,
//! #     "updatedAt" date not null)"#).await?;
//! # db.execute_unprepared(r#"create table "auth_session" ("id" text not null primary key,
//! #     "expiresAt" date not null, "session_token" text not null unique, "createdAt" date not null,
//! #     "updatedAt" date not null, "ipAddress" text, "userAgent" text,
//! #     "userId" text not null references "user" ("id") on delete cascade)"#).await?;
//! # db.execute_unprepared(r#"insert into "user" values ('u1', 'Ada', 'ada@example.com', 1, null,
//! #     '2026-12-02T16:54:16.760Z', '2026-12-02T16:54:16.760Z')"#).await?;
//! let store = BetterAuthStore::<Tables<user::Entity, auth_session::Entity>>::with_schema(db);
//! let now = chrono::Utc::now();
//! let session = authjs_sea_orm::better_auth::Session {
//!     id: "Ud3TgQ5m1VZpCw9yKx2hLr7bNf4sJe6a".into(),
//!     token: "HqEab17MojcaxJWGLR9ru4QK4dCToWxP".into(),
//!     user_id: "u1".into(),
//!     expires_at: now + chrono::Duration::days(7),
//!     created_at: now,
//!     updated_at: now,
//!     ip_address: None,
//!     user_agent: None,
//! };
//! let session = store.create_session(session).await?; // into "auth_session"."session_token"
//! assert_eq!(store.session_and_user(&session.token).await?.map(|(s, _)| s), Some(session));
//! # Ok(())
//! # }
//! ```
//!
//! # Statements
//!
//! Each call is one statement, [`session_and_user`](SessionStore::session_and_user) included (the session joined with
//! its user), but MariaDB's `extend_session`. Writes return the row they wrote: with `RETURNING` where the server has
//! it (SQLite, PostgreSQL; MariaDB 10.5+ for the insert); MariaDB's `extend_session` updates, then reads the row in the
//! transaction that updated it (MySQL 8, not run in CI, has no `RETURNING`: its insert returns the values it wrote).
//! Of concurrent `delete_session` calls on one session exactly one gets `true`. Tokens, e-mail addresses and ids are
//! compared byte for byte whatever the column's collation (Better Auth's MySQL tables take the server's default,
//! case-, accent- and trailing-space-insensitive on MariaDB). Behind a PostgreSQL transaction pooler, call
//! [`behind_transaction_pooler`](BetterAuthStore::behind_transaction_pooler). Errors are the adapter's: a session
//! whose user does not exist is [`Error::NotFound`](crate::Error::NotFound), a duplicate token or id
//! [`Error::Conflict`](crate::Error::Conflict), a date the column cannot hold (MySQL's `timestamp(3)` ends in 2038)
//! [`Error::InvalidInput`](crate::Error::InvalidInput); no error message or `Debug` output holds a token.
//!
//! Held by `tests/tests/better_auth_store.rs`, for both presets on SQLite, PostgreSQL and MariaDB, and through
//! PgBouncer in transaction mode (`pgbouncer_transaction::`): `one_statement_per_call`, `round_trip` (dates stored in
//! the preset's encoding, to the millisecond), `reads_every_date_form_better_auth_reads`, `lookups_are_exact`,
//! `delete_race_has_one_winner`, `create_with_a_missing_user_is_not_found`, `extend_returns_what_it_wrote`,
//! `expired_sessions_are_returned`, `sign_out_everywhere`.

#![cfg_attr(
    feature = "axum",
    doc = r##"
# Axum

With the `axum` feature, the store goes into `authjs-core`'s [`BetterAuth`] state, which the extractors of
[`axum`] read (everything of `authjs_core::better_auth` is re-exported here):

```
use authjs_sea_orm::better_auth::axum::{CurrentSession, refresh_session_cookies};
use authjs_sea_orm::better_auth::cookies::{RequestCookies, encode_value, sign};
use authjs_sea_orm::better_auth::{BetterAuth, BetterAuthConfig, BetterAuthStore, ClientInfo, Secrets};
use authjs_sea_orm::migration::MigratorTrait;
use authjs_sea_orm::migration::better_auth::Migrator;
use axum::routing::get;
use axum::{Router, middleware};
use chrono::Utc;
use sea_orm::ConnectionTrait;

async fn me(current: CurrentSession) -> String {
    current.user.email
}

# #[tokio::main(flavor = "current_thread")]
# async fn main() -> Result<(), Box<dyn std::error::Error>> {
let db = authjs_sea_orm::connect("sqlite::memory:").await?;
Migrator::up(&db, None).await?;
# db.execute_unprepared(r#"INSERT INTO "user" VALUES ('u1', 'Ada', 'ada@example.com', 1, NULL,
#     '2026-12-02T16:54:16.760Z', '2026-12-02T16:54:16.760Z')"#).await?;
let secret = "the BETTER_AUTH_SECRET of the Node app, 32+ characters";
let config = BetterAuthConfig::for_url(Secrets::new(secret)?, "http://localhost:3000");
let auth = BetterAuth::new(BetterAuthStore::new(db), config);
let app: Router = Router::new()
    .route("/me", get(me))
    .layer(middleware::from_fn(refresh_session_cookies))
    .with_state(auth.clone());
# let _ = app;

// A sign-in done in Rust (Better Auth's `sign-in` would do the same in Node): a session in the store, its cookie.
let no_cookies = RequestCookies::default();
let (session, _set_cookie) = auth.sign_in(&no_cookies, "u1", true, ClientInfo::default(), Utc::now()).await?;
// The browser sends the cookie back; the extractors resolve it so:
let sent = format!("better-auth.session_token={}", encode_value(&sign(&session.token, secret)));
let resolved = auth.resolve(&RequestCookies::from_header_values([sent.as_str()]), Utc::now()).await?;
assert_eq!(resolved.session.map(|current| current.user.email).as_deref(), Some("ada@example.com"));
# Ok(())
# }
```
"##
)]

use std::fmt;
use std::marker::PhantomData;

use async_trait::async_trait;
use authjs_sea_orm_entity::Timestamp;
use authjs_sea_orm_entity::better_auth::{drizzle, session, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityName, EntityTrait, JoinType, QueryFilter, QuerySelect,
    RelationDef, TryIntoModel, Value,
};

/// `authjs-core`'s Better Auth sessions (cookies, secrets, session rules, the [`SessionStore`] trait; with `axum`,
/// the extractors), re-exported under the same paths.
pub use authjs_core::better_auth::*;

use crate::conn::AdapterConnection;
use crate::convert::Fields;
use crate::dialect::Dialect;
use crate::error::DbResult;
use crate::{Record, Result, SeaOrmAdapter};

/// How a sessions table stores dates, per backend (see the [module docs](self#tables)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateEncoding {
    /// As Better Auth's own migrations type them: SQLite ISO-8601 text with milliseconds and `Z`
    /// (`2026-12-02T16:54:16.760Z`), PostgreSQL `timestamptz`, MySQL/MariaDB `timestamp(3)` holding UTC.
    BetterAuth,
    /// As Drizzle's columns hold them: SQLite integer epoch milliseconds (`timestamp_ms`), PostgreSQL `timestamp`
    /// without time zone and MySQL/MariaDB `timestamp(3)` holding UTC.
    Drizzle,
}

impl DateEncoding {
    /// The value to bind for `instant`, at millisecond precision, on `dialect`'s backend.
    fn value(self, dialect: &Dialect, instant: DateTime<Utc>) -> Result<Value> {
        let t = dialect.storable(instant)?;
        Ok(match (self, dialect.backend()) {
            (DateEncoding::BetterAuth, DbBackend::Sqlite) => Value::String(Some(iso_text(t))),
            (DateEncoding::BetterAuth, DbBackend::Postgres) => Value::ChronoDateTimeUtc(Some(t.to_utc())),
            // MySQL: a naive UTC date-time, bound as a `DATETIME`. sqlx binds a UTC instant as a `TIMESTAMP`
            // parameter, which MariaDB turns into the current time when it is out of the column's range, where a
            // `DATETIME` parameter is refused (`tests/better_auth_store.rs`, `round_trip`).
            (_, backend) => t.to_value(backend),
        })
    }
}

/// `t` as JavaScript's `Date.prototype.toISOString` writes it, which is how Better Auth stores a date in SQLite:
/// `2026-12-02T16:54:16.760Z` (fixed width for years 0 to 9999, so text order is time order).
fn iso_text(t: Timestamp) -> String {
    t.to_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Better Auth's `user` table: the column of each field the store reads (users are created and updated by Better
/// Auth; the store only reads them).
pub trait UserTable: EntityTrait {
    /// The primary key (text).
    const ID: Self::Column;
    /// Display name.
    const NAME: Self::Column;
    /// E-mail address (unique).
    const EMAIL: Self::Column;
    /// Whether the address was verified (a boolean, or an integer 0/1).
    const EMAIL_VERIFIED: Self::Column;
    /// Avatar URL (nullable).
    const IMAGE: Self::Column;
    /// When the row was created.
    const CREATED_AT: Self::Column;
    /// When the row was last updated.
    const UPDATED_AT: Self::Column;
}

/// Better Auth's `session` table: the column of each field, and how its dates are written.
pub trait SessionTable: EntityTrait<ActiveModel: TryIntoModel<Self::Model>> {
    /// How the date columns are written.
    const DATES: DateEncoding;
    /// The primary key (text).
    const ID: Self::Column;
    /// The session token (unique).
    const TOKEN: Self::Column;
    /// Owner, typed like the users table's primary key.
    const USER_ID: Self::Column;
    /// Expiry.
    const EXPIRES_AT: Self::Column;
    /// When the session was created.
    const CREATED_AT: Self::Column;
    /// When the session was last refreshed.
    const UPDATED_AT: Self::Column;
    /// The client's address (nullable).
    const IP_ADDRESS: Self::Column;
    /// The client's `User-Agent` (nullable).
    const USER_AGENT: Self::Column;
}

/// The tables a [`BetterAuthStore`] works on.
pub trait BetterAuthSchema: Send + Sync + 'static {
    /// Users.
    type User: UserTable;
    /// Sessions.
    type Session: SessionTable;
}

/// A [`BetterAuthSchema`] made of the given entities; by default Better Auth's own tables ([`BetterAuthTables`]).
// A marker: never built, only named in `BetterAuthStore<Tables<...>>`.
pub struct Tables<U = user::Entity, S = session::Entity>(PhantomData<fn() -> (U, S)>);

impl<U: UserTable, S: SessionTable> BetterAuthSchema for Tables<U, S> {
    type User = U;
    type Session = S;
}

/// Better Auth's tables as its own migrations create them ([`crate::entity::better_auth`]): the default.
pub type BetterAuthTables = Tables<user::Entity, session::Entity>;

/// Better Auth's tables as its Drizzle CLI writes them ([`crate::entity::better_auth::drizzle`]).
pub type BetterAuthDrizzleTables = Tables<drizzle::user::Entity, drizzle::session::Entity>;

/// Implements [`UserTable`] and [`SessionTable`] on the `user` and `session` entities of a naming module of
/// [`crate::entity::better_auth`]: both namings have the same fields, so the same `Column` variants.
macro_rules! preset {
    ($naming:path, $dates:ident) => {
        const _: () = {
            use naming::{session, user};
            use $naming as naming;

            impl UserTable for user::Entity {
                const ID: user::Column = user::Column::Id;
                const NAME: user::Column = user::Column::Name;
                const EMAIL: user::Column = user::Column::Email;
                const EMAIL_VERIFIED: user::Column = user::Column::EmailVerified;
                const IMAGE: user::Column = user::Column::Image;
                const CREATED_AT: user::Column = user::Column::CreatedAt;
                const UPDATED_AT: user::Column = user::Column::UpdatedAt;
            }

            impl SessionTable for session::Entity {
                const DATES: DateEncoding = DateEncoding::$dates;
                const ID: session::Column = session::Column::Id;
                const TOKEN: session::Column = session::Column::Token;
                const USER_ID: session::Column = session::Column::UserId;
                const EXPIRES_AT: session::Column = session::Column::ExpiresAt;
                const CREATED_AT: session::Column = session::Column::CreatedAt;
                const UPDATED_AT: session::Column = session::Column::UpdatedAt;
                const IP_ADDRESS: session::Column = session::Column::IpAddress;
                const USER_AGENT: session::Column = session::Column::UserAgent;
            }
        };
    };
}

preset!(authjs_sea_orm_entity::better_auth, BetterAuth);
preset!(authjs_sea_orm_entity::better_auth::drizzle, Drizzle);

type U<T> = <T as BetterAuthSchema>::User;
type S<T> = <T as BetterAuthSchema>::Session;

/// Better Auth's sessions and users on a SeaORM connection: the [`SessionStore`] of `authjs-core`'s Better Auth
/// module, on the tables of `T` (by default [`BetterAuthTables`]). See the [module docs](self).
///
/// Cheap to clone (it holds the connection pool).
pub struct BetterAuthStore<T = BetterAuthTables> {
    /// The adapter's connection and its statements (inserts and updates returning their row).
    adapter: SeaOrmAdapter,
    dialect: Dialect,
    _tables: PhantomData<fn() -> T>,
}

// Written by hand: a derive would require `T: Clone`/`T: Debug` of the schema marker.
impl<T> Clone for BetterAuthStore<T> {
    fn clone(&self) -> Self {
        Self { adapter: self.adapter.clone(), dialect: self.dialect.clone(), _tables: PhantomData }
    }
}

impl<T> fmt::Debug for BetterAuthStore<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BetterAuthStore").field("connection", self.adapter.connection()).finish_non_exhaustive()
    }
}

impl BetterAuthStore {
    /// A store on Better Auth's own tables ([`BetterAuthTables`]) of `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self::with_schema(db)
    }
}

impl<T: BetterAuthSchema> BetterAuthStore<T> {
    /// A store on the tables of `T` ([`BetterAuthDrizzleTables`], or your own [`Tables`]).
    pub fn with_schema(db: DatabaseConnection) -> Self {
        let dialect = Dialect::new(db.get_database_backend());
        Self { adapter: SeaOrmAdapter::new(db), dialect, _tables: PhantomData }
    }

    /// For PostgreSQL behind a pooler in transaction mode that does not track prepared statements: every statement
    /// runs unnamed in a transaction of its own, as [`SeaOrmAdapter::behind_transaction_pooler`] describes. No effect
    /// on SQLite and MySQL.
    pub fn behind_transaction_pooler(mut self) -> Self {
        self.adapter = self.adapter.behind_transaction_pooler();
        self
    }

    /// The connection the store runs on, for the application's own queries (they run as the store's statements do).
    pub fn connection(&self) -> &AdapterConnection {
        self.adapter.connection()
    }

    fn db(&self) -> &AdapterConnection {
        self.adapter.connection()
    }

    fn date(&self, instant: DateTime<Utc>) -> Result<Value> {
        <S<T>>::DATES.value(&self.dialect, instant)
    }

    /// `session.token = token`, exactly.
    fn token_is(&self, token: &str) -> Expr {
        self.dialect.key_eq(<S<T>>::TOKEN, token)
    }
}

/// The Better Auth user stored in a model of users table `U`.
fn user_of<U: UserTable>(m: &U::Model) -> Result<User> {
    let f = Fields(m);
    Ok(User {
        id: f.text(U::ID)?,
        name: f.text(U::NAME)?,
        email: f.text(U::EMAIL)?,
        email_verified: f.bool(U::EMAIL_VERIFIED)?,
        image: f.opt_text(U::IMAGE)?,
        created_at: f.date(U::CREATED_AT)?,
        updated_at: f.date(U::UPDATED_AT)?,
    })
}

/// The Better Auth session stored in a model of sessions table `S`.
fn session_of<S: SessionTable>(m: &S::Model) -> Result<Session> {
    let f = Fields(m);
    Ok(Session {
        id: f.text(S::ID)?,
        token: f.text(S::TOKEN)?,
        user_id: f.text(S::USER_ID)?,
        expires_at: f.date(S::EXPIRES_AT)?,
        created_at: f.date(S::CREATED_AT)?,
        updated_at: f.date(S::UPDATED_AT)?,
        ip_address: f.opt_text(S::IP_ADDRESS)?,
        user_agent: f.opt_text(S::USER_AGENT)?,
    })
}

#[async_trait]
impl<T: BetterAuthSchema> SessionStore for BetterAuthStore<T> {
    async fn session_and_user(&self, token: &str) -> Result<Option<(Session, User)>> {
        let to_user: RelationDef = <S<T>>::belongs_to(<U<T>>::default()).from(<S<T>>::USER_ID).to(<U<T>>::ID).into();
        let found = <S<T>>::find()
            .filter(self.token_is(token))
            .select_also(<U<T>>::default())
            .join(JoinType::InnerJoin, to_user)
            .one(self.db())
            .await
            .db()?;
        match found {
            Some((session, Some(user))) => Ok(Some((session_of::<S<T>>(&session)?, user_of::<U<T>>(&user)?))),
            _ => Ok(None),
        }
    }

    async fn create_session(&self, session: Session) -> Result<Session> {
        type Sn<T> = S<T>;
        let key = self.token_is(&session.token);
        let values = vec![
            (<Sn<T>>::ID, session.id.into()),
            (<Sn<T>>::TOKEN, session.token.into()),
            (<Sn<T>>::USER_ID, session.user_id.into()),
            (<Sn<T>>::EXPIRES_AT, self.date(session.expires_at)?),
            (<Sn<T>>::CREATED_AT, self.date(session.created_at)?),
            (<Sn<T>>::UPDATED_AT, self.date(session.updated_at)?),
            (<Sn<T>>::IP_ADDRESS, session.ip_address.into()),
            (<Sn<T>>::USER_AGENT, session.user_agent.into()),
        ];
        let created = self.adapter.insert_row(Record::Session, values, |_| <Sn<T>>::find().filter(key)).await?;
        session_of::<Sn<T>>(&created)
    }

    async fn extend_session(
        &self,
        token: &str,
        expires_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> Result<Option<Session>> {
        type Sn<T> = S<T>;
        let stmt = Query::update()
            .table(<Sn<T>>::default().table_ref())
            .value(<Sn<T>>::EXPIRES_AT, self.date(expires_at)?)
            .value(<Sn<T>>::UPDATED_AT, self.date(updated_at)?)
            .and_where(self.token_is(token))
            .to_owned();
        let reread = <Sn<T>>::find().filter(self.token_is(token));
        let updated = self.adapter.update_row(Record::Session, stmt, reread).await?;
        updated.as_ref().map(session_of::<Sn<T>>).transpose()
    }

    async fn delete_session(&self, token: &str) -> Result<bool> {
        // Of concurrent deletes of one row, the database lets one affect it: that caller alone gets `true`.
        let stmt = Query::delete().from_table(<S<T>>::default().table_ref()).and_where(self.token_is(token)).to_owned();
        Ok(self.db().execute(&stmt).await.db()?.rows_affected() > 0)
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64> {
        let stmt = Query::delete()
            .from_table(<S<T>>::default().table_ref())
            .and_where(self.dialect.key_eq(<S<T>>::USER_ID, user_id))
            .to_owned();
        Ok(self.db().execute(&stmt).await.db()?.rows_affected())
    }

    async fn get_user(&self, id: &str) -> Result<Option<User>> {
        let found = <U<T>>::find().filter(self.dialect.key_eq(<U<T>>::ID, id)).one(self.db()).await.db()?;
        found.as_ref().map(user_of::<U<T>>).transpose()
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<User>> {
        let found = <U<T>>::find().filter(self.dialect.key_eq(<U<T>>::EMAIL, email)).one(self.db()).await.db()?;
        found.as_ref().map(user_of::<U<T>>).transpose()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn dates_are_written_as_each_naming_stores_them() {
        let t = Utc.timestamp_millis_opt(1_796_230_565_104).unwrap() + chrono::Duration::nanoseconds(999_999);
        let on = |b| Dialect::new(b);
        assert_eq!(
            DateEncoding::BetterAuth.value(&on(DbBackend::Sqlite), t).unwrap(),
            Value::String(Some("2026-12-02T16:56:05.104Z".into()))
        );
        let ms = Utc.timestamp_millis_opt(1_796_230_565_104).unwrap();
        assert_eq!(DateEncoding::BetterAuth.value(&on(DbBackend::Postgres), t).unwrap(), Value::from(ms));
        assert_eq!(
            DateEncoding::Drizzle.value(&on(DbBackend::Sqlite), t).unwrap(),
            Value::BigInt(Some(1_796_230_565_104))
        );
        assert_eq!(DateEncoding::Drizzle.value(&on(DbBackend::Postgres), t).unwrap(), Value::from(ms.naive_utc()));
        for dates in [DateEncoding::BetterAuth, DateEncoding::Drizzle] {
            assert_eq!(dates.value(&on(DbBackend::MySql), t).unwrap(), Value::from(ms.naive_utc()));
        }
        let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
        assert!(matches!(
            DateEncoding::BetterAuth.value(&on(DbBackend::MySql), far),
            Err(crate::Error::InvalidInput(_))
        ));
        assert_eq!(
            iso_text(Timestamp::new(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap())),
            "2099-01-01T00:00:00.000Z"
        );
    }
}
