//! What differs between the backends, in one place: how a key is compared exactly, how a date is encoded, which
//! writes can return the row they wrote (`RETURNING`), and which server (MariaDB or MySQL, and its version) a MySQL
//! connection reaches. (Connection settings per backend are in `connect`, how statements run behind a PostgreSQL
//! transaction pooler in `conn`; error classification is by SQLSTATE and the same everywhere.)

use std::sync::{Arc, OnceLock};

use authjs_sea_orm_entity::Timestamp;
use chrono::{DateTime, Datelike, Utc};
use sea_orm::sea_query::{ColumnType, Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, Statement, StatementBuilder, Value};

use crate::Error;

/// The statements that can end in `RETURNING` on a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Returning {
    pub(crate) insert: bool,
    pub(crate) update: bool,
    pub(crate) delete: bool,
}

impl Returning {
    const ALL: Returning = Returning { insert: true, update: true, delete: true };
    const NONE: Returning = Returning { insert: false, update: false, delete: false };

    /// What the server answering `SELECT VERSION()` with `version` supports: MariaDB has `DELETE ... RETURNING`
    /// since 10.0 and `INSERT ... RETURNING` since 10.5, and no `UPDATE ... RETURNING`; MySQL has none.
    fn of_mysql_server(version: &str) -> Returning {
        if !version.contains("MariaDB") {
            return Returning::NONE;
        }
        // Some proxies report MariaDB as "5.5.5-10.11.6-MariaDB".
        let version = version.strip_prefix("5.5.5-").unwrap_or(version);
        let mut numbers = version.split(['.', '-']).map(|n| n.parse::<u32>().unwrap_or(0));
        let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
        Returning { insert: (major, minor) >= (10, 5), update: false, delete: major >= 10 }
    }
}

/// The backend of one connection pool, with what its server supports (asked once, on first use).
#[derive(Clone, Debug)]
pub(crate) struct Dialect {
    backend: DbBackend,
    returning: Arc<OnceLock<Returning>>,
}

impl Dialect {
    pub(crate) fn new(backend: DbBackend) -> Self {
        let returning = Arc::new(OnceLock::new());
        if backend != DbBackend::MySql {
            // SQLite (with sea-orm's `sqlite-use-returning-for-3_35`) and PostgreSQL return from every write.
            let _ = returning.set(Returning::ALL);
        }
        Self { backend, returning }
    }

    pub(crate) fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Which writes can return their row. On MySQL/MariaDB the first call asks the server its version.
    pub(crate) async fn returning(&self, db: &impl ConnectionTrait) -> Result<Returning, DbErr> {
        if let Some(returning) = self.returning.get() {
            return Ok(*returning);
        }
        let row = db.query_one_raw(Statement::from_string(self.backend, "SELECT VERSION()")).await?;
        let version: String = match row {
            Some(row) => row.try_get_by_index(0)?,
            None => String::new(),
        };
        let returning = Returning::of_mysql_server(&version);
        let _ = self.returning.set(returning);
        Ok(returning)
    }

    /// `stmt` ending in `RETURNING *`. PostgreSQL and SQLite take it from the statement's own returning clause
    /// (set by the caller); MySQL's query builder drops that clause, so it is appended for MariaDB.
    pub(crate) fn with_returning(&self, stmt: &impl StatementBuilder) -> Statement {
        let mut built = self.backend.build(stmt);
        if self.backend == DbBackend::MySql {
            built.sql.push_str(" RETURNING *");
        }
        built
    }

    /// The value to bind for `instant` in date column `col`: following the column's declared type (`timestamptz`
    /// and integer milliseconds columns are possible in custom tables; a `Timestamp` column holds ISO-8601 text on
    /// SQLite, as Prisma writes it), else the Auth.js encoding of the backend (SQLite epoch milliseconds,
    /// PostgreSQL `timestamp` and MySQL `DATETIME` holding UTC); dates MySQL cannot hold are invalid input
    /// ([`Dialect::storable`]).
    pub(crate) fn date<C: ColumnTrait>(&self, col: C, instant: Option<DateTime<Utc>>) -> Result<Value, Error> {
        let instant = instant.map(|t| self.storable(t)).transpose()?;
        Ok(match col.def().get_column_type() {
            // MySQL: a naive UTC date-time (`DATETIME` parameter), which MariaDB refuses out of a `timestamp`
            // column's range, where it turns a UTC instant (`TIMESTAMP` parameter) into the current time.
            ColumnType::TimestampWithTimeZone if self.backend != DbBackend::MySql => {
                Value::ChronoDateTimeUtc(instant.map(Timestamp::to_utc))
            }
            ColumnType::Timestamp if self.backend == DbBackend::Sqlite => Value::String(instant.map(iso_text)),
            ColumnType::BigInteger | ColumnType::Integer => Value::BigInt(instant.map(|t| t.timestamp_millis())),
            _ => Timestamp::opt_to_value(instant, self.backend),
        })
    }

    /// `instant` at millisecond precision, if the backend can store it: MySQL's `DATETIME` holds years 1000 to 9999
    /// (the driver cannot even encode some dates outside them), others are invalid input there.
    pub(crate) fn storable(&self, instant: DateTime<Utc>) -> Result<Timestamp, Error> {
        let t = Timestamp::new(instant);
        if self.backend == DbBackend::MySql && !(1000..=9999).contains(&t.to_utc().year()) {
            return Err(Error::InvalidInput(format!("{t} is outside the dates MySQL can store (years 1000 to 9999)")));
        }
        Ok(t)
    }

    /// `col < instant`, for date column `col`. A SQLite `Timestamp` column (ISO-8601 text, see [`Dialect::date`])
    /// may also hold epoch milliseconds, as Prisma before its driver adapters wrote them: each row is compared in its
    /// own encoding (SQLite orders every integer before every text).
    pub(crate) fn date_before<C: ColumnTrait>(&self, col: C, instant: DateTime<Utc>) -> Result<Expr, Error> {
        let value = self.date(col, Some(instant))?;
        if !(self.backend == DbBackend::Sqlite && matches!(col.def().get_column_type(), ColumnType::Timestamp)) {
            return Ok(col.lt(value));
        }
        let column = || Expr::col(col.as_column_ref());
        let millis = Expr::val(Timestamp::new(instant).timestamp_millis());
        Ok(Expr::cust_with_exprs(
            "CASE WHEN typeof(?) = 'text' THEN ? < ? ELSE ? < ? END",
            [column(), column(), Expr::val(value), column(), millis],
        ))
    }

    /// `col = value`, true only where the stored key equals `value` byte for byte, whatever the column's collation.
    ///
    /// A plain `=` means what the column's collation says: on MySQL/MariaDB tables with the server's default
    /// collation (`utf8mb4_unicode_ci`, `utf8mb4_0900_ai_ci`: Drizzle's tables, an app's own) `é` equals `e`, case is
    /// ignored and trailing spaces are not significant; PostgreSQL columns may use a nondeterministic collation or
    /// `citext`, SQLite ones `NOCASE`. The plain `=` stays (it is what an index on the column answers) and a byte-wise
    /// comparison is added, which only filters the rows the index found.
    pub(crate) fn key_eq<C: ColumnTrait>(&self, col: C, value: impl Into<Value>) -> Expr {
        let value = value.into();
        let plain = col.eq(value.clone());
        if !matches!(value, Value::String(Some(_))) {
            return plain;
        }
        let column = Expr::col(col.as_column_ref());
        // Placeholders are the backend's own: `?` on MySQL and SQLite, numbered on PostgreSQL.
        let exact = match self.backend {
            DbBackend::MySql => {
                Expr::cust_with_exprs("CAST(? AS BINARY) = CAST(? AS BINARY)", [column, Expr::val(value)])
            }
            DbBackend::Postgres => {
                Expr::cust_with_exprs("CAST($1 AS text) COLLATE \"C\" = $2", [column, Expr::val(value)])
            }
            _ => Expr::cust_with_exprs("? = ? COLLATE BINARY", [column, Expr::val(value)]),
        };
        plain.and(exact)
    }
}

/// `t` as Prisma's SQLite driver adapter stores a `DateTime`: ISO-8601 UTC with milliseconds and an offset
/// (`2026-01-02T03:04:05.678+00:00`). Fixed width from year 0 to 9999, so text comparison is time order.
pub(crate) fn iso_text(t: Timestamp) -> String {
    t.to_utc().format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_server_version() {
        let mariadb = |insert, delete| Returning { insert, update: false, delete };
        assert_eq!(Returning::of_mysql_server("10.11.6-MariaDB-0+deb12u1"), mariadb(true, true));
        assert_eq!(Returning::of_mysql_server("5.5.5-10.11.6-MariaDB"), mariadb(true, true));
        assert_eq!(Returning::of_mysql_server("11.4.2-MariaDB"), mariadb(true, true));
        assert_eq!(Returning::of_mysql_server("10.4.32-MariaDB"), mariadb(false, true));
        assert_eq!(Returning::of_mysql_server("8.0.36"), Returning::NONE);
        assert_eq!(Returning::of_mysql_server(""), Returning::NONE);
    }
}
