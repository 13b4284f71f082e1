//! Better Auth's cookies: their names, the signed value of `session_token` and `dont_remember`, reading them from a
//! request and writing `Set-Cookie` headers as better-auth 1.7 (better-call 1.4) writes them.
//!
//! | cookie | name | value |
//! |---|---|---|
//! | session token | `better-auth.session_token` | `token.signature`, signed |
//! | cookie cache | `better-auth.session_data`, or its chunks `.0`, `.1`, … | see [`CookieCache`](super::CookieCache) |
//! | "remember me" off | `better-auth.dont_remember` | `true.signature`, signed |
//!
//! `better-auth` is the prefix (Better Auth's `advanced.cookiePrefix`). Over HTTPS every name takes the `__Secure-`
//! prefix, and then the unprefixed name is not read ([`CookieNames`]).
//!
//! A signed value is `value + "." + base64(HMAC-SHA256(secret, value))` (standard alphabet, padded: 44 characters
//! ending in `=`), percent-encoded as JavaScript's `encodeURIComponent` does in the `Set-Cookie` header. Reading
//! accepts it percent-encoded or raw, in double quotes or not ([`verify`]).
//!
//! `Set-Cookie` headers list the attributes in Better Auth's order, `Max-Age=<n>; Path=/; HttpOnly; SameSite=Lax`,
//! with `; Secure` before `SameSite` over HTTPS and `Domain` after `Max-Age` when one is configured; no `Expires`. An
//! expired cookie is `name=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax` ([`CookieChanges::set_cookie_headers`]).

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use cookie::{Cookie, SameSite};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

/// The prefix Better Auth gives every cookie name over HTTPS.
pub const SECURE_PREFIX: &str = "__Secure-";

/// Better Auth's default cookie prefix (`advanced.cookiePrefix`).
pub const DEFAULT_COOKIE_PREFIX: &str = "better-auth";

/// The most `session_data` chunks read (better-auth's `MAX_COOKIE_CHUNKS`): a cookie cache in more chunks, or with a
/// chunk index of 100 or more, is unusable.
pub const MAX_CHUNKS: usize = 100;

/// The longest `session_token` or `dont_remember` value read, in bytes: a longer one is no cookie, without computing
/// its HMAC. Better Auth's are 77 (a 32-character token, a dot, a 44-character signature).
pub const MAX_SIGNED_VALUE_LEN: usize = 1024;

/// The longest `session_data` value read, chunks joined, in bytes: [`MAX_CHUNKS`] cookies of 4096 bytes.
pub const MAX_SESSION_DATA_LEN: usize = MAX_CHUNKS * 4096;

/// The names of Better Auth's session cookies for one configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieNames {
    /// `<prefix>.session_token`: the signed session token.
    pub session_token: String,
    /// `<prefix>.session_data`: the cookie cache (or its chunks `<name>.0`, `<name>.1`, …).
    pub session_data: String,
    /// `<prefix>.dont_remember`: the signed `true` of a session signed in without "remember me".
    pub dont_remember: String,
}

impl CookieNames {
    /// The names with `prefix` (Better Auth's `advanced.cookiePrefix`, [`DEFAULT_COOKIE_PREFIX`] by default), each
    /// [`SECURE_PREFIX`]ed when `secure` (an `https://` base URL, or `advanced.useSecureCookies`).
    pub fn new(prefix: &str, secure: bool) -> Self {
        let secure = if secure { SECURE_PREFIX } else { "" };
        let name = |cookie: &str| format!("{secure}{prefix}.{cookie}");
        Self {
            session_token: name("session_token"),
            session_data: name("session_data"),
            dont_remember: name("dont_remember"),
        }
    }

    /// Whether `cookie` is one of these cookies (or a `session_data` chunk): what a response setting it overrides.
    pub fn contains(&self, cookie: &str) -> bool {
        cookie == self.session_token
            || cookie == self.dont_remember
            || cookie == self.session_data
            || chunk_index(&self.session_data, cookie).is_some()
    }
}

type HmacSha256 = Hmac<Sha256>;

/// Standard base64 as `atob` reads it: padding optional, the unused low bits of the last character ignored.
const ATOB: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Base64url as Better Auth reads it (no padding written, padding tolerated, unused bits ignored).
pub(crate) const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// HMAC-SHA256 keyed with `secret`'s UTF-8 bytes (HMAC takes keys of any length).
pub(crate) fn hmac_sha256(secret: &str) -> HmacSha256 {
    <HmacSha256 as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!())
}

/// `value` signed as Better Auth signs a cookie value: `value.base64(HMAC-SHA256(secret, value))`, before
/// percent-encoding (the `Set-Cookie` header percent-encodes it: [`encode_value`]).
pub fn sign(value: &str, secret: &str) -> String {
    let mut mac = hmac_sha256(secret);
    mac.update(value.as_bytes());
    format!("{value}.{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// The value a signed cookie value carries, if `secret` signed it, as better-call's `getSignedCookie` checks it:
/// surrounding double quotes dropped, split at the last `.` (the value before it not empty), the signature exactly
/// 44 characters ending in `=`, its HMAC-SHA256 over the value checked in constant time.
///
/// `cookie_value` is the value as it arrived, already percent-decoded ([`RequestCookies`] decodes; a raw value
/// decodes to itself). `None` for anything else, including a value over [`MAX_SIGNED_VALUE_LEN`] bytes; it never
/// panics.
pub fn verify<'a>(cookie_value: &'a str, secret: &str) -> Option<&'a str> {
    if cookie_value.len() > MAX_SIGNED_VALUE_LEN {
        return None;
    }
    let value = unquote(cookie_value);
    let dot = value.rfind('.').filter(|dot| *dot >= 1)?;
    let (signed, signature) = (&value[..dot], &value[dot + 1..]);
    if signature.len() != 44 || !signature.ends_with('=') {
        return None;
    }
    let signature = ATOB.decode(signature).ok()?;
    let mut mac = hmac_sha256(secret);
    mac.update(signed.as_bytes());
    mac.verify_slice(&signature).ok()?;
    Some(signed)
}

/// `value` without one pair of surrounding double quotes.
fn unquote(value: &str) -> &str {
    value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value)
}

/// What JavaScript's `encodeURIComponent` leaves as it is: ASCII letters and digits, `-_.!~*'()`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `value` percent-encoded as JavaScript's `encodeURIComponent` encodes it (UTF-8): how better-call writes cookie
/// values. `+` is `%2B`, `/` is `%2F`, `=` is `%3D`.
pub fn encode_value(value: &str) -> String {
    utf8_percent_encode(value, URI_COMPONENT).to_string()
}

/// The chunk index of cookie `cookie` of `name` (`name.0` → 0), if it is one: canonical decimal, as better-auth's
/// `parseCookieChunkIndex` takes it.
fn chunk_index(name: &str, cookie: &str) -> Option<usize> {
    let index = cookie.strip_prefix(name)?.strip_prefix('.')?;
    if index.is_empty() || index.len() > 12 || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (index == "0" || !index.starts_with('0')).then(|| index.parse().ok()).flatten()
}

/// A cookie read in chunks ([`RequestCookies::chunked`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chunked {
    /// Neither the cookie nor a chunk of it was sent (or only empty ones).
    Absent,
    /// The cookie's value, or its chunks joined in index order.
    Value(String),
    /// Chunks that cannot be joined: a gap, more than [`MAX_CHUNKS`], or more than [`MAX_SESSION_DATA_LEN`] bytes.
    Unusable,
}

/// The cookies of a request, as better-call reads them: the first cookie of a name wins, values percent-decoded
/// (parsed by the `cookie` crate, the one axum-extra's jar uses).
#[derive(Clone, Default)]
pub struct RequestCookies {
    cookies: Vec<(String, String)>,
}

impl std::fmt::Debug for RequestCookies {
    /// The names only: values are tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.cookies.iter().map(|(name, _)| name)).finish()
    }
}

impl RequestCookies {
    /// The cookies of `Cookie` header values (pairs separated by `;`). Pairs that do not parse are skipped.
    pub fn from_header_values<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut cookies: Vec<(String, String)> = Vec::new();
        for value in values {
            for cookie in Cookie::split_parse_encoded(value).flatten() {
                if !cookies.iter().any(|(name, _)| name == cookie.name()) {
                    cookies.push((cookie.name().to_owned(), cookie.value().to_owned()));
                }
            }
        }
        Self { cookies }
    }

    /// The value of cookie `name`, if sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(n, _)| n == name).map(|(_, value)| value.as_str())
    }

    /// Cookie `name`, or its chunks `name.0`, `name.1`, … joined in index order (better-auth's `getChunkedCookie`):
    /// the cookie itself when it is sent and not empty.
    pub fn chunked(&self, name: &str) -> Chunked {
        if let Some(value) = self.get(name).filter(|value| !value.is_empty()) {
            return if value.len() > MAX_SESSION_DATA_LEN {
                Chunked::Unusable
            } else {
                Chunked::Value(value.to_owned())
            };
        }
        let mut chunks: Vec<(usize, &str)> =
            self.cookies.iter().filter_map(|(n, value)| Some((chunk_index(name, n)?, value.as_str()))).collect();
        if chunks.is_empty() {
            return Chunked::Absent;
        }
        chunks.sort_unstable_by_key(|(index, _)| *index);
        let contiguous = chunks.iter().enumerate().all(|(i, (index, _))| i == *index);
        let total: usize = chunks.iter().map(|(_, value)| value.len()).sum();
        if chunks.len() > MAX_CHUNKS || !contiguous || total > MAX_SESSION_DATA_LEN {
            return Chunked::Unusable;
        }
        Chunked::Value(chunks.into_iter().map(|(_, value)| value).collect())
    }

    /// The names sent of cookie `name` and its chunks: what expiring it must expire.
    pub fn with_chunks<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.cookies.iter().map(|(n, _)| n.as_str()).filter(move |n| *n == name || chunk_index(name, n).is_some())
    }
}

/// The `Set-Cookie` changes a session operation decided (sign-in, sign-out, a refresh, an expired session), in the
/// order Better Auth sends them; a later cookie of a name replaces an earlier one, as Better Auth's `expireCookie`
/// does.
///
/// The Rust side writes `session_token` and `dont_remember`, and only expires `session_data`: the cookie cache is
/// written by Node ([`CookieCache`](super::CookieCache)). With the `axum` feature this is a response part
/// (`IntoResponseParts`); elsewhere send [`set_cookie_headers`](Self::set_cookie_headers).
#[derive(Clone, Default, PartialEq)]
pub struct CookieChanges {
    cookies: Vec<Cookie<'static>>,
}

impl std::fmt::Debug for CookieChanges {
    /// Names and whether each is an expiry: values are signed tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.cookies.iter().map(|cookie| {
                let expiry = cookie.max_age() == Some(time::Duration::ZERO);
                (cookie.name(), if expiry { "expired" } else { "set" })
            }))
            .finish()
    }
}

/// The attributes Better Auth gives every session cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attributes {
    pub(crate) secure: bool,
    pub(crate) domain: Option<String>,
}

impl CookieChanges {
    /// No change.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// The cookies, in order (values as set, not percent-encoded; an expiry has an empty value and `Max-Age=0`).
    pub fn cookies(&self) -> &[Cookie<'static>] {
        &self.cookies
    }

    /// The cookie named `name`, if set or expired here.
    pub fn get(&self, name: &str) -> Option<&Cookie<'static>> {
        self.cookies.iter().find(|cookie| cookie.name() == name)
    }

    /// The `Set-Cookie` header values, as better-call serializes them: `name=<encodeURIComponent(value)>`, then
    /// `Max-Age`, `Domain`, `Path`, `HttpOnly`, `Secure`, `SameSite`.
    pub fn set_cookie_headers(&self) -> Vec<String> {
        self.cookies.iter().map(set_cookie_header).collect()
    }

    /// Adds `cookie`, replacing an earlier one of the same name.
    pub(crate) fn push(&mut self, cookie: Cookie<'static>) {
        self.cookies.retain(|old| old.name() != cookie.name());
        self.cookies.push(cookie);
    }

    /// Sets cookie `name` to `value`, for `max_age` seconds (a browser-session cookie when `None`).
    pub(crate) fn set(&mut self, name: &str, value: String, max_age: Option<i64>, attributes: &Attributes) {
        let mut cookie = build(name.to_owned(), value, attributes);
        if let Some(seconds) = max_age {
            cookie.set_max_age(time::Duration::seconds(seconds.max(0)));
        }
        self.push(cookie);
    }

    /// Expires cookie `name` (`name=; Max-Age=0` with the cookie's attributes).
    pub(crate) fn expire(&mut self, name: &str, attributes: &Attributes) {
        self.set(name, String::new(), Some(0), attributes);
    }

    /// Expires cookie `name` and the chunks of it `cookies` holds (better-auth's session store `clean()`).
    pub(crate) fn expire_with_chunks(&mut self, cookies: &RequestCookies, name: &str, attributes: &Attributes) {
        self.expire(name, attributes);
        for chunk in cookies.with_chunks(name).filter(|n| *n != name) {
            self.expire(chunk, attributes);
        }
    }
}

/// A cookie with Better Auth's attributes: path `/`, HttpOnly, SameSite=Lax, Secure and Domain as configured.
fn build(name: String, value: String, attributes: &Attributes) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(attributes.secure)
        .build();
    if let Some(domain) = &attributes.domain {
        cookie.set_domain(domain.clone());
    }
    cookie
}

/// `cookie` as better-call's `serializeCookie` writes it (its `Expires` is never set here).
fn set_cookie_header(cookie: &Cookie<'static>) -> String {
    let mut header = format!("{}={}", cookie.name(), encode_value(cookie.value()));
    if let Some(max_age) = cookie.max_age() {
        header.push_str(&format!("; Max-Age={}", max_age.whole_seconds().max(0)));
    }
    if let Some(domain) = cookie.domain() {
        header.push_str(&format!("; Domain={domain}"));
    }
    if let Some(path) = cookie.path() {
        header.push_str(&format!("; Path={path}"));
    }
    if cookie.http_only() == Some(true) {
        header.push_str("; HttpOnly");
    }
    if cookie.secure() == Some(true) {
        header.push_str("; Secure");
    }
    if cookie.same_site() == Some(SameSite::Lax) {
        header.push_str("; SameSite=Lax");
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "better-auth-secret-12345678901234567890";

    /// A session token as Better Auth makes them (32 characters of `[A-Za-z0-9]`). Cookies Better Auth itself signed
    /// are checked in `node_vectors_verify`.
    const TOKEN: &str = "HqEab17MojcaxJWGLR9ru4QK4dCToWxP";

    fn cookies(header: &str) -> RequestCookies {
        RequestCookies::from_header_values([header])
    }

    #[test]
    fn signatures_are_better_auths() {
        let signed = sign(TOKEN, SECRET);
        let (token, signature) = signed.rsplit_once('.').unwrap_or_default();
        assert_eq!(token, TOKEN);
        assert_eq!(signature.len(), 44);
        assert!(signature.ends_with('='));
        // encodeURIComponent: `+` `/` `=` encoded, letters, digits and `.` kept.
        assert_eq!(encode_value("a.b+c/d=e"), "a.b%2Bc%2Fd%3De");
        assert_eq!(encode_value("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(encode_value("é ;,\"%"), "%C3%A9%20%3B%2C%22%25");
    }

    #[test]
    fn verification_table() {
        let signed = sign(TOKEN, SECRET);
        let name = "better-auth.session_token";
        let read =
            |header: String| cookies(&header).get(name).and_then(|value| verify(value, SECRET)).map(str::to_owned);
        let ok = Some(TOKEN.to_owned());
        // Percent-encoded (as Better Auth sends it), raw, quoted.
        assert_eq!(read(format!("{name}={}", encode_value(&signed))), ok);
        assert_eq!(read(format!("{name}={signed}")), ok);
        assert_eq!(read(format!("{name}=\"{}\"", encode_value(&signed))), ok);
        assert_eq!(read(format!("other=1; {name}={signed}; x=y")), ok);
        // base64url without padding: refused.
        let (_, signature) = signed.rsplit_once('.').unwrap_or_default();
        let url = signature.trim_end_matches('=').replace('+', "-").replace('/', "_");
        assert_eq!(read(format!("{name}={TOKEN}.{url}")), None);
        // Another secret, a flipped bit, a bare token, an empty token, an oversized value: refused.
        assert_eq!(read(format!("{name}={}", encode_value(&sign(TOKEN, "another secret")))), None);
        let mut mac = ATOB.decode(signature).unwrap_or_default();
        mac[5] ^= 0x10;
        let flipped = base64::engine::general_purpose::STANDARD.encode(&mac);
        assert_eq!(read(format!("{name}={}", encode_value(&format!("{TOKEN}.{flipped}")))), None);
        assert_eq!(read(format!("{name}={TOKEN}")), None);
        assert_eq!(read(format!("{name}={}", encode_value(&sign("", SECRET)))), None);
        let long = "a".repeat(MAX_SIGNED_VALUE_LEN);
        assert_eq!(read(format!("{name}={}", sign(&long, SECRET))), None);
        // The token may hold dots: the signature is after the last one.
        assert_eq!(read(format!("{name}={}", sign("a.b", SECRET))), Some("a.b".to_owned()));
        // Garbage never panics.
        for junk in [
            "",
            ".",
            "=",
            "\"",
            "\"\"",
            "a.",
            ".b",
            "a.====",
            "%",
            "%ZZ",
            "é.é",
            &format!("{TOKEN}.{}", "=".repeat(44)),
        ] {
            assert_eq!(verify(junk, SECRET), None, "{junk}");
            assert_eq!(read(format!("{name}={junk}")), None, "{junk}");
        }
        // Only the two unused bits of the last character may differ (atob ignores them): the same MAC.
        let last = signature.as_bytes()[42];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let position = alphabet.iter().position(|c| *c == last).unwrap_or_default();
        let sibling = char::from(alphabet[position ^ 1]);
        let same_mac = format!("{TOKEN}.{}{sibling}=", &signature[..42]);
        assert_eq!(verify(&same_mac, SECRET), Some(TOKEN));
        let other_mac = format!("{TOKEN}.{}{}=", &signature[..42], char::from(alphabet[position ^ 4]));
        assert_eq!(verify(&other_mac, SECRET), None);
    }

    #[test]
    fn names_follow_the_prefix_and_https() {
        let plain = CookieNames::new(DEFAULT_COOKIE_PREFIX, false);
        assert_eq!(plain.session_token, "better-auth.session_token");
        assert_eq!(plain.session_data, "better-auth.session_data");
        assert_eq!(plain.dont_remember, "better-auth.dont_remember");
        let secure = CookieNames::new("my-app", true);
        assert_eq!(secure.session_token, "__Secure-my-app.session_token");
        assert!(secure.contains("__Secure-my-app.session_data.3"));
        assert!(!secure.contains("my-app.session_token"));
        assert!(!secure.contains("__Secure-my-app.session_data.03"));
    }

    #[test]
    fn first_cookie_of_a_name_wins() {
        let read = cookies("a=1; a=2");
        assert_eq!(read.get("a"), Some("1"));
        let read = RequestCookies::from_header_values(["a=1", "a=2; b=3"]);
        assert_eq!((read.get("a"), read.get("b")), (Some("1"), Some("3")));
        assert!(!format!("{read:?}").contains('3'));
    }

    #[test]
    fn session_data_chunks_are_joined() {
        let name = "better-auth.session_data";
        assert_eq!(cookies(&format!("{name}.1=b; {name}.0=a")).chunked(name), Chunked::Value("ab".into()));
        assert_eq!(cookies(&format!("{name}=whole; {name}.0=a")).chunked(name), Chunked::Value("whole".into()));
        assert_eq!(cookies("x=1").chunked(name), Chunked::Absent);
        assert_eq!(cookies(&format!("{name}=")).chunked(name), Chunked::Absent);
        for bad in [
            format!("{name}.1=b"),
            format!("{name}.0=a; {name}.2=c"),
            (0..=MAX_CHUNKS).map(|i| format!("{name}.{i}=a")).collect::<Vec<_>>().join("; "),
            format!("{name}.0=a; {name}.{MAX_CHUNKS}=z"),
        ] {
            assert_eq!(cookies(&bad).chunked(name), Chunked::Unusable, "{bad:.80}");
        }
        // Not chunks: other names, non-canonical indexes.
        assert_eq!(cookies(&format!("{name}.01=a; {name}x=b; {name}.-1=c")).chunked(name), Chunked::Absent);
        let most = (0..MAX_CHUNKS).map(|i| format!("{name}.{i}=a")).collect::<Vec<_>>().join("; ");
        assert_eq!(cookies(&most).chunked(name), Chunked::Value("a".repeat(MAX_CHUNKS)));
        let mut names: Vec<_> = cookies(&format!("{name}=w; {name}.0=a; {name}.7=b; other=1"))
            .with_chunks(name)
            .map(str::to_owned)
            .collect();
        names.sort();
        assert_eq!(names, [name.to_owned(), format!("{name}.0"), format!("{name}.7")]);
    }

    #[test]
    fn set_cookie_headers_follow_better_auth() {
        let plain = Attributes { secure: false, domain: None };
        let mut changes = CookieChanges::new();
        changes.set("better-auth.session_token", "tok.ab+/c=".into(), Some(604_800), &plain);
        changes.set("better-auth.dont_remember", "true.x=".into(), None, &plain);
        changes.expire("better-auth.session_data", &plain);
        assert_eq!(
            changes.set_cookie_headers(),
            [
                "better-auth.session_token=tok.ab%2B%2Fc%3D; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax",
                "better-auth.dont_remember=true.x%3D; Path=/; HttpOnly; SameSite=Lax",
                "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            ]
        );
        let secure = Attributes { secure: true, domain: Some("example.com".into()) };
        let mut changes = CookieChanges::new();
        changes.set("__Secure-better-auth.session_token", "v".into(), Some(60), &secure);
        // A later cookie of the same name replaces the earlier one.
        changes.expire("__Secure-better-auth.session_token", &secure);
        assert_eq!(
            changes.set_cookie_headers(),
            [
                "__Secure-better-auth.session_token=; Max-Age=0; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax"
            ]
        );
        assert_eq!(format!("{changes:?}"), r#"[("__Secure-better-auth.session_token", "expired")]"#);
    }
}
