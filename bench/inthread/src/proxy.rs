//! A measurement prototype, not a product: `SeaOrmAdapter` on a SeaORM proxy connection
//! (`Database::connect_proxy`) whose statements run on the calling task through rusqlite with cached statements
//! (what better-sqlite3 does for Drizzle), instead of sqlx's per-connection worker thread. `--impls inthread`.
//!
//! Each call takes an idle rusqlite connection from a small pool and runs the statement inline with no busy
//! timeout; a statement that finds the database locked (`SQLITE_BUSY`) is retried on tokio's blocking pool with the
//! 5 s busy timeout `connect_options` sets, so a writer waiting for another never blocks a runtime thread.
//! BENCHMARKS.md ("SQLite: the in-thread path") lists what this path cannot keep through SeaORM's proxy interface.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{Null, ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, ToSql};
use sea_orm::{
    Database, DatabaseConnection, DbBackend, DbErr, ProxyDatabaseTrait, ProxyExecResult, ProxyRow, RuntimeErr,
    Statement, Value,
};
use tokio::sync::Semaphore;

/// Busy timeout of the retry on the blocking pool (as `authjs_sea_orm::connect_options`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A pool of rusqlite connections to one SQLite database, used from async tasks.
#[derive(Debug)]
pub(crate) struct InThreadSqlite {
    path: String,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

/// What one statement returns.
enum Outcome {
    Rows(Vec<ProxyRow>),
    Done(ProxyExecResult),
}

impl InThreadSqlite {
    /// `path`: a file name, or `:memory:` (one connection then, since each would be its own database).
    pub(crate) fn new(path: &str, max: usize) -> Self {
        let max = if path == ":memory:" { 1 } else { max.max(1) };
        Self { path: path.to_owned(), idle: Mutex::new(Vec::new()), permits: Semaphore::new(max) }
    }

    /// A SeaORM connection over this pool.
    pub(crate) async fn connect(self) -> Result<DatabaseConnection, DbErr> {
        Database::connect_proxy(DbBackend::Sqlite, Arc::new(Box::new(self))).await
    }

    fn open(&self) -> Result<Connection, DbErr> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(conn_err)?;
        conn.set_prepared_statement_cache_capacity(64);
        let pragmas = if self.path == ":memory:" {
            "PRAGMA foreign_keys = ON;"
        } else {
            "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        };
        conn.execute_batch(pragmas).map_err(conn_err)?;
        conn.busy_timeout(Duration::ZERO).map_err(conn_err)?;
        Ok(conn)
    }

    async fn run(&self, stmt: Statement, query: bool) -> Result<Outcome, DbErr> {
        let _permit = self.permits.acquire().await.map_err(|e| conn_err(e.to_string()))?;
        let taken = self.idle.lock().map_err(|e| conn_err(e.to_string()))?.pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open()?,
        };
        let (conn, result) = match run_on(&conn, &stmt, query) {
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => {
                // Locked by another writer: wait for it off the runtime's threads.
                tokio::task::spawn_blocking(move || {
                    let result = conn
                        .busy_timeout(BUSY_TIMEOUT)
                        .and_then(|()| run_on(&conn, &stmt, query))
                        .and_then(|r| conn.busy_timeout(Duration::ZERO).map(|()| r));
                    (conn, result)
                })
                .await
                .map_err(|e| conn_err(e.to_string()))?
            }
            result => (conn, result),
        };
        self.idle.lock().map_err(|e| conn_err(e.to_string()))?.push(conn);
        result.map_err(|e| DbErr::Query(RuntimeErr::Internal(e.to_string())))
    }
}

fn conn_err(e: impl ToString) -> DbErr {
    DbErr::Conn(RuntimeErr::Internal(e.to_string()))
}

fn run_on(conn: &Connection, stmt: &Statement, query: bool) -> rusqlite::Result<Outcome> {
    let mut prepared = conn.prepare_cached(&stmt.sql)?;
    let values = stmt.values.as_ref().map_or(&[][..], |v| &v.0[..]);
    for (i, value) in values.iter().enumerate() {
        prepared.raw_bind_parameter(i + 1, Bind(value))?;
    }
    if !query {
        let changes = prepared.raw_execute()?;
        return Ok(Outcome::Done(ProxyExecResult::new(conn.last_insert_rowid() as u64, changes as u64)));
    }
    let columns: Vec<(String, Option<String>)> = prepared
        .columns()
        .iter()
        .map(|c| (c.name().to_owned(), c.decl_type().map(str::to_ascii_lowercase)))
        .collect();
    let mut rows = prepared.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut values = BTreeMap::new();
        for (i, (name, decl)) in columns.iter().enumerate() {
            values.insert(name.clone(), value_of(row.get_ref(i)?, decl.as_deref()));
        }
        out.push(ProxyRow::new(values));
    }
    Ok(Outcome::Rows(out))
}

/// SQLite values carry no Rust type: the declared column type chooses the `Value` variant (a NULL must be a typed
/// NULL for SeaORM's decoding through a proxy row).
fn value_of(v: ValueRef<'_>, decl: Option<&str>) -> Value {
    let boolean = decl == Some("boolean");
    match v {
        ValueRef::Null => match decl {
            Some("boolean") => Value::Bool(None),
            Some(d) if d.contains("int") => Value::BigInt(None),
            Some("blob") => Value::Bytes(None),
            Some("real" | "double" | "float") => Value::Double(None),
            _ => Value::String(None),
        },
        ValueRef::Integer(i) if boolean => Value::Bool(Some(i != 0)),
        ValueRef::Integer(i) => Value::BigInt(Some(i)),
        ValueRef::Real(f) => Value::Double(Some(f)),
        ValueRef::Text(t) => Value::String(Some(String::from_utf8_lossy(t).into_owned())),
        ValueRef::Blob(b) => Value::Bytes(Some(b.to_vec())),
    }
}

/// A bound value, encoded as sqlx's SQLite driver encodes it (for the types the adapter binds).
struct Bind<'a>(&'a Value);

impl ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Bool(Some(b)) => ToSqlOutput::from(*b),
            Value::TinyInt(Some(i)) => ToSqlOutput::from(*i),
            Value::SmallInt(Some(i)) => ToSqlOutput::from(*i),
            Value::Int(Some(i)) => ToSqlOutput::from(*i),
            Value::BigInt(Some(i)) => ToSqlOutput::from(*i),
            Value::TinyUnsigned(Some(i)) => ToSqlOutput::from(*i),
            Value::SmallUnsigned(Some(i)) => ToSqlOutput::from(*i),
            Value::Unsigned(Some(i)) => ToSqlOutput::from(*i),
            Value::BigUnsigned(Some(i)) => ToSqlOutput::from(i64::try_from(*i).map_err(|e| {
                rusqlite::Error::ToSqlConversionFailure(Box::new(e))
            })?),
            Value::Float(Some(f)) => ToSqlOutput::from(f64::from(*f)),
            Value::Double(Some(f)) => ToSqlOutput::from(*f),
            Value::String(Some(s)) => ToSqlOutput::from(s.as_str()),
            Value::Bytes(Some(b)) => ToSqlOutput::from(b.as_slice()),
            Value::Json(Some(j)) => ToSqlOutput::from(j.to_string()),
            Value::Uuid(Some(u)) => ToSqlOutput::from(u.as_bytes().to_vec()),
            v if *v == v.as_null() => ToSqlOutput::from(Null),
            other => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("value type not supported by the prototype: {other:?}").into(),
                ));
            }
        })
    }
}

#[async_trait::async_trait]
impl ProxyDatabaseTrait for InThreadSqlite {
    async fn query(&self, statement: Statement) -> Result<Vec<ProxyRow>, DbErr> {
        match self.run(statement, true).await? {
            Outcome::Rows(rows) => Ok(rows),
            Outcome::Done(_) => Ok(Vec::new()),
        }
    }

    async fn execute(&self, statement: Statement) -> Result<ProxyExecResult, DbErr> {
        match self.run(statement, false).await? {
            Outcome::Done(done) => Ok(done),
            Outcome::Rows(_) => Ok(ProxyExecResult::default()),
        }
    }
}
