//! Reading Auth.js records out of models of mapped entities, and user ids into key values. Internal: reached from
//! outside the crate only through the hidden `__private` module, for the conformance harness.

use authjs_sea_orm_entity::Timestamp;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::ColumnType;
use sea_orm::{ColumnTrait, EntityName, EntityTrait, Iden, ModelTrait, Value};

use crate::schema::{AccountTable, AuthenticatorTable, IdKind, SessionTable, UserTable, VerificationTokenTable};
use crate::{AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, VerificationToken};
use crate::{Error, Result};

/// Reads the Auth.js (and Better Auth) fields out of a model of any mapped entity, with errors naming the table and
/// column.
pub(crate) struct Fields<'a, M: ModelTrait>(pub(crate) &'a M);

impl<M: ModelTrait> Fields<'_, M> {
    fn invalid(col: <M::Entity as EntityTrait>::Column, expected: &str) -> Error {
        let table = <M::Entity as Default>::default().table_name().to_owned();
        Error::InvalidData(format!("column {table}.{} does not hold {expected}", col.to_string()))
    }

    pub(crate) fn opt_text(&self, col: <M::Entity as EntityTrait>::Column) -> Result<Option<String>> {
        match self.0.get(col) {
            Value::String(v) => Ok(v),
            Value::Uuid(v) => Ok(v.map(|u| u.to_string())),
            v => opt_int(&v).map(|n| n.map(|n| n.to_string())).ok_or_else(|| Self::invalid(col, "text")),
        }
    }

    pub(crate) fn text(&self, col: <M::Entity as EntityTrait>::Column) -> Result<String> {
        self.opt_text(col)?.ok_or_else(|| Self::invalid(col, "a value"))
    }

    fn opt_int(&self, col: <M::Entity as EntityTrait>::Column) -> Result<Option<i64>> {
        opt_int(&self.0.get(col)).ok_or_else(|| Self::invalid(col, "an integer"))
    }

    fn int(&self, col: <M::Entity as EntityTrait>::Column) -> Result<i64> {
        self.opt_int(col)?.ok_or_else(|| Self::invalid(col, "a value"))
    }

    pub(crate) fn bool(&self, col: <M::Entity as EntityTrait>::Column) -> Result<bool> {
        match self.0.get(col) {
            Value::Bool(Some(b)) => Ok(b),
            v => match opt_int(&v) {
                Some(Some(n)) => Ok(n != 0),
                _ => Err(Self::invalid(col, "a boolean")),
            },
        }
    }

    fn opt_date(&self, col: <M::Entity as EntityTrait>::Column) -> Result<Option<DateTime<Utc>>> {
        match self.0.get(col) {
            Value::ChronoDateTime(v) => Ok(v.map(|n| n.and_utc())),
            Value::ChronoDateTimeUtc(v) => Ok(v),
            Value::ChronoDateTimeWithTimeZone(v) => Ok(v.map(|d| d.to_utc())),
            v => match opt_int(&v) {
                Some(None) => Ok(None),
                Some(Some(millis)) => {
                    Timestamp::from_millis(millis).map(|t| Some(t.to_utc())).ok_or_else(|| Self::invalid(col, "a date"))
                }
                None => Err(Self::invalid(col, "a date")),
            },
        }
    }

    pub(crate) fn date(&self, col: <M::Entity as EntityTrait>::Column) -> Result<DateTime<Utc>> {
        self.opt_date(col)?.ok_or_else(|| Self::invalid(col, "a value"))
    }
}

/// The integer in `v`: `Some(None)` for an integer NULL, `None` if `v` is not an integer that fits an `i64`.
fn opt_int(v: &Value) -> Option<Option<i64>> {
    Some(match *v {
        Value::TinyInt(n) => n.map(i64::from),
        Value::SmallInt(n) => n.map(i64::from),
        Value::Int(n) => n.map(i64::from),
        Value::BigInt(n) => n,
        Value::TinyUnsigned(n) => n.map(i64::from),
        Value::SmallUnsigned(n) => n.map(i64::from),
        Value::Unsigned(n) => n.map(i64::from),
        // Out of i64's range is not a value this crate can return: an error, not NULL.
        Value::BigUnsigned(n) => match n {
            Some(n) => Some(i64::try_from(n).ok()?),
            None => None,
        },
        _ => return None,
    })
}

/// The value to write for a user id into a column typed like the users table's key; `None` if `id` cannot be such
/// an id (then no such user exists).
pub fn user_id_value<U: UserTable>(id: &str) -> Option<Value> {
    match U::ID_KIND {
        IdKind::Text => Some(id.into()),
        IdKind::Uuid => uuid::Uuid::parse_str(id).ok().map(Value::from),
        // Only the canonical decimal form names a user: "01" and "+1" are not user 1.
        IdKind::AutoIncrement => {
            let n = id.parse::<i64>().ok().filter(|n| n.to_string() == id)?;
            // Bind an `integer` key as one, so a model of the row can be built from the written values.
            match U::ID.def().get_column_type() {
                ColumnType::Integer => i32::try_from(n).ok().map(Value::from),
                _ => Some(Value::from(n)),
            }
        }
    }
}

/// The Auth.js user stored in a model of users table `U`.
pub fn user<U: UserTable>(m: &U::Model) -> Result<AdapterUser<U::Extra>> {
    let f = Fields(m);
    let opt_text = |col: Option<U::Column>| col.map_or(Ok(None), |c| f.opt_text(c));
    Ok(AdapterUser {
        id: f.text(U::ID)?,
        name: opt_text(U::NAME)?,
        email: f.opt_text(U::EMAIL)?,
        email_verified: U::EMAIL_VERIFIED.map_or(Ok(None), |c| f.opt_date(c))?,
        image: opt_text(U::IMAGE)?,
        extra: U::extra(m),
    })
}

/// The Auth.js account stored in a model of accounts table `A`.
pub fn account<A: AccountTable>(m: &A::Model) -> Result<AdapterAccount> {
    let f = Fields(m);
    Ok(AdapterAccount {
        user_id: f.text(A::USER_ID)?,
        r#type: f.text(A::TYPE)?.parse()?,
        provider: f.text(A::PROVIDER)?,
        provider_account_id: f.text(A::PROVIDER_ACCOUNT_ID)?,
        refresh_token: f.opt_text(A::REFRESH_TOKEN)?,
        access_token: f.opt_text(A::ACCESS_TOKEN)?,
        expires_at: f.opt_int(A::EXPIRES_AT)?,
        token_type: f.opt_text(A::TOKEN_TYPE)?,
        scope: f.opt_text(A::SCOPE)?,
        id_token: f.opt_text(A::ID_TOKEN)?,
        session_state: f.opt_text(A::SESSION_STATE)?,
    })
}

/// The Auth.js session stored in a model of sessions table `S`.
pub fn session<S: SessionTable>(m: &S::Model) -> Result<AdapterSession> {
    let f = Fields(m);
    Ok(AdapterSession {
        session_token: f.text(S::SESSION_TOKEN)?,
        user_id: f.text(S::USER_ID)?,
        expires: f.date(S::EXPIRES)?,
    })
}

/// The verification token stored in a model of table `V`.
pub fn verification_token<V: VerificationTokenTable>(m: &V::Model) -> Result<VerificationToken> {
    let f = Fields(m);
    Ok(VerificationToken { identifier: f.text(V::IDENTIFIER)?, token: f.text(V::TOKEN)?, expires: f.date(V::EXPIRES)? })
}

/// The authenticator stored in a model of table `Au`.
pub fn authenticator<Au: AuthenticatorTable>(m: &Au::Model) -> Result<AdapterAuthenticator> {
    let f = Fields(m);
    Ok(AdapterAuthenticator {
        credential_id: f.text(Au::CREDENTIAL_ID)?,
        user_id: f.text(Au::USER_ID)?,
        provider_account_id: f.text(Au::PROVIDER_ACCOUNT_ID)?,
        credential_public_key: f.text(Au::CREDENTIAL_PUBLIC_KEY)?,
        counter: f.int(Au::COUNTER)?,
        credential_device_type: f.text(Au::CREDENTIAL_DEVICE_TYPE)?,
        credential_backed_up: f.bool(Au::CREDENTIAL_BACKED_UP)?,
        transports: f.opt_text(Au::TRANSPORTS)?,
    })
}
