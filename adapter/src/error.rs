//! The adapter's error type.

use std::fmt;

use sea_orm::{DbErr, SqlErr};

/// The kind of record an [`Error`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Record {
    /// A row of `user`.
    User,
    /// A row of `account`.
    Account,
    /// A row of `session`.
    Session,
    /// A row of `verificationToken`.
    VerificationToken,
    /// A row of `authenticator`.
    Authenticator,
}

impl std::fmt::Display for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Record::User => "user",
            Record::Account => "account",
            Record::Session => "session",
            Record::VerificationToken => "verification token",
            Record::Authenticator => "authenticator",
        })
    }
}

/// Errors of the [`Adapter`](crate::Adapter) methods.
///
/// An absent record is not an error (`Ok(None)` / `Ok(vec![])`), except where the Auth.js contract says to throw:
/// [`update_user`](crate::Adapter::update_user), [`update_account`](crate::Adapter::update_account) and
/// [`update_authenticator_counter`](crate::Adapter::update_authenticator_counter).
///
/// What an error shows never holds the values of the rows involved, so errors can be logged as they are: with `{}`,
/// `{:#}`, `{:?}`, or by a reporter that walks [`source()`](std::error::Error::source) (anyhow, eyre, Loco's
/// `error.details`):
/// - [`Conflict`](Error::Conflict) and [`NotFound`](Error::NotFound) name the kind of record (a duplicate session
///   token is a conflict on a session, not the token);
/// - [`Database`](Error::Database) shows the kind of failure, the database's error code, and the constraint, table
///   and column where PostgreSQL names them; never the driver's message or detail, which quote row values
///   (PostgreSQL's `Failing row contains (…)` and `Key (email)=(…)`, MySQL's `Duplicate entry '…'`). Its `source()`
///   is `None` for the same reason: the driver's error stays the variant's field, for code that matches on it (and
///   should not log it);
/// - [`InvalidInput`](Error::InvalidInput) from the database is its message for a value it refused to store (SQLSTATE
///   class 22): it names the problem and the column or type. On PostgreSQL it quotes the refused value when that is
///   not text (`invalid input syntax for type uuid: "…"`): the text columns holding tokens and e-mails are never
///   quoted.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A unique key is already taken: duplicate user id or e-mail, account `(provider, providerAccountId)`,
    /// session token, verification token `(identifier, token)` or authenticator credential id.
    #[error("a {0} with the same unique key already exists")]
    Conflict(Record),
    /// The record to update does not exist, or the user a new record refers to does not exist.
    #[error("{0} not found")]
    NotFound(Record),
    /// The input cannot be stored faithfully (for example a string with a NUL byte on PostgreSQL, a date outside
    /// the backend's range, or a value too long for its column).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A stored value cannot be read back as its Auth.js type (for example an unknown account type).
    #[error("invalid data in the database: {0}")]
    InvalidData(String),
    /// Any other database error (connection, timeout, pool exhaustion, a constraint of the app's own, ...). `Display`
    /// and `Debug` show its [summary](Error::Database) only, and it has no `source()`: match on the variant to read the
    /// driver's error.
    #[error("database error: {}", DbErrSummary(.0))]
    Database(DbErr),
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Conflict(record) => f.debug_tuple("Conflict").field(record).finish(),
            Error::NotFound(record) => f.debug_tuple("NotFound").field(record).finish(),
            Error::InvalidInput(message) => f.debug_tuple("InvalidInput").field(message).finish(),
            Error::InvalidData(message) => f.debug_tuple("InvalidData").field(message).finish(),
            Error::Database(err) => f.debug_tuple("Database").field(&format_args!("{}", DbErrSummary(err))).finish(),
        }
    }
}

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

impl Error {
    /// Classifies a database error from a write on `record`. Constraint violations become [`Error::Conflict`] or
    /// [`Error::NotFound`] without keeping the driver's message, which may quote the offending (secret) value.
    pub(crate) fn from_write(record: Record, err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Error::Conflict(record),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Error::NotFound(Record::User),
            _ => Error::from(err),
        }
    }
}

/// A value the database refused to store or compare (SQLSTATE class 22, "data exception"): a NUL byte on
/// PostgreSQL, a date outside the backend's range, a value too long for its column in strict mode, ...
/// Their messages name the problem and the column, never the secret values this crate handles.
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

/// Without a backend feature there is no sqlx error to read (the application's own driver, if any, is not ours).
#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
fn data_exception(_err: &DbErr) -> Option<String> {
    None
}

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        match data_exception(&err) {
            Some(message) => Error::InvalidInput(message),
            None => Error::Database(err),
        }
    }
}

/// Result type of the adapter.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use sea_orm::{ConnAcquireErr, RuntimeErr};

    use super::*;

    #[test]
    fn database_errors_show_no_values() {
        let shown = |err: DbErr| {
            let err = Error::Database(err);
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
