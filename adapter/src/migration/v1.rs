//! Version 1 of the Auth.js tables, as builders for custom schemas: an application whose entities map the Auth.js
//! columns under other names (a prefix, plural snake_case, a PostgreSQL schema, UUID or auto-increment user ids)
//! creates their tables from a migration file of its own that calls [`create_auth_tables`] and
//! [`drop_auth_tables`], or types the columns of a hand-written migration with [`columns`].
//!
//! **`v1` never changes.** What these functions create for a given schema (tables, column types, keys, constraint
//! and index names, per backend) is frozen, so the application's migration, once released, creates the same tables
//! on every deployment and after every upgrade of this crate; the tests pin it
//! (`tests/ddl/v1/*.sql`). Other tables or types would come as a `v2` module, called from a new migration that
//! alters what `v1` created.
//!
//! `v1` creates what the crate's own `m20261126_000001_create_auth_tables` creates, under the schema's names: on the
//! default [`Tables`](crate::schema::Tables), the same statements (see that migration's docs for the types and the
//! improvements over Drizzle's schema). Constraint names follow Drizzle's convention from the schema's table and
//! column names (`<table>_<column>_<column>_pk`, `<table>_<column>_unique`, `<table>_<column>_<users table>_<id>_fk`);
//! indexes on the `userId` columns and on `expires` are `<table>_<column>_idx`. Extra columns of
//! custom entities are not created: add them in the same migration or a later one.
//!
//! An application's migration on its own tables (the file and its name are the application's; sea-orm-migration
//! records the name as applied):
//!
//! ```
//! use authjs_sea_orm::migration::v1;
//! use sea_orm_migration::prelude::*;
//! # use authjs_sea_orm::migration::MigratorTrait;
//! # mod users {
//! #     use sea_orm::entity::prelude::*;
//! #     #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
//! #     #[sea_orm(table_name = "users")]
//! #     pub struct Model {
//! #         #[sea_orm(primary_key, auto_increment = false)]
//! #         pub id: String,
//! #         pub name: Option<String>,
//! #         pub email: Option<String>,
//! #         pub email_verified: Option<authjs_sea_orm::entity::Timestamp>,
//! #     }
//! #     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
//! #     pub enum Relation {}
//! #     impl ActiveModelBehavior for ActiveModel {}
//! #     impl authjs_sea_orm::schema::UserTable for Entity {
//! #         type Extra = ();
//! #         type NewExtra = ();
//! #         const ID_KIND: authjs_sea_orm::schema::IdKind = authjs_sea_orm::schema::IdKind::Text;
//! #         const ID: Column = Column::Id;
//! #         const NAME: Option<Column> = Some(Column::Name);
//! #         const EMAIL: Column = Column::Email;
//! #         const EMAIL_VERIFIED: Option<Column> = Some(Column::EmailVerified);
//! #         const IMAGE: Option<Column> = None;
//! #         fn extra(_: &Model) {}
//! #         fn new_extra_values(_: (), _: sea_orm::DbBackend) -> Vec<(Column, sea_orm::Value)> { Vec::new() }
//! #     }
//! # }
//!
//! /// The app's users table in place of Auth.js's `user`; the other tables are the defaults.
//! type AppTables = authjs_sea_orm::schema::Tables<users::Entity>;
//!
//! /// `migration/src/m20260101_000001_create_auth_tables.rs` of the app.
//! pub struct Migration;
//!
//! impl MigrationName for Migration {
//!     fn name(&self) -> &str {
//!         "m20260101_000001_create_auth_tables"
//!     }
//! }
//!
//! #[async_trait::async_trait]
//! impl MigrationTrait for Migration {
//!     async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
//!         v1::create_auth_tables::<AppTables>(manager).await
//!     }
//!
//!     async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
//!         v1::drop_auth_tables::<AppTables>(manager).await
//!     }
//! }
//! # struct Migrator;
//! # #[async_trait::async_trait]
//! # impl MigratorTrait for Migrator {
//! #     fn migrations() -> Vec<Box<dyn MigrationTrait>> { vec![Box::new(Migration)] }
//! # }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let db = authjs_sea_orm::connect("sqlite::memory:").await?;
//! # Migrator::up(&db, None).await?;
//! # use sea_orm::ConnectionTrait;
//! # db.execute_unprepared("INSERT INTO users (id, email) VALUES ('u1', 'ada@example.com')").await?;
//! # db.execute_unprepared("INSERT INTO session (\"sessionToken\", \"userId\", expires) VALUES ('t', 'u1', 0)").await?;
//! # Migrator::down(&db, None).await?;
//! # Ok(())
//! # }
//! ```
//!
//! An application that used `CreateAuthTables::<AppTables>` (0.1) keeps the name it recorded:
//! `"m20261126_000001_create_auth_tables"`, with the same `up` and `down`.

use std::marker::PhantomData;

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait, Iden, Statement};
use sea_orm_migration::prelude::*;

pub mod columns;

use self::columns::{ColumnKind, ColumnKind::*, auth_column, auth_table};
use crate::schema::{
    AccountTable, AuthenticatorTable, IdKind, Schema, SessionTable, UserTable, VerificationTokenTable,
};

/// Creates the five tables of schema `T`, with their keys and indexes; on PostgreSQL, first the schemas
/// (`schema_name`) they are in, if missing.
pub async fn create_auth_tables<T: Schema>(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let (schemas, tables) = create::<T>(manager.get_database_backend());
    for sql in schemas {
        manager.get_connection().execute_unprepared(&sql).await?;
    }
    execute(manager, tables).await
}

/// Drops the five tables of schema `T` (the `down` of [`create_auth_tables`]); PostgreSQL schemas stay.
pub async fn drop_auth_tables<T: Schema>(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    execute(manager, drop_statements::<T>(manager.get_database_backend())).await
}

/// The statements [`create_auth_tables`] runs on `backend`, in order, rendered without a database: to review them,
/// or to run them with another tool.
pub fn create_statements<T: Schema>(backend: DbBackend) -> Vec<Statement> {
    let (schemas, tables) = create::<T>(backend);
    schemas.into_iter().map(|sql| Statement::from_string(backend, sql)).chain(tables).collect()
}

/// The statements [`drop_auth_tables`] runs on `backend`, in order.
pub fn drop_statements<T: Schema>(backend: DbBackend) -> Vec<Statement> {
    // Children first: their foreign keys point at the users table.
    [
        <T::Authenticator as Default>::default().table_ref(),
        <T::Session as Default>::default().table_ref(),
        <T::Account as Default>::default().table_ref(),
        <T::VerificationToken as Default>::default().table_ref(),
        <T::User as Default>::default().table_ref(),
    ]
    .into_iter()
    .map(|table| backend.build(&Table::drop().table(table).to_owned()))
    .collect()
}

async fn execute(manager: &SchemaManager<'_>, statements: Vec<Statement>) -> Result<(), DbErr> {
    for statement in statements {
        manager.get_connection().execute_raw(statement).await?;
    }
    Ok(())
}

fn table_name<E: EntityTrait>() -> &'static str {
    E::default().table_name()
}

/// Builds the tables of one backend, typing user ids as `U` does.
struct Builder<U> {
    backend: DbBackend,
    _user: PhantomData<fn() -> U>,
}

impl<U: UserTable> Builder<U> {
    fn col(&self, name: impl IntoIden, kind: ColumnKind, nullable: bool) -> ColumnDef {
        auth_column(self.backend, name, kind, nullable)
    }

    fn table<E: EntityTrait>(&self) -> TableCreateStatement {
        auth_table(self.backend, E::default().table_ref())
    }

    /// The users table's key, or a column referring to it.
    fn user_id(&self, name: impl IntoIden, is_key: bool) -> ColumnDef {
        let mut def = match U::ID_KIND {
            IdKind::Text => return self.col(name, Key, false),
            IdKind::Uuid => ColumnDef::new(name).uuid().to_owned(),
            // 32 or 64 bits, as the entity's key column declares.
            IdKind::AutoIncrement => match U::ID.def().get_column_type() {
                sea_orm::sea_query::ColumnType::BigInteger => ColumnDef::new(name).big_integer().to_owned(),
                _ => ColumnDef::new(name).integer().to_owned(),
            },
        };
        if is_key && U::ID_KIND == IdKind::AutoIncrement {
            def.auto_increment();
        }
        def.not_null().to_owned()
    }

    fn cascade_to_user<E: EntityTrait>(&self, col: E::Column) -> ForeignKeyCreateStatement {
        let (table, user) = (table_name::<E>(), table_name::<U>());
        ForeignKey::create()
            .name(format!("{table}_{}_{user}_{}_fk", col.to_string(), U::ID.to_string()))
            .from(E::default().table_ref(), col)
            .to(U::default().table_ref(), U::ID)
            .on_delete(ForeignKeyAction::Cascade)
            .on_update(ForeignKeyAction::NoAction)
            .to_owned()
    }

    fn primary_key<E: EntityTrait>(&self, cols: [E::Column; 2]) -> IndexCreateStatement {
        let name = format!("{}_{}_{}_pk", table_name::<E>(), cols[0].to_string(), cols[1].to_string());
        Index::create().name(name).col(cols[0]).col(cols[1]).to_owned()
    }

    fn index<E: EntityTrait>(&self, col: E::Column, unique: bool) -> IndexCreateStatement {
        let suffix = if unique { "unique" } else { "idx" };
        let mut index = Index::create();
        index
            .name(format!("{}_{}_{suffix}", table_name::<E>(), col.to_string()))
            .table(E::default().table_ref())
            .col(col);
        if unique {
            index.unique();
        }
        index
    }
}

/// `CREATE SCHEMA` statements (PostgreSQL, run unprepared), then the tables and indexes of schema `T`.
fn create<T: Schema>(backend: DbBackend) -> (Vec<String>, Vec<Statement>) {
    type U<T> = <T as Schema>::User;
    type A<T> = <T as Schema>::Account;
    type S<T> = <T as Schema>::Session;
    type V<T> = <T as Schema>::VerificationToken;
    type Au<T> = <T as Schema>::Authenticator;
    let b = Builder::<U<T>> { backend, _user: PhantomData };

    let mut schemas = Vec::new();
    if backend == DbBackend::Postgres {
        // One per table, even when they share a schema: what 0.1 ran.
        let names = [
            <U<T>>::default().schema_name().map(str::to_owned),
            <A<T>>::default().schema_name().map(str::to_owned),
            <S<T>>::default().schema_name().map(str::to_owned),
            <V<T>>::default().schema_name().map(str::to_owned),
            <Au<T>>::default().schema_name().map(str::to_owned),
        ];
        // A quoted identifier: a `"` inside is doubled.
        schemas.extend(
            names
                .into_iter()
                .flatten()
                .map(|schema| format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", schema.replace('"', "\"\""))),
        );
    }

    let mut users = b.table::<U<T>>();
    users.col(b.user_id(<U<T>>::ID, true).primary_key());
    if let Some(name) = <U<T>>::NAME {
        users.col(b.col(name, Short, true));
    }
    users.col(b.col(<U<T>>::EMAIL, Key, true));
    if let Some(email_verified) = <U<T>>::EMAIL_VERIFIED {
        users.col(b.col(email_verified, Date, true));
    }
    if let Some(image) = <U<T>>::IMAGE {
        users.col(b.col(image, Long, true));
    }

    let accounts = b
        .table::<A<T>>()
        .col(b.user_id(<A<T>>::USER_ID, false))
        .col(b.col(<A<T>>::TYPE, Key, false))
        .col(b.col(<A<T>>::PROVIDER, Key, false))
        .col(b.col(<A<T>>::PROVIDER_ACCOUNT_ID, Key, false))
        .col(b.col(<A<T>>::REFRESH_TOKEN, Long, true))
        .col(b.col(<A<T>>::ACCESS_TOKEN, Long, true))
        .col(b.col(<A<T>>::EXPIRES_AT, BigInt, true))
        .col(b.col(<A<T>>::TOKEN_TYPE, Short, true))
        .col(b.col(<A<T>>::SCOPE, Long, true))
        .col(b.col(<A<T>>::ID_TOKEN, Long, true))
        .col(b.col(<A<T>>::SESSION_STATE, Long, true))
        .primary_key(&mut b.primary_key::<A<T>>([<A<T>>::PROVIDER, <A<T>>::PROVIDER_ACCOUNT_ID]))
        .foreign_key(&mut b.cascade_to_user::<A<T>>(<A<T>>::USER_ID))
        .to_owned();

    let sessions = b
        .table::<S<T>>()
        .col(b.col(<S<T>>::SESSION_TOKEN, Key, false).primary_key())
        .col(b.user_id(<S<T>>::USER_ID, false))
        .col(b.col(<S<T>>::EXPIRES, Date, false))
        .foreign_key(&mut b.cascade_to_user::<S<T>>(<S<T>>::USER_ID))
        .to_owned();

    let verification_tokens = b
        .table::<V<T>>()
        .col(b.col(<V<T>>::IDENTIFIER, Key, false))
        .col(b.col(<V<T>>::TOKEN, Key, false))
        .col(b.col(<V<T>>::EXPIRES, Date, false))
        .primary_key(&mut b.primary_key::<V<T>>([<V<T>>::IDENTIFIER, <V<T>>::TOKEN]))
        .to_owned();

    let authenticators = b
        .table::<Au<T>>()
        .col(b.col(<Au<T>>::CREDENTIAL_ID, Key, false))
        .col(b.user_id(<Au<T>>::USER_ID, false))
        .col(b.col(<Au<T>>::PROVIDER_ACCOUNT_ID, Key, false))
        .col(b.col(<Au<T>>::CREDENTIAL_PUBLIC_KEY, Long, false))
        .col(b.col(<Au<T>>::COUNTER, BigInt, false))
        .col(b.col(<Au<T>>::CREDENTIAL_DEVICE_TYPE, Short, false))
        .col(b.col(<Au<T>>::CREDENTIAL_BACKED_UP, Bool, false))
        .col(b.col(<Au<T>>::TRANSPORTS, Short, true))
        .primary_key(&mut b.primary_key::<Au<T>>([<Au<T>>::USER_ID, <Au<T>>::CREDENTIAL_ID]))
        .foreign_key(&mut b.cascade_to_user::<Au<T>>(<Au<T>>::USER_ID))
        .to_owned();

    let tables = vec![
        backend.build(&users),
        backend.build(&b.index::<U<T>>(<U<T>>::EMAIL, true)),
        backend.build(&accounts),
        backend.build(&b.index::<A<T>>(<A<T>>::USER_ID, false)),
        backend.build(&sessions),
        backend.build(&b.index::<S<T>>(<S<T>>::USER_ID, false)),
        backend.build(&b.index::<S<T>>(<S<T>>::EXPIRES, false)),
        backend.build(&verification_tokens),
        backend.build(&b.index::<V<T>>(<V<T>>::EXPIRES, false)),
        backend.build(&authenticators),
        backend.build(&b.index::<Au<T>>(<Au<T>>::CREDENTIAL_ID, true)),
    ];
    (schemas, tables)
}
