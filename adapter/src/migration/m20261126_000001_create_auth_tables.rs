//! Creates `user`, `account`, `session`, `verificationToken` and `authenticator` as the Auth.js Drizzle adapter's
//! default schema does (same table, column and constraint names and value encodings), with these improvements that
//! stay compatible with it:
//! - every date keeps milliseconds and is valid past 2038 (MySQL `DATETIME(3)` holding UTC instead of `TIMESTAMP`);
//! - `expires_at` and `counter` are 64-bit (a WebAuthn counter is an unsigned 32-bit value);
//! - OAuth token columns, `image` and `credentialPublicKey` are `TEXT` on MySQL (Google id tokens exceed 255
//!   characters);
//! - MySQL tables use `utf8mb4_bin`, so keys compare exactly as on PostgreSQL and SQLite;
//! - indexes on the `userId` columns (sign out everywhere, cascades) and on `expires` (cleanup of expired rows).

use entity::{account, authenticator, session, user, verification_token};
use sea_orm_migration::prelude::*;

use super::columns::{ColumnKind::*, auth_column as column, auth_table as table};

/// Creates the five Auth.js tables.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000001_create_auth_tables"
    }
}

fn cascade_to_user(name: &str, from: impl IntoTableRef, from_col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from, from_col)
        .to(user::Entity, user::Column::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .on_update(ForeignKeyAction::NoAction)
        .to_owned()
}

fn index(name: &str, table: impl IntoTableRef, col: impl IntoIden) -> IndexCreateStatement {
    Index::create().name(name).table(table).col(col).to_owned()
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let b = manager.get_database_backend();

        manager
            .create_table(
                table(b, user::Entity)
                    .col(column(b, user::Column::Id, Key, false).primary_key())
                    .col(column(b, user::Column::Name, Short, true))
                    .col(column(b, user::Column::Email, Key, true))
                    .col(column(b, user::Column::EmailVerified, Date, true))
                    .col(column(b, user::Column::Image, Long, true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("user_email_unique", user::Entity, user::Column::Email).unique().to_owned()).await?;

        manager
            .create_table(
                table(b, account::Entity)
                    .col(column(b, account::Column::UserId, Key, false))
                    .col(column(b, account::Column::Type, Key, false))
                    .col(column(b, account::Column::Provider, Key, false))
                    .col(column(b, account::Column::ProviderAccountId, Key, false))
                    .col(column(b, account::Column::RefreshToken, Long, true))
                    .col(column(b, account::Column::AccessToken, Long, true))
                    .col(column(b, account::Column::ExpiresAt, BigInt, true))
                    .col(column(b, account::Column::TokenType, Short, true))
                    .col(column(b, account::Column::Scope, Long, true))
                    .col(column(b, account::Column::IdToken, Long, true))
                    .col(column(b, account::Column::SessionState, Long, true))
                    .primary_key(
                        Index::create()
                            .name("account_provider_providerAccountId_pk")
                            .col(account::Column::Provider)
                            .col(account::Column::ProviderAccountId),
                    )
                    .foreign_key(&mut cascade_to_user(
                        "account_userId_user_id_fk",
                        account::Entity,
                        account::Column::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("account_userId_idx", account::Entity, account::Column::UserId)).await?;

        manager
            .create_table(
                table(b, session::Entity)
                    .col(column(b, session::Column::SessionToken, Key, false).primary_key())
                    .col(column(b, session::Column::UserId, Key, false))
                    .col(column(b, session::Column::Expires, Date, false))
                    .foreign_key(&mut cascade_to_user(
                        "session_userId_user_id_fk",
                        session::Entity,
                        session::Column::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("session_userId_idx", session::Entity, session::Column::UserId)).await?;
        manager.create_index(index("session_expires_idx", session::Entity, session::Column::Expires)).await?;

        manager
            .create_table(
                table(b, verification_token::Entity)
                    .col(column(b, verification_token::Column::Identifier, Key, false))
                    .col(column(b, verification_token::Column::Token, Key, false))
                    .col(column(b, verification_token::Column::Expires, Date, false))
                    .primary_key(
                        Index::create()
                            .name("verificationToken_identifier_token_pk")
                            .col(verification_token::Column::Identifier)
                            .col(verification_token::Column::Token),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "verificationToken_expires_idx",
                verification_token::Entity,
                verification_token::Column::Expires,
            ))
            .await?;

        manager
            .create_table(
                table(b, authenticator::Entity)
                    .col(column(b, authenticator::Column::CredentialId, Key, false))
                    .col(column(b, authenticator::Column::UserId, Key, false))
                    .col(column(b, authenticator::Column::ProviderAccountId, Key, false))
                    .col(column(b, authenticator::Column::CredentialPublicKey, Long, false))
                    .col(column(b, authenticator::Column::Counter, BigInt, false))
                    .col(column(b, authenticator::Column::CredentialDeviceType, Short, false))
                    .col(column(b, authenticator::Column::CredentialBackedUp, Bool, false))
                    .col(column(b, authenticator::Column::Transports, Short, true))
                    .primary_key(
                        Index::create()
                            .name("authenticator_userId_credentialID_pk")
                            .col(authenticator::Column::UserId)
                            .col(authenticator::Column::CredentialId),
                    )
                    .foreign_key(&mut cascade_to_user(
                        "authenticator_userId_user_id_fk",
                        authenticator::Entity,
                        authenticator::Column::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("authenticator_credentialID_unique", authenticator::Entity, authenticator::Column::CredentialId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children first: their foreign keys point at `user`.
        for table in [
            authenticator::Entity.into_table_ref(),
            session::Entity.into_table_ref(),
            account::Entity.into_table_ref(),
            verification_token::Entity.into_table_ref(),
            user::Entity.into_table_ref(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
