//! Reads that bypass the adapter (the Auth.js suite's `db.*` helpers), with SeaORM and the entities, and conversions
//! of the rows into the adapter's types.

use authjs_sea_orm::entity::{account, authenticator, session, user, verification_token};
use authjs_sea_orm::{
    AccountType, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, VerificationToken,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::TestDb;

/// A `user` row as an [`AdapterUser`].
pub fn user_of(m: user::Model) -> AdapterUser {
    AdapterUser {
        id: m.id,
        name: m.name,
        email: m.email,
        email_verified: m.email_verified.map(|t| t.to_utc()),
        image: m.image,
        extra: (),
    }
}

/// An `account` row as an [`AdapterAccount`] (panics on an unknown `type`).
pub fn account_of(m: account::Model) -> AdapterAccount {
    AdapterAccount {
        user_id: m.user_id,
        r#type: m.r#type.parse::<AccountType>().expect("stored account type is one of Auth.js's"),
        provider: m.provider,
        provider_account_id: m.provider_account_id,
        refresh_token: m.refresh_token,
        access_token: m.access_token,
        expires_at: m.expires_at,
        token_type: m.token_type,
        scope: m.scope,
        id_token: m.id_token,
        session_state: m.session_state,
    }
}

/// A `session` row as an [`AdapterSession`].
pub fn session_of(m: session::Model) -> AdapterSession {
    AdapterSession { session_token: m.session_token, user_id: m.user_id, expires: m.expires.to_utc() }
}

/// A `verificationToken` row as a [`VerificationToken`].
pub fn verification_token_of(m: verification_token::Model) -> VerificationToken {
    VerificationToken { identifier: m.identifier, token: m.token, expires: m.expires.to_utc() }
}

/// An `authenticator` row as an [`AdapterAuthenticator`].
pub fn authenticator_of(m: authenticator::Model) -> AdapterAuthenticator {
    AdapterAuthenticator {
        credential_id: m.credential_id,
        user_id: m.user_id,
        provider_account_id: m.provider_account_id,
        credential_public_key: m.credential_public_key,
        counter: m.counter,
        credential_device_type: m.credential_device_type,
        credential_backed_up: m.credential_backed_up,
        transports: m.transports,
    }
}

/// Every row of the five tables, in primary-key order: compare two snapshots to prove a failed write left nothing
/// behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// `user` rows.
    pub users: Vec<user::Model>,
    /// `account` rows.
    pub accounts: Vec<account::Model>,
    /// `session` rows.
    pub sessions: Vec<session::Model>,
    /// `verificationToken` rows.
    pub verification_tokens: Vec<verification_token::Model>,
    /// `authenticator` rows.
    pub authenticators: Vec<authenticator::Model>,
}

/// Reads every row of the five tables.
pub async fn snapshot(db: &DatabaseConnection) -> Snapshot {
    Snapshot {
        users: user::Entity::find().order_by_asc(user::Column::Id).all(db).await.expect("read user"),
        accounts: account::Entity::find()
            .order_by_asc(account::Column::Provider)
            .order_by_asc(account::Column::ProviderAccountId)
            .all(db)
            .await
            .expect("read account"),
        sessions: session::Entity::find()
            .order_by_asc(session::Column::SessionToken)
            .all(db)
            .await
            .expect("read session"),
        verification_tokens: verification_token::Entity::find()
            .order_by_asc(verification_token::Column::Identifier)
            .order_by_asc(verification_token::Column::Token)
            .all(db)
            .await
            .expect("read verificationToken"),
        authenticators: authenticator::Entity::find()
            .order_by_asc(authenticator::Column::CredentialId)
            .all(db)
            .await
            .expect("read authenticator"),
    }
}

impl TestDb {
    /// `db.user(id)`: the stored `user` row.
    pub async fn db_user(&self, id: &str) -> Option<user::Model> {
        user::Entity::find_by_id(id.to_owned()).one(&self.db).await.expect("read user")
    }

    /// `db.account({provider, providerAccountId})`: the stored `account` row.
    pub async fn db_account(&self, provider: &str, provider_account_id: &str) -> Option<account::Model> {
        account::Entity::find_by_id((provider.to_owned(), provider_account_id.to_owned()))
            .one(&self.db)
            .await
            .expect("read account")
    }

    /// `db.session(sessionToken)`: the stored `session` row.
    pub async fn db_session(&self, session_token: &str) -> Option<session::Model> {
        session::Entity::find_by_id(session_token.to_owned()).one(&self.db).await.expect("read session")
    }

    /// `db.verificationToken({identifier, token})`: the stored `verificationToken` row.
    pub async fn db_verification_token(&self, identifier: &str, token: &str) -> Option<verification_token::Model> {
        verification_token::Entity::find_by_id((identifier.to_owned(), token.to_owned()))
            .one(&self.db)
            .await
            .expect("read verificationToken")
    }

    /// `db.authenticator(credentialID)`: the stored `authenticator` row.
    pub async fn db_authenticator(&self, credential_id: &str) -> Option<authenticator::Model> {
        authenticator::Entity::find()
            .filter(authenticator::Column::CredentialId.eq(credential_id))
            .one(&self.db)
            .await
            .expect("read authenticator")
    }

    /// The stored user, as an [`AdapterUser`].
    pub async fn stored_user(&self, id: &str) -> Option<AdapterUser> {
        self.db_user(id).await.map(user_of)
    }

    /// The stored account, as an [`AdapterAccount`].
    pub async fn stored_account(&self, provider: &str, provider_account_id: &str) -> Option<AdapterAccount> {
        self.db_account(provider, provider_account_id).await.map(account_of)
    }

    /// The stored session, as an [`AdapterSession`].
    pub async fn stored_session(&self, session_token: &str) -> Option<AdapterSession> {
        self.db_session(session_token).await.map(session_of)
    }

    /// The stored verification token, as a [`VerificationToken`].
    pub async fn stored_verification_token(&self, identifier: &str, token: &str) -> Option<VerificationToken> {
        self.db_verification_token(identifier, token).await.map(verification_token_of)
    }

    /// The stored authenticator, as an [`AdapterAuthenticator`].
    pub async fn stored_authenticator(&self, credential_id: &str) -> Option<AdapterAuthenticator> {
        self.db_authenticator(credential_id).await.map(authenticator_of)
    }

    /// The stored sessions of a user, sorted by token.
    pub async fn stored_sessions_of(&self, user_id: &str) -> Vec<AdapterSession> {
        let mut sessions: Vec<_> = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .all(&self.db)
            .await
            .expect("read session")
            .into_iter()
            .map(session_of)
            .collect();
        sessions.sort_by(|a, b| a.session_token.cmp(&b.session_token));
        sessions
    }

    /// The stored accounts of a user, sorted by `(provider, providerAccountId)`.
    pub async fn stored_accounts_of(&self, user_id: &str) -> Vec<AdapterAccount> {
        let mut accounts: Vec<_> = account::Entity::find()
            .filter(account::Column::UserId.eq(user_id))
            .all(&self.db)
            .await
            .expect("read account")
            .into_iter()
            .map(account_of)
            .collect();
        accounts.sort_by(|a, b| (&a.provider, &a.provider_account_id).cmp(&(&b.provider, &b.provider_account_id)));
        accounts
    }

    /// The stored authenticators of a user, sorted by credential id.
    pub async fn stored_authenticators_of(&self, user_id: &str) -> Vec<AdapterAuthenticator> {
        let mut authenticators: Vec<_> = authenticator::Entity::find()
            .filter(authenticator::Column::UserId.eq(user_id))
            .all(&self.db)
            .await
            .expect("read authenticator")
            .into_iter()
            .map(authenticator_of)
            .collect();
        authenticators.sort_by(|a, b| a.credential_id.cmp(&b.credential_id));
        authenticators
    }

    /// Every stored row (see [`Snapshot`]).
    pub async fn snapshot(&self) -> Snapshot {
        snapshot(&self.db).await
    }
}
