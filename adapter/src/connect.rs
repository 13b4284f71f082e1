//! Connecting with the options the Auth.js tables need on each backend.
//!
//! The settings of a backend are compiled with its feature (`sqlite`, `postgres`, `mysql`): they need that backend's
//! sqlx types.

use std::time::Duration;

#[cfg(feature = "mysql")]
use sea_orm::sqlx;
#[cfg(feature = "sqlite")]
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr};

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
///   mode (`STRICT_ALL_TABLES`) on every pooled connection, so a value that does not fit is an error instead of being
///   silently truncated (set by a sqlx `after_connect` hook: calling `map_sqlx_mysql_pool_opts` again replaces it);
/// - a pooled connection is pinged before use only after 5 s idle (sqlx's default pings on every checkout, an extra
///   round trip on every call; SQLite connections are never pinged): a connection the server dropped while busy
///   fails one call with [`Error::Database`](crate::Error::Database) and leaves the pool;
/// - statement logging at `debug` level (statements, never bound values).
///
/// A backend's settings are only applied when this crate's feature for it is enabled (a driver enabled through
/// sea-orm alone gets none of them); [`connect`] refuses such a URL instead.
///
/// Adjust the returned options (pool size, timeouts) before connecting with [`Database::connect`].
///
/// # PostgreSQL behind PgBouncer or another pooler
///
/// sqlx prepares each statement under a name (`sqlx_s_1`, ...) in one exchange with the server and runs it in a
/// second one. That needs both exchanges to reach the same server connection, which holds for PostgreSQL itself,
/// PgBouncer in `pool_mode = session`, and PgBouncer 1.21 or later with `max_prepared_statements` above 0 (it tracks
/// prepared statements itself; not tested here). It does not hold for a pooler in *transaction* mode that does not
/// track prepared statements (PgBouncer before 1.21, as Debian 12's 1.18, or with `max_prepared_statements = 0`):
/// calls fail with "prepared statement \"sqlx_s_1\" does not exist" or "... already exists", and some run another
/// client's statement with this call's values and return its rows, silently. sqlx's `statement_cache_capacity(0)`,
/// the usual advice, does not avoid it: sqlx 0.9 still names every statement. Behind such a pooler, build the adapter
/// with [`SeaOrmAdapter::behind_transaction_pooler`](crate::SeaOrmAdapter::behind_transaction_pooler) and migrate on
/// a direct URL (all three set-ups are tested; see the transaction poolers guide, `guide::transaction_poolers`).
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
        // sqlx's hook, which runs on every new connection of the pool (SeaORM's `after_connect` runs once per pool).
        opts.map_sqlx_mysql_pool_opts(|pool| {
            pool.after_connect(|conn, _| {
                Box::pin(async move {
                    let strict = sqlx::raw_sql("SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')");
                    sqlx::Executor::execute(conn, strict).await.map(|_| ())
                })
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
    if let Some(backend) = Backend::of_url(url) {
        let (feature, enabled) = backend.feature();
        if !enabled {
            // The URL itself may hold a password: name the feature only.
            return Err(DbErr::Conn(RuntimeErr::Internal(format!(
                "authjs-sea-orm was built without its `{feature}` feature, which this database URL needs"
            ))));
        }
    }
    Database::connect(connect_options(url)).await
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
