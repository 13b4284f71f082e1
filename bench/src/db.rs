//! The databases: the bench's own durable servers, a fresh database per implementation, connections.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::mysql::{MySqlConnectOptions, MySqlPool};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPool};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};
use sea_orm::sqlx::{self, AssertSqlSafe, Connection, Executor};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use crate::workload::Result;

/// Where the bench's servers keep their state, and their ports (not the test servers' 55432/53306, nor their
/// PgBouncers' 56432/56433).
pub(crate) const DB_DIR: &str = "/var/tmp/authjs-bench-db";
const PG_PORT: &str = "55433";
const MY_PORT: &str = "53307";
const PGBOUNCER_PORT: &str = "56434";
const PGBOUNCER_SESSION_PORT: &str = "56435";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    SqliteFile,
    SqliteMemory,
    Postgres,
    Mysql,
}

impl Backend {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Backend::SqliteFile => "sqlite-file",
            Backend::SqliteMemory => "sqlite-memory",
            Backend::Postgres => "postgres",
            Backend::Mysql => "mariadb",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Backend> {
        match s {
            "sqlite-file" | "sqlite" => Some(Backend::SqliteFile),
            "sqlite-memory" | "memory" => Some(Backend::SqliteMemory),
            "postgres" | "pg" => Some(Backend::Postgres),
            "mariadb" | "mysql" => Some(Backend::Mysql),
            _ => None,
        }
    }

    pub(crate) fn is_server(self) -> bool {
        matches!(self, Backend::Postgres | Backend::Mysql)
    }
}

/// Connection settings shared by every implementation of a run.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) pg_url: Option<String>,
    pub(crate) my_url: Option<String>,
    /// PgBouncer in front of `pg_url`, in transaction and in session pooling mode.
    pub(crate) pgbouncer_url: Option<String>,
    pub(crate) pgbouncer_session_url: Option<String>,
    pub(crate) pool_size: u32,
    /// PostgreSQL `synchronous_commit = off` per session, MariaDB `innodb_flush_log_at_trx_commit = 2`.
    pub(crate) unflushed: bool,
}

/// A fresh, empty database.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub(crate) backend: Backend,
    /// sqlx / SeaORM URL.
    pub(crate) url: String,
    /// What the Node side opens: a file path, `:memory:` or the URL.
    pub(crate) node_database: String,
}

/// Starts (or reuses) the bench's durable PostgreSQL and MariaDB, and the two PgBouncers in front of that
/// PostgreSQL, with `scripts/test-databases.sh`, and sets their URLs in `s`.
pub(crate) fn start_servers(repo: &Path, s: &mut Settings) -> Result<()> {
    let out = std::process::Command::new(repo.join("scripts/test-databases.sh"))
        .env("AUTHJS_DB_DIR", DB_DIR)
        .env("AUTHJS_PG_PORT", PG_PORT)
        .env("AUTHJS_MY_PORT", MY_PORT)
        .env("AUTHJS_PGBOUNCER_PORT", PGBOUNCER_PORT)
        .env("AUTHJS_PGBOUNCER_SESSION_PORT", PGBOUNCER_SESSION_PORT)
        .env("AUTHJS_DB_DURABLE", "1")
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err(format!("scripts/test-databases.sh failed: {}", out.status).into());
    }
    let stdout = String::from_utf8(out.stdout)?;
    let var = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")).map(str::to_owned))
            .ok_or_else(|| format!("scripts/test-databases.sh printed no {name}"))
    };
    s.pg_url = Some(var("AUTHJS_TEST_POSTGRES_URL")?);
    s.my_url = Some(var("AUTHJS_TEST_MYSQL_URL")?);
    s.pgbouncer_url = Some(var("AUTHJS_TEST_PGBOUNCER_URL")?);
    s.pgbouncer_session_url = Some(var("AUTHJS_TEST_PGBOUNCER_SESSION_URL")?);
    Ok(())
}

/// `url` with its database name replaced.
pub(crate) fn with_database(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("server URLs end with /database");
    format!("{base}/{db}")
}

/// Checks the servers flush commits as asked, and sets MariaDB's global flush policy for this run.
pub(crate) async fn prepare_servers(s: &Settings) -> Result<String> {
    let mut notes = Vec::new();
    if let Some(url) = &s.pg_url {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        let (fsync,): (String,) = sqlx::query_as("SHOW fsync").fetch_one(&mut conn).await?;
        let (fpw,): (String,) = sqlx::query_as("SHOW full_page_writes").fetch_one(&mut conn).await?;
        let (sc,): (String,) = sqlx::query_as("SHOW synchronous_commit").fetch_one(&mut conn).await?;
        let (version,): (String,) = sqlx::query_as("SHOW server_version").fetch_one(&mut conn).await?;
        let session = if s.unflushed { "off (per session)" } else { "on" };
        notes.push(format!(
            "PostgreSQL {version}: fsync={fsync}, full_page_writes={fpw}, server synchronous_commit={sc}, bench sessions synchronous_commit={session}"
        ));
        if fsync != "on" {
            return Err("the bench's PostgreSQL runs with fsync=off: stop it and let the bench restart it".into());
        }
    }
    if let Some(url) = &s.my_url {
        let mut conn = sqlx::MySqlConnection::connect(url).await?;
        let level = if s.unflushed { 2 } else { 1 };
        conn.execute(AssertSqlSafe(format!("SET GLOBAL innodb_flush_log_at_trx_commit = {level}"))).await?;
        let (version, flush, binlog): (String, i64, i64) = sqlx::query_as(
            "SELECT VERSION(), CAST(@@innodb_flush_log_at_trx_commit AS SIGNED), CAST(@@log_bin AS SIGNED)",
        )
        .fetch_one(&mut conn)
        .await?;
        notes.push(format!("MariaDB {version}: innodb_flush_log_at_trx_commit={flush}, log_bin={binlog}"));
    }
    Ok(notes.join("\n"))
}

/// A fresh database named after `tag`, with the auth tables (except in memory, where the tables are created on
/// the pool that owns the database).
pub(crate) async fn fresh(s: &Settings, backend: Backend, tag: &str) -> Result<Target> {
    let target = match backend {
        Backend::SqliteFile => {
            let dir = PathBuf::from(DB_DIR).join("sqlite");
            std::fs::create_dir_all(&dir)?;
            let path = dir.join(format!("{tag}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{suffix}", path.display()));
                if p.exists() {
                    std::fs::remove_file(&p)?;
                }
            }
            let file = path.display().to_string();
            Target { backend, url: format!("sqlite://{file}?mode=rwc"), node_database: file }
        }
        Backend::SqliteMemory => {
            return Ok(Target { backend, url: "sqlite::memory:".into(), node_database: ":memory:".into() });
        }
        Backend::Postgres => {
            let admin = s.pg_url.as_deref().ok_or("no PostgreSQL")?;
            let name = format!("bench_{tag}");
            let mut conn = sqlx::PgConnection::connect(admin).await?;
            conn.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))).await?;
            conn.execute(AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).await?;
            let url = with_database(admin, &name);
            Target { backend, node_database: url.clone(), url }
        }
        Backend::Mysql => {
            let admin = s.my_url.as_deref().ok_or("no MariaDB")?;
            let name = format!("bench_{tag}");
            let mut conn = sqlx::MySqlConnection::connect(admin).await?;
            conn.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS `{name}`"))).await?;
            conn.execute(AssertSqlSafe(format!("CREATE DATABASE `{name}`"))).await?;
            let url = with_database(admin, &name);
            Target { backend, node_database: url.clone(), url }
        }
    };
    let db = authjs_sea_orm::connect(&target.url).await?;
    Migrator::up(&db, None).await?;
    db.close().await?;
    Ok(target)
}

/// The SeaORM connection the adapter gets: `authjs_sea_orm::connect_options` plus the pool size and run settings.
pub(crate) async fn sea_orm(s: &Settings, t: &Target) -> Result<DatabaseConnection> {
    let mut opts = authjs_sea_orm::connect_options(&t.url);
    opts.max_connections(s.pool_size).min_connections(0).acquire_timeout(Duration::from_secs(30));
    if s.unflushed && t.backend == Backend::Postgres {
        opts.map_sqlx_postgres_opts(|o| o.options([("synchronous_commit", "off")]));
    }
    let db = Database::connect(opts).await?;
    if t.backend == Backend::SqliteMemory {
        Migrator::up(&db, None).await?;
    }
    Ok(db)
}

fn pool_options<DB: sqlx::Database>(s: &Settings) -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new()
        .max_connections(s.pool_size)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(30))
        // As `connect_options`: a busy connection is not pinged before use.
        .test_before_acquire(false)
}

/// The floor's sqlx pools: the connection options `connect_options` sets, without SeaORM.
pub(crate) async fn sqlite_pool(s: &Settings, t: &Target, ddl: &[String]) -> Result<SqlitePool> {
    let mut o = SqliteConnectOptions::from_str(&t.url)?
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .create_if_missing(true);
    if t.backend == Backend::SqliteFile {
        o = o.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Normal);
    }
    let pool = pool_options(s).connect_with(o).await?;
    if t.backend == Backend::SqliteMemory {
        for stmt in ddl {
            pool.execute(AssertSqlSafe(stmt.clone())).await?;
        }
    }
    Ok(pool)
}

pub(crate) async fn pg_pool(s: &Settings, t: &Target) -> Result<PgPool> {
    let mut o = PgConnectOptions::from_str(&t.url)?;
    if s.unflushed {
        o = o.options([("synchronous_commit", "off")]);
    }
    Ok(pool_options(s).connect_with(o).await?)
}

pub(crate) async fn mysql_pool(s: &Settings, t: &Target) -> Result<MySqlPool> {
    let o = MySqlConnectOptions::from_str(&t.url)?.timezone(Some("+00:00".to_owned()));
    Ok(pool_options(s)
        .after_connect(|conn: &mut sqlx::MySqlConnection, _| {
            Box::pin(async move {
                conn.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')").await?;
                Ok(())
            })
        })
        .connect_with(o)
        .await?)
}

/// The SQLite DDL of the auth tables as the migration creates them (for in-memory databases the migration
/// cannot reach: the floor's pool and Node's).
pub(crate) async fn sqlite_ddl() -> Result<Vec<String>> {
    let db = Database::connect("sqlite::memory:").await?;
    Migrator::up(&db, None).await?;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
        ))
        .await?;
    let ddl = rows.iter().map(|r| r.try_get::<String>("", "sql")).collect::<Result<Vec<_>, _>>()?;
    db.close().await?;
    Ok(ddl)
}
