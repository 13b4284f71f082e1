//! Conformance harness of `authjs-sea-orm`.
//!
//! * [`TestDb`] creates an isolated, freshly migrated database per test on one of the four [`Backend`]s with the
//!   tables of one of the [`schemas`], so tests run in parallel, and removes it afterwards; [`TestDb::empty`] gives
//!   an empty one (schema tests).
//! * [`raw`] reads the tables directly with SeaORM and the schema's entities, bypassing the adapter (the Auth.js
//!   suite's `db.user(id)` helpers); on the default tables also with the default entities, converted field by field.
//! * [`fixtures`] holds the Auth.js suite's fixtures.
//! * [`StatementCounter`] counts the statements an adapter call runs; [`expected_statements`] is the table of
//!   expected counts per backend and method.
//! * [`drizzle`] creates databases from drizzle-kit's DDL and lists the cases that hold on them; [`catalog`]
//!   snapshots a database's catalog (to prove an operation changed nothing).
//! * [`node`] finds the Node side of the interop tests (`tests/interop`) and says whether it is installed;
//!   [`authjs_app`] starts its real Auth.js app (`authjs-app.mjs`) on a database of the suite.
//! * [`better_auth`] starts the real Better Auth server (`tests/interop-better-auth`) on a database of the suite;
//!   [`node::NodeProcess`] runs both scripts.
//! * [`better_auth_tables`] gives a `BetterAuthStore` on a database of its own with Better Auth's tables in one of
//!   their namings, writes rows as Better Auth does, and holds the reference DDL of each naming.
//! * [`logs::Captured`] keeps what a `tracing` subscriber writes, for tests that read their logs.
//! * [`cases`] holds every case, written once as `async fn case<S: TestSchema>(t: &TestDb<S>)`;
//!   `tests/conformance.rs` stamps them out per schema and backend.
//!
//! Server backends read their URL from `AUTHJS_TEST_POSTGRES_URL` and `AUTHJS_TEST_MYSQL_URL`
//! (`eval "$(scripts/test-databases.sh)"` prints them), and PostgreSQL through PgBouncer ([`Route`]) also
//! `AUTHJS_TEST_PGBOUNCER_SESSION_URL` or `AUTHJS_TEST_PGBOUNCER_URL`. When one is missing the test is skipped, unless `CI=true`, where a missing database
//! is a failure.

pub mod authjs_app;
pub mod better_auth;
pub mod better_auth_tables;
pub mod cases;
pub mod catalog;
pub mod drizzle;
pub mod fixtures;
pub mod logs;
pub mod node;
pub mod raw;
pub mod schemas;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use authjs_sea_orm::SeaOrmAdapter;
use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

pub use schemas::{SchemaKind, TestSchema};

/// The database backends the suite runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// `sqlite::memory:`: a private in-memory database per test.
    SqliteMemory,
    /// A SQLite file under the temporary directory, removed afterwards.
    SqliteFile,
    /// A fresh PostgreSQL database on the server of `AUTHJS_TEST_POSTGRES_URL`.
    Postgres,
    /// A fresh MariaDB/MySQL database on the server of `AUTHJS_TEST_MYSQL_URL`.
    MySql,
}

impl Backend {
    /// Every backend.
    pub const ALL: [Backend; 4] = [Backend::SqliteMemory, Backend::SqliteFile, Backend::Postgres, Backend::MySql];

    /// Short name, as used by the test modules.
    pub fn name(self) -> &'static str {
        match self {
            Backend::SqliteMemory => "sqlite_memory",
            Backend::SqliteFile => "sqlite_file",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }

    /// The environment variable holding the server URL, for server backends.
    pub fn env_var(self) -> Option<&'static str> {
        match self {
            Backend::SqliteMemory | Backend::SqliteFile => None,
            Backend::Postgres => Some("AUTHJS_TEST_POSTGRES_URL"),
            Backend::MySql => Some("AUTHJS_TEST_MYSQL_URL"),
        }
    }

    /// Whether the backend is SQLite (memory or file).
    pub fn is_sqlite(self) -> bool {
        matches!(self, Backend::SqliteMemory | Backend::SqliteFile)
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a test reaches its database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Route {
    /// Straight to the server (or the SQLite database).
    #[default]
    Direct,
    /// PostgreSQL through PgBouncer in session pooling mode (`AUTHJS_TEST_PGBOUNCER_SESSION_URL`; the database is
    /// created and dropped on the server of `AUTHJS_TEST_POSTGRES_URL`).
    PgBouncerSession,
    /// PostgreSQL through PgBouncer in transaction pooling mode (`AUTHJS_TEST_PGBOUNCER_URL`; created and dropped as
    /// above).
    PgBouncerTransaction,
}

impl Route {
    /// The variable holding the pooler's URL.
    fn env_var(self) -> Option<&'static str> {
        match self {
            Route::Direct => None,
            Route::PgBouncerSession => Some("AUTHJS_TEST_PGBOUNCER_SESSION_URL"),
            Route::PgBouncerTransaction => Some("AUTHJS_TEST_PGBOUNCER_URL"),
        }
    }
}

/// A backend and how a test reaches it: what [`TestDb::new`], [`TestDb::with_schema`] and [`TestDb::empty`] take (a
/// [`Backend`] converts to its [`Route::Direct`] target).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    /// The backend: what the database is and how it behaves.
    pub backend: Backend,
    /// How the test reaches it.
    pub route: Route,
}

impl Target {
    /// This backend reached through `route`.
    pub fn via(self, route: Route) -> Target {
        Target { route, ..self }
    }
}

impl From<Backend> for Target {
    fn from(backend: Backend) -> Target {
        Target { backend, route: Route::Direct }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.route {
            Route::Direct => write!(f, "{}", self.backend),
            Route::PgBouncerSession => write!(f, "{} through PgBouncer (session mode)", self.backend),
            Route::PgBouncerTransaction => write!(f, "{} through PgBouncer (transaction mode)", self.backend),
        }
    }
}

/// An empty database of its own (nothing migrated) and a connection to it. Dropping it removes the database (best
/// effort), after the connection.
pub struct EmptyDb {
    /// The backend.
    pub backend: Backend,
    /// The database's URL through the target's route (with credentials, for server backends: do not print it).
    pub url: String,
    /// A connection from `authjs_sea_orm::connect`, made the way applications make it, for migrations and raw
    /// reads: through the route, except behind PgBouncer in transaction mode, where it goes straight to the server
    /// (as an application runs its migrations on a direct URL).
    pub db: DatabaseConnection,
    /// How the adapter reaches the database: [`url`](EmptyDb::url) through the route.
    route: Route,
    // Last, so the connection is dropped before the database is.
    cleanup: Cleanup,
}

impl fmt::Debug for EmptyDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmptyDb").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl EmptyDb {
    /// Another connection to the same database, from `authjs_sea_orm::connect` (for SQLite memory: a new, empty
    /// in-memory database).
    pub async fn connect(&self) -> DatabaseConnection {
        let backend = self.backend;
        authjs_sea_orm::connect(&self.url).await.unwrap_or_else(|e| panic!("connect to {backend}: {e}"))
    }
}

/// A freshly migrated database of its own with the tables of schema `S`, and an adapter on them. Dropping it removes
/// the database (best effort).
pub struct TestDb<S: TestSchema = schemas::Default> {
    /// The backend.
    pub backend: Backend,
    /// The connection (as returned by `authjs_sea_orm::connect`), for raw reads.
    pub db: DatabaseConnection,
    /// The adapter under test, on [`TestDb::db`] ([`TestSchema::adapter`]).
    pub adapter: S::Adapter,
    // Last, so the connection is dropped before the database is.
    _cleanup: Cleanup,
}

impl<S: TestSchema> fmt::Debug for TestDb<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestDb").field("schema", &S::KIND).field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl TestDb {
    /// A fresh database on `backend` with the default Auth.js tables, migrated with the adapter's `Migrator`.
    ///
    /// `None` (after printing `skipped: ...` to stderr) when a server backend's URL variable is unset, so the test
    /// returns early; with `CI=true` that panics instead.
    pub async fn new(target: impl Into<Target>) -> Option<TestDb> {
        let target = target.into();
        let backend = target.backend;
        let empty = TestDb::empty(target).await?;
        Migrator::up(&empty.db, None).await.unwrap_or_else(|e| panic!("migrate {backend}: {e}"));
        Some(TestDb::from_empty(empty).await)
    }

    /// A fresh database on `backend` with the tables of schema `S`, created by [`schemas::migrate`].
    ///
    /// `None` as [`TestDb::new`]; panics if `S` does not support `backend` (such tests are not generated).
    pub async fn with_schema<S: TestSchema>(target: impl Into<Target>) -> Option<TestDb<S>> {
        let target = target.into();
        let backend = target.backend;
        assert!(S::supports(backend), "schema {} does not run on {backend}", S::KIND.name());
        let empty = TestDb::empty(target).await?;
        schemas::migrate::<S>(&empty.db)
            .await
            .unwrap_or_else(|e| panic!("migrate schema {} on {backend}: {e}", S::KIND.name()));
        Some(TestDb::from_empty(empty).await)
    }

    /// A fresh, empty database on `backend` (nothing migrated): a private `sqlite::memory:` database, a SQLite file
    /// under the temporary directory, or a `t_<random>` database on the server of `AUTHJS_TEST_POSTGRES_URL` /
    /// `AUTHJS_TEST_MYSQL_URL` (through PgBouncer: created there, reached through the [`Route`]'s PgBouncer).
    /// Removed when dropped.
    ///
    /// `None` as [`TestDb::new`].
    pub async fn empty(target: impl Into<Target>) -> Option<EmptyDb> {
        let target = target.into();
        let backend = target.backend;
        assert!(
            target.route == Route::Direct || backend == Backend::Postgres,
            "only PostgreSQL is reached through PgBouncer, not {backend}"
        );
        let (url, cleanup) = match backend {
            Backend::SqliteMemory => ("sqlite::memory:".to_owned(), Cleanup::Nothing),
            Backend::SqliteFile => {
                let path = std::env::temp_dir().join(format!("authjs-sea-orm-test-{}.db", random_suffix()));
                (format!("sqlite://{}?mode=rwc", path.display()), Cleanup::File(path))
            }
            Backend::Postgres | Backend::MySql => {
                let server_url = url_from_env(backend.env_var().expect("server backends have a URL variable"), target)?;
                let connect_url = match target.route.env_var() {
                    None => server_url.clone(),
                    Some(var) => url_from_env(var, target)?,
                };
                let name = format!("t_{}", random_suffix());
                let admin = admin_connection(&server_url).await;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {}", quote_ident(backend, &name)))
                    .await
                    .unwrap_or_else(|e| panic!("CREATE DATABASE {name} on {backend}: {e}"));
                let _ = admin.close().await;
                let url = with_database(&connect_url, &name);
                (url, Cleanup::Server { backend, server_url, name })
            }
        };
        let db_url = match (target.route, &cleanup) {
            (Route::PgBouncerTransaction, Cleanup::Server { server_url, name, .. }) => with_database(server_url, name),
            _ => url.clone(),
        };
        let db = authjs_sea_orm::connect(&db_url).await.unwrap_or_else(|e| panic!("connect to {target}: {e}"));
        Some(EmptyDb { backend, url, db, route: target.route, cleanup })
    }

    async fn from_empty<S: TestSchema>(empty: EmptyDb) -> TestDb<S> {
        let EmptyDb { backend, url, db, route, cleanup } = empty;
        let base = match route {
            Route::PgBouncerTransaction => {
                let pooled =
                    authjs_sea_orm::connect(&url).await.unwrap_or_else(|e| panic!("connect to {route:?}: {e}"));
                SeaOrmAdapter::with_schema(pooled).behind_transaction_pooler()
            }
            Route::Direct | Route::PgBouncerSession => SeaOrmAdapter::with_schema(db.clone()),
        };
        TestDb { backend, db, adapter: S::adapter(base), _cleanup: cleanup }
    }
}

impl<S: TestSchema> TestDb<S> {
    /// A second adapter on the same database whose statements are counted by the returned counter.
    ///
    /// The connection is a clone of [`TestDb::db`] (same pool) with its own metric callback, installed before the
    /// adapter is built.
    pub fn counting_adapter(&self) -> (SeaOrmAdapter<S::Tables>, StatementCounter) {
        let counter = StatementCounter::default();
        let mut conn = self.db.clone();
        let log = Arc::clone(&counter.log);
        conn.set_metric_callback(move |info| {
            let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
            log.push(ExecutedStatement { sql: info.statement.sql.clone(), failed: info.failed });
        });
        (SeaOrmAdapter::with_schema(conn), counter)
    }

    /// Runs `call` with a fresh counting adapter and returns its output and the statements it executed.
    pub async fn count_statements<T, F, Fut>(&self, call: F) -> (T, Vec<ExecutedStatement>)
    where
        F: FnOnce(SeaOrmAdapter<S::Tables>) -> Fut,
        Fut: Future<Output = T>,
    {
        let (adapter, counter) = self.counting_adapter();
        let out = call(adapter).await;
        (out, counter.take())
    }
}

/// One statement seen by a [`StatementCounter`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutedStatement {
    /// The SQL text.
    pub sql: String,
    /// Whether the statement returned an error.
    pub failed: bool,
}

/// Records the statements run on a connection (see [`TestDb::counting_adapter`]).
#[derive(Clone, Debug, Default)]
pub struct StatementCounter {
    log: Arc<Mutex<Vec<ExecutedStatement>>>,
}

impl StatementCounter {
    /// The statements recorded since the last `take`, clearing the log.
    pub fn take(&self) -> Vec<ExecutedStatement> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The adapter methods, for the statement-count table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Method {
    CreateUser,
    GetUser,
    GetUserByEmail,
    GetUserByAccount,
    UpdateUser,
    DeleteUser,
    LinkAccount,
    UnlinkAccount,
    CreateSession,
    GetSessionAndUser,
    UpdateSession,
    DeleteSession,
    CreateVerificationToken,
    UseVerificationToken,
    GetAccount,
    GetAuthenticator,
    CreateAuthenticator,
    ListAuthenticatorsByUserId,
    UpdateAuthenticatorCounter,
    UpdateAccount,
    ListSessionsByUserId,
    DeleteSessionsByUserId,
    DeleteExpiredSessions,
    DeleteExpiredVerificationTokens,
}

impl Method {
    /// Every method of the `Adapter` trait.
    pub const ALL: [Method; 24] = [
        Method::CreateUser,
        Method::GetUser,
        Method::GetUserByEmail,
        Method::GetUserByAccount,
        Method::UpdateUser,
        Method::DeleteUser,
        Method::LinkAccount,
        Method::UnlinkAccount,
        Method::CreateSession,
        Method::GetSessionAndUser,
        Method::UpdateSession,
        Method::DeleteSession,
        Method::CreateVerificationToken,
        Method::UseVerificationToken,
        Method::GetAccount,
        Method::GetAuthenticator,
        Method::CreateAuthenticator,
        Method::ListAuthenticatorsByUserId,
        Method::UpdateAuthenticatorCounter,
        Method::UpdateAccount,
        Method::ListSessionsByUserId,
        Method::DeleteSessionsByUserId,
        Method::DeleteExpiredSessions,
        Method::DeleteExpiredVerificationTokens,
    ];
}

/// How many statements one successful call of `method` runs on `backend`, on any schema (transaction
/// control not counted).
///
/// SQLite and PostgreSQL write with `RETURNING`, so every method is one statement. The MySQL backend of the suite is
/// MariaDB 10.5+ (tested on 10.11): creates and deletes are one statement too (`INSERT ... RETURNING`,
/// `DELETE ... RETURNING`); MariaDB has no `UPDATE ... RETURNING`, so updates are `UPDATE` then `SELECT` in one
/// transaction (the update's row lock keeps other writers out until the read). The joins (`get_session_and_user`,
/// `get_user_by_account`) are one statement everywhere.
///
/// On MySQL 8 (no `RETURNING`; not run by this suite), deletes are `SELECT ... FOR UPDATE` then `DELETE` in one
/// transaction, and creates one `INSERT` when the written values fill the whole row, else `INSERT` then `SELECT` in
/// one transaction (an auto-increment id, a value the entity's model types differently).
pub fn expected_statements(backend: Backend, method: Method) -> usize {
    use Method::*;
    match (backend, method) {
        (Backend::MySql, UpdateUser | UpdateSession | UpdateAccount | UpdateAuthenticatorCounter) => 2,
        _ => 1,
    }
}

enum Cleanup {
    Nothing,
    File(PathBuf),
    Server { backend: Backend, server_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Nothing => {}
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::Server { backend, server_url, name } => {
                let sql = match backend {
                    Backend::Postgres => {
                        format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(*backend, name))
                    }
                    _ => format!("DROP DATABASE IF EXISTS {}", quote_ident(*backend, name)),
                };
                let server_url = server_url.clone();
                // Drop cannot await, and may run inside a runtime: drop the database from a thread of its own.
                let dropped = std::thread::spawn(move || -> Result<(), String> {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| e.to_string())?;
                    runtime.block_on(async {
                        let admin = Database::connect(admin_options(&server_url)).await.map_err(|e| e.to_string())?;
                        let result = admin.execute_unprepared(&sql).await.map(|_| ()).map_err(|e| e.to_string());
                        let _ = admin.close().await;
                        result
                    })
                })
                .join();
                if let Ok(Err(e)) = dropped {
                    eprintln!("warning: could not drop test database {name}: {e}");
                }
            }
        }
    }
}

/// The URL in `var`; `None` (after printing `skipped: ...`) when it is unset, a panic instead with `CI=true`.
fn url_from_env(var: &str, target: Target) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{var} is not set, but CI=true: {target} is required in CI");
            }
            eprintln!("skipped: {var} is not set");
            None
        }
    }
}

fn random_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn quote_ident(backend: Backend, name: &str) -> String {
    match backend {
        Backend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

fn admin_options(server_url: &str) -> ConnectOptions {
    let mut options = ConnectOptions::new(server_url);
    options.max_connections(1).min_connections(0).sqlx_logging(false);
    options
}

async fn admin_connection(server_url: &str) -> DatabaseConnection {
    Database::connect(admin_options(server_url))
        .await
        .unwrap_or_else(|e| panic!("connect to the test server ({server_url}): {e}"))
}

/// `server_url` with its database (path) replaced by `database`; the query string is kept.
pub fn with_database(server_url: &str, database: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server_url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut url = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn with_database_replaces_the_path() {
        assert_eq!(with_database("postgres://u:p@h:1/authjs", "t_x"), "postgres://u:p@h:1/t_x");
        assert_eq!(with_database("mysql://u:p@h:1", "t_x"), "mysql://u:p@h:1/t_x");
        assert_eq!(with_database("postgres://u:p@h/a?sslmode=disable", "t_x"), "postgres://u:p@h/t_x?sslmode=disable");
    }
}
