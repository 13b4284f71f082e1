//! Reads that bypass the adapter (the Auth.js suite's `db.*` helpers), with SeaORM and the schema's entities.
//!
//! The generic reads ([`TestDb::stored_user`], ..., [`TestDb::snapshot`]) find rows with SeaORM through the column
//! constants of the table traits (`U::find().filter(U::ID.eq(..))`) and convert them with the traits' conversions
//! (`authjs_sea_orm::__private`). On the default tables ([`TestSchema::DEFAULT_TABLES`]) each of them also reads the same rows
//! with the default entities and converts them field by field ([`user_of`], ...), independently of the adapter's
//! conversion code, and asserts both agree.

use authjs_sea_orm::__private as convert;
use authjs_sea_orm::entity::{account, authenticator, session, user, verification_token};
use authjs_sea_orm::schema::{AccountTable, AuthenticatorTable, SessionTable, UserTable, VerificationTokenTable};
use authjs_sea_orm::{
    AccountType, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, VerificationToken,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::TestDb;
use crate::schemas::{self, Accounts, Authenticators, Extra, Sessions, TestSchema, User, Users, VerificationTokens};

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
        expires_at: m.expires_at.map(Into::into),
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
        counter: m.counter.into(),
        credential_device_type: m.credential_device_type,
        credential_backed_up: m.credential_backed_up,
        transports: m.transports,
    }
}

/// The Auth.js fields of `user`, without its extra part.
pub fn auth_fields<X>(user: &AdapterUser<X>) -> AdapterUser {
    AdapterUser {
        id: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified,
        image: user.image.clone(),
        extra: (),
    }
}

/// Every row of the five tables, as the adapter's records, in primary-key order: compare two snapshots to prove a
/// failed write left nothing behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot<X = ()> {
    /// Users, by id.
    pub users: Vec<AdapterUser<X>>,
    /// Accounts, by `(provider, providerAccountId)`.
    pub accounts: Vec<AdapterAccount>,
    /// Sessions, by token.
    pub sessions: Vec<AdapterSession>,
    /// Verification tokens, by `(identifier, token)`.
    pub verification_tokens: Vec<VerificationToken>,
    /// Authenticators, by credential id.
    pub authenticators: Vec<AdapterAuthenticator>,
}

fn converted<M, T>(models: Vec<M>, convert: impl Fn(&M) -> authjs_sea_orm::Result<T>, table: &str) -> Vec<T> {
    models.iter().map(|m| convert(m).unwrap_or_else(|e| panic!("a stored {table} row converts: {e}"))).collect()
}

/// Reads every row of the five tables of schema `S`.
pub async fn snapshot<S: TestSchema>(db: &DatabaseConnection) -> Snapshot<Extra<S>> {
    type U<S> = Users<S>;
    type A<S> = Accounts<S>;
    type Se<S> = Sessions<S>;
    type V<S> = VerificationTokens<S>;
    type Au<S> = Authenticators<S>;
    let users = <U<S>>::find().order_by_asc(<U<S>>::ID).all(db).await.expect("read users");
    let accounts = <A<S>>::find()
        .order_by_asc(<A<S>>::PROVIDER)
        .order_by_asc(<A<S>>::PROVIDER_ACCOUNT_ID)
        .all(db)
        .await
        .expect("read accounts");
    let sessions = <Se<S>>::find().order_by_asc(<Se<S>>::SESSION_TOKEN).all(db).await.expect("read sessions");
    let verification_tokens = <V<S>>::find()
        .order_by_asc(<V<S>>::IDENTIFIER)
        .order_by_asc(<V<S>>::TOKEN)
        .all(db)
        .await
        .expect("read verification tokens");
    let authenticators =
        <Au<S>>::find().order_by_asc(<Au<S>>::CREDENTIAL_ID).all(db).await.expect("read authenticators");
    let snapshot = Snapshot {
        users: converted(users, convert::user::<U<S>>, "user"),
        accounts: converted(accounts, convert::account::<A<S>>, "account"),
        sessions: converted(sessions, convert::session::<Se<S>>, "session"),
        verification_tokens: converted(verification_tokens, convert::verification_token::<V<S>>, "verification token"),
        authenticators: converted(authenticators, convert::authenticator::<Au<S>>, "authenticator"),
    };
    if S::DEFAULT_TABLES {
        let fields = default_snapshot(db).await;
        let auth: Vec<AdapterUser> = snapshot.users.iter().map(auth_fields).collect();
        assert_eq!(auth, fields.users, "users: the adapter's conversion and the field-by-field read differ");
        assert_eq!(snapshot.accounts, fields.accounts, "accounts: conversions differ");
        assert_eq!(snapshot.sessions, fields.sessions, "sessions: conversions differ");
        assert_eq!(snapshot.verification_tokens, fields.verification_tokens, "verification tokens: conversions differ");
        assert_eq!(snapshot.authenticators, fields.authenticators, "authenticators: conversions differ");
    }
    snapshot
}

/// Every row of the default Auth.js tables, read with the default entities and converted field by field.
pub async fn default_snapshot(db: &DatabaseConnection) -> Snapshot {
    Snapshot {
        users: user::Entity::find()
            .order_by_asc(user::Column::Id)
            .all(db)
            .await
            .expect("read user")
            .into_iter()
            .map(user_of)
            .collect(),
        accounts: account::Entity::find()
            .order_by_asc(account::Column::Provider)
            .order_by_asc(account::Column::ProviderAccountId)
            .all(db)
            .await
            .expect("read account")
            .into_iter()
            .map(account_of)
            .collect(),
        sessions: session::Entity::find()
            .order_by_asc(session::Column::SessionToken)
            .all(db)
            .await
            .expect("read session")
            .into_iter()
            .map(session_of)
            .collect(),
        verification_tokens: verification_token::Entity::find()
            .order_by_asc(verification_token::Column::Identifier)
            .order_by_asc(verification_token::Column::Token)
            .all(db)
            .await
            .expect("read verificationToken")
            .into_iter()
            .map(verification_token_of)
            .collect(),
        authenticators: authenticator::Entity::find()
            .order_by_asc(authenticator::Column::CredentialId)
            .all(db)
            .await
            .expect("read authenticator")
            .into_iter()
            .map(authenticator_of)
            .collect(),
    }
}

impl TestDb<schemas::Default> {
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
}

/// The default-entity reads, field by field, for the cross-checks of the generic reads.
async fn default_user(db: &DatabaseConnection, id: &str) -> Option<AdapterUser> {
    user::Entity::find_by_id(id.to_owned()).one(db).await.expect("read user").map(user_of)
}

impl<S: TestSchema> TestDb<S> {
    /// The stored user with id `id` (`None` also when `id` cannot be an id of the schema's users table).
    pub async fn stored_user(&self, id: &str) -> Option<User<S>> {
        type U<S> = Users<S>;
        let found = match convert::user_id_value::<U<S>>(id) {
            Some(value) => <U<S>>::find().filter(<U<S>>::ID.eq(value)).one(&self.db).await.expect("read user"),
            None => None,
        };
        let user = found.map(|m| convert::user::<U<S>>(&m).expect("the stored user converts"));
        if S::DEFAULT_TABLES {
            assert_eq!(user.as_ref().map(auth_fields), default_user(&self.db, id).await, "user {id}: reads differ");
        }
        user
    }

    /// The stored account `(provider, provider_account_id)`.
    pub async fn stored_account(&self, provider: &str, provider_account_id: &str) -> Option<AdapterAccount> {
        type A<S> = Accounts<S>;
        let found = <A<S>>::find()
            .filter(<A<S>>::PROVIDER.eq(provider))
            .filter(<A<S>>::PROVIDER_ACCOUNT_ID.eq(provider_account_id))
            .one(&self.db)
            .await
            .expect("read account");
        let account = found.map(|m| convert::account::<A<S>>(&m).expect("the stored account converts"));
        if S::DEFAULT_TABLES {
            let fields = account::Entity::find_by_id((provider.to_owned(), provider_account_id.to_owned()))
                .one(&self.db)
                .await
                .expect("read account")
                .map(account_of);
            assert_eq!(account, fields, "account: reads differ");
        }
        account
    }

    /// The stored session with token `session_token`.
    pub async fn stored_session(&self, session_token: &str) -> Option<AdapterSession> {
        type Se<S> = Sessions<S>;
        let found =
            <Se<S>>::find().filter(<Se<S>>::SESSION_TOKEN.eq(session_token)).one(&self.db).await.expect("read session");
        let session = found.map(|m| convert::session::<Se<S>>(&m).expect("the stored session converts"));
        if S::DEFAULT_TABLES {
            let fields = session::Entity::find_by_id(session_token.to_owned())
                .one(&self.db)
                .await
                .expect("read session")
                .map(session_of);
            assert_eq!(session, fields, "session: reads differ");
        }
        session
    }

    /// The stored verification token `(identifier, token)`.
    pub async fn stored_verification_token(&self, identifier: &str, token: &str) -> Option<VerificationToken> {
        type V<S> = VerificationTokens<S>;
        let found = <V<S>>::find()
            .filter(<V<S>>::IDENTIFIER.eq(identifier))
            .filter(<V<S>>::TOKEN.eq(token))
            .one(&self.db)
            .await
            .expect("read verification token");
        let stored = found.map(|m| convert::verification_token::<V<S>>(&m).expect("the stored token converts"));
        if S::DEFAULT_TABLES {
            let fields = verification_token::Entity::find_by_id((identifier.to_owned(), token.to_owned()))
                .one(&self.db)
                .await
                .expect("read verificationToken")
                .map(verification_token_of);
            assert_eq!(stored, fields, "verification token: reads differ");
        }
        stored
    }

    /// The stored authenticator with credential id `credential_id`.
    pub async fn stored_authenticator(&self, credential_id: &str) -> Option<AdapterAuthenticator> {
        type Au<S> = Authenticators<S>;
        let found = <Au<S>>::find()
            .filter(<Au<S>>::CREDENTIAL_ID.eq(credential_id))
            .one(&self.db)
            .await
            .expect("read authenticator");
        let stored = found.map(|m| convert::authenticator::<Au<S>>(&m).expect("the stored authenticator converts"));
        if S::DEFAULT_TABLES {
            let fields = authenticator::Entity::find()
                .filter(authenticator::Column::CredentialId.eq(credential_id))
                .one(&self.db)
                .await
                .expect("read authenticator")
                .map(authenticator_of);
            assert_eq!(stored, fields, "authenticator: reads differ");
        }
        stored
    }

    /// The stored sessions of a user, sorted by token.
    pub async fn stored_sessions_of(&self, user_id: &str) -> Vec<AdapterSession> {
        type Se<S> = Sessions<S>;
        let Some(value) = convert::user_id_value::<Users<S>>(user_id) else { return Vec::new() };
        let found = <Se<S>>::find()
            .filter(<Se<S>>::USER_ID.eq(value))
            .order_by_asc(<Se<S>>::SESSION_TOKEN)
            .all(&self.db)
            .await
            .expect("read sessions");
        let mut sessions = converted(found, convert::session::<Se<S>>, "session");
        sessions.sort_by(|a, b| a.session_token.cmp(&b.session_token));
        if S::DEFAULT_TABLES {
            let fields: Vec<_> = session::Entity::find()
                .filter(session::Column::UserId.eq(user_id))
                .order_by_asc(session::Column::SessionToken)
                .all(&self.db)
                .await
                .expect("read session")
                .into_iter()
                .map(session_of)
                .collect();
            let fields = crate::cases::sorted_sessions(fields);
            assert_eq!(sessions, fields, "sessions of {user_id}: reads differ");
        }
        sessions
    }

    /// The stored accounts of a user, sorted by `(provider, providerAccountId)`.
    pub async fn stored_accounts_of(&self, user_id: &str) -> Vec<AdapterAccount> {
        type A<S> = Accounts<S>;
        let Some(value) = convert::user_id_value::<Users<S>>(user_id) else { return Vec::new() };
        let found = <A<S>>::find()
            .filter(<A<S>>::USER_ID.eq(value))
            .order_by_asc(<A<S>>::PROVIDER)
            .order_by_asc(<A<S>>::PROVIDER_ACCOUNT_ID)
            .all(&self.db)
            .await
            .expect("read accounts");
        let mut accounts = converted(found, convert::account::<A<S>>, "account");
        accounts.sort_by(|a, b| (&a.provider, &a.provider_account_id).cmp(&(&b.provider, &b.provider_account_id)));
        if S::DEFAULT_TABLES {
            let fields: Vec<_> = account::Entity::find()
                .filter(account::Column::UserId.eq(user_id))
                .order_by_asc(account::Column::Provider)
                .order_by_asc(account::Column::ProviderAccountId)
                .all(&self.db)
                .await
                .expect("read account")
                .into_iter()
                .map(account_of)
                .collect();
            let mut fields = fields;
            fields.sort_by(|a, b| (&a.provider, &a.provider_account_id).cmp(&(&b.provider, &b.provider_account_id)));
            assert_eq!(accounts, fields, "accounts of {user_id}: reads differ");
        }
        accounts
    }

    /// The stored authenticators of a user, sorted by credential id.
    pub async fn stored_authenticators_of(&self, user_id: &str) -> Vec<AdapterAuthenticator> {
        type Au<S> = Authenticators<S>;
        let Some(value) = convert::user_id_value::<Users<S>>(user_id) else { return Vec::new() };
        let found = <Au<S>>::find()
            .filter(<Au<S>>::USER_ID.eq(value))
            .order_by_asc(<Au<S>>::CREDENTIAL_ID)
            .all(&self.db)
            .await
            .expect("read authenticators");
        let mut authenticators = converted(found, convert::authenticator::<Au<S>>, "authenticator");
        authenticators.sort_by(|a, b| a.credential_id.cmp(&b.credential_id));
        if S::DEFAULT_TABLES {
            let fields: Vec<_> = authenticator::Entity::find()
                .filter(authenticator::Column::UserId.eq(user_id))
                .order_by_asc(authenticator::Column::CredentialId)
                .all(&self.db)
                .await
                .expect("read authenticator")
                .into_iter()
                .map(authenticator_of)
                .collect();
            let fields = crate::cases::sorted_authenticators(fields);
            assert_eq!(authenticators, fields, "authenticators of {user_id}: reads differ");
        }
        authenticators
    }

    /// Every stored row (see [`Snapshot`]).
    pub async fn snapshot(&self) -> Snapshot<Extra<S>> {
        snapshot::<S>(&self.db).await
    }
}
