//! [`WideInt`]: a 64-bit integer that also reads 32-bit columns.

use std::fmt;

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, QueryResult, TryGetError, TryGetable, Value};

/// A 64-bit integer column value (`expires_at`, `counter`) that also reads the 32-bit `integer` columns of a
/// database created from Drizzle's schema: sqlx decodes an `i64` only from PostgreSQL's `int8`.
///
/// ```
/// use authjs_sea_orm_entity::WideInt;
///
/// let counter = WideInt::from(4_294_967_295_i64);
/// assert_eq!(i64::from(counter), 4_294_967_295);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WideInt(pub i64);

impl From<i64> for WideInt {
    fn from(n: i64) -> Self {
        Self(n)
    }
}

impl From<WideInt> for i64 {
    fn from(n: WideInt) -> Self {
        n.0
    }
}

impl fmt::Debug for WideInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for WideInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<WideInt> for Value {
    fn from(n: WideInt) -> Self {
        Value::BigInt(Some(n.0))
    }
}

impl TryGetable for WideInt {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        // PostgreSQL: pick the decoder from the column's type (`int8` or `int4`), without a failed decode.
        #[cfg(feature = "postgres")]
        {
            if let Some(n) = res.try_get_from_sqlx_postgres::<i64, I>(idx) {
                return n.map(Self);
            }
            if let Some(n) = res.try_get_from_sqlx_postgres::<i32, I>(idx) {
                return n.map(|n| Self(i64::from(n)));
            }
        }
        match i64::try_get_by(res, idx) {
            Ok(n) => Ok(Self(n)),
            Err(TryGetError::Null(col)) => Err(TryGetError::Null(col)),
            // A PostgreSQL `int4` column read without the `postgres` feature: sqlx decodes it only as an `i32`.
            Err(err) => i32::try_get_by(res, idx).map(|n| Self(i64::from(n))).map_err(|_| err),
        }
    }
}

impl ValueType for WideInt {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::BigInt(Some(n)) => Ok(Self(n)),
            Value::Int(Some(n)) => Ok(Self(i64::from(n))),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "WideInt".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::BigInt
    }

    fn column_type() -> ColumnType {
        ColumnType::BigInteger
    }
}

impl Nullable for WideInt {
    fn null() -> Value {
        Value::BigInt(None)
    }
}

impl sea_orm::IntoActiveValue<WideInt> for WideInt {
    fn into_active_value(self) -> sea_orm::ActiveValue<WideInt> {
        sea_orm::ActiveValue::Set(self)
    }
}
