//! Custom tables: map the adapter onto your own SeaORM entities (the counterpart of the second argument of
//! `DrizzleAdapter(db, { usersTable, accountsTable, ... })`).
//!
//! Each Auth.js table is described by a trait implemented on a SeaORM entity: [`UserTable`], [`AccountTable`],
//! [`SessionTable`], [`VerificationTokenTable`], [`AuthenticatorTable`]. An implementation names, for each field of
//! the Auth.js record, the entity column that stores it; table names, column names, a PostgreSQL schema
//! (`schema_name`), the SQL types and any extra columns come from the entity itself. The default entities of
//! [`crate::entity`] implement all five.
//!
//! **The short way.** In the entity's module, one macro line per table implements its trait, naming each column
//! by its Auth.js name (the `Column` variant SeaORM derives: `UserId` for a field `user_id` or `userId`), with
//! `field = Variant` overrides for what differs:
//!
//! ```ignore
//! authjs_sea_orm::user_table!(id_kind = AutoIncrement, name = DisplayName, image = None, extra = Model);
//! authjs_sea_orm::account_table!();                        // every column under its Auth.js name
//! authjs_sea_orm::session_table!(session_token = Token);   // one column named otherwise
//! authjs_sea_orm::verification_token_table!();
//! authjs_sea_orm::authenticator_table!();
//! ```
//!
//! (see [`user_table!`](crate::user_table) for a complete entity). A users table whose extra columns need values on
//! sign-up implements [`UserTable`] by hand, as below.
//!
//! Columns are the entity's own `Column` enum, so a mapping that names a missing column, or a column of another
//! table, does not compile. What only the database knows (a column whose values cannot be read as text, say) is
//! reported at run time as [`Error::InvalidData`](crate::Error::InvalidData) naming the table and the column.
//!
//! Swap tables one at a time with [`SeaOrmAdapter::with_users`](crate::SeaOrmAdapter::with_users) and its siblings;
//! the others stay the defaults:
//!
//! ```
//! use authjs_sea_orm::schema::{IdKind, UserTable};
//! use authjs_sea_orm::{Adapter, NewUser, SeaOrmAdapter};
//! use sea_orm::entity::prelude::*;
//! use sea_orm::{DbBackend, Value};
//!
//! mod users {
//!     use sea_orm::entity::prelude::*;
//!
//!     /// The app's own users table: snake_case columns, an extra `role`.
//!     #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "users")]
//!     pub struct Model {
//!         #[sea_orm(primary_key, auto_increment = false)]
//!         pub id: String,
//!         pub display_name: Option<String>,
//!         #[sea_orm(unique)]
//!         pub email: Option<String>,
//!         pub email_verified: Option<authjs_sea_orm::entity::Timestamp>,
//!         pub role: String,
//!     }
//!
//!     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
//!     pub enum Relation {}
//!
//!     impl ActiveModelBehavior for ActiveModel {}
//! }
//!
//! /// What the app supplies when a user is created.
//! #[derive(Clone, Debug, Default)]
//! pub struct NewProfile {
//!     pub role: Option<String>,
//! }
//!
//! impl UserTable for users::Entity {
//!     type Extra = users::Model; // reads return the app's whole model
//!     type NewExtra = NewProfile;
//!     const ID_KIND: IdKind = IdKind::Text;
//!     const ID: users::Column = users::Column::Id;
//!     const NAME: Option<users::Column> = Some(users::Column::DisplayName);
//!     const EMAIL: users::Column = users::Column::Email;
//!     const EMAIL_VERIFIED: Option<users::Column> = Some(users::Column::EmailVerified);
//!     const IMAGE: Option<users::Column> = None;
//!
//!     fn extra(model: &users::Model) -> users::Model {
//!         model.clone()
//!     }
//!
//!     fn new_extra_values(extra: NewProfile, _: DbBackend) -> Vec<(users::Column, Value)> {
//!         vec![(users::Column::Role, extra.role.unwrap_or_else(|| "member".into()).into())]
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = authjs_sea_orm::connect("sqlite::memory:").await?;
//! # db.execute_unprepared("CREATE TABLE users (id TEXT PRIMARY KEY, display_name TEXT, email TEXT UNIQUE,
//! #     email_verified INTEGER, role TEXT NOT NULL)").await?;
//! let adapter = SeaOrmAdapter::new(db).with_users::<users::Entity>();
//! let user = adapter
//!     .create_user(NewUser {
//!         email: Some("ada@example.com".into()),
//!         extra: NewProfile { role: Some("admin".into()) },
//!         ..NewUser::default()
//!     })
//!     .await?;
//! assert_eq!(user.extra.role, "admin");
//! # Ok(())
//! # }
//! ```

use std::fmt::Debug;
use std::marker::PhantomData;

use authjs_sea_orm_entity::{account, authenticator, session, user, verification_token};
use sea_orm::{DbBackend, EntityTrait, TryIntoModel, Value};

use crate::NewUser;

/// How the user table's primary key is typed and filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    /// A text column. `create_user` stores the id it is given, or a new UUID v4.
    Text,
    /// A native UUID column (PostgreSQL `uuid`). `create_user` stores the id it is given (it must be a UUID), or a
    /// new UUID v4. An id that is not a UUID is never found.
    Uuid,
    /// An integer filled by the database (auto-increment). `create_user` ignores the id it is given (as the Drizzle
    /// adapter does when the id column has a default); ids are decimal strings in the adapter's records.
    AutoIncrement,
}

/// The `insert_values` and `update_values` hooks of the table traits, with their defaults (no value).
macro_rules! row_hooks {
    (insert_values $(, $($rest:tt)*)?) => {
        /// Values of other columns written with every new row: a key or timestamps the app's ORM fills rather than
        /// the database (Prisma's `@default(cuid())`, `@default(now())`, `@updatedAt`), say. None by default.
        fn insert_values(backend: DbBackend) -> Vec<(Self::Column, Value)> {
            let _ = backend;
            Vec::new()
        }
        $(row_hooks!($($rest)*);)?
    };
    (update_values) => {
        /// Values written on every update of a row beside the changed fields (Prisma's `@updatedAt`, say). None by
        /// default.
        fn update_values(backend: DbBackend) -> Vec<(Self::Column, Value)> {
            let _ = backend;
            Vec::new()
        }
    };
}

/// The user table (`user` by default).
pub trait UserTable: EntityTrait<ActiveModel: TryIntoModel<Self::Model>> {
    /// What reads return beside the Auth.js fields, in [`AdapterUser::extra`](crate::AdapterUser::extra): `()` for
    /// none, a struct of extra columns, or the whole model.
    type Extra: Clone + Debug + PartialEq + Send + Sync + 'static;
    /// What [`create_user`](crate::Adapter::create_user) takes beside the Auth.js fields, in
    /// [`NewUser::extra`](crate::NewUser::extra). `Default` is what sign-ups that know nothing of your columns pass.
    type NewExtra: Default + Send + Sync + 'static;
    /// How the primary key is typed and filled; the `userId` columns of the other tables are typed alike.
    const ID_KIND: IdKind;
    /// The primary key.
    const ID: Self::Column;
    /// Display name, if the table has one.
    const NAME: Option<Self::Column>;
    /// E-mail address (unique).
    const EMAIL: Self::Column;
    /// When the e-mail address was verified, if the table records it.
    const EMAIL_VERIFIED: Option<Self::Column>;
    /// Avatar URL, if the table has one.
    const IMAGE: Option<Self::Column>;

    /// The extra part of a user read from the table.
    fn extra(model: &Self::Model) -> Self::Extra;

    /// Values of the extra columns to write on `create_user` (columns with a database default may be left out).
    fn new_extra_values(extra: Self::NewExtra, backend: DbBackend) -> Vec<(Self::Column, Value)>;

    /// Called by `create_user` before anything is written, to complete or correct the new user: a display name
    /// derived from the address when the table requires one, say (the adapter writes with sea-query statements, so
    /// the entity's `ActiveModelBehavior` hooks do not run). Does nothing by default.
    fn before_insert(user: &mut NewUser<Self::NewExtra>) {
        let _ = user;
    }

    /// Values written on every `update_user` beside the changed fields: an `updatedAt` column kept by the app's
    /// ORM rather than the database, say (Prisma's `@updatedAt`). None by default.
    fn update_values(backend: DbBackend) -> Vec<(Self::Column, Value)> {
        let _ = backend;
        Vec::new()
    }

    /// Values written beside `emailVerified` when an address that was never verified is verified: the first proof
    /// that whoever holds the address owns the row (a first magic-link sign-in). Someone else may have created the row
    /// (a sign-up with a password, before the owner ever signed in), so credentials the table keeps beside the Auth.js
    /// fields must stop working here: a password hash made unusable, API keys replaced, reset tokens cleared.
    ///
    /// `update_user` writes them in the statement that sets `emailVerified` on a row whose `emailVerified` is NULL,
    /// in the transaction that also deletes the user's sessions, so no moment exists where the row is verified and
    /// the old credentials still work, and a failure writes nothing. Later verifications do not write them. Name
    /// only columns that are neither Auth.js fields nor among [`update_values`](UserTable::update_values). None by
    /// default.
    fn first_verification_values(backend: DbBackend) -> Vec<(Self::Column, Value)> {
        let _ = backend;
        Vec::new()
    }
}

/// The account table (`account` by default).
pub trait AccountTable: EntityTrait<ActiveModel: TryIntoModel<Self::Model>> {
    /// Owner, typed like the user table's primary key.
    const USER_ID: Self::Column;
    /// Account type (`oauth`, `oidc`, `email`, `webauthn`).
    const TYPE: Self::Column;
    /// Provider id.
    const PROVIDER: Self::Column;
    /// The account's id at the provider.
    const PROVIDER_ACCOUNT_ID: Self::Column;
    /// OAuth refresh token.
    const REFRESH_TOKEN: Self::Column;
    /// OAuth access token.
    const ACCESS_TOKEN: Self::Column;
    /// Access token expiry, epoch seconds (an integer column).
    const EXPIRES_AT: Self::Column;
    /// Token type.
    const TOKEN_TYPE: Self::Column;
    /// Scopes.
    const SCOPE: Self::Column;
    /// OpenID Connect id token.
    const ID_TOKEN: Self::Column;
    /// OAuth session state.
    const SESSION_STATE: Self::Column;

    row_hooks!(insert_values, update_values);
}

/// The session table (`session` by default).
pub trait SessionTable: EntityTrait<ActiveModel: TryIntoModel<Self::Model>> {
    /// The session token (unique).
    const SESSION_TOKEN: Self::Column;
    /// Owner, typed like the user table's primary key.
    const USER_ID: Self::Column;
    /// Expiry (a date column).
    const EXPIRES: Self::Column;

    row_hooks!(insert_values, update_values);
}

/// The verification token table (`verificationToken` by default).
pub trait VerificationTokenTable: EntityTrait<ActiveModel: TryIntoModel<Self::Model>> {
    /// Who the token is for.
    const IDENTIFIER: Self::Column;
    /// The hashed token; `(identifier, token)` is unique.
    const TOKEN: Self::Column;
    /// Expiry (a date column).
    const EXPIRES: Self::Column;

    row_hooks!(insert_values);
}

/// The authenticator table (`authenticator` by default).
pub trait AuthenticatorTable: EntityTrait<ActiveModel: TryIntoModel<Self::Model>> {
    /// Credential id (unique).
    const CREDENTIAL_ID: Self::Column;
    /// Owner, typed like the user table's primary key.
    const USER_ID: Self::Column;
    /// The WebAuthn account's provider account id.
    const PROVIDER_ACCOUNT_ID: Self::Column;
    /// Public key.
    const CREDENTIAL_PUBLIC_KEY: Self::Column;
    /// Signature counter (an integer column).
    const COUNTER: Self::Column;
    /// Device type.
    const CREDENTIAL_DEVICE_TYPE: Self::Column;
    /// Backed-up flag (a boolean column).
    const CREDENTIAL_BACKED_UP: Self::Column;
    /// Transports.
    const TRANSPORTS: Self::Column;

    row_hooks!(insert_values, update_values);
}

/// The five tables an adapter works on.
pub trait Schema: Send + Sync + 'static {
    /// Users.
    type User: UserTable;
    /// Accounts.
    type Account: AccountTable;
    /// Sessions.
    type Session: SessionTable;
    /// Verification tokens.
    type VerificationToken: VerificationTokenTable;
    /// Authenticators.
    type Authenticator: AuthenticatorTable;
}

/// A [`Schema`] made of the given entities; each defaults to the Auth.js table of [`crate::entity`].
// A marker: never built, only named in `SeaOrmAdapter<Tables<...>>`.
#[allow(clippy::type_complexity)]
pub struct Tables<
    U = user::Entity,
    A = account::Entity,
    S = session::Entity,
    V = verification_token::Entity,
    Au = authenticator::Entity,
>(PhantomData<fn() -> (U, A, S, V, Au)>);

impl<U, A, S, V, Au> Schema for Tables<U, A, S, V, Au>
where
    U: UserTable,
    A: AccountTable,
    S: SessionTable,
    V: VerificationTokenTable,
    Au: AuthenticatorTable,
{
    type User = U;
    type Account = A;
    type Session = S;
    type VerificationToken = V;
    type Authenticator = Au;
}

// The Auth.js tables of `crate::entity`: every column under its Auth.js name.
mod default_tables {
    mod user {
        use authjs_sea_orm_entity::user::{Column, Entity, Model};
        crate::user_table!();
    }
    mod account {
        use authjs_sea_orm_entity::account::{Column, Entity};
        crate::account_table!();
    }
    mod session {
        use authjs_sea_orm_entity::session::{Column, Entity};
        crate::session_table!();
    }
    mod verification_token {
        use authjs_sea_orm_entity::verification_token::{Column, Entity};
        crate::verification_token_table!();
    }
    mod authenticator {
        use authjs_sea_orm_entity::authenticator::{Column, Entity};
        crate::authenticator_table!();
    }
}
