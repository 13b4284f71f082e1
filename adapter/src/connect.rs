//! Connecting with the options the Auth.js tables need on each backend.
//!
//! The settings of a backend are compiled with its feature (`sqlite`, `postgres`, `mysql`): they need that backend's
//! sqlx types.

use std::time::Duration;

#[cfg(feature = "mysql")]
use sea_orm::ConnectionTrait;
#[cfg(feature = "sqlite")]
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr};
#[cfg(feature = "postgres")]
use sea_orm::sqlx::Executor as _;

/// The backends this crate has a feature for, as told by a URL's scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    fn of_url(url: &str) -> Option<Backend> {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            "mysql" | "mariadb" => Some(Backend::MySql),
            _ => None,
        }
    }

    /// The crate feature this backend needs, and whether it was enabled.
    fn feature(self) -> (&'static str, bool) {
        match self {
            Backend::Sqlite => ("sqlite", cfg!(feature = "sqlite")),
            Backend::Postgres => ("postgres", cfg!(feature = "postgres")),
            Backend::MySql => ("mysql", cfg!(feature = "mysql")),
        }
    }
}

/// [`ConnectOptions`] for `url` with what the adapter relies on:
/// - SQLite (feature `sqlite`): foreign keys enforced (cascading deletes), WAL journal with `synchronous = NORMAL` for
///   files, a 5 s busy timeout so concurrent writers wait instead of failing with "database is locked", and the file
///   created if missing;
/// - MySQL/MariaDB (feature `mysql`): the session time zone pinned to UTC (dates are stored as UTC) and strict SQL
///   mode, so a value that does not fit is an error instead of being silently truncated;
/// - a pooled connection is pinged before use only after 5 s idle (sqlx's default pings on every checkout, an extra
///   round trip on every call; SQLite connections are never pinged): a connection the server dropped while busy
///   fails one call with [`Error::Database`](crate::Error::Database) and leaves the pool;
/// - statement logging at `debug` level (statements, never bound values).
///
/// A backend's settings are only applied when this crate's feature for it is enabled (a driver enabled through
/// sea-orm alone gets none of them); [`connect`] refuses such a URL instead.
///
/// Adjust the returned options (pool size, timeouts) before connecting with [`Database::connect`].
pub fn connect_options(url: &str) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url);
    opts.sqlx_logging_level(log::LevelFilter::Debug);
    let backend = Backend::of_url(url);
    if backend == Some(Backend::Sqlite) {
        opts.test_before_acquire(false);
        #[cfg(feature = "sqlite")]
        {
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            opts.map_sqlx_sqlite_opts(move |o| {
                let o = o.foreign_keys(true).busy_timeout(Duration::from_secs(5)).create_if_missing(true);
                if in_memory {
                    o
                } else {
                    o.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Normal)
                }
            });
        }
    } else {
        opts.test_before_acquire_if_idle_for(Duration::from_secs(5));
    }
    #[cfg(feature = "mysql")]
    if backend == Some(Backend::MySql) {
        opts.map_sqlx_mysql_opts(|o| o.timezone(Some("+00:00".to_owned())));
        opts.after_connect(|conn: DatabaseConnection| {
            Box::pin(async move {
                conn.execute_unprepared("SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')")
                    .await
                    .map(|_| ())
            })
        });
    }
    opts
}

/// Connects to `url` (`sqlite://auth.db?mode=rwc`, `sqlite::memory:`, `postgres://...`, `mysql://...`) with
/// [`connect_options`].
///
/// A `sqlite:`, `postgres:` or `mysql:` URL whose feature (`sqlite`, `postgres`, `mysql`) this crate was built without
/// is refused with [`DbErr::Conn`], even when sea-orm has the driver: the adapter's settings for that backend are
/// missing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, PostgresPooling::Direct).await
}

/// How an application's connections reach PostgreSQL: the setting of [`connect_with`] and [`connect_options_with`].
///
/// sqlx prepares every statement under a name (`sqlx_s_1`, ...) and runs it in a second exchange with the server.
/// A pooler in *transaction* mode lends a server connection for one transaction only (outside a transaction, for one
/// exchange), so the second exchange may reach another server connection: there the name is missing ("prepared
/// statement \"sqlx_s_1\" does not exist"), taken ("... already exists"), or, worst, names another client's
/// statement, which then runs with this call's values and returns its rows. Turning sqlx's statement cache off
/// (`statement_cache_capacity(0)`, the usual advice) does not help: sqlx 0.9 still names each statement.
/// [`PostgresPooling::TransactionPooler`] makes such a pooler safe; the tests run the conformance suite through
/// PgBouncer 1.18 in transaction mode with it.
///
/// Which one to choose:
/// - [`Direct`](PostgresPooling::Direct): PostgreSQL itself, PgBouncer in `pool_mode = session`, PgBouncer 1.21 or
///   later with `max_prepared_statements` above 0 (it tracks prepared statements itself), or any pooler that keeps
///   a client on one server connection.
/// - [`TransactionPooler`](PostgresPooling::TransactionPooler): PgBouncer before 1.21 in `pool_mode = transaction`
///   (Debian 12's package is 1.18), or `max_prepared_statements = 0` (1.21's default); any pooler that lends a
///   server connection per transaction without tracking prepared statements. A hosted database's "transaction
///   mode" URL (often port 6543) is one unless its provider says it supports prepared statements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum PostgresPooling {
    /// Each pooled connection of the application stays on one server connection (the default).
    #[default]
    Direct,
    /// A pooler in transaction mode sits between the application and PostgreSQL. Each use of a pooled connection
    /// (one adapter call, or one transaction) then runs inside one transaction of its own, which keeps it on one
    /// server connection: `BEGIN; DEALLOCATE ALL` when the pool hands the connection out (dropping statements
    /// other clients left on that server connection), `COMMIT` when it comes back; sqlx's statement cache is off,
    /// as a statement cannot outlive the transaction. An adapter call costs 4 round trips instead of 1 (BEGIN,
    /// prepare, execute, COMMIT), and a call that fails rolls back only what it wrote, as without the pooler.
    ///
    /// Keep the pool's `min_connections` at 0 (the default): connections sqlx opens to keep that minimum sit idle
    /// inside their first transaction, each holding a server connection of the pooler. Session settings (`SET`,
    /// sea-orm's `set_schema_search_path`) do not last beyond one transaction through such a pooler: set them on
    /// the role (`ALTER ROLE ... SET search_path = ...`).
    TransactionPooler,
}

/// [`connect_options`] for `url`, with `pooling` applied when `url` is a PostgreSQL URL (and the `postgres` feature
/// is on); other URLs get [`connect_options`] unchanged.
pub fn connect_options_with(url: &str, pooling: PostgresPooling) -> ConnectOptions {
    #[allow(unused_mut)]
    let mut opts = connect_options(url);
    #[cfg(feature = "postgres")]
    if pooling == PostgresPooling::TransactionPooler && Backend::of_url(url) == Some(Backend::Postgres) {
        transaction_pooler(&mut opts);
    }
    #[cfg(not(feature = "postgres"))]
    let _ = pooling;
    opts
}

/// One transaction per use of a pooled connection (see [`PostgresPooling::TransactionPooler`]).
#[cfg(feature = "postgres")]
fn transaction_pooler(opts: &mut ConnectOptions) {
    // The statements sqlx names live on one server connection, for one transaction: none may be reused later.
    opts.map_sqlx_postgres_opts(|o| o.statement_cache_capacity(0));
    // A new connection is handed out without `before_acquire`: it opens its transaction here.
    opts.min_connections(0);
    opts.map_sqlx_postgres_pool_opts(|o| {
        o.min_connections(0)
            .after_connect(|conn, _| Box::pin(async move { conn.execute(PIN).await.map(|_| ()) }))
            .after_release(|conn, _| Box::pin(async move { conn.execute("COMMIT").await.map(|_| true) }))
    });
    opts.map_sqlx_postgres_before_acquire(|conn, _| Box::pin(async move { conn.execute(PIN).await.map(|_| true) }));
}

/// Opens the transaction that keeps a pooled connection on one server connection of a transaction pooler, and drops
/// the prepared statements other clients left there. One message: the pooler cannot switch server connections
/// between the two.
#[cfg(feature = "postgres")]
const PIN: &str = "BEGIN; DEALLOCATE ALL";

/// [`connect`] with the way connections reach PostgreSQL ([`PostgresPooling`]).
///
/// [`PostgresPooling::TransactionPooler`] with a URL that is not a PostgreSQL one is refused with [`DbErr::Conn`].
pub async fn connect_with(url: &str, pooling: PostgresPooling) -> Result<DatabaseConnection, DbErr> {
    let backend = Backend::of_url(url);
    if let Some(backend) = backend {
        let (feature, enabled) = backend.feature();
        if !enabled {
            // The URL itself may hold a password: name the feature only.
            return Err(DbErr::Conn(RuntimeErr::Internal(format!(
                "authjs-sea-orm was built without its `{feature}` feature, which this database URL needs"
            ))));
        }
    }
    if pooling == PostgresPooling::TransactionPooler && backend != Some(Backend::Postgres) {
        return Err(DbErr::Conn(RuntimeErr::Internal(
            "PostgresPooling::TransactionPooler needs a postgres:// URL".to_owned(),
        )));
    }
    Database::connect(connect_options_with(url, pooling)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_the_scheme() {
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite://auth.db?mode=rwc"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("postgres://u:p@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("postgresql://h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("MySQL://h/db"), Some(Backend::MySql));
        assert_eq!(Backend::of_url("mariadb://h/db"), Some(Backend::MySql));
        assert_eq!(Backend::of_url("auth.db"), None);
    }
}
