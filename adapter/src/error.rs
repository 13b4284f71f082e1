//! The adapter's error type.

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
/// Messages never contain the values involved (a duplicate session token is reported as a conflict on a session,
/// not with the token), so errors can be logged as they are.
#[derive(Debug, thiserror::Error)]
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
    /// Any other database error (connection, timeout, pool exhaustion, ...).
    #[error("database error")]
    Database(#[source] DbErr),
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
