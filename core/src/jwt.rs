//! Auth.js session JWTs (cargo feature `jwt`): the encrypted tokens Auth.js keeps in the session cookie when its
//! session strategy is `"jwt"`.
//!
//! A session JWT is a JWE in compact form with direct encryption (`alg: "dir"`); the key is derived from the app's
//! secret with HKDF-SHA256. Two formats exist:
//!
//! | | [`JwtFormat::AuthJsV5`] (`@auth/core`, `next-auth@5`) | [`JwtFormat::NextAuthV4`] (`next-auth@4`) |
//! |---|---|---|
//! | `enc` written | `A256CBC-HS512` | `A256GCM` |
//! | `enc` read | `A256CBC-HS512`, `A256GCM` | `A256GCM` |
//! | HKDF salt | the session cookie's name (the `salt` argument) | empty (`salt` is ignored) |
//! | HKDF info | `Auth.js Generated Encryption Key (<salt>)` | `NextAuth.js Generated Encryption Key` |
//! | key | 64 bytes (32 for `A256GCM`) | 32 bytes |
//! | `kid` header | RFC 7638 thumbprint of the key (SHA-512 for 64 bytes, SHA-256 for 32) | none |
//!
//! [`decode`] checks what `jose`'s `jwtDecrypt` checks for Auth.js (`exp` and `nbf` with 15 seconds of clock
//! tolerance, replicated `iss`/`sub`/`aud` headers) and refuses what Auth.js never writes: a `zip` or `crit` header,
//! an encrypted key, any other `alg` or `enc`. With several secrets (rotation), a v5 token is decrypted with the
//! secret whose thumbprint is its `kid`; a v5 token without `kid` is tried with the first secret only, as Auth.js
//! does. A v4 token is tried with each secret in turn.
//!
//! ```
//! use authjs_core::jwt::{self, JwtFormat, SessionClaims};
//! use chrono::{Duration, Utc};
//!
//! let now = Utc::now();
//! let mut claims = SessionClaims::issued(now, Duration::days(30));
//! claims.sub = Some("user-1".into());
//! claims.email = Some("ada@example.com".into());
//! let token = jwt::encode(JwtFormat::AuthJsV5, "secret", "authjs.session-token", &claims)?;
//! let read = jwt::decode(JwtFormat::AuthJsV5, &["secret"], "authjs.session-token", &token, now);
//! assert_eq!(read, Some(claims));
//! assert_eq!(jwt::decode(JwtFormat::AuthJsV5, &["another secret"], "authjs.session-token", &token, now), None);
//! # Ok::<(), jwt::JwtError>(())
//! ```

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use chrono::{DateTime, Duration, Utc};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha512};

/// Which Auth.js generation wrote, or is to read, a session JWT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtFormat {
    /// Auth.js v5 (`@auth/core`, `next-auth@5`): `A256CBC-HS512`, key salted with the session cookie's name, `kid`.
    AuthJsV5,
    /// next-auth v4: `A256GCM`, key without salt, no `kid`.
    NextAuthV4,
}

/// Seconds of clock skew allowed on `exp` and `nbf`, as Auth.js allows.
pub const CLOCK_TOLERANCE_SECS: i64 = 15;

/// The longest token [`decode`] reads: 8 cookie chunks of 3936 characters. Auth.js's default claims take about 500.
pub const MAX_TOKEN_LEN: usize = 8 * 3936;

/// The claims Auth.js puts in a session JWT (its default `jwt` callback: `name`, `email`, `picture`, `sub` = the
/// user's id, then `iat`, `exp`, `jti`). Claims added by an app's `jwt` callback are kept in `other`, so a token
/// decoded and encoded again keeps them. `name`, `email` and `picture` are always written (`null` for `None`, as
/// Auth.js writes a user's missing name); `sub`, `iat`, `exp` and `jti` are left out when `None`.
///
/// `Debug` shows the standard claims (as `AdapterUser`'s shows the user) and only the names of the others: an app's
/// `jwt` callback keeps provider tokens there.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The user's name (written as `null` when `None`, as in Auth.js's tokens).
    #[serde(default)]
    pub name: Option<String>,
    /// The user's e-mail address (written as `null` when `None`).
    #[serde(default)]
    pub email: Option<String>,
    /// The user's image URL, Auth.js's `user.image` (written as `null` when `None`).
    #[serde(default)]
    pub picture: Option<String>,
    /// Issued at, in epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Expires at, in epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// The token's unique id (a UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Every other claim, as found in the token.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl fmt::Debug for SessionClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// The other claims: their names, each with its value redacted.
        struct Names<'a>(&'a Map<String, Value>);
        impl fmt::Debug for Names<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map().entries(self.0.keys().map(|name| (name, crate::types::REDACTED))).finish()
            }
        }
        f.debug_struct("SessionClaims")
            .field("sub", &self.sub)
            .field("name", &self.name)
            .field("email", &self.email)
            .field("picture", &self.picture)
            .field("iat", &self.iat)
            .field("exp", &self.exp)
            .field("jti", &self.jti)
            .field("other", &Names(&self.other))
            .finish()
    }
}

impl SessionClaims {
    /// Claims issued at `now`: `iat` = `now`, `exp` = `now + max_age` (epoch seconds), a random UUID v4 as `jti`,
    /// and no user claims (set the public fields for those, or use [`SessionClaims::for_user`]).
    pub fn issued(now: DateTime<Utc>, max_age: Duration) -> Self {
        let mut claims = Self::default();
        claims.renew(now, max_age);
        claims
    }

    /// The claims Auth.js's sign-in writes for `user`: `sub` (its id), `name`, `email`, `picture` (its image), issued
    /// at `now` for `max_age` ([`SessionClaims::issued`]).
    pub fn for_user<X>(user: &crate::AdapterUser<X>, now: DateTime<Utc>, max_age: Duration) -> Self {
        Self {
            sub: Some(user.id.clone()),
            name: user.name.clone(),
            email: user.email.clone(),
            picture: user.image.clone(),
            ..Self::issued(now, max_age)
        }
    }

    /// Issues these claims again at `now` for `max_age`, as Auth.js does on a session read after `updateAge`: new
    /// `iat`, `exp` and `jti`, every other claim unchanged.
    pub fn renew(&mut self, now: DateTime<Utc>, max_age: Duration) {
        self.iat = Some(now.timestamp());
        self.exp = Some((now + max_age).timestamp());
        self.jti = Some(uuid::Uuid::new_v4().to_string());
    }

    /// When the token expires (`exp`), if it says and the time is representable.
    pub fn expires(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.exp?, 0)
    }
}

/// The length under which a secret is reported as short: Auth.js's docs generate 32 random bytes (`npx auth secret`,
/// `openssl rand -base64 32`), 44 characters in base64.
pub const RECOMMENDED_SECRET_LEN: usize = 32;

/// Why a secret list was refused. Messages never hold a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// No secret at all (Auth.js refuses to start: `MissingSecret`).
    #[error("no secret is set: set AUTH_SECRET to 32 random bytes (`npx auth secret` or `openssl rand -base64 32`)")]
    Missing,
    /// The secret at `position` of the list (0: the current one, then the previous ones) is empty or only
    /// whitespace: HKDF over it is a public constant, so it would let anyone mint session JWTs.
    #[error("secret {position} of the list (0 is the current one) is empty or only whitespace")]
    Blank {
        /// Where in the list, the current secret first.
        position: usize,
    },
}

/// Whether `secret` may key anything: not empty, not only whitespace.
pub fn is_usable_secret(secret: &str) -> bool {
    !secret.trim().is_empty()
}

/// Checks a secret list, the current secret first: at least one secret, none empty or only whitespace.
///
/// # Errors
/// [`SecretError::Missing`] for an empty list, [`SecretError::Blank`] for the first unusable secret.
pub fn check_secrets<S: AsRef<str>>(secrets: &[S]) -> Result<(), SecretError> {
    if secrets.is_empty() {
        return Err(SecretError::Missing);
    }
    match secrets.iter().position(|secret| !is_usable_secret(secret.as_ref())) {
        Some(position) => Err(SecretError::Blank { position }),
        None => Ok(()),
    }
}

/// Why [`encode`] failed. Messages never hold a secret or a claim.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// The secret is empty or only whitespace (Auth.js refuses an empty one too).
    #[error("the JWT secret is empty or only whitespace")]
    MissingSecret,
    /// The claims could not be written as JSON.
    #[error("the JWT claims could not be serialized")]
    Claims,
    /// The operating system's random source failed.
    #[error("no random bytes for the JWT's initialization vector")]
    Random,
    /// The cipher refused its input (not expected with the keys this module derives).
    #[error("the JWT could not be encrypted")]
    Encryption,
}

/// The content encryptions Auth.js uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Enc {
    A256CbcHs512,
    A256Gcm,
}

impl Enc {
    fn name(self) -> &'static str {
        match self {
            Enc::A256CbcHs512 => "A256CBC-HS512",
            Enc::A256Gcm => "A256GCM",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        match name {
            "A256CBC-HS512" => Some(Enc::A256CbcHs512),
            "A256GCM" => Some(Enc::A256Gcm),
            _ => None,
        }
    }

    fn key_len(self) -> usize {
        match self {
            Enc::A256CbcHs512 => 64,
            Enc::A256Gcm => 32,
        }
    }

    fn iv_len(self) -> usize {
        match self {
            Enc::A256CbcHs512 => 16,
            Enc::A256Gcm => 12,
        }
    }

    fn tag_len(self) -> usize {
        match self {
            Enc::A256CbcHs512 => 32,
            Enc::A256Gcm => 16,
        }
    }
}

impl JwtFormat {
    fn writes(self) -> Enc {
        match self {
            JwtFormat::AuthJsV5 => Enc::A256CbcHs512,
            JwtFormat::NextAuthV4 => Enc::A256Gcm,
        }
    }

    fn reads(self, enc: Enc) -> bool {
        match self {
            JwtFormat::AuthJsV5 => true,
            JwtFormat::NextAuthV4 => enc == Enc::A256Gcm,
        }
    }
}

/// A derived content-encryption key; `Debug` does not show it.
struct Key(Vec<u8>);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::types::REDACTED)
    }
}

/// A compact JWE with direct encryption, split and decoded: `alg` `dir`, an empty encrypted key, no `zip` or `crit`
/// header (as `jose` refuses them). The callers check `enc`, the key and the lengths.
pub(crate) struct DirectJwe<'a> {
    /// The protected header.
    pub(crate) header: Map<String, Value>,
    /// The header's base64url text: the additional authenticated data.
    pub(crate) aad: &'a str,
    /// The initialization vector.
    pub(crate) iv: Vec<u8>,
    /// The ciphertext.
    pub(crate) ciphertext: Vec<u8>,
    /// The authentication tag.
    pub(crate) tag: Vec<u8>,
}

impl<'a> DirectJwe<'a> {
    /// `token`'s five parts, or `None` if it is not such a JWE.
    pub(crate) fn parse(token: &'a str) -> Option<Self> {
        let mut parts = token.split('.');
        let (Some(aad), Some(encrypted_key), Some(iv), Some(ciphertext), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        // Direct encryption has no encrypted key.
        if !encrypted_key.is_empty() {
            return None;
        }
        let header: Map<String, Value> = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(aad).ok()?).ok()?;
        if header.get("alg").and_then(Value::as_str) != Some("dir")
            || header.contains_key("zip")
            || header.contains_key("crit")
        {
            return None;
        }
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).ok();
        Some(Self { header, aad, iv: decode(iv)?, ciphertext: decode(ciphertext)?, tag: decode(tag)? })
    }
}

/// The key Auth.js derives from `secret` for `enc`.
fn derive_key(format: JwtFormat, enc: Enc, secret: &str, salt: &str) -> Key {
    let mut key = vec![0u8; enc.key_len()];
    let result = match format {
        JwtFormat::AuthJsV5 => {
            let info = format!("Auth.js Generated Encryption Key ({salt})");
            Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret.as_bytes()).expand(info.as_bytes(), &mut key)
        }
        JwtFormat::NextAuthV4 => {
            Hkdf::<Sha256>::new(Some(b""), secret.as_bytes()).expand(b"NextAuth.js Generated Encryption Key", &mut key)
        }
    };
    // 64 bytes is far below HKDF-SHA256's limit of 255 × 32.
    debug_assert!(result.is_ok());
    Key(key)
}

/// RFC 7638 thumbprint of the symmetric JWK `{kty: "oct", k}`: SHA-512 for a 64-byte key, SHA-256 for 32, as
/// Auth.js computes its `kid`.
fn thumbprint(key: &Key) -> String {
    let jwk = format!(r#"{{"k":"{}","kty":"oct"}}"#, URL_SAFE_NO_PAD.encode(&key.0));
    if key.0.len() == 64 {
        URL_SAFE_NO_PAD.encode(Sha512::digest(jwk.as_bytes()))
    } else {
        URL_SAFE_NO_PAD.encode(Sha256::digest(jwk.as_bytes()))
    }
}

type HmacSha512 = Hmac<Sha512>;

/// The input of A256CBC-HS512's MAC (RFC 7518 §5.2.2.1): AAD || IV || ciphertext || AAD length in bits (64-bit
/// big-endian), under the first half of the key.
fn cbc_hs512_mac(mac_key: &[u8], aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> HmacSha512 {
    // HMAC takes keys of any length.
    let mut mac = <HmacSha512 as Mac>::new_from_slice(mac_key).unwrap_or_else(|_| unreachable!());
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&((aad.len() as u64).wrapping_mul(8)).to_be_bytes());
    mac
}

/// A256CBC-HS512 encryption (RFC 7518 §5.2.2.1): returns the ciphertext and the 32-byte tag.
pub(crate) fn cbc_hs512_encrypt(key: &[u8], iv: &[u8], aad: &[u8], plaintext: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (mac_key, enc_key) = key.split_at_checked(32)?;
    let cipher = cbc::Encryptor::<aes::Aes256>::new_from_slices(enc_key, iv).ok()?;
    let ciphertext = cipher.encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    let tag = cbc_hs512_mac(mac_key, aad, iv, &ciphertext).finalize().into_bytes();
    Some((ciphertext, tag[..32].to_vec()))
}

/// A256CBC-HS512 decryption (RFC 7518 §5.2.2.2): the tag is checked in constant time before decrypting.
pub(crate) fn cbc_hs512_decrypt(key: &[u8], iv: &[u8], aad: &[u8], ciphertext: &[u8], tag: &[u8]) -> Option<Vec<u8>> {
    let (mac_key, enc_key) = key.split_at_checked(32)?;
    if tag.len() != 32 {
        return None;
    }
    cbc_hs512_mac(mac_key, aad, iv, ciphertext).verify_truncated_left(tag).ok()?;
    let cipher = cbc::Decryptor::<aes::Aes256>::new_from_slices(enc_key, iv).ok()?;
    cipher.decrypt_padded_vec_mut::<Pkcs7>(ciphertext).ok()
}

fn gcm_encrypt(key: &[u8], iv: &[u8], aad: &[u8], plaintext: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let iv = Nonce::from(<[u8; 12]>::try_from(iv).ok()?);
    let mut sealed = cipher.encrypt(&iv, Payload { msg: plaintext, aad }).ok()?;
    let tag = sealed.split_off(sealed.len().checked_sub(16)?);
    Some((sealed, tag))
}

fn gcm_decrypt(key: &[u8], iv: &[u8], aad: &[u8], ciphertext: &[u8], tag: &[u8]) -> Option<Vec<u8>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let iv = Nonce::from(<[u8; 12]>::try_from(iv).ok()?);
    if tag.len() != 16 {
        return None;
    }
    let mut sealed = Vec::with_capacity(ciphertext.len() + tag.len());
    sealed.extend_from_slice(ciphertext);
    sealed.extend_from_slice(tag);
    cipher.decrypt(&iv, Payload { msg: &sealed, aad }).ok()
}

/// Encrypts `claims` as they are (set `iat`, `exp` and `jti` first: [`SessionClaims::issued`] does) into the compact JWE
/// Auth.js writes in `format`, keyed by `secret` (the first of a rotation list) and, for v5, `salt` (the session
/// cookie's name, e.g. `authjs.session-token` or `__Secure-authjs.session-token`).
pub fn encode(format: JwtFormat, secret: &str, salt: &str, claims: &SessionClaims) -> Result<String, JwtError> {
    if !is_usable_secret(secret) {
        return Err(JwtError::MissingSecret);
    }
    let enc = format.writes();
    let key = derive_key(format, enc, secret, salt);
    let header = match format {
        JwtFormat::AuthJsV5 => serde_json::json!({ "alg": "dir", "enc": enc.name(), "kid": thumbprint(&key) }),
        JwtFormat::NextAuthV4 => serde_json::json!({ "alg": "dir", "enc": enc.name() }),
    };
    let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(|_| JwtError::Claims)?);
    let payload = serde_json::to_vec(claims).map_err(|_| JwtError::Claims)?;
    let mut iv = vec![0u8; enc.iv_len()];
    getrandom::fill(&mut iv).map_err(|_| JwtError::Random)?;
    let sealed = match enc {
        Enc::A256CbcHs512 => cbc_hs512_encrypt(&key.0, &iv, header.as_bytes(), &payload),
        Enc::A256Gcm => gcm_encrypt(&key.0, &iv, header.as_bytes(), &payload),
    };
    let (ciphertext, tag) = sealed.ok_or(JwtError::Encryption)?;
    Ok(format!(
        "{header}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag)
    ))
}

/// Decrypts and validates a session JWT written by Auth.js in `format` (or by [`encode`]) with any of `secrets`,
/// as of `now`: `exp` must be after `now - 15 s` and `nbf`, if present, before `now + 15 s`. `salt` is the session
/// cookie's name for v5 and ignored for v4.
///
/// `None` for anything else: another secret or salt, a tampered or truncated token, another `alg` or `enc`, an
/// encrypted key, a `zip` or `crit` header, a token over [`MAX_TOKEN_LEN`], claims that are not a JSON object or
/// whose known claims have the wrong type. It never panics, whatever the input.
///
/// Empty and whitespace-only secrets are ignored (no key is derived from them: a key from an empty secret is a
/// public constant), so `secrets` holding only those decodes nothing.
pub fn decode<S: AsRef<str>>(
    format: JwtFormat,
    secrets: &[S],
    salt: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Option<SessionClaims> {
    let secrets: Vec<&str> = secrets.iter().map(AsRef::as_ref).filter(|secret| is_usable_secret(secret)).collect();
    if secrets.is_empty() || token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let DirectJwe { header, aad, iv, ciphertext, tag } = DirectJwe::parse(token)?;
    let enc = Enc::parse(header.get("enc")?.as_str()?)?;
    if !format.reads(enc) {
        return None;
    }
    if iv.len() != enc.iv_len() || tag.len() != enc.tag_len() {
        return None;
    }
    let open = |key: &Key| match enc {
        Enc::A256CbcHs512 => cbc_hs512_decrypt(&key.0, &iv, aad.as_bytes(), &ciphertext, &tag),
        Enc::A256Gcm => gcm_decrypt(&key.0, &iv, aad.as_bytes(), &ciphertext, &tag),
    };
    let plaintext = match format {
        JwtFormat::AuthJsV5 => {
            // As @auth/core's decode: the secret whose key has the token's `kid` as thumbprint; without `kid`, the
            // first secret.
            let kid = match header.get("kid") {
                None => None,
                Some(kid) => Some(kid.as_str()?),
            };
            let key = secrets
                .iter()
                .map(|secret| derive_key(format, enc, secret, salt))
                .find(|key| kid.is_none_or(|kid| thumbprint(key) == kid))?;
            open(&key)?
        }
        JwtFormat::NextAuthV4 => secrets.iter().find_map(|secret| open(&derive_key(format, enc, secret, salt)))?,
    };
    let payload: Map<String, Value> = serde_json::from_slice(&plaintext).ok()?;
    // jose's jwtDecrypt: a header replicating `iss`, `sub` or `aud` must match the claim.
    for claim in ["iss", "sub", "aud"] {
        if let Some(value) = header.get(claim)
            && payload.get(claim) != Some(value)
        {
            return None;
        }
    }
    let claims: SessionClaims = serde_json::from_value(Value::Object(payload)).ok()?;
    let now = now.timestamp();
    if let Some(exp) = claims.exp
        && exp <= now.saturating_sub(CLOCK_TOLERANCE_SECS)
    {
        return None;
    }
    if let Some(nbf) = claims.other.get("nbf") {
        let nbf = nbf.as_f64()?;
        if nbf > now.saturating_add(CLOCK_TOLERANCE_SECS) as f64 {
            return None;
        }
    }
    Some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: &str = "authjs.session-token";

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default()
    }

    fn claims() -> SessionClaims {
        let mut claims = SessionClaims::issued(now(), Duration::days(30));
        claims.sub = Some("user-1".into());
        claims.name = Some("Ada".into());
        claims.email = Some("ada@example.com".into());
        claims.picture = Some("https://example.com/ada.png".into());
        claims.jti = Some("8f0c2b5e-1d2a-4c6b-9e3f-0a1b2c3d4e5f".into());
        claims.other.insert("role".into(), Value::from("admin"));
        claims
    }

    fn b64(bytes: impl AsRef<[u8]>) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn unhex(hex: &str) -> Vec<u8> {
        hex::decode(hex.split_whitespace().collect::<String>()).unwrap_or_default()
    }

    /// A token with the given header, sealed with `secret`'s key for `enc`, for the header checks.
    fn forge(format: JwtFormat, enc: Enc, header: &Value, secret: &str, payload: &[u8]) -> String {
        let key = derive_key(format, enc, secret, SALT);
        let header = b64(serde_json::to_vec(header).unwrap_or_default());
        let iv = vec![7u8; enc.iv_len()];
        let sealed = match enc {
            Enc::A256CbcHs512 => cbc_hs512_encrypt(&key.0, &iv, header.as_bytes(), payload),
            Enc::A256Gcm => gcm_encrypt(&key.0, &iv, header.as_bytes(), payload),
        };
        let (ciphertext, tag) = sealed.unwrap_or_default();
        format!("{header}..{}.{}.{}", b64(iv), b64(ciphertext), b64(tag))
    }

    #[test]
    fn round_trips_in_both_formats() {
        for format in [JwtFormat::AuthJsV5, JwtFormat::NextAuthV4] {
            let token = encode(format, "secret", SALT, &claims()).unwrap_or_default();
            assert_eq!(token.split('.').count(), 5, "{format:?}");
            assert_eq!(decode(format, &["secret"], SALT, &token, now()), Some(claims()), "{format:?}");
            let other = match format {
                JwtFormat::AuthJsV5 => JwtFormat::NextAuthV4,
                JwtFormat::NextAuthV4 => JwtFormat::AuthJsV5,
            };
            assert_eq!(decode(other, &["secret"], SALT, &token, now()), None, "{format:?} read as {other:?}");
        }
    }

    #[test]
    fn headers_are_authjs() {
        let header = |token: &str| -> Value {
            let first = token.split('.').next().unwrap_or_default();
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(first).unwrap_or_default()).unwrap_or_default()
        };
        let v5 = encode(JwtFormat::AuthJsV5, "secret", SALT, &claims()).unwrap_or_default();
        let key = derive_key(JwtFormat::AuthJsV5, Enc::A256CbcHs512, "secret", SALT);
        assert_eq!(header(&v5), serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": thumbprint(&key)}));
        assert_eq!(thumbprint(&key).len(), 86, "SHA-512 thumbprint");
        let v4 = encode(JwtFormat::NextAuthV4, "secret", SALT, &claims()).unwrap_or_default();
        assert_eq!(header(&v4), serde_json::json!({"alg": "dir", "enc": "A256GCM"}));
        // A fresh IV each time.
        assert_ne!(v5, encode(JwtFormat::AuthJsV5, "secret", SALT, &claims()).unwrap_or_default());
    }

    #[test]
    fn issued_sets_times_and_a_uuid() {
        let claims = SessionClaims::issued(now(), Duration::days(30));
        assert_ne!(claims.jti, SessionClaims::issued(now(), Duration::days(30)).jti);
        assert_eq!(claims.iat, Some(1_750_000_000));
        assert_eq!(claims.exp, Some(1_750_000_000 + 30 * 86_400));
        assert_eq!(claims.expires(), Some(now() + Duration::days(30)));
        let jti = claims.jti.unwrap_or_default();
        assert_eq!(uuid::Uuid::parse_str(&jti).map(|id| id.get_version_num()).ok(), Some(4));
    }

    #[test]
    fn rfc7518_b3_a256cbc_hs512() {
        // RFC 7518, Appendix B.3.
        let key: Vec<u8> = (0u8..64).collect();
        let plaintext = b"A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience";
        let iv = unhex("1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04");
        let aad = b"The second principle of Auguste Kerckhoffs";
        let ciphertext = unhex(
            "4a ff aa ad b7 8c 31 c5 da 4b 1b 59 0d 10 ff bd 3d d8 d5 d3 02 42 35 26 91 2d a0 37 ec bc c7 bd
             82 2c 30 1d d6 7c 37 3b cc b5 84 ad 3e 92 79 c2 e6 d1 2a 13 74 b7 7f 07 75 53 df 82 94 10 44 6b
             36 eb d9 70 66 29 6a e6 42 7e a7 5c 2e 08 46 a1 1a 09 cc f5 37 0d c8 0b fe cb ad 28 c7 3f 09 b3
             a3 b7 5e 66 2a 25 94 41 0a e4 96 b2 e2 e6 60 9e 31 e6 e0 2c c8 37 f0 53 d2 1f 37 ff 4f 51 95 0b
             be 26 38 d0 9d d7 a4 93 09 30 80 6d 07 03 b1 f6",
        );
        let tag =
            unhex("4d d3 b4 c0 88 a7 f4 5c 21 68 39 64 5b 20 12 bf 2e 62 69 a8 c5 6a 81 6d bc 1b 26 77 61 95 5b c5");
        assert_eq!(cbc_hs512_encrypt(&key, &iv, aad, plaintext), Some((ciphertext.clone(), tag.clone())));
        assert_eq!(cbc_hs512_decrypt(&key, &iv, aad, &ciphertext, &tag).as_deref(), Some(&plaintext[..]));
        let mut bad_tag = tag.clone();
        bad_tag[31] ^= 1;
        assert_eq!(cbc_hs512_decrypt(&key, &iv, aad, &ciphertext, &bad_tag), None);
        assert_eq!(cbc_hs512_decrypt(&key, &iv, b"other aad", &ciphertext, &tag), None);
    }

    #[test]
    fn rotation_decodes_with_any_secret() {
        for format in [JwtFormat::AuthJsV5, JwtFormat::NextAuthV4] {
            let old = encode(format, "old", SALT, &claims()).unwrap_or_default();
            let new = encode(format, "new", SALT, &claims()).unwrap_or_default();
            let secrets = ["new", "old"];
            assert_eq!(decode(format, &secrets, SALT, &old, now()), Some(claims()), "{format:?}");
            assert_eq!(decode(format, &secrets, SALT, &new, now()), Some(claims()), "{format:?}");
            assert_eq!(decode(format, &["new"], SALT, &old, now()), None, "{format:?}");
            assert_eq!(decode::<&str>(format, &[], SALT, &old, now()), None, "{format:?}");
        }
    }

    #[test]
    fn without_kid_only_the_first_secret_is_tried() {
        // @auth/core's decode returns the first secret's key when the header has no `kid`.
        let header = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512"});
        let payload = serde_json::to_vec(&claims()).unwrap_or_default();
        let token = forge(JwtFormat::AuthJsV5, Enc::A256CbcHs512, &header, "old", &payload);
        assert_eq!(decode(JwtFormat::AuthJsV5, &["old", "new"], SALT, &token, now()), Some(claims()));
        assert_eq!(decode(JwtFormat::AuthJsV5, &["new", "old"], SALT, &token, now()), None);
    }

    #[test]
    fn v5_reads_a256gcm_with_its_sha256_kid() {
        let key = derive_key(JwtFormat::AuthJsV5, Enc::A256Gcm, "secret", SALT);
        assert_eq!(thumbprint(&key).len(), 43, "SHA-256 thumbprint");
        let header = serde_json::json!({"alg": "dir", "enc": "A256GCM", "kid": thumbprint(&key)});
        let payload = serde_json::to_vec(&claims()).unwrap_or_default();
        let token = forge(JwtFormat::AuthJsV5, Enc::A256Gcm, &header, "secret", &payload);
        assert_eq!(decode(JwtFormat::AuthJsV5, &["other", "secret"], SALT, &token, now()), Some(claims()));
        let wrong_kid = serde_json::json!({"alg": "dir", "enc": "A256GCM", "kid": "x"});
        let token = forge(JwtFormat::AuthJsV5, Enc::A256Gcm, &wrong_kid, "secret", &payload);
        assert_eq!(decode(JwtFormat::AuthJsV5, &["secret"], SALT, &token, now()), None);
    }

    #[test]
    fn time_checks_have_fifteen_seconds_of_tolerance() {
        let exp = now() + Duration::days(30);
        for format in [JwtFormat::AuthJsV5, JwtFormat::NextAuthV4] {
            let token = encode(format, "secret", SALT, &claims()).unwrap_or_default();
            let at = |t: DateTime<Utc>| decode(format, &["secret"], SALT, &token, t).is_some();
            assert!(at(exp + Duration::seconds(14)), "{format:?}");
            assert!(!at(exp + Duration::seconds(15)), "{format:?}");
            assert!(!at(exp + Duration::days(1)), "{format:?}");
        }
        let mut not_yet = claims();
        not_yet.other.insert("nbf".into(), Value::from(now().timestamp() + 60));
        let token = encode(JwtFormat::AuthJsV5, "secret", SALT, &not_yet).unwrap_or_default();
        let at = |t: DateTime<Utc>| decode(JwtFormat::AuthJsV5, &["secret"], SALT, &token, t).is_some();
        assert!(!at(now()));
        assert!(!at(now() + Duration::seconds(44)));
        assert!(at(now() + Duration::seconds(45)));
        let mut bad_nbf = claims();
        bad_nbf.other.insert("nbf".into(), Value::from("soon"));
        let token = encode(JwtFormat::AuthJsV5, "secret", SALT, &bad_nbf).unwrap_or_default();
        assert_eq!(decode(JwtFormat::AuthJsV5, &["secret"], SALT, &token, now()), None);
    }

    #[test]
    fn blank_secrets_key_nothing() {
        // A key derived from an empty or blank secret is a public constant: anyone can mint such a token.
        let payload = serde_json::to_vec(&claims()).unwrap_or_default();
        for blank in ["", " ", "\t\n"] {
            for (format, enc) in [(JwtFormat::AuthJsV5, Enc::A256CbcHs512), (JwtFormat::NextAuthV4, Enc::A256Gcm)] {
                let kid = thumbprint(&derive_key(format, enc, blank, SALT));
                let headers = [
                    serde_json::json!({ "alg": "dir", "enc": enc.name() }),
                    serde_json::json!({ "alg": "dir", "enc": enc.name(), "kid": kid }),
                ];
                for header in headers {
                    let minted = forge(format, enc, &header, blank, &payload);
                    for secrets in [vec![blank], vec![blank, "secret"], vec!["secret", blank]] {
                        assert_eq!(decode(format, &secrets, SALT, &minted, now()), None, "{format:?} {secrets:?}");
                    }
                }
                assert!(matches!(encode(format, blank, SALT, &claims()), Err(JwtError::MissingSecret)));
            }
        }
        // A real secret beside a blank one still works.
        let token = encode(JwtFormat::AuthJsV5, "secret", SALT, &claims()).unwrap_or_default();
        assert_eq!(decode(JwtFormat::AuthJsV5, &["", "secret"], SALT, &token, now()), Some(claims()));
    }

    #[test]
    fn secret_lists_are_checked() {
        assert_eq!(check_secrets::<&str>(&[]), Err(SecretError::Missing));
        assert_eq!(check_secrets(&[""]), Err(SecretError::Blank { position: 0 }));
        assert_eq!(check_secrets(&["current", " \t"]), Err(SecretError::Blank { position: 1 }));
        assert_eq!(check_secrets(&["current", "previous"]), Ok(()));
        let message = SecretError::Blank { position: 1 }.to_string();
        assert!(message.contains("empty or only whitespace"), "{message}");
    }

    #[test]
    fn refuses_the_wrong_salt_or_secret() {
        let token = encode(JwtFormat::AuthJsV5, "secret", SALT, &claims()).unwrap_or_default();
        assert_eq!(decode(JwtFormat::AuthJsV5, &["secret"], "__Secure-authjs.session-token", &token, now()), None);
        assert_eq!(decode(JwtFormat::AuthJsV5, &["Secret"], SALT, &token, now()), None);
        // v4 has no salt: any name reads it.
        let token = encode(JwtFormat::NextAuthV4, "secret", SALT, &claims()).unwrap_or_default();
        assert!(decode(JwtFormat::NextAuthV4, &["secret"], "anything", &token, now()).is_some());
        assert!(matches!(encode(JwtFormat::AuthJsV5, "", SALT, &claims()), Err(JwtError::MissingSecret)));
    }

    #[test]
    fn refuses_tampered_and_malformed_tokens() {
        for format in [JwtFormat::AuthJsV5, JwtFormat::NextAuthV4] {
            let token = encode(format, "secret", SALT, &claims()).unwrap_or_default();
            let read = |t: &str| decode(format, &["secret"], SALT, t, now());
            assert!(read(&token).is_some());
            let parts: Vec<&str> = token.split('.').collect();
            // One flipped bit in each of the header, IV, ciphertext and tag.
            for part in [0, 2, 3, 4] {
                let mut bytes = URL_SAFE_NO_PAD.decode(parts[part]).unwrap_or_default();
                bytes[0] ^= 1;
                let mut tampered = parts.clone();
                let replaced = b64(&bytes);
                tampered[part] = &replaced;
                assert_eq!(read(&tampered.join(".")), None, "{format:?} part {part}");
            }
            let with_key = format!("{}.AAAA.{}", parts[0], parts[2..].join("."));
            for bad in [
                "",
                ".",
                "....",
                "a.b.c.d.e",
                &token[..token.len() - 1],
                &token[..token.len() / 2],
                &format!("{token}."),
                &format!("{token}A"),
                &token.replace('.', ".."),
                &with_key,
                &format!("{}..{}", parts[0], parts[2..4].join(".")),
                &"A".repeat(MAX_TOKEN_LEN + 1),
                "é.é.é.é.é",
                &format!("{}=..{}", parts[0], parts[2..].join(".")),
            ] {
                assert_eq!(read(bad), None, "{format:?} {bad:.60}");
            }
        }
    }

    #[test]
    fn refuses_headers_authjs_never_writes() {
        let payload = serde_json::to_vec(&claims()).unwrap_or_default();
        let v5 = |header: Value, enc| {
            decode(
                JwtFormat::AuthJsV5,
                &["secret"],
                SALT,
                &forge(JwtFormat::AuthJsV5, enc, &header, "secret", &payload),
                now(),
            )
        };
        let cbc = Enc::A256CbcHs512;
        assert!(v5(serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512"}), cbc).is_some());
        for header in [
            serde_json::json!({"alg": "none", "enc": "A256CBC-HS512"}),
            serde_json::json!({"alg": "A256KW", "enc": "A256CBC-HS512"}),
            serde_json::json!({"alg": "DIR", "enc": "A256CBC-HS512"}),
            serde_json::json!({"enc": "A256CBC-HS512"}),
            serde_json::json!({"alg": "dir"}),
            serde_json::json!({"alg": "dir", "enc": "A128CBC-HS256"}),
            serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "zip": "DEF"}),
            serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "crit": ["exp"], "exp": 1}),
            serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": 5}),
            serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "sub": "someone-else"}),
            serde_json::json!(["alg", "dir"]),
        ] {
            assert_eq!(v5(header.clone(), cbc), None, "{header}");
        }
        assert!(v5(serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "sub": "user-1"}), cbc).is_some());
        // v4 writes and reads A256GCM only.
        let header = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512"});
        let token = forge(JwtFormat::NextAuthV4, cbc, &header, "secret", &payload);
        assert_eq!(decode(JwtFormat::NextAuthV4, &["secret"], SALT, &token, now()), None);
    }

    #[test]
    fn refuses_claims_that_are_not_session_claims() {
        let header = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512"});
        let read = |payload: &[u8]| {
            let token = forge(JwtFormat::AuthJsV5, Enc::A256CbcHs512, &header, "secret", payload);
            decode(JwtFormat::AuthJsV5, &["secret"], SALT, &token, now())
        };
        assert!(read(b"{}").is_some(), "no claim is required, as in jose");
        for bad in [&b"[]"[..], b"null", b"\"a\"", b"{", b"\xff", br#"{"sub": 1}"#, br#"{"exp": "tomorrow"}"#] {
            assert_eq!(read(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        let with_nulls = read(br#"{"sub": "1", "name": null, "picture": null, "custom": [1]}"#);
        assert_eq!(with_nulls.as_ref().and_then(|c| c.name.clone()), None);
        assert_eq!(with_nulls.as_ref().map(|c| c.other.clone()), serde_json::from_str(r#"{"custom": [1]}"#).ok());
        // Written back as Auth.js writes a user without name or image.
        assert_eq!(
            with_nulls.and_then(|c| serde_json::to_value(c).ok()),
            serde_json::from_str(r#"{"sub": "1", "name": null, "email": null, "picture": null, "custom": [1]}"#).ok()
        );
    }
}
