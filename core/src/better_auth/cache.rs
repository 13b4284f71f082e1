//! Better Auth's cookie cache (`session.cookieCache`): the `session_data` cookie holding the session and its user,
//! signed or encrypted, that `get-session` answers from without reading the database until it expires.

use std::str::FromStr;

use base64::Engine;
use chrono::{DateTime, Utc};
use hkdf::Hkdf;
use hmac::Mac;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::cookies::{BASE64URL, hmac_sha256};
use super::secret::Secrets;
use super::{Session, User};
use crate::jwt::{CLOCK_TOLERANCE_SECS, DirectJwe, cbc_hs512_decrypt};

/// How Node writes the cookie cache (`session.cookieCache.strategy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheStrategy {
    /// `"compact"` (the default): base64url JSON with an HMAC-SHA256 signature by the current secret.
    #[default]
    Compact,
    /// `"jwt"`: a JWS signed with HS256 by the current secret.
    Jwt,
    /// `"jwe"`: a JWE (`dir`, `A256CBC-HS512`) encrypted with a key derived from a secret, any listed one decrypting.
    Jwe,
}

/// An unknown [`CacheStrategy`] name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown cookie cache strategy: expected compact, jwt or jwe")]
pub struct UnknownStrategy;

impl FromStr for CacheStrategy {
    type Err = UnknownStrategy;

    /// `compact` (also Better Auth's legacy `base64-hmac`), `jwt` or `jwe`, case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "compact" | "base64-hmac" => Ok(CacheStrategy::Compact),
            "jwt" => Ok(CacheStrategy::Jwt),
            "jwe" => Ok(CacheStrategy::Jwe),
            _ => Err(UnknownStrategy),
        }
    }
}

/// The cookie cache settings, as the Better Auth app sets `session.cookieCache`: off by default.
///
/// When on, a request whose `session_data` cookie is valid (its signature or encryption checks out with the
/// strategy's secrets), has not expired, has the configured `version` and holds the session of the request's
/// verified `session_token` is answered from the cookie: no store call, no refresh. So a session signed out or
/// deleted elsewhere stays valid here until the cookie expires, up to Node's `cookieCache.maxAge` (300 s by
/// default) after Node wrote it: the same staleness as Node's own `get-session`. An unusable `session_data` is
/// expired and the store is read instead.
///
/// The Rust side never writes `session_data` (Node writes it on sign-in and on each `get-session` that read the
/// database); it reads it, and expires it on sign-out, with an expired or unknown session, and when it is unusable.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieCache {
    /// `cookieCache.enabled` (`false` by default).
    pub enabled: bool,
    /// `cookieCache.strategy` (`"compact"` by default).
    pub strategy: CacheStrategy,
    /// `cookieCache.version` as a string (`"1"` by default): a cookie of another version is unusable. (A version
    /// computed by a function in Node cannot be mirrored.)
    pub version: String,
}

impl Default for CookieCache {
    fn default() -> Self {
        Self { enabled: false, strategy: CacheStrategy::Compact, version: "1".to_owned() }
    }
}

impl CookieCache {
    /// The cache on, with `strategy` and version `"1"`.
    pub fn enabled(strategy: CacheStrategy) -> Self {
        Self { enabled: true, strategy, ..Self::default() }
    }
}

/// A cookie cache read and checked: the session and user it holds, and when it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cached {
    pub(crate) session: Session,
    pub(crate) user: User,
    pub(crate) version: String,
    /// The cookie's own expiry: `expiresAt` (compact) or `exp` (jwt, jwe).
    pub(crate) expires_at: DateTime<Utc>,
}

impl Cached {
    /// Whether Better Auth's `get-session` answers from this cookie for the session token `token` at `now`: same
    /// token, same version, neither the cookie nor its session expired.
    pub(crate) fn usable(&self, token: &str, version: &str, now: DateTime<Utc>) -> bool {
        self.session.token == token
            && self.version == version
            && self.expires_at >= now
            && self.session.expires_at >= now
    }
}

/// `value` (the `session_data` cookie, chunks joined) read with `strategy` and `secrets` at `now`, as better-auth's
/// `decodeCookieCache` reads it; `None` when it does not verify, decrypt or parse.
pub(crate) fn read(value: &str, strategy: CacheStrategy, secrets: &Secrets, now: DateTime<Utc>) -> Option<Cached> {
    match strategy {
        CacheStrategy::Compact => read_compact(value, secrets.current(), now),
        CacheStrategy::Jwt => read_jwt(value, secrets.current(), now),
        CacheStrategy::Jwe => read_jwe(value, secrets, now),
    }
}

/// The outer object of a compact cookie: `{session, expiresAt, signature}`, `session` and `expiresAt` kept as the
/// JSON text they were written as.
#[derive(serde::Deserialize)]
struct Compact<'a> {
    #[serde(borrow)]
    session: &'a RawValue,
    #[serde(borrow, rename = "expiresAt")]
    expires_at: &'a RawValue,
    signature: String,
}

/// The bytes Better Auth signs for a compact cookie, `JSON.stringify({...outer.session, expiresAt})`, built from the
/// JSON text of `session` with `,"expiresAt":<expiresAt>` inserted before its closing brace. The text is kept as
/// Node wrote it rather than parsed and serialized again, so the bytes are exactly those JavaScript signed:
/// `JSON.stringify` writes no spaces, keeps key order, and leaves non-ASCII characters, `/` and `<` unescaped, which
/// a Rust serializer would have to be made to reproduce character for character (`compact_signs_the_raw_json_text`).
/// Node's own verifier parses and re-serializes instead; the two agree on every cookie Node writes.
///
/// `None` when `session` is not an object or already has an `expiresAt` key (Node never writes either; with the
/// latter the spread would replace the key in place, not append it).
fn compact_signed_bytes(session: &RawValue, expires_at: &RawValue) -> Option<String> {
    let text = session.get();
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let object: Map<String, Value> = serde_json::from_str(text).ok()?;
    if object.contains_key("expiresAt") {
        return None;
    }
    let expires_at = expires_at.get();
    Some(if object.is_empty() {
        format!("{{\"expiresAt\":{expires_at}}}")
    } else {
        format!("{{{inner},\"expiresAt\":{expires_at}}}")
    })
}

/// The `"compact"` strategy: base64url (no padding) of `{session:{session,user,updatedAt,version}, expiresAt,
/// signature}`, `signature` = base64url-no-pad(HMAC-SHA256(current secret, `JSON.stringify({...session,
/// expiresAt})`)), `expiresAt` in epoch milliseconds.
fn read_compact(value: &str, secret: &str, now: DateTime<Utc>) -> Option<Cached> {
    let json = BASE64URL.decode(value).ok()?;
    let outer: Compact<'_> = serde_json::from_slice(&json).ok()?;
    let expires_ms = outer.expires_at.get().parse::<f64>().ok().filter(|ms| ms.is_finite())?;
    let signed = compact_signed_bytes(outer.session, outer.expires_at)?;
    let signature = BASE64URL.decode(&outer.signature).ok()?;
    let mut mac = hmac_sha256(secret);
    mac.update(signed.as_bytes());
    mac.verify_slice(&signature).ok()?;
    let payload: Map<String, Value> = serde_json::from_str(outer.session.get()).ok()?;
    parse_payload(&payload, millis(expires_ms)?, now)
}

/// The `"jwt"` strategy: a compact JWS, header `{"alg":"HS256"}`, HMAC-SHA256 keyed with the current secret's
/// UTF-8 bytes; payload `{session, user, updatedAt, version, iat, exp}`. Checked as `jose`'s `jwtVerify` checks it
/// for Better Auth: `exp` after `now`, `nbf` not after `now`, no `crit` header. Only `HS256` is read (the one Better
/// Auth writes), and a token without `exp` is unusable.
fn read_jwt(value: &str, secret: &str, now: DateTime<Utc>) -> Option<Cached> {
    let mut parts = value.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let header: Map<String, Value> = serde_json::from_slice(&BASE64URL.decode(header_b64).ok()?).ok()?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") || header.contains_key("crit") {
        return None;
    }
    let signature = BASE64URL.decode(signature_b64).ok()?;
    let mut mac = hmac_sha256(secret);
    mac.update(header_b64.as_bytes());
    mac.update(b".");
    mac.update(payload_b64.as_bytes());
    mac.verify_slice(&signature).ok()?;
    let payload: Map<String, Value> = serde_json::from_slice(&BASE64URL.decode(payload_b64).ok()?).ok()?;
    let exp = check_claims(&payload, now, 0)?;
    parse_payload(&payload, DateTime::from_timestamp(exp, 0)?, now)
}

/// HKDF info of the `"jwe"` key.
const JWE_INFO: &[u8] = b"BetterAuth.js Generated Encryption Key";
/// HKDF salt of the session cookie cache's `"jwe"` key.
const JWE_SALT: &[u8] = b"better-auth-session";

/// A `"jwe"` content-encryption key; `Debug` does not show it.
struct JweKey([u8; 64]);

impl std::fmt::Debug for JweKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::types::REDACTED)
    }
}

impl JweKey {
    /// HKDF-SHA256(ikm = `secret`, salt = `better-auth-session`, info = `BetterAuth.js Generated Encryption Key`),
    /// 64 bytes: better-auth's `deriveEncryptionSecret`.
    fn derive(secret: &str) -> Self {
        let mut key = [0u8; 64];
        // 64 bytes is far below HKDF-SHA256's limit of 255 × 32.
        let expanded = Hkdf::<Sha256>::new(Some(JWE_SALT), secret.as_bytes()).expand(JWE_INFO, &mut key);
        debug_assert!(expanded.is_ok());
        Self(key)
    }

    /// The key's `kid`: its RFC 7638 thumbprint with SHA-256, `base64url(SHA-256({"k":"<key>","kty":"oct"}))`, as
    /// `jose`'s `calculateJwkThumbprint(jwk, "sha256")` computes it for Better Auth.
    fn kid(&self) -> String {
        let jwk = format!(r#"{{"k":"{}","kty":"oct"}}"#, BASE64URL.encode(self.0));
        BASE64URL.encode(Sha256::digest(jwk.as_bytes()))
    }
}

/// The `"jwe"` strategy: a compact JWE, `alg` `dir`, `enc` `A256CBC-HS512`, no encrypted key; payload `{session,
/// user, updatedAt, version, iat, exp, jti}`. Decrypted as better-auth's `symmetricDecodeJWT` does: with a `kid`,
/// the key of the secret (among [`Secrets::decryption_secrets`]) whose thumbprint it is, else none; without, the
/// current secret's key, then each other one. `exp` and `nbf` are checked with 15 seconds of clock tolerance, then
/// the cookie expires at `exp`.
///
/// Better Auth also lists `A256GCM`, but its 64-byte key is the wrong length for that cipher, so `jose` refuses every
/// such token before decrypting (`Invalid Content Encryption Key length`); so does this
/// (`jwe_refuses_a256gcm_as_jose_does`). A `zip` or `crit` header is refused, as `jose` refuses them.
fn read_jwe(value: &str, secrets: &Secrets, now: DateTime<Utc>) -> Option<Cached> {
    let DirectJwe { header, aad, iv, ciphertext, tag } = DirectJwe::parse(value)?;
    if header.get("enc").and_then(Value::as_str) != Some("A256CBC-HS512") {
        return None;
    }
    let kid = match header.get("kid") {
        None => None,
        Some(kid) => Some(kid.as_str()?),
    };
    if iv.len() != 16 || tag.len() != 32 {
        return None;
    }
    let open = |key: &JweKey| cbc_hs512_decrypt(&key.0, &iv, aad.as_bytes(), &ciphertext, &tag);
    let mut keys = secrets.decryption_secrets().map(JweKey::derive);
    let plaintext = match kid {
        Some(kid) => open(&keys.find(|key| key.kid() == kid)?)?,
        None => keys.find_map(|key| open(&key))?,
    };
    let payload: Map<String, Value> = serde_json::from_slice(&plaintext).ok()?;
    let exp = check_claims(&payload, now, CLOCK_TOLERANCE_SECS)?;
    parse_payload(&payload, DateTime::from_timestamp(exp, 0)?, now)
}

/// `jose`'s claim checks with `tolerance` seconds: `exp` a number after `now - tolerance`, `nbf` (if any) a number
/// not after `now + tolerance`, `iat` (if any) a number. Returns `exp` (a token without one is refused).
fn check_claims(payload: &Map<String, Value>, now: DateTime<Utc>, tolerance: i64) -> Option<i64> {
    let now = now.timestamp();
    let exp = payload.get("exp")?.as_f64()?;
    if exp <= now.saturating_sub(tolerance) as f64 {
        return None;
    }
    if let Some(nbf) = payload.get("nbf")
        && nbf.as_f64()? > now.saturating_add(tolerance) as f64
    {
        return None;
    }
    if let Some(iat) = payload.get("iat") {
        iat.as_f64()?;
    }
    // Seconds; a fraction is dropped (Better Auth writes whole seconds).
    Some(exp.floor() as i64)
}

/// Epoch milliseconds as an instant.
fn millis(ms: f64) -> Option<DateTime<Utc>> {
    if !(-8.64e15..=8.64e15).contains(&ms) {
        return None;
    }
    DateTime::from_timestamp_millis(ms.floor() as i64)
}

/// The payload `{session, user, updatedAt, version}` as better-auth's `cookieCachePayloadSchema` checks it (after
/// `safeJSONParse` revived its ISO dates): `session` and `user` objects with their fields, `updatedAt` a number,
/// `version` a string if present; other keys ignored.
fn parse_payload(payload: &Map<String, Value>, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<Cached> {
    payload.get("updatedAt")?.as_f64()?;
    let version = match payload.get("version") {
        None => None,
        Some(version) => Some(version.as_str()?),
    };
    Some(Cached {
        session: parse_session(payload.get("session")?.as_object()?, now)?,
        user: parse_user(payload.get("user")?.as_object()?, now)?,
        // `session.version || "1"`.
        version: version.filter(|v| !v.is_empty()).unwrap_or("1").to_owned(),
        expires_at,
    })
}

/// Better Auth's `sessionSchema`: `id`, `token` strings, `userId` coerced to a string, `expiresAt` a date,
/// `createdAt` and `updatedAt` dates (now when absent), `ipAddress` and `userAgent` strings, null or absent.
pub(crate) fn parse_session(session: &Map<String, Value>, now: DateTime<Utc>) -> Option<Session> {
    let user_id = match session.get("userId")? {
        Value::String(id) => id.clone(),
        Value::Number(id) => id.to_string(),
        _ => return None,
    };
    Some(Session {
        id: string(session, "id")?,
        token: string(session, "token")?,
        user_id,
        expires_at: date(session.get("expiresAt")?)?,
        created_at: optional_date(session, "createdAt", now)?,
        updated_at: optional_date(session, "updatedAt", now)?,
        ip_address: nullish_string(session, "ipAddress")?,
        user_agent: nullish_string(session, "userAgent")?,
    })
}

/// Better Auth's `userSchema`: `id`, `name`, `email` strings (the e-mail lower-cased), `emailVerified` a boolean
/// (`false` when absent), `image` a string, null or absent, `createdAt` and `updatedAt` dates (now when absent). Other
/// fields (plugins', `additionalFields`) are ignored.
pub(crate) fn parse_user(user: &Map<String, Value>, now: DateTime<Utc>) -> Option<User> {
    Some(User {
        id: string(user, "id")?,
        name: string(user, "name")?,
        email: string(user, "email")?.to_lowercase(),
        email_verified: match user.get("emailVerified") {
            None => false,
            Some(verified) => verified.as_bool()?,
        },
        image: nullish_string(user, "image")?,
        created_at: optional_date(user, "createdAt", now)?,
        updated_at: optional_date(user, "updatedAt", now)?,
    })
}

fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key)?.as_str().map(str::to_owned)
}

/// A string, or `None` for null or absent; `None` (refused) for another type.
fn nullish_string(object: &Map<String, Value>, key: &str) -> Option<Option<String>> {
    match object.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(value)) => Some(Some(value.clone())),
        Some(_) => None,
    }
}

/// A date, or `now` when absent (zod's `.default(() => new Date())`).
fn optional_date(object: &Map<String, Value>, key: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match object.get(key) {
        None => Some(now),
        Some(value) => date(value),
    }
}

/// A date as the cookie cache holds one: an ISO-8601 UTC string, `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (what `Date`'s
/// `toJSON` writes). Better Auth revives only strings of that shape into dates (`safeJSONParse`), so its schema
/// refuses any other value there, epoch-millisecond numbers included, and so does this.
fn date(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?;
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10)
        && bytes.get(10) == Some(&b'T')
        && digits(11..13)
        && bytes.get(13) == Some(&b':')
        && digits(14..16)
        && bytes.get(16) == Some(&b':')
        && digits(17..19)
        && bytes.last() == Some(&b'Z')
        && match &bytes[19..bytes.len() - 1] {
            [] => true,
            [b'.', fraction @ ..] => !fraction.is_empty() && fraction.iter().all(u8::is_ascii_digit),
            _ => false,
        };
    if !shape {
        return None;
    }
    DateTime::parse_from_rfc3339(text).ok().map(|date| date.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    /// 2026-12-09T16:51:05.134Z, when the compact vector below was written.
    const WRITTEN: i64 = 1_796_835_065_134;

    /// A payload as Node's `setCookieCache` builds it, with a name that JSON escapes or a serializer might.
    fn payload_json(updated_at: i64) -> String {
        format!(
            r#"{{"session":{{"expiresAt":"2026-12-16T16:51:05.104Z","token":"kuSyTokenTokenTokenTokenTokenToke","createdAt":"2026-12-09T16:51:05.104Z","updatedAt":"2026-12-09T16:51:05.104Z","ipAddress":"","userAgent":"node","userId":"uid","id":"sid"}},"user":{{"name":"Zoë \"Cache\" </x>","email":"zoe@example.com","emailVerified":false,"image":null,"createdAt":"2026-12-09T16:51:05.000Z","updatedAt":"2026-12-09T16:51:05.000Z","id":"uid","role":"admin"}},"updatedAt":{updated_at},"version":"1"}}"#
        )
    }

    /// A compact cookie signed over exactly `signed_text`'s bytes.
    fn compact(session_text: &str, expires_at: i64, secret: &str) -> String {
        let signed = format!("{},\"expiresAt\":{expires_at}}}", &session_text[..session_text.len() - 1]);
        let mut mac = hmac_sha256(secret);
        mac.update(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        let outer = format!(r#"{{"session":{session_text},"expiresAt":{expires_at},"signature":"{signature}"}}"#);
        URL_SAFE_NO_PAD.encode(outer)
    }

    fn secrets(secret: &str) -> Secrets {
        Secrets::new(secret).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn compact_signs_the_raw_json_text() {
        let text = payload_json(WRITTEN);
        let expires = WRITTEN + 300_000;
        let cookie = compact(&text, expires, "s3cret");
        let cached = read(&cookie, CacheStrategy::Compact, &secrets("s3cret"), at(WRITTEN));
        let cached = cached.unwrap_or_else(|| panic!("the compact cookie reads"));
        assert_eq!(cached.user.name, "Zoë \"Cache\" </x>");
        assert_eq!(cached.user.image, None);
        assert_eq!(cached.session.token, "kuSyTokenTokenTokenTokenTokenToke");
        assert_eq!(cached.session.ip_address.as_deref(), Some(""));
        assert_eq!(cached.session.expires_at, at(1_797_439_865_104));
        assert_eq!(cached.expires_at, at(expires));
        assert_eq!(cached.version, "1");
        // The same object re-serialized with escapes (`\u00eb`, `\/`, `\u003c`) is other bytes: its signature over
        // the JavaScript text does not match.
        let escaped = text.replace('ë', "\\u00eb").replace("</x>", "\\u003c\\/x>");
        let outer = format!(r#"{{"session":{escaped},"expiresAt":{expires},"signature":"{}"}}"#, {
            let decoded = URL_SAFE_NO_PAD.decode(&cookie).unwrap_or_default();
            let outer: Value = serde_json::from_slice(&decoded).unwrap_or_default();
            outer["signature"].as_str().unwrap_or_default().to_owned()
        });
        assert_eq!(read(&URL_SAFE_NO_PAD.encode(outer), CacheStrategy::Compact, &secrets("s3cret"), at(WRITTEN)), None);
    }

    #[test]
    fn compact_refuses_tampering() {
        let text = payload_json(WRITTEN);
        let expires = WRITTEN + 300_000;
        let good = compact(&text, expires, "s3cret");
        let read_at = |cookie: &str, secret: &str| read(cookie, CacheStrategy::Compact, &secrets(secret), at(WRITTEN));
        assert!(read_at(&good, "s3cret").is_some());
        assert_eq!(read_at(&good, "other"), None, "another secret");
        // A tampered expiresAt, user or session.
        let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(&good).unwrap_or_default()).unwrap_or_default();
        for (from, to) in [
            (format!("\"expiresAt\":{expires}"), format!("\"expiresAt\":{}", expires + 1)),
            ("zoe@example.com".to_owned(), "eve@example.com".to_owned()),
            ("\"emailVerified\":false".to_owned(), "\"emailVerified\":true".to_owned()),
        ] {
            let tampered = decoded.replacen(&from, &to, 1);
            assert_ne!(tampered, decoded);
            assert_eq!(read_at(&URL_SAFE_NO_PAD.encode(tampered), "s3cret"), None, "{to}");
        }
        // Not base64url, not JSON, not the right shape: unusable, no panic.
        for junk in
            ["", "!", "e30", "bnVsbA", &URL_SAFE_NO_PAD.encode(r#"{"session":[],"expiresAt":1,"signature":""}"#)]
        {
            assert_eq!(read_at(junk, "s3cret"), None, "{junk}");
        }
        // A session object that already has `expiresAt`, or an `expiresAt` that is not a number.
        let with_key = text.replacen("{\"session\"", "{\"expiresAt\":1,\"session\"", 1);
        assert_eq!(read_at(&compact(&with_key, expires, "s3cret"), "s3cret"), None);
        // Dates must be ISO strings (Better Auth's schema refuses epoch milliseconds there).
        let millis = text.replacen("\"2026-12-16T16:51:05.104Z\"", "1797439865104", 1);
        assert_eq!(read_at(&compact(&millis, expires, "s3cret"), "s3cret"), None);
        // `updatedAt` missing: the schema requires it.
        let no_updated = text.replacen(&format!(",\"updatedAt\":{WRITTEN}"), "", 1);
        assert_eq!(read_at(&compact(&no_updated, expires, "s3cret"), "s3cret"), None);
    }

    #[test]
    fn usable_checks_token_version_and_expiry() {
        let text = payload_json(WRITTEN);
        let cookie = compact(&text, WRITTEN + 300_000, "s3cret");
        let cached = read(&cookie, CacheStrategy::Compact, &secrets("s3cret"), at(WRITTEN));
        let cached = cached.unwrap_or_else(|| panic!("reads"));
        let token = "kuSyTokenTokenTokenTokenTokenToke";
        assert!(cached.usable(token, "1", at(WRITTEN)));
        assert!(cached.usable(token, "1", at(WRITTEN + 300_000)), "expired strictly after expiresAt, as Node");
        assert!(!cached.usable(token, "1", at(WRITTEN + 300_001)));
        assert!(!cached.usable("another", "1", at(WRITTEN)));
        assert!(!cached.usable(token, "2", at(WRITTEN)));
        let mut ended = cached.clone();
        ended.session.expires_at = at(WRITTEN - 1);
        assert!(!ended.usable(token, "1", at(WRITTEN)));
    }

    /// A JWS over `payload` with `header`, HS256 with `secret`.
    fn jws(header: &str, payload: &str, secret: &str) -> String {
        let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
        let mut mac = hmac_sha256(secret);
        mac.update(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    fn with_times(payload: &str, iat: i64, exp: i64) -> String {
        format!("{},\"iat\":{iat},\"exp\":{exp}}}", &payload[..payload.len() - 1])
    }

    #[test]
    fn jwt_is_hs256_with_the_current_secret() {
        let now = at(WRITTEN);
        let (iat, exp) = (now.timestamp(), now.timestamp() + 300);
        let payload = with_times(&payload_json(WRITTEN), iat, exp);
        let token = jws(r#"{"alg":"HS256"}"#, &payload, "s3cret");
        let read_at =
            |token: &str, secret: &str, t: DateTime<Utc>| read(token, CacheStrategy::Jwt, &secrets(secret), t);
        let cached = read_at(&token, "s3cret", now).unwrap_or_else(|| panic!("reads"));
        assert_eq!(cached.expires_at, at(exp * 1000));
        assert_eq!(cached.user.email, "zoe@example.com");
        assert_eq!(read_at(&token, "other", now), None);
        assert_eq!(read_at(&token, "s3cret", at(exp * 1000)), None, "exp <= now: expired, no tolerance");
        assert!(read_at(&token, "s3cret", at(exp * 1000 - 1)).is_some());
        // Tampered payload, other algorithms, `crit`, no `exp`, not yet valid.
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = URL_SAFE_NO_PAD.encode(payload.replace("zoe@", "eve@"));
        assert_eq!(read_at(&format!("{}.{tampered}.{}", parts[0], parts[2]), "s3cret", now), None);
        for header in [r#"{"alg":"none"}"#, r#"{"alg":"HS512"}"#, r#"{"alg":"HS256","crit":["b64"],"b64":false}"#, "[]"]
        {
            assert_eq!(read_at(&jws(header, &payload, "s3cret"), "s3cret", now), None, "{header}");
        }
        let no_exp = format!("{},\"iat\":{iat}}}", &payload_json(WRITTEN)[..payload_json(WRITTEN).len() - 1]);
        assert_eq!(read_at(&jws(r#"{"alg":"HS256"}"#, &no_exp, "s3cret"), "s3cret", now), None);
        let later = format!("{},\"nbf\":{}}}", &payload[..payload.len() - 1], iat + 10);
        assert_eq!(read_at(&jws(r#"{"alg":"HS256"}"#, &later, "s3cret"), "s3cret", now), None);
        for junk in ["", "a.b", "a.b.c.d", "...", &format!("{token}x")] {
            assert_eq!(read_at(junk, "s3cret", now), None, "{junk}");
        }
    }

    /// A JWE as `jose`'s `EncryptJWT` writes it for Better Auth, with `header` and a fixed IV.
    fn jwe(header: &Value, payload: &str, secret: &str) -> String {
        let key = JweKey::derive(secret);
        let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap_or_default());
        let iv = [7u8; 16];
        let (ciphertext, tag) =
            crate::jwt::cbc_hs512_encrypt(&key.0, &iv, header.as_bytes(), payload.as_bytes()).unwrap_or_default();
        format!(
            "{header}..{}.{}.{}",
            URL_SAFE_NO_PAD.encode(iv),
            URL_SAFE_NO_PAD.encode(ciphertext),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    fn jwe_payload(now: DateTime<Utc>) -> String {
        let payload = with_times(&payload_json(WRITTEN), now.timestamp(), now.timestamp() + 300);
        format!("{},\"jti\":\"6f1c8a52-0d7e-4b8e-9a51-3c2f4d5e6a7b\"}}", &payload[..payload.len() - 1])
    }

    #[test]
    fn jwe_picks_the_key_by_kid_among_all_secrets() -> Result<(), crate::better_auth::SecretsError> {
        let now = at(WRITTEN);
        let payload = jwe_payload(now);
        let rotated = Secrets::versioned([(2, "new".to_owned()), (1, "old".to_owned())])?.with_legacy("legacy")?;
        let read_with = |token: &str, secrets: &Secrets| read(token, CacheStrategy::Jwe, secrets, now);
        for secret in ["new", "old", "legacy"] {
            let header = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": JweKey::derive(secret).kid()});
            let token = jwe(&header, &payload, secret);
            let cached = read_with(&token, &rotated).unwrap_or_else(|| panic!("{secret} decrypts"));
            assert_eq!(cached.expires_at, at((now.timestamp() + 300) * 1000));
            // Only by its own key: a kid naming another secret's key is refused.
            let wrong = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": JweKey::derive("new").kid()});
            if secret != "new" {
                assert_eq!(read_with(&jwe(&wrong, &payload, secret), &rotated), None, "{secret}");
            }
        }
        // Without kid: the current secret's key, then each other one.
        let no_kid = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512"});
        assert!(read_with(&jwe(&no_kid, &payload, "old"), &rotated).is_some());
        assert_eq!(read_with(&jwe(&no_kid, &payload, "unknown"), &rotated), None);
        // A single secret decrypts only its own.
        let header = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": JweKey::derive("old").kid()});
        assert_eq!(read_with(&jwe(&header, &payload, "old"), &secrets("new")), None);
        // The kid is a SHA-256 thumbprint: 43 characters.
        assert_eq!(JweKey::derive("new").kid().len(), 43);
        assert!(!format!("{:?}", JweKey::derive("new")).contains(&BASE64URL.encode(JweKey::derive("new").0)));
        Ok(())
    }

    #[test]
    fn jwe_checks_times_with_fifteen_seconds_of_tolerance() {
        let now = at(WRITTEN);
        let header = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": JweKey::derive("s").kid()});
        let token = jwe(&header, &jwe_payload(now), "s");
        let exp = now.timestamp() + 300;
        let read_at = |t: DateTime<Utc>| read(&token, CacheStrategy::Jwe, &secrets("s"), t);
        // Decrypts until exp + 15 s; the cookie still expires at exp (`usable`).
        let late = read_at(at((exp + 14) * 1000)).unwrap_or_else(|| panic!("within the tolerance"));
        assert!(!late.usable("kuSyTokenTokenTokenTokenTokenToke", "1", at((exp + 14) * 1000)));
        assert_eq!(read_at(at((exp + 15) * 1000)), None);
    }

    #[test]
    fn jwe_refuses_a256gcm_as_jose_does() {
        use aes_gcm::aead::{Aead, KeyInit, Payload};
        let now = at(WRITTEN);
        let payload = jwe_payload(now);
        let key = JweKey::derive("s");
        for half in [&key.0[..32], &key.0[32..]] {
            let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"dir","enc":"A256GCM"}"#);
            let cipher = aes_gcm::Aes256Gcm::new_from_slice(half).unwrap_or_else(|_| unreachable!());
            let iv = [3u8; 12];
            let mut sealed = cipher
                .encrypt(&iv.into(), Payload { msg: payload.as_bytes(), aad: header.as_bytes() })
                .unwrap_or_default();
            let tag = sealed.split_off(sealed.len() - 16);
            let token = format!(
                "{header}..{}.{}.{}",
                URL_SAFE_NO_PAD.encode(iv),
                URL_SAFE_NO_PAD.encode(sealed),
                URL_SAFE_NO_PAD.encode(tag)
            );
            assert_eq!(read(&token, CacheStrategy::Jwe, &secrets("s"), now), None);
        }
    }

    #[test]
    fn jwe_refuses_tampering_and_other_headers() {
        let now = at(WRITTEN);
        let payload = jwe_payload(now);
        let kid = JweKey::derive("s").kid();
        let read_now = |token: &str| read(token, CacheStrategy::Jwe, &secrets("s"), now);
        let token = jwe(&serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": kid}), &payload, "s");
        assert!(read_now(&token).is_some());
        let parts: Vec<&str> = token.split('.').collect();
        for part in [0, 2, 3, 4] {
            let mut bytes = URL_SAFE_NO_PAD.decode(parts[part]).unwrap_or_default();
            bytes[0] ^= 1;
            let mut tampered = parts.clone();
            let replaced = URL_SAFE_NO_PAD.encode(&bytes);
            tampered[part] = &replaced;
            assert_eq!(read_now(&tampered.join(".")), None, "part {part}");
        }
        for header in [
            serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": kid, "zip": "DEF"}),
            serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": kid, "crit": ["exp"]}),
            serde_json::json!({"alg": "A256KW", "enc": "A256CBC-HS512", "kid": kid}),
            serde_json::json!({"alg": "dir", "enc": "A128CBC-HS256", "kid": kid}),
            serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": 1}),
        ] {
            assert_eq!(read_now(&jwe(&header, &payload, "s")), None, "{header}");
        }
        let with_key = format!("{}.AAAA.{}", parts[0], parts[2..].join("."));
        for junk in ["", "....", "a.b.c.d.e", &with_key, &token[..token.len() - 2], "é.é.é.é.é"] {
            assert_eq!(read_now(junk), None, "{junk}");
        }
        // A payload without the schema's fields.
        let header = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": kid});
        let exp = now.timestamp() + 300;
        for bad in
            [format!(r#"{{"exp":{exp}}}"#), format!(r#"{{"session":{{}},"user":{{}},"updatedAt":1,"exp":{exp}}}"#)]
        {
            assert_eq!(read_now(&jwe(&header, &bad, "s")), None, "{bad}");
        }
    }

    #[test]
    fn strategies_parse() {
        assert_eq!("compact".parse(), Ok(CacheStrategy::Compact));
        assert_eq!(" JWE".parse(), Ok(CacheStrategy::Jwe));
        assert_eq!("jwt".parse(), Ok(CacheStrategy::Jwt));
        assert_eq!("base64-hmac".parse(), Ok(CacheStrategy::Compact));
        assert_eq!("cookie".parse::<CacheStrategy>(), Err(UnknownStrategy));
        assert_eq!(
            CookieCache::default(),
            CookieCache { enabled: false, strategy: CacheStrategy::Compact, version: "1".into() }
        );
    }

    #[test]
    fn dates_are_iso_strings() {
        let ok = |s: &str| date(&Value::from(s));
        let expected =
            DateTime::parse_from_rfc3339("2026-12-02T16:54:16.760+00:00").map(|d| d.with_timezone(&Utc)).ok();
        assert_eq!(ok("2026-12-02T16:54:16.760Z"), expected);
        assert_eq!(ok("2026-12-02T16:54:16Z").map(|d| d.timestamp_subsec_millis()), Some(0));
        assert_eq!(ok("2026-12-02T16:54:16.7Z").map(|d| d.timestamp_subsec_millis()), Some(700));
        for bad in [
            "2026-12-02 16:54:16Z",
            "2026-12-02T16:54:16.760+00:00",
            "2026-12-02T16:54:16.Z",
            "2026-02-30T00:00:00Z",
            "",
            "Z",
        ] {
            assert_eq!(ok(bad), None, "{bad}");
        }
        assert_eq!(date(&Value::from(1_796_230_456_760_i64)), None);
    }
}
