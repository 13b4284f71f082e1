//! Creates `users`, `accounts`, `sessions`, `verification_tokens` and `authenticators`, with the Auth.js column
//! types of `authjs_sea_orm::migration::v1::columns` so dates keep milliseconds on every backend. `v1` never
//! changes, so neither does what this migration creates.

use authjs_sea_orm::migration::v1::columns::{ColumnKind::*, auth_column as column, auth_table as table};
use sea_orm_migration::prelude::*;

use crate::entities::{accounts, authenticators, sessions, users, verification_tokens};

/// Creates the app's users and auth tables.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000001_create_users_and_auth"
    }
}

fn cascade_to_users(from: impl IntoTableRef, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(users::Entity, users::Column::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let b = manager.get_database_backend();
        manager
            .create_table(
                table(b, users::Entity)
                    .col(column(b, users::Column::Id, Key, false).primary_key())
                    .col(column(b, users::Column::Name, Short, true))
                    .col(column(b, users::Column::Email, Key, true).unique_key())
                    .col(column(b, users::Column::EmailVerified, Date, true))
                    .col(column(b, users::Column::Image, Long, true))
                    .col(column(b, users::Column::Role, Short, false))
                    .col(column(b, users::Column::Phone, Short, true))
                    .col(column(b, users::Column::CreatedAt, Date, false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                table(b, accounts::Entity)
                    .col(column(b, accounts::Column::UserId, Key, false))
                    .col(column(b, accounts::Column::Type, Key, false))
                    .col(column(b, accounts::Column::Provider, Key, false))
                    .col(column(b, accounts::Column::ProviderAccountId, Key, false))
                    .col(column(b, accounts::Column::RefreshToken, Long, true))
                    .col(column(b, accounts::Column::AccessToken, Long, true))
                    .col(column(b, accounts::Column::ExpiresAt, BigInt, true))
                    .col(column(b, accounts::Column::TokenType, Short, true))
                    .col(column(b, accounts::Column::Scope, Long, true))
                    .col(column(b, accounts::Column::IdToken, Long, true))
                    .col(column(b, accounts::Column::SessionState, Long, true))
                    .primary_key(
                        Index::create().col(accounts::Column::Provider).col(accounts::Column::ProviderAccountId),
                    )
                    .foreign_key(&mut cascade_to_users(accounts::Entity, accounts::Column::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                table(b, sessions::Entity)
                    .col(column(b, sessions::Column::SessionToken, Key, false).primary_key())
                    .col(column(b, sessions::Column::UserId, Key, false))
                    .col(column(b, sessions::Column::Expires, Date, false))
                    .foreign_key(&mut cascade_to_users(sessions::Entity, sessions::Column::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_user_id_idx")
                    .table(sessions::Entity)
                    .col(sessions::Column::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                table(b, verification_tokens::Entity)
                    .col(column(b, verification_tokens::Column::Identifier, Key, false))
                    .col(column(b, verification_tokens::Column::Token, Key, false))
                    .col(column(b, verification_tokens::Column::Expires, Date, false))
                    .primary_key(
                        Index::create()
                            .col(verification_tokens::Column::Identifier)
                            .col(verification_tokens::Column::Token),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                table(b, authenticators::Entity)
                    .col(column(b, authenticators::Column::CredentialId, Key, false).unique_key())
                    .col(column(b, authenticators::Column::UserId, Key, false))
                    .col(column(b, authenticators::Column::ProviderAccountId, Key, false))
                    .col(column(b, authenticators::Column::CredentialPublicKey, Long, false))
                    .col(column(b, authenticators::Column::Counter, BigInt, false))
                    .col(column(b, authenticators::Column::CredentialDeviceType, Short, false))
                    .col(column(b, authenticators::Column::CredentialBackedUp, Bool, false))
                    .col(column(b, authenticators::Column::Transports, Short, true))
                    .primary_key(
                        Index::create().col(authenticators::Column::UserId).col(authenticators::Column::CredentialId),
                    )
                    .foreign_key(&mut cascade_to_users(authenticators::Entity, authenticators::Column::UserId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            authenticators::Entity.into_table_ref(),
            sessions::Entity.into_table_ref(),
            accounts::Entity.into_table_ref(),
            verification_tokens::Entity.into_table_ref(),
            users::Entity.into_table_ref(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
