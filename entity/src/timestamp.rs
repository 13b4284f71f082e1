//! [`Timestamp`]: a UTC instant at millisecond precision that reads every Auth.js date encoding.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbBackend, QueryResult, TryGetError, TryGetable, Value};

/// A UTC instant with millisecond precision, the precision of a JavaScript `Date`.
///
/// Reads epoch milliseconds (SQLite `INTEGER`, as Drizzle's `timestamp_ms` mode writes them), naive UTC
/// date-times (PostgreSQL `timestamp`, MySQL `DATETIME`, ISO text on SQLite) and zoned date-times (PostgreSQL
/// `timestamptz`, MySQL `TIMESTAMP`). Write it with [`Timestamp::to_value`], which picks the encoding the backend's
/// Auth.js schema expects.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use authjs_sea_orm_entity::Timestamp;
/// use sea_orm::{DbBackend, Value};
///
/// let t = Timestamp::new(Utc.timestamp_millis_opt(1_700_000_000_123).unwrap());
/// assert_eq!(t.to_value(DbBackend::Sqlite), Value::BigInt(Some(1_700_000_000_123)));
/// assert_eq!(t.timestamp_millis(), 1_700_000_000_123);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// Wraps `instant`, dropping anything finer than a millisecond.
    pub fn new(instant: DateTime<Utc>) -> Self {
        let millis = instant.timestamp_millis();
        // Re-building from whole milliseconds cannot leave chrono's range: it only rounds towards the epoch's floor.
        Self(Utc.timestamp_millis_opt(millis).single().unwrap_or(instant))
    }

    /// The instant `millis` milliseconds after the Unix epoch, if chrono can represent it.
    pub fn from_millis(millis: i64) -> Option<Self> {
        Utc.timestamp_millis_opt(millis).single().map(Self)
    }

    /// Milliseconds since the Unix epoch (negative before 1970).
    pub fn timestamp_millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    /// The instant as a chrono value.
    pub fn to_utc(self) -> DateTime<Utc> {
        self.0
    }

    /// The value to bind for this instant on `backend`: epoch milliseconds on SQLite (Drizzle's `timestamp_ms`),
    /// a naive UTC date-time on PostgreSQL (`timestamp` without time zone) and MySQL/MariaDB (`DATETIME`, or
    /// `TIMESTAMP` on a UTC session).
    pub fn to_value(self, backend: DbBackend) -> Value {
        match backend {
            DbBackend::Sqlite => Value::BigInt(Some(self.timestamp_millis())),
            _ => Value::ChronoDateTime(Some(self.0.naive_utc())),
        }
    }

    /// [`Timestamp::to_value`] for an optional instant (SQL `NULL` of the right type when absent).
    pub fn opt_to_value(value: Option<Self>, backend: DbBackend) -> Value {
        match value {
            Some(t) => t.to_value(backend),
            None if backend == DbBackend::Sqlite => Value::BigInt(None),
            None => Value::ChronoDateTime(None),
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(instant: DateTime<Utc>) -> Self {
        Self::new(instant)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Backend-neutral conversion used by SeaORM's generic paths (`ActiveModel`, filters): a naive UTC date-time, right
/// on PostgreSQL and MySQL. On SQLite use [`Timestamp::to_value`] instead, or the column holds text.
impl From<Timestamp> for Value {
    fn from(t: Timestamp) -> Self {
        Value::ChronoDateTime(Some(t.0.naive_utc()))
    }
}

impl TryGetable for Timestamp {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        // PostgreSQL first: the check is free on other backends and avoids a failed decode on the common path.
        // Without the `postgres` feature a PostgreSQL `timestamp` is read by the `NaiveDateTime` fallback below.
        #[cfg(feature = "postgres")]
        if let Some(naive) = res.try_get_from_sqlx_postgres::<NaiveDateTime, I>(idx) {
            return naive.map(|n| Self::new(n.and_utc()));
        }
        // SQLite `INTEGER` epoch milliseconds. Must come before any date-time decoding: sqlx would read an integer
        // as epoch seconds.
        let err = match i64::try_get_by(res, idx) {
            Ok(millis) => {
                return Self::from_millis(millis).ok_or_else(|| out_of_range(millis));
            }
            Err(TryGetError::Null(col)) => return Err(TryGetError::Null(col)),
            Err(err) => err,
        };
        if let Ok(naive) = NaiveDateTime::try_get_by(res, idx) {
            return Ok(Self::new(naive.and_utc()));
        }
        if let Ok(utc) = DateTime::<Utc>::try_get_by(res, idx) {
            return Ok(Self::new(utc));
        }
        Err(err)
    }
}

fn out_of_range(millis: i64) -> TryGetError {
    TryGetError::DbErr(sea_orm::DbErr::Type(format!("epoch milliseconds {millis} are outside the range of a date")))
}

impl ValueType for Timestamp {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::ChronoDateTime(Some(naive)) => Ok(Self::new(naive.and_utc())),
            Value::ChronoDateTimeUtc(Some(utc)) => Ok(Self::new(utc)),
            Value::BigInt(Some(millis)) => Self::from_millis(millis).ok_or(ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "Timestamp".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::ChronoDateTime
    }

    fn column_type() -> ColumnType {
        ColumnType::DateTime
    }
}

impl Nullable for Timestamp {
    fn null() -> Value {
        Value::ChronoDateTime(None)
    }
}

impl sea_orm::IntoActiveValue<Timestamp> for Timestamp {
    fn into_active_value(self) -> sea_orm::ActiveValue<Timestamp> {
        sea_orm::ActiveValue::Set(self)
    }
}
