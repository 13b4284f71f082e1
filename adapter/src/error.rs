//! SeaORM's errors as the adapter contract's [`Error`]: values the database refused become
//! [`Error::InvalidInput`], constraint violations [`Error::Conflict`] or [`Error::NotFound`], anything else
//! [`Error::Database`] with a summary that holds no values (the `DbErr` is kept inside, reachable with
//! [`DatabaseError::downcast_ref`](authjs_core::DatabaseError::downcast_ref)).

use std::fmt;

use authjs_core::{DatabaseError, Error, Record, Result};
use sea_orm::{DbErr, SqlErr};

/// What [`Error::Database`] shows of its [`DbErr`]: for an error returned by the database, the kind of failure, its
/// code (SQLSTATE; MySQL's error number too; SQLite's extended result code) and the constraint, table and column the
/// driver names; for a failure to reach the database (I/O, TLS, pool timeout, pool closed), the driver's message, which
/// holds no data; for anything else, the names of the error's variants (`Type`, `Query(SqlxError(ColumnDecode))`).
struct DbErrSummary<'a>(&'a DbErr);

impl fmt::Display for DbErrSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
        if let DbErr::Conn(sea_orm::RuntimeErr::SqlxError(err))
        | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(err))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(err)) = self.0
        {
            return sqlx_summary(err, f);
        }
        match self.0 {
            DbErr::ConnectionAcquire(err) => write!(f, "{err}"),
            err => f.write_str(&variant_names(&format!("{err:?}"))),
        }
    }
}

/// [`DbErrSummary`] of a sqlx error.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn sqlx_summary(err: &sea_orm::sqlx::Error, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use sea_orm::sqlx::error::ErrorKind;
    let db = match err {
        sea_orm::sqlx::Error::Database(db) => db,
        sea_orm::sqlx::Error::Io(_)
        | sea_orm::sqlx::Error::Tls(_)
        | sea_orm::sqlx::Error::PoolTimedOut
        | sea_orm::sqlx::Error::PoolClosed
        | sea_orm::sqlx::Error::WorkerCrashed => return write!(f, "{err}"),
        err => return f.write_str(&variant_names(&format!("{err:?}"))),
    };
    f.write_str(match db.kind() {
        ErrorKind::UniqueViolation => "unique violation",
        ErrorKind::ForeignKeyViolation => "foreign key violation",
        ErrorKind::NotNullViolation => "not-null violation",
        ErrorKind::CheckViolation => "check violation",
        ErrorKind::ExclusionViolation => "exclusion violation",
        _ => "error returned from the database",
    })?;
    if let Some(code) = db.code() {
        write!(f, ", code {code}")?;
    }
    #[cfg(feature = "mysql")]
    if let Some(mysql) = db.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>() {
        write!(f, ", error {}", mysql.number())?;
    }
    if let Some(constraint) = db.constraint() {
        write!(f, ", constraint {constraint:?}")?;
    }
    if let Some(table) = db.table() {
        write!(f, ", table {table:?}")?;
    }
    #[cfg(feature = "postgres")]
    if let Some(column) = db.try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>().and_then(|pg| pg.column()) {
        write!(f, ", column {column:?}")?;
    }
    Ok(())
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn data_exception(err: &DbErr) -> Option<String> {
    use sea_orm::RuntimeErr;
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = err else {
        return None;
    };
    match &**e {
        sea_orm::sqlx::Error::Database(db) if db.code().is_some_and(|code| code.starts_with("22")) => {
            Some(db.message().to_owned())
        }
        _ => None,
    }
}

/// The variant names leading a derived `Debug` output, nested as they are, without their fields: `Exec(Internal)` of
/// `Exec(Internal("…"))`, `Query(SqlxError(ColumnDecode))` of `Query(SqlxError(ColumnDecode { index: … }))`.
fn variant_names(debug: &str) -> String {
    let mut names = Vec::new();
    let mut rest = debug;
    loop {
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let name = &rest[..end];
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            break;
        }
        names.push(name);
        match rest[end..].strip_prefix('(') {
            Some(inner) => rest = inner,
            None => break,
        }
    }
    if names.is_empty() {
        return "error".to_owned();
    }
    let closing = ")".repeat(names.len() - 1);
    format!("{}{closing}", names.join("("))
}

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
fn data_exception(_err: &DbErr) -> Option<String> {
    None
}

/// `err` as the adapter contract's [`Error`]: a value the database refused (SQLSTATE class 22) is
/// [`Error::InvalidInput`] with the database's message; anything else is [`Error::Database`], summarized without
/// values ([`DbErrSummary`]).
pub(crate) fn from_db(err: DbErr) -> Error {
    match data_exception(&err) {
        Some(message) => Error::InvalidInput(message),
        None => Error::Database(DatabaseError::new(DbErrSummary(&err).to_string(), err)),
    }
}

/// Classifies a database error from a write on `record`. Constraint violations become [`Error::Conflict`] or
/// [`Error::NotFound`] without keeping the driver's message, which may quote the offending (secret) value.
pub(crate) fn from_write(record: Record, err: DbErr) -> Error {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => Error::Conflict(record),
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => Error::NotFound(Record::User),
        _ => from_db(err),
    }
}

/// `?` for SeaORM results in the adapter: `.await.db()?` converts with [`from_db`].
pub(crate) trait DbResult<T> {
    /// The result, its error converted with [`from_db`].
    fn db(self) -> Result<T>;
}

impl<T> DbResult<T> for std::result::Result<T, DbErr> {
    fn db(self) -> Result<T> {
        self.map_err(from_db)
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnAcquireErr, RuntimeErr};

    use super::*;

    #[test]
    fn database_errors_show_no_values() {
        let shown = |err: DbErr| {
            let err = from_db(err);
            assert!(std::error::Error::source(&err).is_none());
            (err.to_string(), format!("{err:?}"))
        };
        let (display, debug) = shown(DbErr::Custom("secret value".into()));
        assert_eq!((display.as_str(), debug.as_str()), ("database error: Custom", "Database(Custom)"));
        let (display, _) = shown(DbErr::Exec(RuntimeErr::Internal("secret value".into())));
        assert_eq!(display, "database error: Exec(Internal)");
        let (display, _) = shown(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert_eq!(display, "database error: Connection pool timed out");
        let (display, _) = shown(DbErr::RecordNotInserted);
        assert_eq!(display, "database error: RecordNotInserted");
    }

    #[test]
    fn variant_names_leave_the_fields_out() {
        assert_eq!(
            variant_names("Query(SqlxError(ColumnDecode { index: \"x\", source: 1 }))"),
            "Query(SqlxError(ColumnDecode))"
        );
        assert_eq!(variant_names("Type(\"secret\")"), "Type");
        assert_eq!(variant_names("PoolTimedOut"), "PoolTimedOut");
        assert_eq!(variant_names("\"secret\""), "error");
        assert_eq!(variant_names(""), "error");
    }
}
