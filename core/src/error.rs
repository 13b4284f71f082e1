//! The adapter contract's error type.

use std::fmt;

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
/// - [`Database`](Error::Database) shows the summary its store wrote ([`DatabaseError`]): for `authjs-sea-orm`, the
///   kind of failure, the database's error code, and the constraint, table and column where PostgreSQL names them;
///   never the driver's message or detail, which quote row values (PostgreSQL's `Failing row contains (…)` and
///   `Key (email)=(…)`, MySQL's `Duplicate entry '…'`). Its `source()` is `None` for the same reason: the driver's
///   error stays inside, for code that inspects it ([`DatabaseError::downcast_ref`]; it should not log it);
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
    /// Any other database error (connection, timeout, pool exhaustion, ...), summarized without values.
    #[error("database error: {0}")]
    Database(DatabaseError),
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Conflict(record) => f.debug_tuple("Conflict").field(record).finish(),
            Error::NotFound(record) => f.debug_tuple("NotFound").field(record).finish(),
            Error::InvalidInput(message) => f.debug_tuple("InvalidInput").field(message).finish(),
            Error::InvalidData(message) => f.debug_tuple("InvalidData").field(message).finish(),
            Error::Database(err) => f.debug_tuple("Database").field(err).finish(),
        }
    }
}

/// A store's own error (a SeaORM `DbErr`, an sqlx or diesel error, ...) behind [`Error::Database`], with a summary
/// that holds no values. `Display` and `Debug` show the summary only; the error itself is reachable by
/// [`downcast_ref`](Self::downcast_ref), never through `source()` (its message may quote row values).
pub struct DatabaseError {
    summary: String,
    error: Box<dyn std::error::Error + Send + Sync + 'static>,
}

impl DatabaseError {
    /// `error`, shown as `summary`: write there what may be logged (a kind, an error code, a constraint name),
    /// never a value.
    pub fn new(
        summary: impl Into<String>,
        error: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self { summary: summary.into(), error: error.into() }
    }

    /// What is shown of the error.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// The store's error, if it is a `T` (`err.downcast_ref::<sea_orm::DbErr>()`, say).
    pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.error.downcast_ref::<T>()
    }

    /// The store's error. Its `Display` may quote row values: do not log it.
    pub fn into_inner(self) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self.error
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

impl fmt::Debug for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_show_their_summary_only() {
        let err = Error::Database(DatabaseError::new("check violation, code 23514", "Failing row contains (secret)"));
        assert_eq!(err.to_string(), "database error: check violation, code 23514");
        assert_eq!(format!("{err:?}"), "Database(check violation, code 23514)");
        assert!(std::error::Error::source(&err).is_none());
        let Error::Database(inner) = err else { unreachable!() };
        assert!(inner.into_inner().to_string().contains("secret"), "kept for code that inspects it");
    }
}
