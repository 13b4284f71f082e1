//! Connecting with the options the Auth.js tables need on each backend.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

/// [`ConnectOptions`] for `url` with what the adapter relies on:
/// - SQLite: foreign keys enforced (cascading deletes), WAL journal with `synchronous = NORMAL` for files, a 5 s busy
///   timeout so concurrent writers wait instead of failing with "database is locked", and the file created if
///   missing;
/// - MySQL/MariaDB: the session time zone pinned to UTC (dates are stored as UTC) and strict SQL mode, so a value
///   that does not fit is an error instead of being silently truncated;
/// - a pooled connection is pinged before use only after 5 s idle (sqlx's default pings on every checkout, an extra
///   round trip on every call; SQLite connections are never pinged): a connection the server dropped while busy
///   fails one call with [`Error::Database`](crate::Error::Database) and leaves the pool;
/// - statement logging at `debug` level (statements, never bound values).
///
/// Adjust the returned options (pool size, timeouts) before connecting with [`Database::connect`].
pub fn connect_options(url: &str) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url);
    opts.sqlx_logging_level(log::LevelFilter::Debug);
    if url.starts_with("sqlite:") {
        opts.test_before_acquire(false);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        opts.map_sqlx_sqlite_opts(move |o| {
            let o = o.foreign_keys(true).busy_timeout(Duration::from_secs(5)).create_if_missing(true);
            if in_memory { o } else { o.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Normal) }
        });
    } else {
        opts.test_before_acquire_if_idle_for(Duration::from_secs(5));
    }
    if url.starts_with("mysql:") || url.starts_with("mariadb:") {
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
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    Database::connect(connect_options(url)).await
}
