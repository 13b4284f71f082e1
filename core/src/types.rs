//! The Auth.js data types, in Rust.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::error::Error;

pub(crate) const REDACTED: &str = "[redacted]";

/// How a stored hash of a session token begins: `sha256:` and the lower-case hex SHA-256 of the token. A value
/// starting with it is a handle (what a store hashing its tokens returns from
/// [`list_sessions_by_user_id`](crate::Adapter::list_sessions_by_user_id), and takes in
/// [`delete_session`](crate::Adapter::delete_session)), never a session token: no session is found by it and no
/// session is created with it, whether hashing is on or off.
pub const HASHED_TOKEN_MARK: &str = "sha256:";

/// The handle stored for session `token` by a store hashing its tokens: [`HASHED_TOKEN_MARK`] and the lower-case
/// hex SHA-256 of the token.
pub fn hashed_token(token: &str) -> String {
    TokenDigest::of(token).handle()
}

/// The SHA-256 of a session token: what a store hashing its tokens stores (as [`handle`](TokenDigest::handle)),
/// what `CachedAdapter` keys its entries on, and what the `*_with_digest` methods of [`Adapter`](crate::Adapter)
/// take beside the token so that it is computed once per call.
///
/// A digest is not a token: nothing accepts it as one. `Debug` shows no byte of it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenDigest([u8; 32]);

impl TokenDigest {
    /// The SHA-256 of `token`'s UTF-8 bytes.
    pub fn of(token: &str) -> Self {
        use sha2::{Digest, Sha256};
        Self(Sha256::digest(token.as_bytes()).into())
    }

    /// The digest named by a handle (`sha256:` and 64 hex digits, as [`handle`](TokenDigest::handle) writes it);
    /// `None` for anything else.
    pub fn of_handle(handle: &str) -> Option<Self> {
        Self::from_hex(handle.strip_prefix(HASHED_TOKEN_MARK)?)
    }

    /// The digest written as 64 hex digits (either case); `None` for anything else.
    pub fn from_hex(hex_digits: &str) -> Option<Self> {
        let mut digest = [0; 32];
        hex::decode_to_slice(hex_digits, &mut digest).ok()?;
        Some(Self(digest))
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The handle a store hashing its tokens stores: [`HASHED_TOKEN_MARK`] and the lower-case hex digest.
    pub fn handle(&self) -> String {
        format!("{HASHED_TOKEN_MARK}{}", hex::encode(self.0))
    }
}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenDigest([redacted])")
    }
}

fn redact(value: &Option<String>) -> Option<&'static str> {
    value.as_ref().map(|_| REDACTED)
}

/// A user, as Auth.js's `AdapterUser`. `extra` holds what a custom users table adds (see `authjs-sea-orm`'s `schema` module); it is
/// `()` on the default table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdapterUser<X = ()> {
    /// Unique id (a decimal string for integer ids).
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// E-mail address (unique; OAuth profiles may lack one).
    pub email: Option<String>,
    /// When the e-mail address was verified; `None` until the first magic-link sign-in.
    pub email_verified: Option<DateTime<Utc>>,
    /// Avatar URL.
    pub image: Option<String>,
    /// The custom table's extra part (`authjs-sea-orm`'s `UserTable::Extra`).
    pub extra: X,
}

impl<X> AdapterUser<X> {
    /// `Debug` of the Auth.js fields only, for logs of types that hold a user of a custom table whose extra part may
    /// hold secrets (a password hash, API keys).
    #[cfg(feature = "axum")]
    pub(crate) fn without_extra(&self) -> impl fmt::Debug + '_ {
        struct Fields<'a, X>(&'a AdapterUser<X>);
        impl<X> fmt::Debug for Fields<'_, X> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let u = self.0;
                f.debug_struct("AdapterUser")
                    .field("id", &u.id)
                    .field("name", &u.name)
                    .field("email", &u.email)
                    .field("email_verified", &u.email_verified)
                    .field("image", &u.image)
                    .finish_non_exhaustive()
            }
        }
        Fields(self)
    }
}

/// A user to create. `id: None` lets the adapter generate a UUID v4 (WebAuthn sign-up passes no id). `extra` is
/// what a custom users table needs beside the Auth.js fields (`authjs-sea-orm`'s `UserTable::NewExtra`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewUser<N = ()> {
    /// Id to store, or `None` for a new UUID v4. Ignored by tables whose ids the database generates.
    pub id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// When the e-mail address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// Avatar URL.
    pub image: Option<String>,
    /// Values for a custom table's extra columns.
    pub extra: N,
}

/// A partial update of a user, by id. Each field is `None` to leave it alone, `Some(Some(v))` to set it and
/// `Some(None)` to clear it.
///
/// ```
/// # use authjs_core::UserUpdate;
/// let update = UserUpdate { name: Some(Some("Ada".into())), image: Some(None), ..UserUpdate::new("user-id") };
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserUpdate {
    /// The user to update.
    pub id: String,
    /// New display name.
    pub name: Option<Option<String>>,
    /// New e-mail address.
    pub email: Option<Option<String>>,
    /// New verification date.
    pub email_verified: Option<Option<DateTime<Utc>>>,
    /// New avatar URL.
    pub image: Option<Option<String>>,
}

impl UserUpdate {
    /// An update of user `id` that changes nothing yet.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), ..Self::default() }
    }
}

/// The provider type of an account (`AdapterAccountType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountType {
    /// OAuth 2.
    Oauth,
    /// OpenID Connect.
    Oidc,
    /// E-mail (magic link).
    Email,
    /// WebAuthn (passkeys).
    Webauthn,
}

impl AccountType {
    /// The value stored in `account.type`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Oauth => "oauth",
            AccountType::Oidc => "oidc",
            AccountType::Email => "email",
            AccountType::Webauthn => "webauthn",
        }
    }
}

impl fmt::Display for AccountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccountType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "oauth" => Ok(AccountType::Oauth),
            "oidc" => Ok(AccountType::Oidc),
            "email" => Ok(AccountType::Email),
            "webauthn" => Ok(AccountType::Webauthn),
            other => Err(Error::InvalidData(format!("unknown account type {other:?}"))),
        }
    }
}

/// An account linked to a user, as Auth.js's `AdapterAccount`. `Debug` redacts the tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct AdapterAccount {
    /// Owner.
    pub user_id: String,
    /// Provider type.
    pub r#type: AccountType,
    /// Provider id, such as `github`.
    pub provider: String,
    /// The account's id at the provider (for `email`, the address; for `webauthn`, the base64 credential id).
    pub provider_account_id: String,
    /// OAuth refresh token.
    pub refresh_token: Option<String>,
    /// OAuth access token.
    pub access_token: Option<String>,
    /// Access token expiry in seconds since the Unix epoch.
    pub expires_at: Option<i64>,
    /// Lower-cased token type, such as `bearer`.
    pub token_type: Option<String>,
    /// Granted scopes, space separated.
    pub scope: Option<String>,
    /// OpenID Connect id token.
    pub id_token: Option<String>,
    /// OAuth `session_state`.
    pub session_state: Option<String>,
}

impl AdapterAccount {
    /// An account with no token fields.
    pub fn new(
        user_id: impl Into<String>,
        r#type: AccountType,
        provider: impl Into<String>,
        provider_account_id: impl Into<String>,
    ) -> Self {
        Self {
            user_id: user_id.into(),
            r#type,
            provider: provider.into(),
            provider_account_id: provider_account_id.into(),
            refresh_token: None,
            access_token: None,
            expires_at: None,
            token_type: None,
            scope: None,
            id_token: None,
            session_state: None,
        }
    }
}

impl fmt::Debug for AdapterAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdapterAccount")
            .field("user_id", &self.user_id)
            .field("type", &self.r#type)
            .field("provider", &self.provider)
            .field("provider_account_id", &self.provider_account_id)
            .field("refresh_token", &redact(&self.refresh_token))
            .field("access_token", &redact(&self.access_token))
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("id_token", &redact(&self.id_token))
            .field("session_state", &redact(&self.session_state))
            .finish()
    }
}

/// A partial update of an account's OAuth tokens, by `(provider, provider_account_id)`: refresh stored tokens after a
/// token refresh or a later sign-in. Each field is `None` to leave it alone, `Some(Some(v))` to set it and
/// `Some(None)` to clear it. `Debug` redacts the tokens.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AccountUpdate {
    /// Provider id of the account to update.
    pub provider: String,
    /// The account's id at the provider.
    pub provider_account_id: String,
    /// New refresh token.
    pub refresh_token: Option<Option<String>>,
    /// New access token.
    pub access_token: Option<Option<String>>,
    /// New expiry, epoch seconds.
    pub expires_at: Option<Option<i64>>,
    /// New token type.
    pub token_type: Option<Option<String>>,
    /// New scopes.
    pub scope: Option<Option<String>>,
    /// New id token.
    pub id_token: Option<Option<String>>,
    /// New session state.
    pub session_state: Option<Option<String>>,
}

impl AccountUpdate {
    /// An update of account `(provider, provider_account_id)` that changes nothing yet.
    pub fn new(provider: impl Into<String>, provider_account_id: impl Into<String>) -> Self {
        Self { provider: provider.into(), provider_account_id: provider_account_id.into(), ..Self::default() }
    }
}

impl fmt::Debug for AccountUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact_update = |v: &Option<Option<String>>| v.as_ref().map(|inner| inner.as_ref().map(|_| REDACTED));
        f.debug_struct("AccountUpdate")
            .field("provider", &self.provider)
            .field("provider_account_id", &self.provider_account_id)
            .field("refresh_token", &redact_update(&self.refresh_token))
            .field("access_token", &redact_update(&self.access_token))
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("id_token", &redact_update(&self.id_token))
            .field("session_state", &redact_update(&self.session_state))
            .finish()
    }
}

/// A database session, as Auth.js's `AdapterSession`. `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct AdapterSession {
    /// The random value kept in the session cookie.
    pub session_token: String,
    /// Owner.
    pub user_id: String,
    /// Absolute expiry.
    pub expires: DateTime<Utc>,
}

impl fmt::Debug for AdapterSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdapterSession")
            .field("session_token", &REDACTED)
            .field("user_id", &self.user_id)
            .field("expires", &self.expires)
            .finish()
    }
}

/// A partial update of a session, by token. `None` leaves a field alone. `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionUpdate {
    /// The session to update.
    pub session_token: String,
    /// New owner.
    pub user_id: Option<String>,
    /// New expiry.
    pub expires: Option<DateTime<Utc>>,
}

impl SessionUpdate {
    /// Moves the expiry of session `session_token` to `expires` (Auth.js's sliding expiry).
    pub fn expires(session_token: impl Into<String>, expires: DateTime<Utc>) -> Self {
        Self { session_token: session_token.into(), user_id: None, expires: Some(expires) }
    }
}

impl fmt::Debug for SessionUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionUpdate")
            .field("session_token", &REDACTED)
            .field("user_id", &self.user_id)
            .field("expires", &self.expires)
            .finish()
    }
}

/// A magic-link verification token. `token` is the hashed token, `sha256_hex(raw_token + secret)`; the raw token is
/// only in the e-mailed link. `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct VerificationToken {
    /// Who the token is for (the normalized e-mail address).
    pub identifier: String,
    /// The hashed token.
    pub token: String,
    /// Absolute expiry.
    pub expires: DateTime<Utc>,
}

impl fmt::Debug for VerificationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationToken")
            .field("identifier", &self.identifier)
            .field("token", &REDACTED)
            .field("expires", &self.expires)
            .finish()
    }
}

/// A WebAuthn credential, as Auth.js's `AdapterAuthenticator`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdapterAuthenticator {
    /// Base64 credential id, globally unique.
    pub credential_id: String,
    /// Owner.
    pub user_id: String,
    /// The WebAuthn account's `provider_account_id`.
    pub provider_account_id: String,
    /// Base64 public key.
    pub credential_public_key: String,
    /// Signature counter.
    pub counter: i64,
    /// `singleDevice` or `multiDevice`.
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    pub credential_backed_up: bool,
    /// Comma-joined transports, such as `usb,ble,nfc`.
    pub transports: Option<String>,
}

#[cfg(test)]
mod token_digest_tests {
    use super::{HASHED_TOKEN_MARK, TokenDigest, hashed_token};

    #[test]
    fn handle_round_trips_and_debug_shows_nothing() {
        let digest = TokenDigest::of("a-session-token");
        let handle = hashed_token("a-session-token");
        assert_eq!(digest.handle(), handle);
        assert_eq!(TokenDigest::of_handle(&handle), Some(digest));
        assert_eq!(TokenDigest::of_handle(&handle.to_uppercase().replace("SHA256:", HASHED_TOKEN_MARK)), Some(digest));
        assert_eq!(TokenDigest::from_hex(&handle[HASHED_TOKEN_MARK.len()..]), Some(digest));
        for not_a_handle in ["a-session-token", "sha256:", "sha256:zz", &handle[..handle.len() - 1], &handle[7..]] {
            assert_eq!(TokenDigest::of_handle(not_a_handle), None, "{not_a_handle}");
        }
        assert_eq!(format!("{digest:?}"), "TokenDigest([redacted])");
    }
}
