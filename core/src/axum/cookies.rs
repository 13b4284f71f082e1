//! Auth.js's cookie names (v5 and next-auth v4) and the chunking of large session cookies.
//!
//! | cookie | [`Conventions::AuthJsV5`] | [`Conventions::NextAuthV4`] |
//! |---|---|---|
//! | session | `authjs.session-token` | `next-auth.session-token` |
//! | session, secure | `__Secure-authjs.session-token` | `__Secure-next-auth.session-token` |
//! | CSRF | `authjs.csrf-token` | `next-auth.csrf-token` |
//! | CSRF, secure | `__Host-authjs.csrf-token` | `__Host-next-auth.csrf-token` |
//!
//! A session cookie value longer than a chunk (3936 characters in v5, 3933 in v4: 4096 minus Auth.js's estimate of
//! the cookie's attributes) is written as `NAME.0`, `NAME.1`, … and read back by joining the chunks in index order.
//! Writing a value expires the chunks (or the unchunked cookie) of the request it no longer uses; signing out expires
//! them all. [`read_session`] takes at most [`MAX_CHUNKS`] chunks: a request with more is signed out.

use std::str::FromStr;

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Utc};

use crate::jwt::{JwtFormat, MAX_TOKEN_LEN};

/// Which Auth.js generation's cookie names, chunk size and JWT format to use: the one of the Next.js app sharing the
/// sessions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conventions {
    /// Auth.js v5 (`@auth/core`, `next-auth@5`): `authjs.*` cookies.
    #[default]
    AuthJsV5,
    /// next-auth v4: `next-auth.*` cookies.
    NextAuthV4,
}

/// The most chunks [`read_session`] joins: enough for a JWT of [`MAX_TOKEN_LEN`] characters.
pub const MAX_CHUNKS: usize = MAX_TOKEN_LEN / 3933 + 1;

impl Conventions {
    /// The session cookie's name: `__Secure-` prefixed when `secure`.
    pub fn session_cookie(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Conventions::AuthJsV5, false) => "authjs.session-token",
            (Conventions::AuthJsV5, true) => "__Secure-authjs.session-token",
            (Conventions::NextAuthV4, false) => "next-auth.session-token",
            (Conventions::NextAuthV4, true) => "__Secure-next-auth.session-token",
        }
    }

    /// The CSRF cookie's name: `__Host-` prefixed when `secure`.
    pub fn csrf_cookie(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Conventions::AuthJsV5, false) => "authjs.csrf-token",
            (Conventions::AuthJsV5, true) => "__Host-authjs.csrf-token",
            (Conventions::NextAuthV4, false) => "next-auth.csrf-token",
            (Conventions::NextAuthV4, true) => "__Host-next-auth.csrf-token",
        }
    }

    /// The longest value of one session cookie chunk, in characters: 3936 (v5) or 3933 (v4).
    pub fn chunk_size(self) -> usize {
        match self {
            Conventions::AuthJsV5 => 4096 - 160,
            Conventions::NextAuthV4 => 4096 - 163,
        }
    }

    /// The session JWT format of this generation.
    pub fn jwt_format(self) -> JwtFormat {
        match self {
            Conventions::AuthJsV5 => JwtFormat::AuthJsV5,
            Conventions::NextAuthV4 => JwtFormat::NextAuthV4,
        }
    }

    /// The environment variables holding the secrets, as this generation reads them: v5 reads `AUTH_SECRET_3`,
    /// `AUTH_SECRET_2`, `AUTH_SECRET_1` then `AUTH_SECRET` (the first set one encrypts, all decrypt); v4 reads
    /// `NEXTAUTH_SECRET`, else `AUTH_SECRET`, one secret. Empty values are skipped.
    pub fn secrets_from(self, var: impl Fn(&str) -> Option<String>) -> Vec<String> {
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        match self {
            Conventions::AuthJsV5 => {
                ["AUTH_SECRET_3", "AUTH_SECRET_2", "AUTH_SECRET_1", "AUTH_SECRET"].into_iter().filter_map(set).collect()
            }
            Conventions::NextAuthV4 => set("NEXTAUTH_SECRET").or_else(|| set("AUTH_SECRET")).into_iter().collect(),
        }
    }
}

/// An unknown [`Conventions`] or [`SessionStrategy`](super::SessionStrategy) name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown setting: expected one of {expected}")]
pub struct UnknownSetting {
    /// The accepted names.
    pub expected: &'static str,
}

impl FromStr for Conventions {
    type Err = UnknownSetting;

    /// `authjs-v5` (also `v5`, `authjs`) or `next-auth-v4` (also `v4`, `next-auth`), case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "authjs-v5" | "authjs" | "v5" => Ok(Conventions::AuthJsV5),
            "next-auth-v4" | "next-auth" | "nextauth" | "v4" => Ok(Conventions::NextAuthV4),
            _ => Err(UnknownSetting { expected: "authjs-v5, next-auth-v4" }),
        }
    }
}

/// The chunk index of cookie `cookie` of session cookie `name` (`name.0` → 0), if it is one.
fn chunk_index(name: &str, cookie: &str) -> Option<usize> {
    let index = cookie.strip_prefix(name)?.strip_prefix('.')?;
    // Canonical decimal only: `name.01` is not chunk 1.
    (index == "0" || (!index.starts_with('0') && index.len() <= 4)).then(|| index.parse().ok()).flatten()
}

/// Whether cookie `cookie` belongs to session cookie `name`: `name` itself or one of its chunks.
pub fn is_session_cookie(name: &str, cookie: &str) -> bool {
    cookie == name || chunk_index(name, cookie).is_some()
}

/// The value of session cookie `name` in `jar`: the cookie itself when it is set, else its chunks `name.0`,
/// `name.1`, … joined. `None` when neither is set, when the chunks do not run from 0 without a gap, or when there
/// are more than [`MAX_CHUNKS`].
pub fn read_session(jar: &CookieJar, name: &str) -> Option<String> {
    if let Some(cookie) = jar.get(name).filter(|cookie| !cookie.value().is_empty()) {
        return Some(cookie.value().to_owned());
    }
    let mut chunks = Vec::new();
    for cookie in jar.iter() {
        if let Some(index) = chunk_index(name, cookie.name()) {
            if index >= MAX_CHUNKS || chunks.len() >= MAX_CHUNKS {
                return None;
            }
            chunks.push((index, cookie.value()));
        }
    }
    chunks.sort_unstable_by_key(|(index, _)| *index);
    if chunks.is_empty() || chunks.iter().enumerate().any(|(i, (index, value))| i != *index || value.is_empty()) {
        return None;
    }
    Some(chunks.into_iter().map(|(_, value)| value).collect())
}

/// Attributes of every session cookie: HttpOnly, SameSite=Lax, path `/`, Secure when `secure`.
fn attributes(name: String, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value)).http_only(true).same_site(SameSite::Lax).path("/").secure(secure).build()
}

/// The cookies writing `value` as session cookie `name`, expiring at `expires`: `name` alone when the value fits
/// in one chunk of `conventions`, else `name.0`, `name.1`, …; followed by removals of `jar`'s cookies of `name`
/// that are not rewritten (stale chunks).
pub fn session_cookies(
    jar: &CookieJar,
    conventions: Conventions,
    name: &str,
    value: &str,
    expires: DateTime<Utc>,
    secure: bool,
) -> Vec<Cookie<'static>> {
    let expires =
        ::time::OffsetDateTime::from_unix_timestamp(expires.timestamp()).unwrap_or(::time::OffsetDateTime::UNIX_EPOCH);
    let size = conventions.chunk_size();
    let mut cookies: Vec<Cookie<'static>> = if value.len() <= size {
        vec![attributes(name.to_owned(), value.to_owned(), secure)]
    } else {
        // Session values are ASCII (tokens, JWTs); a character boundary is kept anyway.
        let mut chunks = Vec::new();
        let mut rest = value;
        while !rest.is_empty() {
            let mut end = size.min(rest.len());
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            let (chunk, tail) = rest.split_at(end);
            chunks.push(attributes(format!("{name}.{}", chunks.len()), chunk.to_owned(), secure));
            rest = tail;
        }
        chunks
    };
    for cookie in &mut cookies {
        cookie.set_expires(expires);
    }
    let stale: Vec<Cookie<'static>> = jar
        .iter()
        .filter(|old| is_session_cookie(name, old.name()) && !cookies.iter().any(|new| new.name() == old.name()))
        .map(|old| removal(old.name().to_owned(), secure))
        .collect();
    cookies.extend(stale);
    cookies
}

/// A cookie expiring cookie `name` (empty value, `Max-Age=0`), with the attributes it was set with: browsers ignore
/// a removal of a `__Secure-` cookie that is not itself `Secure`.
fn removal(name: String, secure: bool) -> Cookie<'static> {
    let mut cookie = attributes(name, String::new(), secure);
    cookie.make_removal();
    cookie
}

/// The removals of every cookie of session cookie `name` that `jar` holds (the cookie and its chunks).
pub fn session_removals(jar: &CookieJar, name: &str, secure: bool) -> Vec<Cookie<'static>> {
    jar.iter()
        .filter(|cookie| is_session_cookie(name, cookie.name()))
        .map(|cookie| removal(cookie.name().to_owned(), secure))
        .collect()
}

/// `jar` with `cookies` added (removals included), to return with a response.
pub fn apply(jar: CookieJar, cookies: Vec<Cookie<'static>>) -> CookieJar {
    cookies.into_iter().fold(jar, CookieJar::add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::axum::http::{HeaderMap, HeaderValue, header};

    fn jar(cookies: &str) -> CookieJar {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(cookies) {
            headers.insert(header::COOKIE, value);
        }
        CookieJar::from_headers(&headers)
    }

    #[test]
    fn names_follow_each_generation() {
        assert_eq!(Conventions::default().session_cookie(false), "authjs.session-token");
        assert_eq!(Conventions::AuthJsV5.csrf_cookie(true), "__Host-authjs.csrf-token");
        assert_eq!(Conventions::NextAuthV4.session_cookie(true), "__Secure-next-auth.session-token");
        assert_eq!(Conventions::NextAuthV4.csrf_cookie(false), "next-auth.csrf-token");
        assert_eq!("next-auth-v4".parse(), Ok(Conventions::NextAuthV4));
        assert_eq!(" AuthJS-v5".parse(), Ok(Conventions::AuthJsV5));
        assert!("v3".parse::<Conventions>().is_err());
    }

    #[test]
    fn secrets_are_read_in_authjs_order() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
        };
        let vars = &[("AUTH_SECRET", "a"), ("AUTH_SECRET_1", "b"), ("AUTH_SECRET_3", "d"), ("AUTH_SECRET_2", "")];
        assert_eq!(Conventions::AuthJsV5.secrets_from(env(vars)), ["d", "b", "a"]);
        assert_eq!(Conventions::NextAuthV4.secrets_from(env(vars)), ["a"]);
        let v4 = &[("AUTH_SECRET", "a"), ("NEXTAUTH_SECRET", "n")];
        assert_eq!(Conventions::NextAuthV4.secrets_from(env(v4)), ["n"]);
    }

    #[test]
    fn chunks_are_written_and_read_back() {
        for conventions in [Conventions::AuthJsV5, Conventions::NextAuthV4] {
            let size = conventions.chunk_size();
            let name = conventions.session_cookie(true);
            let value: String = (0..size * 2 + 10).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            let expires = Utc::now();
            let cookies = session_cookies(&CookieJar::new(), conventions, name, &value, expires, true);
            let names: Vec<_> = cookies.iter().map(|c| c.name().to_owned()).collect();
            assert_eq!(names, [format!("{name}.0"), format!("{name}.1"), format!("{name}.2")]);
            assert!(cookies.iter().all(|c| c.value().len() <= size && c.secure() == Some(true)));
            assert!(cookies.iter().all(|c| c.http_only() == Some(true) && c.path() == Some("/")));
            let sent = cookies.iter().rev().map(|c| format!("{}={}", c.name(), c.value())).collect::<Vec<_>>();
            assert_eq!(read_session(&jar(&sent.join("; ")), name).as_deref(), Some(value.as_str()));
            // Exactly one chunk's worth stays one cookie.
            let fits = "x".repeat(size);
            assert_eq!(session_cookies(&CookieJar::new(), conventions, name, &fits, expires, true).len(), 1);
        }
    }

    #[test]
    fn stale_chunks_are_expired() {
        let name = "authjs.session-token";
        let before = jar(&format!("{name}.0=a; {name}.1=b; {name}.2=c; other=1"));
        let cookies = session_cookies(&before, Conventions::AuthJsV5, name, "small", Utc::now(), false);
        let set: Vec<_> = cookies.iter().map(|c| (c.name().to_owned(), c.value().to_owned())).collect();
        assert_eq!(set[0], (name.to_owned(), "small".to_owned()));
        let mut removed: Vec<_> = set[1..].iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        removed.sort_unstable();
        assert_eq!(
            removed,
            [("authjs.session-token.0", ""), ("authjs.session-token.1", ""), ("authjs.session-token.2", "")]
        );
        assert!(cookies[1..].iter().all(|c| c.max_age() == Some(::time::Duration::ZERO)));
        let mut gone: Vec<_> = session_removals(&before, name, false).iter().map(|c| c.name().to_owned()).collect();
        gone.sort_unstable();
        assert_eq!(gone, ["authjs.session-token.0", "authjs.session-token.1", "authjs.session-token.2"]);
    }

    #[test]
    fn hostile_chunks_are_no_session() {
        let name = "authjs.session-token";
        assert_eq!(read_session(&jar(&format!("{name}=v; {name}.0=a")), name).as_deref(), Some("v"));
        assert_eq!(read_session(&jar(&format!("{name}.0=a; {name}.1=b")), name).as_deref(), Some("ab"));
        for bad in [
            format!("{name}.1=b"),
            format!("{name}.0=a; {name}.2=c"),
            format!("{name}.0=a; {name}.1="),
            format!("{name}="),
            format!("{name}x=a"),
            format!("{name}.00=a"),
            format!("{name}.-1=a"),
            format!("{name}.99999999999999999999=a"),
            (0..50).map(|i| format!("{name}.{i}=a")).collect::<Vec<_>>().join("; "),
            format!("{name}.0=a; {name}.{MAX_CHUNKS}=z"),
        ] {
            assert_eq!(read_session(&jar(&bad), name), None, "{bad:.80}");
        }
        let most = (0..MAX_CHUNKS).map(|i| format!("{name}.{i}=a")).collect::<Vec<_>>().join("; ");
        assert_eq!(read_session(&jar(&most), name).map(|v| v.len()), Some(MAX_CHUNKS));
    }
}
