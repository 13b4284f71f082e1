//! [`SeaOrmAdapter`]: the [`Adapter`] on SeaORM.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{Timestamp, account, authenticator, session, user, verification_token};
use sea_orm::sea_query::{DeleteStatement, Expr, ExprTrait, InsertStatement, Query, UpdateStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QueryFilter, Select,
    Value,
};

use crate::adapter::Adapter;
use crate::error::{Error, Record, Result};
use crate::types::{
    AccountUpdate, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, NewUser, SessionUpdate,
    UserUpdate, VerificationToken,
};

/// The Auth.js adapter on a SeaORM connection: the counterpart of `DrizzleAdapter(db)`.
///
/// Cheap to clone (it holds the connection pool), so it can be Axum state. Every read by key and both joins
/// (`get_session_and_user`, `get_user_by_account`) are one statement; on SQLite and PostgreSQL every write is one
/// statement too (`RETURNING`). MySQL/MariaDB have no `UPDATE ... RETURNING`: there an update is followed by a read,
/// and a delete that returns the row reads it first and returns it only if this call's `DELETE` removed it, which
/// keeps `use_verification_token` single-use under concurrency.
#[derive(Clone, Debug)]
pub struct SeaOrmAdapter {
    db: DatabaseConnection,
    backend: DbBackend,
}

impl SeaOrmAdapter {
    /// An adapter on `db`, whose tables were created by [`crate::migration`] (or by the Drizzle adapter's schema).
    pub fn new(db: DatabaseConnection) -> Self {
        let backend = db.get_database_backend();
        Self { db, backend }
    }

    /// The underlying connection.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    fn date(&self, instant: DateTime<Utc>) -> Value {
        Timestamp::new(instant).to_value(self.backend)
    }

    fn opt_date(&self, instant: Option<DateTime<Utc>>) -> Value {
        Timestamp::opt_to_value(instant.map(Timestamp::new), self.backend)
    }

    fn has_returning(&self) -> bool {
        self.backend != DbBackend::MySql
    }

    /// Inserts one row. With `RETURNING`, the row as stored; on MySQL, `written` (what the statement stored).
    async fn insert<M: FromQueryResult>(&self, record: Record, mut stmt: InsertStatement, written: M) -> Result<M> {
        if !self.has_returning() {
            self.db.execute(&stmt).await.map_err(|e| Error::from_write(record, e))?;
            return Ok(written);
        }
        let row = self.db.query_one(stmt.returning_all()).await.map_err(|e| Error::from_write(record, e))?;
        match row {
            Some(row) => Ok(M::from_query_result(&row, "")?),
            None => Err(Error::Database(sea_orm::DbErr::RecordNotInserted)),
        }
    }

    /// Updates at most one row and returns it as stored, `None` if no row matched.
    async fn update<E: EntityTrait>(
        &self,
        record: Record,
        mut stmt: UpdateStatement,
        reread: Select<E>,
    ) -> Result<Option<E::Model>> {
        if !self.has_returning() {
            self.db.execute(&stmt).await.map_err(|e| Error::from_write(record, e))?;
            return Ok(reread.one(&self.db).await?);
        }
        let row = self.db.query_one(stmt.returning_all()).await.map_err(|e| Error::from_write(record, e))?;
        Ok(row.map(|row| E::Model::from_query_result(&row, "")).transpose()?)
    }

    /// Deletes at most one row and returns it, `None` if no row matched or a concurrent call deleted it first.
    async fn delete<E: EntityTrait>(&self, mut stmt: DeleteStatement, select: Select<E>) -> Result<Option<E::Model>> {
        if !self.has_returning() {
            let Some(model) = select.one(&self.db).await? else {
                return Ok(None);
            };
            let deleted = self.db.execute(&stmt).await?.rows_affected();
            return Ok((deleted == 1).then_some(model));
        }
        let row = self.db.query_one(stmt.returning_all()).await?;
        Ok(row.map(|row| E::Model::from_query_result(&row, "")).transpose()?)
    }
}

fn user_from(m: user::Model) -> AdapterUser {
    AdapterUser {
        id: m.id,
        name: m.name,
        email: m.email,
        email_verified: m.email_verified.map(Timestamp::to_utc),
        image: m.image,
    }
}

fn account_from(m: account::Model) -> Result<AdapterAccount> {
    Ok(AdapterAccount {
        r#type: m.r#type.parse()?,
        user_id: m.user_id,
        provider: m.provider,
        provider_account_id: m.provider_account_id,
        refresh_token: m.refresh_token,
        access_token: m.access_token,
        expires_at: m.expires_at,
        token_type: m.token_type,
        scope: m.scope,
        id_token: m.id_token,
        session_state: m.session_state,
    })
}

fn session_from(m: session::Model) -> AdapterSession {
    AdapterSession { session_token: m.session_token, user_id: m.user_id, expires: m.expires.to_utc() }
}

fn verification_token_from(m: verification_token::Model) -> VerificationToken {
    VerificationToken { identifier: m.identifier, token: m.token, expires: m.expires.to_utc() }
}

fn authenticator_from(m: authenticator::Model) -> AdapterAuthenticator {
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

/// Values of an `INSERT` row.
fn exprs<const N: usize>(values: [Value; N]) -> [Expr; N] {
    values.map(Expr::val)
}

fn account_key(provider: &str, provider_account_id: &str) -> Expr {
    account::Column::Provider.eq(provider).and(account::Column::ProviderAccountId.eq(provider_account_id))
}

/// Adds `column = value` to `stmt` when `update` is `Some`; returns whether it did.
fn set<V: Into<Value>>(
    stmt: &mut UpdateStatement,
    column: impl sea_orm::sea_query::IntoIden,
    update: Option<V>,
) -> bool {
    match update {
        Some(value) => {
            stmt.value(column, value.into());
            true
        }
        None => false,
    }
}

#[async_trait]
impl Adapter for SeaOrmAdapter {
    async fn create_user(&self, user: NewUser) -> Result<AdapterUser> {
        let written = user::Model {
            id: user.id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            name: user.name,
            email: user.email,
            email_verified: user.email_verified.map(Timestamp::new),
            image: user.image,
        };
        let stmt = Query::insert()
            .into_table(user::Entity)
            .columns([
                user::Column::Id,
                user::Column::Name,
                user::Column::Email,
                user::Column::EmailVerified,
                user::Column::Image,
            ])
            .values_panic(exprs([
                written.id.clone().into(),
                written.name.clone().into(),
                written.email.clone().into(),
                Timestamp::opt_to_value(written.email_verified, self.backend),
                written.image.clone().into(),
            ]))
            .to_owned();
        Ok(user_from(self.insert(Record::User, stmt, written).await?))
    }

    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>> {
        Ok(user::Entity::find_by_id(id).one(&self.db).await?.map(user_from))
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>> {
        let found = user::Entity::find().filter(user::Column::Email.eq(email)).one(&self.db).await?;
        Ok(found.map(user_from))
    }

    async fn get_user_by_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterUser>> {
        let found = account::Entity::find_by_id((provider.to_owned(), provider_account_id.to_owned()))
            .find_both_related(user::Entity)
            .one(&self.db)
            .await?;
        Ok(found.map(|(_, user)| user_from(user)))
    }

    async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser> {
        let mut stmt = Query::update();
        stmt.table(user::Entity).and_where(user::Column::Id.eq(update.id.as_str()));
        let mut any = set(&mut stmt, user::Column::Name, update.name);
        any |= set(&mut stmt, user::Column::Email, update.email);
        any |= set(&mut stmt, user::Column::EmailVerified, update.email_verified.map(|v| self.opt_date(v)));
        any |= set(&mut stmt, user::Column::Image, update.image);
        let reread = user::Entity::find_by_id(update.id.as_str());
        let updated = if any { self.update(Record::User, stmt, reread).await? } else { reread.one(&self.db).await? };
        updated.map(user_from).ok_or(Error::NotFound(Record::User))
    }

    async fn delete_user(&self, id: &str) -> Result<Option<AdapterUser>> {
        let stmt = Query::delete().from_table(user::Entity).and_where(user::Column::Id.eq(id)).to_owned();
        Ok(self.delete(stmt, user::Entity::find_by_id(id)).await?.map(user_from))
    }

    async fn link_account(&self, account: AdapterAccount) -> Result<AdapterAccount> {
        let stmt = Query::insert()
            .into_table(account::Entity)
            .columns([
                account::Column::UserId,
                account::Column::Type,
                account::Column::Provider,
                account::Column::ProviderAccountId,
                account::Column::RefreshToken,
                account::Column::AccessToken,
                account::Column::ExpiresAt,
                account::Column::TokenType,
                account::Column::Scope,
                account::Column::IdToken,
                account::Column::SessionState,
            ])
            .values_panic(exprs([
                account.user_id.as_str().into(),
                account.r#type.as_str().into(),
                account.provider.as_str().into(),
                account.provider_account_id.as_str().into(),
                account.refresh_token.clone().into(),
                account.access_token.clone().into(),
                account.expires_at.into(),
                account.token_type.clone().into(),
                account.scope.clone().into(),
                account.id_token.clone().into(),
                account.session_state.clone().into(),
            ]))
            .to_owned();
        let written = account::Model {
            user_id: account.user_id,
            r#type: account.r#type.as_str().to_owned(),
            provider: account.provider,
            provider_account_id: account.provider_account_id,
            refresh_token: account.refresh_token,
            access_token: account.access_token,
            expires_at: account.expires_at,
            token_type: account.token_type,
            scope: account.scope,
            id_token: account.id_token,
            session_state: account.session_state,
        };
        account_from(self.insert(Record::Account, stmt, written).await?)
    }

    async fn unlink_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterAccount>> {
        let stmt = Query::delete()
            .from_table(account::Entity)
            .and_where(account_key(provider, provider_account_id))
            .to_owned();
        let select = account::Entity::find_by_id((provider.to_owned(), provider_account_id.to_owned()));
        self.delete(stmt, select).await?.map(account_from).transpose()
    }

    async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession> {
        let written = session::Model {
            session_token: session.session_token,
            user_id: session.user_id,
            expires: Timestamp::new(session.expires),
        };
        let stmt = Query::insert()
            .into_table(session::Entity)
            .columns([session::Column::SessionToken, session::Column::UserId, session::Column::Expires])
            .values_panic(exprs([
                written.session_token.as_str().into(),
                written.user_id.as_str().into(),
                written.expires.to_value(self.backend),
            ]))
            .to_owned();
        Ok(session_from(self.insert(Record::Session, stmt, written).await?))
    }

    async fn get_session_and_user(&self, session_token: &str) -> Result<Option<(AdapterSession, AdapterUser)>> {
        let found = session::Entity::find_by_id(session_token).find_both_related(user::Entity).one(&self.db).await?;
        Ok(found.map(|(session, user)| (session_from(session), user_from(user))))
    }

    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>> {
        let token = update.session_token.as_str();
        let mut stmt = Query::update();
        stmt.table(session::Entity).and_where(session::Column::SessionToken.eq(token));
        let mut any = set(&mut stmt, session::Column::UserId, update.user_id);
        any |= set(&mut stmt, session::Column::Expires, update.expires.map(|v| self.date(v)));
        let reread = session::Entity::find_by_id(token);
        let updated =
            if any { self.update(Record::Session, stmt, reread).await? } else { reread.one(&self.db).await? };
        Ok(updated.map(session_from))
    }

    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>> {
        let stmt = Query::delete()
            .from_table(session::Entity)
            .and_where(session::Column::SessionToken.eq(session_token))
            .to_owned();
        Ok(self.delete(stmt, session::Entity::find_by_id(session_token)).await?.map(session_from))
    }

    async fn create_verification_token(&self, token: VerificationToken) -> Result<VerificationToken> {
        let written = verification_token::Model {
            identifier: token.identifier,
            token: token.token,
            expires: Timestamp::new(token.expires),
        };
        let stmt = Query::insert()
            .into_table(verification_token::Entity)
            .columns([
                verification_token::Column::Identifier,
                verification_token::Column::Token,
                verification_token::Column::Expires,
            ])
            .values_panic(exprs([
                written.identifier.as_str().into(),
                written.token.as_str().into(),
                written.expires.to_value(self.backend),
            ]))
            .to_owned();
        Ok(verification_token_from(self.insert(Record::VerificationToken, stmt, written).await?))
    }

    async fn use_verification_token(&self, identifier: &str, token: &str) -> Result<Option<VerificationToken>> {
        let key =
            verification_token::Column::Identifier.eq(identifier).and(verification_token::Column::Token.eq(token));
        let stmt = Query::delete().from_table(verification_token::Entity).and_where(key).to_owned();
        let select = verification_token::Entity::find_by_id((identifier.to_owned(), token.to_owned()));
        Ok(self.delete(stmt, select).await?.map(verification_token_from))
    }

    async fn get_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterAccount>> {
        let found =
            account::Entity::find_by_id((provider.to_owned(), provider_account_id.to_owned())).one(&self.db).await?;
        found.map(account_from).transpose()
    }

    async fn get_authenticator(&self, credential_id: &str) -> Result<Option<AdapterAuthenticator>> {
        let found = authenticator::Entity::find()
            .filter(authenticator::Column::CredentialId.eq(credential_id))
            .one(&self.db)
            .await?;
        Ok(found.map(authenticator_from))
    }

    async fn create_authenticator(&self, authenticator: AdapterAuthenticator) -> Result<AdapterAuthenticator> {
        let stmt = Query::insert()
            .into_table(authenticator::Entity)
            .columns([
                authenticator::Column::CredentialId,
                authenticator::Column::UserId,
                authenticator::Column::ProviderAccountId,
                authenticator::Column::CredentialPublicKey,
                authenticator::Column::Counter,
                authenticator::Column::CredentialDeviceType,
                authenticator::Column::CredentialBackedUp,
                authenticator::Column::Transports,
            ])
            .values_panic(exprs([
                authenticator.credential_id.as_str().into(),
                authenticator.user_id.as_str().into(),
                authenticator.provider_account_id.as_str().into(),
                authenticator.credential_public_key.as_str().into(),
                authenticator.counter.into(),
                authenticator.credential_device_type.as_str().into(),
                authenticator.credential_backed_up.into(),
                authenticator.transports.clone().into(),
            ]))
            .to_owned();
        let written = authenticator::Model {
            credential_id: authenticator.credential_id,
            user_id: authenticator.user_id,
            provider_account_id: authenticator.provider_account_id,
            credential_public_key: authenticator.credential_public_key,
            counter: authenticator.counter,
            credential_device_type: authenticator.credential_device_type,
            credential_backed_up: authenticator.credential_backed_up,
            transports: authenticator.transports,
        };
        Ok(authenticator_from(self.insert(Record::Authenticator, stmt, written).await?))
    }

    async fn list_authenticators_by_user_id(&self, user_id: &str) -> Result<Vec<AdapterAuthenticator>> {
        let found =
            authenticator::Entity::find().filter(authenticator::Column::UserId.eq(user_id)).all(&self.db).await?;
        Ok(found.into_iter().map(authenticator_from).collect())
    }

    async fn update_authenticator_counter(&self, credential_id: &str, counter: i64) -> Result<AdapterAuthenticator> {
        let stmt = Query::update()
            .table(authenticator::Entity)
            .value(authenticator::Column::Counter, counter)
            .and_where(authenticator::Column::CredentialId.eq(credential_id))
            .to_owned();
        let reread = authenticator::Entity::find().filter(authenticator::Column::CredentialId.eq(credential_id));
        let updated = self.update(Record::Authenticator, stmt, reread).await?;
        updated.map(authenticator_from).ok_or(Error::NotFound(Record::Authenticator))
    }

    async fn update_account(&self, update: AccountUpdate) -> Result<AdapterAccount> {
        let (provider, provider_account_id) = (update.provider.as_str(), update.provider_account_id.as_str());
        let mut stmt = Query::update();
        stmt.table(account::Entity).and_where(account_key(provider, provider_account_id));
        let mut any = set(&mut stmt, account::Column::RefreshToken, update.refresh_token);
        any |= set(&mut stmt, account::Column::AccessToken, update.access_token);
        any |= set(&mut stmt, account::Column::ExpiresAt, update.expires_at);
        any |= set(&mut stmt, account::Column::TokenType, update.token_type);
        any |= set(&mut stmt, account::Column::Scope, update.scope);
        any |= set(&mut stmt, account::Column::IdToken, update.id_token);
        any |= set(&mut stmt, account::Column::SessionState, update.session_state);
        let reread = account::Entity::find_by_id((provider.to_owned(), provider_account_id.to_owned()));
        let updated =
            if any { self.update(Record::Account, stmt, reread).await? } else { reread.one(&self.db).await? };
        updated.map(account_from).transpose()?.ok_or(Error::NotFound(Record::Account))
    }

    async fn list_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<AdapterSession>> {
        let found = session::Entity::find().filter(session::Column::UserId.eq(user_id)).all(&self.db).await?;
        Ok(found.into_iter().map(session_from).collect())
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64> {
        let stmt =
            Query::delete().from_table(session::Entity).and_where(session::Column::UserId.eq(user_id)).to_owned();
        Ok(self.db.execute(&stmt).await?.rows_affected())
    }

    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let stmt = Query::delete()
            .from_table(session::Entity)
            .and_where(session::Column::Expires.lt(self.date(now)))
            .to_owned();
        Ok(self.db.execute(&stmt).await?.rows_affected())
    }

    async fn delete_expired_verification_tokens(&self, now: DateTime<Utc>) -> Result<u64> {
        let stmt = Query::delete()
            .from_table(verification_token::Entity)
            .and_where(verification_token::Column::Expires.lt(self.date(now)))
            .to_owned();
        Ok(self.db.execute(&stmt).await?.rows_affected())
    }
}
