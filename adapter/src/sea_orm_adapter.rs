//! [`SeaOrmAdapter`]: the [`Adapter`] on SeaORM, over any [`Schema`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Asterisk, CommonTableExpression, DeleteStatement, Expr, ExprTrait, InsertStatement, Query, UpdateStatement,
    WithClause,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityName, EntityTrait, FromQueryResult,
    JoinType, QueryFilter, QuerySelect, RelationDef, Select, TryIntoModel, Value,
};

use crate::Adapter;
use crate::conn::AdapterConnection;
use crate::convert;
use crate::dialect::Dialect;
use crate::error::{DbResult, from_write};
use crate::schema::{
    AccountTable, AuthenticatorTable, IdKind, Schema, SessionTable, Tables, UserTable, VerificationTokenTable,
};
use crate::{
    AccountUpdate, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, NewUser, SessionUpdate,
    UserUpdate, VerificationToken,
};
use crate::{Error, HASHED_TOKEN_MARK, Record, Result, TokenDigest};

type User<T> = <T as Schema>::User;
type Account<T> = <T as Schema>::Account;
type Session<T> = <T as Schema>::Session;
type VToken<T> = <T as Schema>::VerificationToken;
type Authn<T> = <T as Schema>::Authenticator;
type UserExtra<T> = <User<T> as UserTable>::Extra;
type UserNewExtra<T> = <User<T> as UserTable>::NewExtra;

/// The Auth.js adapter on a SeaORM connection: the counterpart of `DrizzleAdapter(db, tables)`.
///
/// `SeaOrmAdapter::new(db)` works on the Auth.js tables of [`crate::entity`]; `with_users`, `with_accounts`,
/// `with_sessions`, `with_verification_tokens` and `with_authenticators` swap one table for your own entity (see
/// [`crate::schema`]).
///
/// Cheap to clone (it holds the connection pool), so it can be Axum state. Every read by key and both joins
/// (`get_session_and_user`, `get_user_by_account`) are one statement. Writes return the row they wrote: with
/// `RETURNING` in one statement where the server has it (SQLite and PostgreSQL for every write; MariaDB 10.5+ for
/// creates and deletes, asked once per adapter); MySQL/MariaDB updates read the row back in the transaction that
/// updated it; MySQL deletes lock the row (`SELECT ... FOR UPDATE`) and delete it in one transaction. Deletes that
/// return a row, `use_verification_token` included, are single-winner under concurrency.
///
/// Keys are compared byte for byte whatever the column's collation (see [`Adapter`]).
///
/// **First verification.** An [`update_user`](Adapter::update_user) that sets `emailVerified` on a user whose
/// `emailVerified` is NULL (a first magic-link sign-in: the first proof that the address's owner holds the row) also
/// deletes the user's sessions and writes the users table's
/// [`first_verification_values`](UserTable::first_verification_values), in one transaction, so a session or a
/// password set up by whoever created the row before that proof does not outlive it (Better Auth deletes the sessions
/// too). Accounts stay: Auth.js creates OAuth users unverified, and their provider vouched for them.
///
/// Statements are built with sea-query from the entities' columns; `ActiveModelBehavior` hooks do not run.
pub struct SeaOrmAdapter<T = Tables> {
    db: AdapterConnection,
    dialect: Dialect,
    hash_session_tokens: bool,
    _tables: PhantomData<fn() -> T>,
}

// Written by hand: a derive would require `T: Clone`/`T: Debug` of the schema marker.
impl<T> Clone for SeaOrmAdapter<T> {
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            dialect: self.dialect.clone(),
            hash_session_tokens: self.hash_session_tokens,
            _tables: PhantomData,
        }
    }
}

impl<T> fmt::Debug for SeaOrmAdapter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeaOrmAdapter")
            .field("backend", &self.dialect.backend())
            .field("hash_session_tokens", &self.hash_session_tokens)
            .field("behind_transaction_pooler", &self.db.unnamed())
            .finish_non_exhaustive()
    }
}

impl SeaOrmAdapter {
    /// An adapter on the Auth.js tables of `db`, created by [`crate::migration`] or by the Drizzle adapter's schema.
    pub fn new(db: DatabaseConnection) -> Self {
        Self::with_schema(db)
    }
}

impl<T: Schema> SeaOrmAdapter<T> {
    /// An adapter on the tables of schema `T`.
    pub fn with_schema(db: DatabaseConnection) -> Self {
        let dialect = Dialect::new(db.get_database_backend());
        Self { db: AdapterConnection::new(db), dialect, hash_session_tokens: false, _tables: PhantomData }
    }

    /// Stores `sha256:` and the SHA-256 of session tokens (lower-case hex) instead of the tokens themselves, so a
    /// leaked database or backup holds no usable session. The cookie keeps the raw token; every session method takes
    /// and returns raw tokens, except [`list_sessions_by_user_id`](Adapter::list_sessions_by_user_id), which returns
    /// the stored values: handles that [`delete_session`](Adapter::delete_session) accepts to revoke one session
    /// ("sign out this device"), in either mode.
    ///
    /// A stored value is never a session token: whether hashing is on or off, `get_session_and_user` and
    /// `update_session` find no session for a token starting with `sha256:`, and `create_session` refuses one, so a
    /// hash read from a leaked database cannot be used as a cookie, not even after hashing is switched off.
    ///
    /// Trade-off: a database written this way cannot be shared with an Auth.js app, which stores and looks up raw
    /// tokens; sessions created before switching this on (or stored unmarked by version 0.1) no longer match.
    pub fn with_hashed_session_tokens(mut self) -> Self {
        self.hash_session_tokens = true;
        self
    }

    /// The value stored in the session token column for the raw `token`; `None` for a stored value (a handle),
    /// which is never a session token. When hashing, `digest` (the caller's [`TokenDigest::of`] `token`, see
    /// [`Adapter::get_session_and_user_with_digest`]) saves hashing the token again.
    fn stored_token<'a>(&self, token: &'a str, digest: Option<&TokenDigest>) -> Option<Cow<'a, str>> {
        if token.starts_with(HASHED_TOKEN_MARK) {
            None
        } else if self.hash_session_tokens {
            Some(Cow::Owned(digest.map_or_else(|| authjs_core::hashed_token(token), TokenDigest::handle)))
        } else {
            Some(Cow::Borrowed(token))
        }
    }

    /// `session` as the caller knows it: with the raw `token` it was looked up by.
    fn with_raw_token(&self, mut session: AdapterSession, token: &str) -> AdapterSession {
        if self.hash_session_tokens {
            session.session_token = token.to_owned();
        }
        session
    }

    /// For PostgreSQL reached through a pooler in transaction mode that does not track prepared statements
    /// (PgBouncer before 1.21, or with `max_prepared_statements = 0`; hosted poolers on their transaction port): every
    /// statement runs as an unnamed prepared statement inside a transaction of its own (`BEGIN`, parse, execute,
    /// `COMMIT`: four round trips instead of one), which the pooler keeps on one server connection. Without it, such a
    /// pooler makes calls fail ("prepared statement \"sqlx_s_1\" does not exist") or, worse, answer with another
    /// client's statement (see [`connect_options`](crate::connect_options)). No effect on SQLite and MySQL.
    ///
    /// The application's own queries run this way too on [`connection`](SeaOrmAdapter::connection)
    /// (`Entity::find().all(adapter.connection())`); transactions and migrations do not: run migrations on a direct
    /// URL (as Prisma's `directUrl`).
    pub fn behind_transaction_pooler(mut self) -> Self {
        self.db = self.db.behind_transaction_pooler();
        self
    }

    /// The connection the adapter runs on: a [`ConnectionTrait`] for the application's own queries, which run as
    /// the adapter's statements do ([`AdapterConnection`]); [`AdapterConnection::pool`] is the SeaORM pool.
    pub fn connection(&self) -> &AdapterConnection {
        &self.db
    }
}

impl<U, A, S, V, Au> SeaOrmAdapter<Tables<U, A, S, V, Au>> {
    fn swap<T>(self) -> SeaOrmAdapter<T> {
        SeaOrmAdapter {
            db: self.db,
            dialect: self.dialect,
            hash_session_tokens: self.hash_session_tokens,
            _tables: PhantomData,
        }
    }

    /// Uses entity `E` as the users table.
    pub fn with_users<E: UserTable>(self) -> SeaOrmAdapter<Tables<E, A, S, V, Au>> {
        self.swap()
    }

    /// Uses entity `E` as the accounts table.
    pub fn with_accounts<E: AccountTable>(self) -> SeaOrmAdapter<Tables<U, E, S, V, Au>> {
        self.swap()
    }

    /// Uses entity `E` as the sessions table.
    pub fn with_sessions<E: SessionTable>(self) -> SeaOrmAdapter<Tables<U, A, E, V, Au>> {
        self.swap()
    }

    /// Uses entity `E` as the verification tokens table.
    pub fn with_verification_tokens<E: VerificationTokenTable>(self) -> SeaOrmAdapter<Tables<U, A, S, E, Au>> {
        self.swap()
    }

    /// Uses entity `E` as the authenticators table.
    pub fn with_authenticators<E: AuthenticatorTable>(self) -> SeaOrmAdapter<Tables<U, A, S, V, E>> {
        self.swap()
    }
}

/// `err`, after rolling `txn` back. A transaction that is only dropped is rolled back when its pooled connection is
/// next used, and keeps its locks until then (on MySQL/MariaDB its metadata locks block `ALTER` and `DROP` of the
/// table). The write's error is the one returned: if the rollback fails too, the connection is broken and the
/// server ends the transaction with it.
async fn rolled_back(txn: sea_orm::DatabaseTransaction, err: Error) -> Error {
    let _ = txn.rollback().await;
    err
}

/// `child.userId = user.id`, for joins.
fn to_user<C: EntityTrait, U: UserTable>(user_id: C::Column) -> RelationDef {
    C::belongs_to(U::default()).from(user_id).to(U::ID).into()
}

/// `INSERT` of one row, and, when `build_model`, the model those values make if they fill every column.
fn insert_statement<E>(values: Vec<(E::Column, Value)>, build_model: bool) -> (InsertStatement, Option<E::Model>)
where
    E: EntityTrait<ActiveModel: TryIntoModel<E::Model>>,
{
    let mut model = build_model.then(E::ActiveModel::default);
    let (mut columns, mut row) = (Vec::with_capacity(values.len()), Vec::with_capacity(values.len()));
    for (col, value) in values {
        if let Some(m) = &mut model
            && m.try_set(col, value.clone()).is_err()
        {
            model = None;
        }
        columns.push(col);
        row.push(Expr::val(value));
    }
    let stmt = Query::insert().into_table(E::default().table_ref()).columns(columns).values_panic(row).to_owned();
    (stmt, model.and_then(|m| m.try_into_model().ok()))
}

impl<T: Schema> SeaOrmAdapter<T> {
    /// Inserts one row and returns it as stored: with `RETURNING` where the server has it (one statement). Elsewhere
    /// (MySQL, MariaDB before 10.5) the row is built from the written values when they fill every column, or read
    /// back by `key` (given the new auto-increment id) in the transaction that inserted it.
    pub(crate) async fn insert_row<E>(
        &self,
        record: Record,
        values: Vec<(E::Column, Value)>,
        key: impl FnOnce(u64) -> Select<E>,
    ) -> Result<E::Model>
    where
        E: EntityTrait<ActiveModel: TryIntoModel<E::Model>>,
    {
        let returning = self.dialect.returning(&self.db).await.db()?.insert;
        let (mut stmt, written) = insert_statement::<E>(values, !returning);
        let write_err = |e| from_write(record, e);
        if returning {
            let row =
                self.db.query_one_raw(self.dialect.with_returning(stmt.returning_all())).await.map_err(write_err)?;
            return E::Model::from_query_result(&row.ok_or(Error::NotFound(record))?, "").db();
        }
        if let Some(model) = written {
            self.db.execute(&stmt).await.map_err(write_err)?;
            return Ok(model);
        }
        let txn = self.db.begin().await.db()?;
        let done = match txn.execute(&stmt).await {
            Ok(done) => done,
            Err(e) => return Err(rolled_back(txn, write_err(e)).await),
        };
        let stored = key(done.last_insert_id()).one(&txn).await.db()?;
        txn.commit().await.db()?;
        stored.ok_or(Error::NotFound(record))
    }

    /// Updates at most one row and returns it as stored, `None` if no row matched. Without `UPDATE ... RETURNING`
    /// (MySQL, MariaDB) the row is read in the transaction that updated it, while the update's row lock keeps every
    /// other writer out: the row returned is the row this call wrote.
    pub(crate) async fn update_row<E: EntityTrait>(
        &self,
        record: Record,
        mut stmt: UpdateStatement,
        reread: Select<E>,
    ) -> Result<Option<E::Model>> {
        if stmt.get_values().is_empty() {
            return reread.one(&self.db).await.db();
        }
        let write_err = |e| from_write(record, e);
        if self.dialect.returning(&self.db).await.db()?.update {
            let row =
                self.db.query_one_raw(self.dialect.with_returning(stmt.returning_all())).await.map_err(write_err)?;
            return row.map(|row| E::Model::from_query_result(&row, "")).transpose().db();
        }
        let txn = self.db.begin().await.db()?;
        if let Err(e) = txn.execute(&stmt).await {
            return Err(rolled_back(txn, write_err(e)).await);
        }
        let updated = reread.one(&txn).await.db()?;
        txn.commit().await.db()?;
        Ok(updated)
    }

    /// Deletes at most one row and returns it, `None` if no row matched. Single-winner: of concurrent calls on one
    /// row exactly one gets it. With `DELETE ... RETURNING` (SQLite, PostgreSQL, MariaDB) that is one statement;
    /// on MySQL the row is locked (`SELECT ... FOR UPDATE`) and deleted in one transaction, so a concurrent call waits
    /// for the lock and then finds no row.
    async fn delete_row<E: EntityTrait>(
        &self,
        mut stmt: DeleteStatement,
        select: Select<E>,
    ) -> Result<Option<E::Model>> {
        if self.dialect.returning(&self.db).await.db()?.delete {
            let row = self.db.query_one_raw(self.dialect.with_returning(stmt.returning_all())).await.db()?;
            return row.map(|row| E::Model::from_query_result(&row, "")).transpose().db();
        }
        let txn = self.db.begin().await.db()?;
        let Some(model) = select.lock_exclusive().one(&txn).await.db()? else {
            txn.commit().await.db()?;
            return Ok(None);
        };
        txn.execute(&stmt).await.db()?;
        txn.commit().await.db()?;
        Ok(Some(model))
    }

    /// The first verification of user `id`'s address, if it is one: `stmt` (an update that sets column
    /// `email_verified`) with the table's [`first_verification_values`](UserTable::first_verification_values), on
    /// the condition that `emailVerified` is NULL, and, when that updated the row, the deletion of the user's
    /// sessions, both or neither. Returns the row as written; `None` when the condition did not hold (verified
    /// already, or no such user) and nothing was written.
    ///
    /// On PostgreSQL that is one statement, `WITH verified AS (UPDATE ... RETURNING *), ended AS (DELETE FROM
    /// sessions WHERE userId IN (SELECT id FROM verified)) SELECT * FROM verified`: no transaction, so it runs behind a
    /// transaction pooler as every other call does. SQLite and MySQL take no write in `WITH`: the update, the
    /// deletion and the read run in one transaction.
    async fn first_verification(
        &self,
        mut stmt: UpdateStatement,
        email_verified: <User<T> as EntityTrait>::Column,
        id: Value,
    ) -> Result<Option<<User<T> as EntityTrait>::Model>> {
        type U<T> = User<T>;
        type S<T> = Session<T>;
        let write_err = |e| from_write(Record::User, e);
        stmt.and_where(Expr::col(email_verified).is_null());
        for (column, value) in <U<T>>::first_verification_values(self.dialect.backend()) {
            stmt.value(column, value);
        }
        let mut end_sessions = Query::delete().from_table(<S<T>>::default().table_ref()).to_owned();
        if self.dialect.backend() == DbBackend::Postgres {
            let written = Alias::new("verified");
            let written_id = Query::select().column(<U<T>>::ID).from(written.clone()).to_owned();
            end_sessions.and_where(Expr::col(<S<T>>::USER_ID).in_subquery(written_id));
            let query = WithClause::new()
                .cte(
                    CommonTableExpression::new()
                        .table_name(written.clone())
                        .query(stmt.returning_all().to_owned())
                        .to_owned(),
                )
                .cte(CommonTableExpression::new().table_name(Alias::new("ended")).query(end_sessions).to_owned())
                .to_owned()
                .query(Query::select().column(Asterisk).from(written).to_owned());
            let row = self.db.query_one_raw(self.dialect.backend().build(&query)).await.map_err(write_err)?;
            return row.map(|row| <U<T> as EntityTrait>::Model::from_query_result(&row, "")).transpose().db();
        }
        end_sessions.and_where(self.dialect.key_eq(<S<T>>::USER_ID, id.clone()));
        let txn = self.db.begin().await.db()?;
        let written = async {
            if txn.execute(&stmt).await.map_err(write_err)?.rows_affected() == 0 {
                return Ok(None);
            }
            txn.execute(&end_sessions).await.db()?;
            <U<T>>::find().filter(self.dialect.key_eq(<U<T>>::ID, id)).one(&txn).await.db()
        }
        .await;
        match written {
            Ok(row) => {
                txn.commit().await.db()?;
                Ok(row)
            }
            Err(err) => Err(rolled_back(txn, err).await),
        }
    }

    async fn delete_where<E: EntityTrait>(&self, condition: Expr) -> Result<u64> {
        let stmt = Query::delete().from_table(E::default().table_ref()).and_where(condition).to_owned();
        Ok(self.db.execute(&stmt).await.db()?.rows_affected())
    }

    /// `(provider, providerAccountId) = (provider, provider_account_id)`, exactly.
    fn account_key<A: AccountTable>(&self, provider: &str, provider_account_id: &str) -> Expr {
        self.dialect.key_eq(A::PROVIDER, provider).and(self.dialect.key_eq(A::PROVIDER_ACCOUNT_ID, provider_account_id))
    }

    /// `(identifier, token) = (identifier, token)`, exactly.
    fn vt_key<V: VerificationTokenTable>(&self, identifier: &str, token: &str) -> Expr {
        self.dialect.key_eq(V::IDENTIFIER, identifier).and(self.dialect.key_eq(V::TOKEN, token))
    }
}

/// Adds the table's own `values` (an `updatedAt`, say) to `stmt` when it changes anything.
fn touch<C: sea_orm::sea_query::IntoIden>(stmt: &mut UpdateStatement, values: Vec<(C, Value)>) {
    if !stmt.get_values().is_empty() {
        for (column, value) in values {
            stmt.value(column, value);
        }
    }
}

/// Adds `column = value` to `stmt` when `update` is `Some`.
fn set<C: sea_orm::sea_query::IntoIden, V: Into<Value>>(
    stmt: &mut UpdateStatement,
    column: Option<C>,
    update: Option<V>,
) {
    if let (Some(column), Some(value)) = (column, update) {
        stmt.value(column, value.into());
    }
}

#[async_trait]
impl<T: Schema> Adapter for SeaOrmAdapter<T> {
    type Extra = UserExtra<T>;
    type NewExtra = UserNewExtra<T>;

    async fn create_user(&self, mut user: NewUser<UserNewExtra<T>>) -> Result<AdapterUser<UserExtra<T>>> {
        type U<T> = User<T>;
        <U<T>>::before_insert(&mut user);
        let id = match <U<T>>::ID_KIND {
            IdKind::AutoIncrement => None,
            kind => {
                let id = user.id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                let value = convert::user_id_value::<U<T>>(&id)
                    .ok_or_else(|| Error::InvalidInput(format!("user id must be a {kind:?} id")))?;
                Some((id, value))
            }
        };
        let mut values = Vec::with_capacity(8);
        if let Some((_, value)) = &id {
            values.push((<U<T>>::ID, value.clone()));
        }
        values.push((<U<T>>::EMAIL, user.email.into()));
        for (col, value) in [(<U<T>>::NAME, user.name), (<U<T>>::IMAGE, user.image)] {
            if let Some(col) = col {
                values.push((col, value.into()));
            }
        }
        if let Some(col) = <U<T>>::EMAIL_VERIFIED {
            values.push((col, self.dialect.date(col, user.email_verified)?));
        }
        values.extend(<U<T>>::new_extra_values(user.extra, self.dialect.backend()));
        let created = self
            .insert_row(Record::User, values, |last_insert_id| {
                let key = match id {
                    Some((_, value)) => value,
                    None => Value::from(last_insert_id),
                };
                <U<T>>::find().filter(self.dialect.key_eq(<U<T>>::ID, key))
            })
            .await?;
        convert::user::<U<T>>(&created)
    }

    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser<UserExtra<T>>>> {
        let Some(id) = convert::user_id_value::<User<T>>(id) else { return Ok(None) };
        let found = <User<T>>::find().filter(self.dialect.key_eq(<User<T>>::ID, id)).one(&self.db).await.db()?;
        found.as_ref().map(convert::user::<User<T>>).transpose()
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser<UserExtra<T>>>> {
        let found = <User<T>>::find().filter(self.dialect.key_eq(<User<T>>::EMAIL, email)).one(&self.db).await.db()?;
        found.as_ref().map(convert::user::<User<T>>).transpose()
    }

    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser<UserExtra<T>>>> {
        let found = <User<T>>::find()
            .join(JoinType::InnerJoin, to_user::<Account<T>, User<T>>(<Account<T>>::USER_ID).rev())
            .filter(self.account_key::<Account<T>>(provider, provider_account_id))
            .one(&self.db)
            .await
            .db()?;
        found.as_ref().map(convert::user::<User<T>>).transpose()
    }

    async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser<UserExtra<T>>> {
        type U<T> = User<T>;
        let Some(id) = convert::user_id_value::<U<T>>(&update.id) else { return Err(Error::NotFound(Record::User)) };
        let mut stmt = Query::update();
        stmt.table(<U<T>>::default().table_ref()).and_where(self.dialect.key_eq(<U<T>>::ID, id.clone()));
        set(&mut stmt, <U<T>>::NAME, update.name);
        set(&mut stmt, Some(<U<T>>::EMAIL), update.email);
        // Setting `emailVerified` may be the first proof of ownership (see `first_verification`).
        let verifies = <U<T>>::EMAIL_VERIFIED.filter(|_| matches!(update.email_verified, Some(Some(_))));
        if let Some(col) = <U<T>>::EMAIL_VERIFIED {
            set(&mut stmt, Some(col), update.email_verified.map(|v| self.dialect.date(col, v)).transpose()?);
        }
        set(&mut stmt, <U<T>>::IMAGE, update.image);
        touch(&mut stmt, <U<T>>::update_values(self.dialect.backend()));
        let first = match verifies {
            Some(col) => self.first_verification(stmt.clone(), col, id.clone()).await?,
            None => None,
        };
        let updated = match first {
            Some(row) => Some(row),
            None => {
                let reread = <U<T>>::find().filter(self.dialect.key_eq(<U<T>>::ID, id));
                self.update_row(Record::User, stmt, reread).await?
            }
        };
        updated.as_ref().map(convert::user::<U<T>>).transpose()?.ok_or(Error::NotFound(Record::User))
    }

    async fn delete_user(&self, id: &str) -> Result<Option<AdapterUser<UserExtra<T>>>> {
        let Some(id) = convert::user_id_value::<User<T>>(id) else { return Ok(None) };
        let stmt = Query::delete()
            .from_table(<User<T>>::default().table_ref())
            .and_where(self.dialect.key_eq(<User<T>>::ID, id.clone()))
            .to_owned();
        let deleted = self.delete_row(stmt, <User<T>>::find().filter(self.dialect.key_eq(<User<T>>::ID, id))).await?;
        deleted.as_ref().map(convert::user::<User<T>>).transpose()
    }

    async fn link_account(&self, account: AdapterAccount) -> Result<AdapterAccount> {
        type A<T> = Account<T>;
        let Some(user_id) = convert::user_id_value::<User<T>>(&account.user_id) else {
            return Err(Error::NotFound(Record::User));
        };
        let key = self.account_key::<A<T>>(&account.provider, &account.provider_account_id);
        let mut values = vec![
            (<A<T>>::USER_ID, user_id),
            (<A<T>>::TYPE, account.r#type.as_str().into()),
            (<A<T>>::PROVIDER, account.provider.into()),
            (<A<T>>::PROVIDER_ACCOUNT_ID, account.provider_account_id.into()),
            (<A<T>>::REFRESH_TOKEN, account.refresh_token.into()),
            (<A<T>>::ACCESS_TOKEN, account.access_token.into()),
            (<A<T>>::EXPIRES_AT, account.expires_at.into()),
            (<A<T>>::TOKEN_TYPE, account.token_type.into()),
            (<A<T>>::SCOPE, account.scope.into()),
            (<A<T>>::ID_TOKEN, account.id_token.into()),
            (<A<T>>::SESSION_STATE, account.session_state.into()),
        ];
        values.extend(<A<T>>::insert_values(self.dialect.backend()));
        let created = self.insert_row(Record::Account, values, |_| <A<T>>::find().filter(key)).await?;
        convert::account::<A<T>>(&created)
    }

    async fn unlink_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterAccount>> {
        type A<T> = Account<T>;
        let key = self.account_key::<A<T>>(provider, provider_account_id);
        let stmt = Query::delete().from_table(<A<T>>::default().table_ref()).and_where(key.clone()).to_owned();
        let deleted = self.delete_row(stmt, <A<T>>::find().filter(key)).await?;
        deleted.as_ref().map(convert::account::<A<T>>).transpose()
    }

    async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession> {
        type S<T> = Session<T>;
        let Some(user_id) = convert::user_id_value::<User<T>>(&session.user_id) else {
            return Err(Error::NotFound(Record::User));
        };
        let stored = self
            .stored_token(&session.session_token, None)
            .ok_or_else(|| Error::InvalidInput(format!("a session token cannot start with {HASHED_TOKEN_MARK}")))?
            .into_owned();
        let key = self.dialect.key_eq(<S<T>>::SESSION_TOKEN, stored.as_str());
        let mut values = vec![
            (<S<T>>::SESSION_TOKEN, stored.into()),
            (<S<T>>::USER_ID, user_id),
            (<S<T>>::EXPIRES, self.dialect.date(<S<T>>::EXPIRES, Some(session.expires))?),
        ];
        values.extend(<S<T>>::insert_values(self.dialect.backend()));
        let created = self.insert_row(Record::Session, values, |_| <S<T>>::find().filter(key)).await?;
        Ok(self.with_raw_token(convert::session::<S<T>>(&created)?, &session.session_token))
    }

    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser<UserExtra<T>>)>> {
        self.session_and_user(session_token, None).await
    }

    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>> {
        self.update_session_row(update, None).await
    }

    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>> {
        self.delete_session_row(session_token, None).await
    }

    async fn get_session_and_user_with_digest(
        &self,
        session_token: &str,
        digest: &TokenDigest,
    ) -> Result<Option<(AdapterSession, AdapterUser<UserExtra<T>>)>> {
        self.session_and_user(session_token, Some(digest)).await
    }

    async fn update_session_with_digest(
        &self,
        update: SessionUpdate,
        digest: &TokenDigest,
    ) -> Result<Option<AdapterSession>> {
        self.update_session_row(update, Some(digest)).await
    }

    async fn delete_session_with_digest(
        &self,
        session_token: &str,
        digest: &TokenDigest,
    ) -> Result<Option<AdapterSession>> {
        self.delete_session_row(session_token, Some(digest)).await
    }

    async fn create_verification_token(&self, token: VerificationToken) -> Result<VerificationToken> {
        type V<T> = VToken<T>;
        let key = self.vt_key::<V<T>>(&token.identifier, &token.token);
        let mut values = vec![
            (<V<T>>::IDENTIFIER, token.identifier.into()),
            (<V<T>>::TOKEN, token.token.into()),
            (<V<T>>::EXPIRES, self.dialect.date(<V<T>>::EXPIRES, Some(token.expires))?),
        ];
        values.extend(<V<T>>::insert_values(self.dialect.backend()));
        let created = self.insert_row(Record::VerificationToken, values, |_| <V<T>>::find().filter(key)).await?;
        convert::verification_token::<V<T>>(&created)
    }

    async fn use_verification_token(&self, identifier: &str, token: &str) -> Result<Option<VerificationToken>> {
        type V<T> = VToken<T>;
        let key = self.vt_key::<V<T>>(identifier, token);
        let stmt = Query::delete().from_table(<V<T>>::default().table_ref()).and_where(key.clone()).to_owned();
        let used = self.delete_row(stmt, <V<T>>::find().filter(key)).await?;
        used.as_ref().map(convert::verification_token::<V<T>>).transpose()
    }

    async fn get_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<AdapterAccount>> {
        type A<T> = Account<T>;
        let found =
            <A<T>>::find().filter(self.account_key::<A<T>>(provider, provider_account_id)).one(&self.db).await.db()?;
        found.as_ref().map(convert::account::<A<T>>).transpose()
    }

    async fn get_authenticator(&self, credential_id: &str) -> Result<Option<AdapterAuthenticator>> {
        type Au<T> = Authn<T>;
        let found = <Au<T>>::find()
            .filter(self.dialect.key_eq(<Au<T>>::CREDENTIAL_ID, credential_id))
            .one(&self.db)
            .await
            .db()?;
        found.as_ref().map(convert::authenticator::<Au<T>>).transpose()
    }

    async fn create_authenticator(&self, authenticator: AdapterAuthenticator) -> Result<AdapterAuthenticator> {
        type Au<T> = Authn<T>;
        let Some(user_id) = convert::user_id_value::<User<T>>(&authenticator.user_id) else {
            return Err(Error::NotFound(Record::User));
        };
        let key = self.dialect.key_eq(<Au<T>>::CREDENTIAL_ID, authenticator.credential_id.as_str());
        let mut values = vec![
            (<Au<T>>::CREDENTIAL_ID, authenticator.credential_id.into()),
            (<Au<T>>::USER_ID, user_id),
            (<Au<T>>::PROVIDER_ACCOUNT_ID, authenticator.provider_account_id.into()),
            (<Au<T>>::CREDENTIAL_PUBLIC_KEY, authenticator.credential_public_key.into()),
            (<Au<T>>::COUNTER, authenticator.counter.into()),
            (<Au<T>>::CREDENTIAL_DEVICE_TYPE, authenticator.credential_device_type.into()),
            (<Au<T>>::CREDENTIAL_BACKED_UP, authenticator.credential_backed_up.into()),
            (<Au<T>>::TRANSPORTS, authenticator.transports.into()),
        ];
        values.extend(<Au<T>>::insert_values(self.dialect.backend()));
        let created = self.insert_row(Record::Authenticator, values, |_| <Au<T>>::find().filter(key)).await?;
        convert::authenticator::<Au<T>>(&created)
    }

    async fn list_authenticators_by_user_id(&self, user_id: &str) -> Result<Vec<AdapterAuthenticator>> {
        type Au<T> = Authn<T>;
        let Some(user_id) = convert::user_id_value::<User<T>>(user_id) else { return Ok(Vec::new()) };
        let found = <Au<T>>::find().filter(self.dialect.key_eq(<Au<T>>::USER_ID, user_id)).all(&self.db).await.db()?;
        found.iter().map(convert::authenticator::<Au<T>>).collect()
    }

    async fn update_authenticator_counter(&self, credential_id: &str, counter: i64) -> Result<AdapterAuthenticator> {
        type Au<T> = Authn<T>;
        let key = self.dialect.key_eq(<Au<T>>::CREDENTIAL_ID, credential_id);
        let mut stmt = Query::update()
            .table(<Au<T>>::default().table_ref())
            .value(<Au<T>>::COUNTER, counter)
            .and_where(key.clone())
            .to_owned();
        touch(&mut stmt, <Au<T>>::update_values(self.dialect.backend()));
        let updated = self.update_row(Record::Authenticator, stmt, <Au<T>>::find().filter(key)).await?;
        updated.as_ref().map(convert::authenticator::<Au<T>>).transpose()?.ok_or(Error::NotFound(Record::Authenticator))
    }

    async fn update_account(&self, update: AccountUpdate) -> Result<AdapterAccount> {
        type A<T> = Account<T>;
        let key = self.account_key::<A<T>>(&update.provider, &update.provider_account_id);
        let mut stmt = Query::update();
        stmt.table(<A<T>>::default().table_ref()).and_where(key.clone());
        set(&mut stmt, Some(<A<T>>::REFRESH_TOKEN), update.refresh_token);
        set(&mut stmt, Some(<A<T>>::ACCESS_TOKEN), update.access_token);
        set(&mut stmt, Some(<A<T>>::EXPIRES_AT), update.expires_at);
        set(&mut stmt, Some(<A<T>>::TOKEN_TYPE), update.token_type);
        set(&mut stmt, Some(<A<T>>::SCOPE), update.scope);
        set(&mut stmt, Some(<A<T>>::ID_TOKEN), update.id_token);
        set(&mut stmt, Some(<A<T>>::SESSION_STATE), update.session_state);
        touch(&mut stmt, <A<T>>::update_values(self.dialect.backend()));
        let updated = self.update_row(Record::Account, stmt, <A<T>>::find().filter(key)).await?;
        updated.as_ref().map(convert::account::<A<T>>).transpose()?.ok_or(Error::NotFound(Record::Account))
    }

    async fn list_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<AdapterSession>> {
        type S<T> = Session<T>;
        let Some(user_id) = convert::user_id_value::<User<T>>(user_id) else { return Ok(Vec::new()) };
        let found = <S<T>>::find().filter(self.dialect.key_eq(<S<T>>::USER_ID, user_id)).all(&self.db).await.db()?;
        found.iter().map(convert::session::<S<T>>).collect()
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64> {
        type S<T> = Session<T>;
        let Some(user_id) = convert::user_id_value::<User<T>>(user_id) else { return Ok(0) };
        self.delete_where::<S<T>>(self.dialect.key_eq(<S<T>>::USER_ID, user_id)).await
    }

    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        type S<T> = Session<T>;
        self.delete_where::<S<T>>(self.dialect.date_before(<S<T>>::EXPIRES, now)?).await
    }

    async fn delete_expired_verification_tokens(&self, now: DateTime<Utc>) -> Result<u64> {
        type V<T> = VToken<T>;
        self.delete_where::<V<T>>(self.dialect.date_before(<V<T>>::EXPIRES, now)?).await
    }
}

/// The session methods, with the token's digest when the caller has it (the `*_with_digest` methods of [`Adapter`]).
impl<T: Schema> SeaOrmAdapter<T> {
    /// `get_session_and_user`, with the token's digest if the caller has it.
    async fn session_and_user(
        &self,
        session_token: &str,
        digest: Option<&TokenDigest>,
    ) -> Result<Option<(AdapterSession, AdapterUser<UserExtra<T>>)>> {
        type S<T> = Session<T>;
        let Some(stored) = self.stored_token(session_token, digest) else { return Ok(None) };
        let found = <S<T>>::find()
            .filter(self.dialect.key_eq(<S<T>>::SESSION_TOKEN, stored.as_ref()))
            .select_also(<User<T>>::default())
            .join(JoinType::InnerJoin, to_user::<S<T>, User<T>>(<S<T>>::USER_ID))
            .one(&self.db)
            .await
            .db()?;
        match found {
            Some((session, Some(user))) => {
                let session = self.with_raw_token(convert::session::<S<T>>(&session)?, session_token);
                Ok(Some((session, convert::user::<User<T>>(&user)?)))
            }
            _ => Ok(None),
        }
    }

    /// `update_session`, with the token's digest if the caller has it.
    async fn update_session_row(
        &self,
        update: SessionUpdate,
        digest: Option<&TokenDigest>,
    ) -> Result<Option<AdapterSession>> {
        type S<T> = Session<T>;
        let Some(stored) = self.stored_token(&update.session_token, digest) else { return Ok(None) };
        let key = self.dialect.key_eq(<S<T>>::SESSION_TOKEN, stored.as_ref());
        let mut stmt = Query::update();
        stmt.table(<S<T>>::default().table_ref()).and_where(key.clone());
        if let Some(user_id) = update.user_id {
            let value = convert::user_id_value::<User<T>>(&user_id).ok_or(Error::NotFound(Record::User))?;
            stmt.value(<S<T>>::USER_ID, value);
        }
        set(
            &mut stmt,
            Some(<S<T>>::EXPIRES),
            update.expires.map(|e| self.dialect.date(<S<T>>::EXPIRES, Some(e))).transpose()?,
        );
        touch(&mut stmt, <S<T>>::update_values(self.dialect.backend()));
        let updated = self.update_row(Record::Session, stmt, <S<T>>::find().filter(key)).await?;
        let updated = updated.as_ref().map(convert::session::<S<T>>).transpose()?;
        Ok(updated.map(|s| self.with_raw_token(s, &update.session_token)))
    }

    /// `delete_session`, with the token's digest if the caller has it.
    async fn delete_session_row(
        &self,
        session_token: &str,
        digest: Option<&TokenDigest>,
    ) -> Result<Option<AdapterSession>> {
        type S<T> = Session<T>;
        // A stored value (from `list_sessions_by_user_id`) is a handle: it deletes the session it names.
        let stored = self.stored_token(session_token, digest);
        let key = self.dialect.key_eq(<S<T>>::SESSION_TOKEN, stored.as_deref().unwrap_or(session_token));
        let stmt = Query::delete().from_table(<S<T>>::default().table_ref()).and_where(key.clone()).to_owned();
        let deleted = self.delete_row(stmt, <S<T>>::find().filter(key)).await?;
        let deleted = deleted.as_ref().map(convert::session::<S<T>>).transpose()?;
        Ok(deleted.map(|s| if stored.is_some() { self.with_raw_token(s, session_token) } else { s }))
    }
}
