//! The Auth.js tables of this app, named the Loco way (plural snake_case), with `user_id` referring to Loco's
//! `users.id` (a 64-bit auto-increment key: `bigint` on PostgreSQL, `integer` on SQLite). Other columns have the
//! Auth.js types of `authjs_sea_orm::migration::v1::columns` (dates as epoch milliseconds on SQLite, `timestamp(3)`
//! on PostgreSQL, `datetime(3)` holding UTC on MySQL), which never change: neither does what this migration creates.

use authjs_sea_orm::migration::v1::columns::{ColumnKind::*, auth_column as column, auth_table as table};
use sea_orm_migration::prelude::*;

/// Creates `accounts`, `sessions`, `verification_tokens` and `authenticators`.
pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000001_auth_tables"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    UserId,
    Type,
    Provider,
    ProviderAccountId,
    RefreshToken,
    AccessToken,
    ExpiresAt,
    TokenType,
    Scope,
    IdToken,
    SessionState,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    SessionToken,
    UserId,
    Expires,
}

#[derive(DeriveIden)]
enum VerificationTokens {
    Table,
    Identifier,
    Token,
    Expires,
}

#[derive(DeriveIden)]
enum Authenticators {
    Table,
    CredentialId,
    UserId,
    ProviderAccountId,
    CredentialPublicKey,
    Counter,
    CredentialDeviceType,
    CredentialBackedUp,
    Transports,
}

/// A `user_id` column, typed like `users.id`.
fn user_id(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}

fn cascade_to_users(from: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    let from = from.into_iden();
    let col = col.into_iden();
    ForeignKey::create()
        .name(format!("fk-{from}-{col}-users"))
        .from(from, col)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(name: &str, table: impl IntoIden, col: impl IntoIden) -> IndexCreateStatement {
    Index::create().name(name).table(table).col(col).to_owned()
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        m.create_table(
            table(b, Accounts::Table)
                .col(user_id(Accounts::UserId))
                .col(column(b, Accounts::Type, Key, false))
                .col(column(b, Accounts::Provider, Key, false))
                .col(column(b, Accounts::ProviderAccountId, Key, false))
                .col(column(b, Accounts::RefreshToken, Long, true))
                .col(column(b, Accounts::AccessToken, Long, true))
                .col(column(b, Accounts::ExpiresAt, BigInt, true))
                .col(column(b, Accounts::TokenType, Short, true))
                .col(column(b, Accounts::Scope, Long, true))
                .col(column(b, Accounts::IdToken, Long, true))
                .col(column(b, Accounts::SessionState, Long, true))
                .primary_key(Index::create().col(Accounts::Provider).col(Accounts::ProviderAccountId))
                .foreign_key(&mut cascade_to_users(Accounts::Table, Accounts::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(index("accounts_user_id_idx", Accounts::Table, Accounts::UserId)).await?;

        m.create_table(
            table(b, Sessions::Table)
                .col(column(b, Sessions::SessionToken, Key, false).primary_key())
                .col(user_id(Sessions::UserId))
                .col(column(b, Sessions::Expires, Date, false))
                .foreign_key(&mut cascade_to_users(Sessions::Table, Sessions::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions_user_id_idx", Sessions::Table, Sessions::UserId)).await?;
        m.create_index(index("sessions_expires_idx", Sessions::Table, Sessions::Expires)).await?;

        m.create_table(
            table(b, VerificationTokens::Table)
                .col(column(b, VerificationTokens::Identifier, Key, false))
                .col(column(b, VerificationTokens::Token, Key, false))
                .col(column(b, VerificationTokens::Expires, Date, false))
                .primary_key(Index::create().col(VerificationTokens::Identifier).col(VerificationTokens::Token))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "verification_tokens_expires_idx",
            VerificationTokens::Table,
            VerificationTokens::Expires,
        ))
        .await?;

        m.create_table(
            table(b, Authenticators::Table)
                .col(column(b, Authenticators::CredentialId, Key, false))
                .col(user_id(Authenticators::UserId))
                .col(column(b, Authenticators::ProviderAccountId, Key, false))
                .col(column(b, Authenticators::CredentialPublicKey, Long, false))
                .col(column(b, Authenticators::Counter, BigInt, false))
                .col(column(b, Authenticators::CredentialDeviceType, Short, false))
                .col(column(b, Authenticators::CredentialBackedUp, Bool, false))
                .col(column(b, Authenticators::Transports, Short, true))
                .primary_key(Index::create().col(Authenticators::UserId).col(Authenticators::CredentialId))
                .foreign_key(&mut cascade_to_users(Authenticators::Table, Authenticators::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("authenticators_credential_id_unique", Authenticators::Table, Authenticators::CredentialId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Authenticators::Table.into_iden(),
            Sessions::Table.into_iden(),
            Accounts::Table.into_iden(),
            VerificationTokens::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
