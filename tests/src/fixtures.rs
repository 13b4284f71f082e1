//! The Auth.js suite's fixtures (`packages/utils/adapter.ts`), plus variants whose dates carry real milliseconds.
//!
//! Dates are always whole milliseconds (a JavaScript `Date`'s precision, and what every date column keeps):
//! `Utc::now()` has nanoseconds, which no column stores.

use authjs_sea_orm::{AccountType, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, NewUser};
use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};

/// A new random id (`crypto.randomUUID()`).
pub fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A stand-in for `hashToken(id())`: 64 lower-case hex characters, the shape of core's `sha256(token + secret)`.
pub fn hashed_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// `instant` with its sub-second part set to `millis` milliseconds.
pub fn at_millis(instant: DateTime<Utc>, millis: u32) -> DateTime<Utc> {
    instant.with_nanosecond(millis * 1_000_000).expect("millis below 1000")
}

/// `instant` truncated to the second (the Auth.js fixtures' "milliseconds set to 0").
pub fn ms0(instant: DateTime<Utc>) -> DateTime<Utc> {
    at_millis(instant, 0)
}

/// `instant` truncated to the millisecond.
pub fn ms(instant: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(instant.timestamp_millis()).single().expect("in range")
}

/// Now, to the millisecond, with a non-zero millisecond part (so a column that drops milliseconds is caught).
pub fn now_with_millis() -> DateTime<Utc> {
    let now = ms(Utc::now());
    if now.timestamp_subsec_millis() == 0 { now + Duration::milliseconds(123) } else { now }
}

/// `ONE_WEEK_FROM_NOW` (milliseconds 0).
pub fn one_week_from_now() -> DateTime<Utc> {
    ms0(Utc::now() + Duration::days(7))
}

/// `FIFTEEN_MINUTES_FROM_NOW` (milliseconds 0).
pub fn fifteen_minutes_from_now() -> DateTime<Utc> {
    ms0(Utc::now() + Duration::minutes(15))
}

/// `ONE_MONTH_FROM_NOW` (30 days; milliseconds 0).
pub fn one_month_from_now() -> DateTime<Utc> {
    ms0(Utc::now() + Duration::days(30))
}

/// `ONE_MONTH / 1000`: the suite's `expires_at`, in seconds.
pub const ONE_MONTH_SECS: i64 = 30 * 24 * 60 * 60;

/// The default user fixture (`emailVerified` with milliseconds 0, like Drizzle's fixtures).
pub fn user() -> NewUser {
    NewUser {
        id: Some(id()),
        email: Some("fill@murray.com".to_owned()),
        image: Some("https://www.fillmurray.com/460/300".to_owned()),
        name: Some("Fill Murray".to_owned()),
        email_verified: Some(ms0(Utc::now())),
        ..NewUser::default()
    }
}

/// The core suite's own default user: `emailVerified: new Date()`, with real milliseconds.
pub fn user_with_millis() -> NewUser {
    NewUser {
        id: Some(id()),
        email: Some("bill@murray.com".to_owned()),
        image: Some("https://www.fillmurray.com/200/300".to_owned()),
        name: Some("Bill Murray".to_owned()),
        email_verified: Some(now_with_millis()),
        ..NewUser::default()
    }
}

/// A user with only an e-mail address (`{ id, email, emailVerified: null }`).
pub fn user_with_email(email: &str) -> NewUser {
    NewUser { id: Some(id()), email: Some(email.to_owned()), ..NewUser::default() }
}

/// What `create_user(new)` must store when the adapter keeps `id`.
pub fn expected_user(new: &NewUser, id: &str) -> AdapterUser {
    AdapterUser {
        id: id.to_owned(),
        name: new.name.clone(),
        email: new.email.clone(),
        email_verified: new.email_verified,
        image: new.image.clone(),
        extra: (),
    }
}

/// The default session fixture for `user_id`: `{ sessionToken: id(), expires: ONE_WEEK_FROM_NOW, userId }`.
pub fn session(user_id: &str) -> AdapterSession {
    AdapterSession { session_token: id(), user_id: user_id.to_owned(), expires: one_week_from_now() }
}

/// A session of `user_id` expiring at `expires`.
pub fn session_expiring(user_id: &str, expires: DateTime<Utc>) -> AdapterSession {
    AdapterSession { session_token: id(), user_id: user_id.to_owned(), expires }
}

/// The default account fixture for `user_id`: GitHub OAuth with all seven token fields.
pub fn account(user_id: &str) -> AdapterAccount {
    AdapterAccount {
        user_id: user_id.to_owned(),
        r#type: AccountType::Oauth,
        provider: "github".to_owned(),
        provider_account_id: id(),
        refresh_token: Some(id()),
        access_token: Some(id()),
        expires_at: Some(ONE_MONTH_SECS),
        token_type: Some("bearer".to_owned()),
        scope: Some("user".to_owned()),
        id_token: Some(id()),
        session_state: Some(id()),
    }
}

/// The WebAuthn account that goes with an authenticator (`{provider: "webauthn", providerAccountId: credID, ...}`).
pub fn webauthn_account(user_id: &str, credential_id: &str) -> AdapterAccount {
    AdapterAccount::new(user_id, AccountType::Webauthn, "webauthn", credential_id)
}

/// An authenticator of `user_id` (the suite's shape; `counter` as given).
pub fn authenticator(user_id: &str, credential_id: &str, counter: i64, transports: &str) -> AdapterAuthenticator {
    AdapterAuthenticator {
        credential_id: credential_id.to_owned(),
        user_id: user_id.to_owned(),
        provider_account_id: credential_id.to_owned(),
        credential_public_key: id(),
        counter,
        credential_device_type: "platform".to_owned(),
        credential_backed_up: true,
        transports: Some(transports.to_owned()),
    }
}

/// A passkey of `user_id` as the cross-reading tests write one: random ids; with `transports` a backed-up
/// multi-device credential, without them a single-device one that is not backed up.
pub fn passkey(user_id: &str, counter: i64, transports: Option<&str>) -> AdapterAuthenticator {
    AdapterAuthenticator {
        credential_id: id(),
        user_id: user_id.to_owned(),
        provider_account_id: id(),
        credential_public_key: id(),
        counter,
        credential_device_type: if transports.is_some() { "multiDevice" } else { "singleDevice" }.to_owned(),
        credential_backed_up: transports.is_some(),
        transports: transports.map(str::to_owned),
    }
}

/// A Google OIDC account of `user_id` with every token field set, `id_token` among them.
pub fn oidc_account(user_id: &str, id_token: String) -> AdapterAccount {
    AdapterAccount {
        refresh_token: Some(format!("refresh-{}", id())),
        access_token: Some(format!("access-{}", id())),
        expires_at: Some(1_800_000_000),
        token_type: Some("bearer".into()),
        scope: Some("openid email profile".into()),
        id_token: Some(id_token),
        session_state: Some(id()),
        ..AdapterAccount::new(user_id, AccountType::Oidc, "google", id())
    }
}

/// `randomInt(max)`: a random integer in `0..max`.
pub fn random_int(max: u32) -> i64 {
    i64::from((uuid::Uuid::new_v4().as_u128() % u128::from(max)) as u32)
}

/// `authenticator` with its counter replaced.
pub fn authenticator_with_counter(authenticator: &AdapterAuthenticator, counter: i64) -> AdapterAuthenticator {
    AdapterAuthenticator { counter, ..authenticator.clone() }
}
