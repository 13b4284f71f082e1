//! The schemas the conformance suite runs on: the default Auth.js tables and custom tables mapped onto the adapter.
//!
//! - [`Default`]: the Auth.js tables of `authjs_sea_orm::entity`.
//! - [`Prefixed`]: Drizzle's multi-project case, all five tables prefixed with `project1_`.
//! - [`Plural`]: plural snake_case tables with extra user columns (`role`, `phone`, `created_at`): the tables of
//!   `examples/custom-tables`.
//! - [`UuidIds`]: native `uuid` user ids, in the PostgreSQL schema `auth` (PostgreSQL only).
//! - [`IntegerIds`]: an auto-increment integer users table, as Loco's.
//! - [`Prisma`]: the Prisma preset (`authjs_sea_orm::prisma::PrismaTables`) on the tables `prisma migrate` creates.
//! - [`PrismaV4`]: the same for next-auth v4's Prisma schema (`PrismaV4Tables`).
//! - [`Cached`]: any of them with the adapter wrapped in `authjs_sea_orm::cache::CachedAdapter` ([`CachedDefault`]).

use std::fmt;
use std::marker::PhantomData;

use authjs_sea_orm::cache::CachedAdapter;
use authjs_sea_orm::entity::Timestamp;
use authjs_sea_orm::migration::{MigrationName, MigrationTrait, MigratorTrait, SchemaManager, v1};
use authjs_sea_orm::schema::{IdKind, Schema, Tables, UserTable};
use authjs_sea_orm::{Adapter, AdapterUser, SeaOrmAdapter};
use chrono::{Duration, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use crate::Backend;

/// The users entity of schema `S`.
pub type Users<S> = <<S as TestSchema>::Tables as Schema>::User;
/// The accounts entity of schema `S`.
pub type Accounts<S> = <<S as TestSchema>::Tables as Schema>::Account;
/// The sessions entity of schema `S`.
pub type Sessions<S> = <<S as TestSchema>::Tables as Schema>::Session;
/// The verification tokens entity of schema `S`.
pub type VerificationTokens<S> = <<S as TestSchema>::Tables as Schema>::VerificationToken;
/// The authenticators entity of schema `S`.
pub type Authenticators<S> = <<S as TestSchema>::Tables as Schema>::Authenticator;
/// What users of schema `S` carry beside the Auth.js fields.
pub type Extra<S> = <Users<S> as UserTable>::Extra;
/// What `create_user` takes beside the Auth.js fields on schema `S`.
pub type NewExtra<S> = <Users<S> as UserTable>::NewExtra;
/// A user as the adapter on schema `S` returns it.
pub type User<S> = AdapterUser<Extra<S>>;

/// The schemas under test, by name (see [`TestSchema::KIND`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchemaKind {
    /// [`Default`].
    Default,
    /// [`Prefixed`].
    Prefixed,
    /// [`Plural`].
    Plural,
    /// [`UuidIds`].
    UuidIds,
    /// [`IntegerIds`].
    IntegerIds,
    /// [`Prisma`].
    Prisma,
    /// [`PrismaV4`].
    PrismaV4,
}

impl SchemaKind {
    /// Short name, as used by the test modules.
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Default => "default",
            SchemaKind::Prefixed => "prefixed",
            SchemaKind::Plural => "plural",
            SchemaKind::UuidIds => "uuid_ids",
            SchemaKind::IntegerIds => "integer_ids",
            SchemaKind::Prisma => "prisma",
            SchemaKind::PrismaV4 => "prisma_v4",
        }
    }
}

/// A schema under test: its tables, how to create them, where it can run, and what its users' extra part holds.
pub trait TestSchema: Send + Sync + 'static {
    /// The adapter's schema.
    type Tables: Schema;

    /// The adapter the cases run on: `SeaOrmAdapter<Self::Tables>`, or a layer around it ([`Cached`]).
    type Adapter: Adapter<Extra = Extra<Self>, NewExtra = NewExtra<Self>> + Clone + fmt::Debug + Send + Sync + 'static;

    /// The adapter under test around `base`, the adapter on the tables [`migrations`](TestSchema::migrations) created.
    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter;

    /// Which schema this is.
    const KIND: SchemaKind;

    /// Whether the tables are the default entities of `authjs_sea_orm::entity`: then every raw read is also done
    /// with those entities and converted field by field, independently of the adapter's conversions.
    const DEFAULT_TABLES: bool = false;

    /// Whether `backend` has what the schema needs.
    fn supports(backend: Backend) -> bool {
        let _ = backend;
        true
    }

    /// Whether the schema's tables on `backend` lack what the cases tagged `need` in
    /// [`with_cases!`](crate::with_cases) need (`wide`: 64-bit integers; `ms`: milliseconds in dates): those cases
    /// do not run on it, and the schema's own tests pin down what happens instead. Nothing lacks by default.
    fn lacks(need: &str, backend: Backend) -> bool {
        let _ = (need, backend);
        false
    }

    /// Creates the tables on an empty database: by default, [`CreateAuthTables`], the migration an application on
    /// custom tables writes.
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateAuthTables::<Self::Tables>(PhantomData))]
    }

    /// `user` with the copies of its Auth.js fields inside `extra` (a schema whose extra is the whole row) set from
    /// the Auth.js fields: what a user must read back as after its Auth.js fields were changed. The identity when
    /// the extra holds no Auth.js field.
    fn synced(user: User<Self>) -> User<Self> {
        user
    }

    /// Checks the extra part of `user`, just created with `NewExtra::default()` (so also that it mirrors the Auth.js
    /// fields, where it holds them).
    fn check_default_extra(user: &User<Self>) {
        let _ = user;
    }
}

/// The migration an application on custom tables `T` writes in its own migration crate: its own name, and the frozen
/// `v1` builders for `up` and `down`.
pub struct CreateAuthTables<T>(pub PhantomData<fn() -> T>);

impl<T> MigrationName for CreateAuthTables<T> {
    fn name(&self) -> &str {
        "m20261126_000001_create_auth_tables"
    }
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl<T: Schema> MigrationTrait for CreateAuthTables<T> {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::create_auth_tables::<T>(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::drop_auth_tables::<T>(manager).await
    }
}

/// The kind of user ids of schema `S`.
pub fn id_kind<S: TestSchema>() -> IdKind {
    <Users<S> as UserTable>::ID_KIND
}

/// Runs `S::migrations()` on `db`.
pub async fn migrate<S: TestSchema>(db: &DatabaseConnection) -> Result<(), DbErr> {
    struct Migrator<S>(std::marker::PhantomData<S>);
    #[async_trait::async_trait]
    impl<S: TestSchema> MigratorTrait for Migrator<S> {
        fn migrations() -> Vec<Box<dyn MigrationTrait>> {
            S::migrations()
        }
    }
    Migrator::<S>::up(db, None).await
}

/// The Auth.js tables.
pub enum Default {}

impl TestSchema for Default {
    type Tables = Tables;
    type Adapter = SeaOrmAdapter<Self::Tables>;

    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter {
        base
    }
    const KIND: SchemaKind = SchemaKind::Default;
    const DEFAULT_TABLES: bool = true;

    /// The migrations the crate ships.
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        authjs_sea_orm::migration::migrations()
    }
}

/// `examples/custom-tables`: plural snake_case tables with extra user columns, created by the example's migrator.
pub enum Plural {}

impl TestSchema for Plural {
    type Tables = example_custom_tables::AppTables;
    type Adapter = SeaOrmAdapter<Self::Tables>;

    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter {
        base
    }
    const KIND: SchemaKind = SchemaKind::Plural;

    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        example_custom_tables::migration::Migrator::migrations()
    }

    /// The extra part is the app's whole `users` row, which holds the Auth.js fields too.
    fn synced(mut user: User<Self>) -> User<Self> {
        user.extra.id = user.id.clone();
        user.extra.name = user.name.clone();
        user.extra.email = user.email.clone();
        user.extra.email_verified = user.email_verified.map(Timestamp::new);
        user.extra.image = user.image.clone();
        user
    }

    /// `NewProfile::default()`: role `member`, no phone, `created_at` just now (to the millisecond).
    fn check_default_extra(user: &User<Self>) {
        assert_eq!(Self::synced(user.clone()), *user, "the users row mirrors the Auth.js fields");
        assert_eq!(user.extra.role, "member", "the default role");
        assert_eq!(user.extra.phone, None);
        assert_recent(user.extra.created_at);
    }
}

/// Asserts `instant` is a whole millisecond within the last minute (or a second ahead, for clock steps).
#[track_caller]
pub fn assert_recent(instant: Timestamp) {
    let instant = instant.to_utc();
    let now = Utc::now();
    assert!(
        instant > now - Duration::minutes(1) && instant <= now + Duration::seconds(1),
        "{instant} is not recent (now {now})"
    );
    assert_eq!(instant.timestamp_subsec_nanos() % 1_000_000, 0, "{instant} is not whole milliseconds");
}

/// Defines the five Auth.js entities under other table names and user id types, with their mappings.
macro_rules! auth_entities {
    (
        $(#[$meta:meta])* $module:ident, $marker:ident,
        $(schema_name = $schema:literal,)?
        tables = [$user:literal, $account:literal, $session:literal, $vtoken:literal, $authenticator:literal],
        id = $id:ty, id_kind = $kind:ident
    ) => {
        $(#[$meta])*
        pub mod $module {
            #![allow(missing_docs)]

            /// The schema of this module's entities.
            pub type Tables = authjs_sea_orm::schema::Tables<
                user::Entity,
                account::Entity,
                session::Entity,
                verification_token::Entity,
                authenticator::Entity,
            >;

            pub mod user {
                use authjs_sea_orm::entity::Timestamp;
                use sea_orm::entity::prelude::*;

                #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
                #[sea_orm($(schema_name = $schema,)? table_name = $user)]
                pub struct Model {
                    #[sea_orm(primary_key, auto_increment = false)]
                    pub id: $id,
                    pub name: Option<String>,
                    #[sea_orm(unique)]
                    pub email: Option<String>,
                    #[sea_orm(column_name = "emailVerified")]
                    pub email_verified: Option<Timestamp>,
                    pub image: Option<String>,
                }

                #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
                pub enum Relation {}

                impl ActiveModelBehavior for ActiveModel {}

                authjs_sea_orm::user_table!(id_kind = $kind);
            }

            pub mod account {
                use sea_orm::entity::prelude::*;

                #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
                #[sea_orm($(schema_name = $schema,)? table_name = $account)]
                pub struct Model {
                    #[sea_orm(column_name = "userId")]
                    pub user_id: $id,
                    pub r#type: String,
                    #[sea_orm(primary_key, auto_increment = false)]
                    pub provider: String,
                    #[sea_orm(primary_key, auto_increment = false, column_name = "providerAccountId")]
                    pub provider_account_id: String,
                    pub refresh_token: Option<String>,
                    pub access_token: Option<String>,
                    pub expires_at: Option<i64>,
                    pub token_type: Option<String>,
                    pub scope: Option<String>,
                    pub id_token: Option<String>,
                    pub session_state: Option<String>,
                }

                #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
                pub enum Relation {}

                impl ActiveModelBehavior for ActiveModel {}

                authjs_sea_orm::account_table!();
            }

            pub mod session {
                use authjs_sea_orm::entity::Timestamp;
                use sea_orm::entity::prelude::*;

                #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
                #[sea_orm($(schema_name = $schema,)? table_name = $session)]
                pub struct Model {
                    #[sea_orm(primary_key, auto_increment = false, column_name = "sessionToken")]
                    pub session_token: String,
                    #[sea_orm(column_name = "userId")]
                    pub user_id: $id,
                    pub expires: Timestamp,
                }

                #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
                pub enum Relation {}

                impl ActiveModelBehavior for ActiveModel {}

                authjs_sea_orm::session_table!();
            }

            pub mod verification_token {
                use authjs_sea_orm::entity::Timestamp;
                use sea_orm::entity::prelude::*;

                #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
                #[sea_orm($(schema_name = $schema,)? table_name = $vtoken)]
                pub struct Model {
                    #[sea_orm(primary_key, auto_increment = false)]
                    pub identifier: String,
                    #[sea_orm(primary_key, auto_increment = false)]
                    pub token: String,
                    pub expires: Timestamp,
                }

                #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
                pub enum Relation {}

                impl ActiveModelBehavior for ActiveModel {}

                authjs_sea_orm::verification_token_table!();
            }

            pub mod authenticator {
                use sea_orm::entity::prelude::*;

                #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
                #[sea_orm($(schema_name = $schema,)? table_name = $authenticator)]
                pub struct Model {
                    #[sea_orm(primary_key, auto_increment = false, column_name = "credentialID")]
                    pub credential_id: String,
                    #[sea_orm(primary_key, auto_increment = false, column_name = "userId")]
                    pub user_id: $id,
                    #[sea_orm(column_name = "providerAccountId")]
                    pub provider_account_id: String,
                    #[sea_orm(column_name = "credentialPublicKey")]
                    pub credential_public_key: String,
                    pub counter: i64,
                    #[sea_orm(column_name = "credentialDeviceType")]
                    pub credential_device_type: String,
                    #[sea_orm(column_name = "credentialBackedUp")]
                    pub credential_backed_up: bool,
                    pub transports: Option<String>,
                }

                #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
                pub enum Relation {}

                impl ActiveModelBehavior for ActiveModel {}

                authjs_sea_orm::authenticator_table!();
            }
        }

        $(#[$meta])*
        pub enum $marker {}
    };
}

auth_entities!(
    /// Drizzle's multi-project case: every table prefixed with `project1_`.
    prefixed, Prefixed,
    tables = ["project1_user", "project1_account", "project1_session", "project1_verificationToken", "project1_authenticator"],
    id = String, id_kind = Text
);

impl TestSchema for Prefixed {
    type Tables = prefixed::Tables;
    type Adapter = SeaOrmAdapter<Self::Tables>;

    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter {
        base
    }
    const KIND: SchemaKind = SchemaKind::Prefixed;
}

auth_entities!(
    /// The Auth.js tables in a PostgreSQL schema whose name holds a double quote and a space (`migration::v1` must
    /// quote it as an identifier).
    quoted_schema, QuotedSchema,
    schema_name = "auth \"v2\"",
    tables = ["user", "account", "session", "verificationToken", "authenticator"],
    id = String, id_kind = Text
);

auth_entities!(
    /// Native `uuid` user ids, in the PostgreSQL schema `auth`.
    uuid_ids, UuidIds,
    schema_name = "auth",
    tables = ["user", "account", "session", "verificationToken", "authenticator"],
    id = uuid::Uuid, id_kind = Uuid
);

impl TestSchema for UuidIds {
    type Tables = uuid_ids::Tables;
    type Adapter = SeaOrmAdapter<Self::Tables>;

    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter {
        base
    }
    const KIND: SchemaKind = SchemaKind::UuidIds;

    fn supports(backend: Backend) -> bool {
        backend == Backend::Postgres
    }
}

auth_entities!(
    /// An auto-increment integer users table (Loco's `users` shape), with integer `user_id` columns.
    integer_ids, IntegerIds,
    tables = ["users", "accounts", "sessions", "verification_tokens", "authenticators"],
    id = i32, id_kind = AutoIncrement
);

impl TestSchema for IntegerIds {
    type Tables = integer_ids::Tables;
    type Adapter = SeaOrmAdapter<Self::Tables>;

    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter {
        base
    }
    const KIND: SchemaKind = SchemaKind::IntegerIds;
}

/// Schema `S` with its adapter wrapped in a [`CachedAdapter`] (default settings): every case then also checks that
/// the cache answers as the database does.
pub struct Cached<S>(PhantomData<fn() -> S>);

/// The Auth.js tables through the session cache.
pub type CachedDefault = Cached<Default>;

impl<S: TestSchema> TestSchema for Cached<S> {
    type Tables = S::Tables;
    type Adapter = CachedAdapter<S::Adapter>;
    const KIND: SchemaKind = S::KIND;
    const DEFAULT_TABLES: bool = S::DEFAULT_TABLES;

    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter {
        CachedAdapter::builder(S::adapter(base)).build()
    }

    fn supports(backend: Backend) -> bool {
        S::supports(backend)
    }

    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        S::migrations()
    }

    fn synced(user: User<Self>) -> User<Self> {
        S::synced(user)
    }

    fn check_default_extra(user: &User<Self>) {
        S::check_default_extra(user)
    }
}

/// The Prisma preset: `@auth/prisma-adapter`'s Auth.js v5 schema, created by `migration::prisma` (the SQL
/// `prisma migrate` runs).
pub enum Prisma {}

impl TestSchema for Prisma {
    type Tables = authjs_sea_orm::prisma::PrismaTables;
    type Adapter = SeaOrmAdapter<Self::Tables>;

    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter {
        base
    }
    const KIND: SchemaKind = SchemaKind::Prisma;

    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        authjs_sea_orm::migration::prisma::migrations()
    }

    /// Prisma's `Int` (`expires_at`, `counter`) is 32-bit on PostgreSQL and MySQL/MariaDB (SQLite's `INTEGER` holds
    /// 64 bits); `tests/prisma.rs` checks that larger values are refused.
    fn lacks(need: &str, backend: Backend) -> bool {
        need == "wide" && !backend.is_sqlite()
    }
}

/// next-auth v4's Prisma schema (`PrismaV4Tables`), created by `migration::prisma::v4`.
pub enum PrismaV4 {}

impl TestSchema for PrismaV4 {
    type Tables = authjs_sea_orm::prisma::PrismaV4Tables;
    type Adapter = SeaOrmAdapter<Self::Tables>;

    fn adapter(base: SeaOrmAdapter<Self::Tables>) -> Self::Adapter {
        base
    }
    const KIND: SchemaKind = SchemaKind::PrismaV4;

    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        authjs_sea_orm::migration::prisma::v4::migrations()
    }

    /// As [`Prisma`]: `Int` is 32-bit.
    fn lacks(need: &str, backend: Backend) -> bool {
        Prisma::lacks(need, backend)
    }
}
