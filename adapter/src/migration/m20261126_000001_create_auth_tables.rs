//! Creates `user`, `account`, `session`, `verificationToken` and `authenticator` as the Auth.js Drizzle adapter's
//! default schema does (same table, column and constraint names and value encodings), with these improvements that
//! stay compatible with it:
//! - every date keeps milliseconds and is valid past 2038 (MySQL `DATETIME(3)` holding UTC instead of `TIMESTAMP`);
//! - `expires_at` and `counter` are 64-bit (a WebAuthn counter is an unsigned 32-bit value);
//! - OAuth token columns, `image` and `credentialPublicKey` are `TEXT` on MySQL (Google id tokens exceed 255
//!   characters);
//! - MySQL tables use `utf8mb4_bin`, so keys compare exactly as on PostgreSQL and SQLite;
//! - indexes on the `userId` columns (sign out everywhere, cascades) and on `expires` (cleanup of expired rows).
//!
//! The same migration creates the tables of any [`Schema`] whose mapped columns are the Auth.js ones under other
//! table or column names (a prefix, snake_case, a PostgreSQL schema, UUID or auto-increment user ids); constraint
//! names follow Drizzle's convention (`account_provider_providerAccountId_pk`, `user_email_unique`, ...).

use std::marker::PhantomData;

use sea_orm::{ColumnTrait, DbBackend, EntityName, EntityTrait, Iden};
use sea_orm_migration::prelude::*;

use super::columns::{ColumnKind, ColumnKind::*, auth_column, auth_table};
use crate::schema::{
    AccountTable, AuthenticatorTable, IdKind, Schema, SessionTable, Tables, UserTable, VerificationTokenTable,
};

/// Creates the five tables of schema `T`: [`Tables`], the Auth.js tables, by default.
///
/// Extra columns of custom entities are not created: add them in a migration of your own.
pub struct CreateAuthTables<T = Tables>(PhantomData<fn() -> T>);

impl<T> CreateAuthTables<T> {
    /// The migration for schema `T`.
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for CreateAuthTables<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> MigrationName for CreateAuthTables<T> {
    fn name(&self) -> &str {
        "m20261126_000001_create_auth_tables"
    }
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

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl<T: Schema> MigrationTrait for CreateAuthTables<T> {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        type U<T> = <T as Schema>::User;
        type A<T> = <T as Schema>::Account;
        type S<T> = <T as Schema>::Session;
        type V<T> = <T as Schema>::VerificationToken;
        type Au<T> = <T as Schema>::Authenticator;
        let b = Builder::<U<T>> { backend: manager.get_database_backend(), _user: PhantomData };

        if b.backend == DbBackend::Postgres {
            let schemas = [
                <U<T>>::default().schema_name().map(str::to_owned),
                <A<T>>::default().schema_name().map(str::to_owned),
                <S<T>>::default().schema_name().map(str::to_owned),
                <V<T>>::default().schema_name().map(str::to_owned),
                <Au<T>>::default().schema_name().map(str::to_owned),
            ];
            for schema in schemas.into_iter().flatten() {
                manager
                    .get_connection()
                    .execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                    .await?;
            }
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
        manager.create_table(users).await?;
        manager.create_index(b.index::<U<T>>(<U<T>>::EMAIL, true)).await?;

        manager
            .create_table(
                b.table::<A<T>>()
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
                    .to_owned(),
            )
            .await?;
        manager.create_index(b.index::<A<T>>(<A<T>>::USER_ID, false)).await?;

        manager
            .create_table(
                b.table::<S<T>>()
                    .col(b.col(<S<T>>::SESSION_TOKEN, Key, false).primary_key())
                    .col(b.user_id(<S<T>>::USER_ID, false))
                    .col(b.col(<S<T>>::EXPIRES, Date, false))
                    .foreign_key(&mut b.cascade_to_user::<S<T>>(<S<T>>::USER_ID))
                    .to_owned(),
            )
            .await?;
        manager.create_index(b.index::<S<T>>(<S<T>>::USER_ID, false)).await?;
        manager.create_index(b.index::<S<T>>(<S<T>>::EXPIRES, false)).await?;

        manager
            .create_table(
                b.table::<V<T>>()
                    .col(b.col(<V<T>>::IDENTIFIER, Key, false))
                    .col(b.col(<V<T>>::TOKEN, Key, false))
                    .col(b.col(<V<T>>::EXPIRES, Date, false))
                    .primary_key(&mut b.primary_key::<V<T>>([<V<T>>::IDENTIFIER, <V<T>>::TOKEN]))
                    .to_owned(),
            )
            .await?;
        manager.create_index(b.index::<V<T>>(<V<T>>::EXPIRES, false)).await?;

        manager
            .create_table(
                b.table::<Au<T>>()
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
                    .to_owned(),
            )
            .await?;
        manager.create_index(b.index::<Au<T>>(<Au<T>>::CREDENTIAL_ID, true)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children first: their foreign keys point at the users table.
        for table in [
            <T::Authenticator as Default>::default().table_ref(),
            <T::Session as Default>::default().table_ref(),
            <T::Account as Default>::default().table_ref(),
            <T::VerificationToken as Default>::default().table_ref(),
            <T::User as Default>::default().table_ref(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
