//! [`AdapterConnection`]: the adapter's SeaORM pool, and how each statement reaches the server.

use std::fmt;

use async_trait::async_trait;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement,
    TransactionTrait,
};

/// The connection a [`SeaOrmAdapter`](crate::SeaOrmAdapter) runs on ([`connection`](crate::SeaOrmAdapter::connection)):
/// its SeaORM pool, and how each statement reaches the server. It is a [`ConnectionTrait`], so the application's own
/// queries can run on it (`Entity::find().all(adapter.connection())`) the way the adapter runs its statements.
///
/// A statement normally goes through SeaORM as it is: sqlx prepares it under a name, once per pooled connection, and
/// runs it in a second exchange with the server. Behind a PostgreSQL pooler in transaction mode that does not track
/// prepared statements (PgBouncer before 1.21, hosted poolers' transaction ports), the two exchanges can reach
/// different server connections; with
/// [`SeaOrmAdapter::behind_transaction_pooler`](crate::SeaOrmAdapter::behind_transaction_pooler), each statement run
/// here is unnamed, in a transaction of its own, which the pooler keeps on one server connection from `BEGIN` to
/// `COMMIT`. What runs on [`pool`](AdapterConnection::pool) instead (transactions, migrations, streams) meets the
/// pooler as it is.
#[derive(Clone)]
pub struct AdapterConnection {
    db: DatabaseConnection,
    /// PostgreSQL behind a transaction pooler: every statement unnamed, in its own transaction.
    unnamed: bool,
}

impl fmt::Debug for AdapterConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdapterConnection")
            .field("backend", &self.db.get_database_backend())
            .field("behind_transaction_pooler", &self.unnamed)
            .finish_non_exhaustive()
    }
}

impl AdapterConnection {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db, unnamed: false }
    }

    /// Statements run unnamed in their own transaction, on PostgreSQL (other backends are unchanged).
    pub(crate) fn behind_transaction_pooler(self) -> Self {
        let unnamed = self.db.get_database_backend() == DbBackend::Postgres;
        Self { unnamed, ..self }
    }

    pub(crate) fn unnamed(&self) -> bool {
        self.unnamed
    }

    /// The SeaORM pool itself, for what needs a [`DatabaseConnection`]: transactions, migrations, closing it.
    pub fn pool(&self) -> &DatabaseConnection {
        &self.db
    }

    /// A transaction on one pooled connection, for the adapter's MySQL and MariaDB writes (PostgreSQL returns every
    /// written row from its one statement, so a transaction pooler never sees the named statements inside).
    pub(crate) async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.db.begin().await
    }
}

#[async_trait]
impl ConnectionTrait for AdapterConnection {
    fn get_database_backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        #[cfg(feature = "postgres")]
        if self.unnamed {
            return unnamed::run(&self.db, stmt, async |query, conn| query.execute(conn).await)
                .await
                .map(ExecResult::from)
                .map_err(DbErr::Exec);
        }
        self.db.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        // The simple query protocol: one exchange, nothing prepared.
        self.db.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        #[cfg(feature = "postgres")]
        if self.unnamed {
            return unnamed::run(&self.db, stmt, async |query, conn| query.fetch_optional(conn).await)
                .await
                .map(|row| row.map(QueryResult::from))
                .map_err(DbErr::Query);
        }
        self.db.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        #[cfg(feature = "postgres")]
        if self.unnamed {
            return unnamed::run(&self.db, stmt, async |query, conn| query.fetch_all(conn).await)
                .await
                .map(|rows| rows.into_iter().map(QueryResult::from).collect())
                .map_err(DbErr::Query);
        }
        self.db.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.db.support_returning()
    }
}

#[cfg(feature = "postgres")]
mod unnamed {
    use sea_orm::sqlx::postgres::PgConnection;
    use sea_orm::sqlx::query::Query;
    use sea_orm::sqlx::{self, AssertSqlSafe, Postgres};
    use sea_orm::{DatabaseConnection, RuntimeErr, Statement, Values};
    use sea_query_sqlx::SqlxValues;

    /// `stmt` as an unnamed prepared statement (sqlx's non-persistent query: `Parse` of the unnamed statement, never
    /// cached) inside `BEGIN` ... `COMMIT`, run by `run`. The transaction is what keeps sqlx's two exchanges (parse and
    /// describe, then bind and execute) on one server connection behind a transaction pooler. On error it is rolled
    /// back before returning, so no transaction stays open on the pooled connection.
    pub(super) async fn run<T>(
        db: &DatabaseConnection,
        stmt: Statement,
        run: impl AsyncFnOnce(Query<'_, Postgres, SqlxValues>, &mut PgConnection) -> Result<T, sqlx::Error>,
    ) -> Result<T, RuntimeErr> {
        let Statement { sql, values, .. } = stmt;
        let query =
            sqlx::query_with(AssertSqlSafe(sql), SqlxValues(values.unwrap_or(Values(Vec::new())))).persistent(false);
        let mut txn = db.get_postgres_connection_pool().begin().await.map_err(into_runtime)?;
        match run(query, &mut txn).await {
            Ok(out) => {
                txn.commit().await.map_err(into_runtime)?;
                Ok(out)
            }
            Err(e) => {
                let _ = txn.rollback().await;
                Err(into_runtime(e))
            }
        }
    }

    fn into_runtime(e: sqlx::Error) -> RuntimeErr {
        RuntimeErr::SqlxError(e.into())
    }
}
