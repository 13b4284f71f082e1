//! CSRF protection for forms and scripts: a signed double-submit token, as Auth.js does it.
//!
//! A page with a form asks [`token`] for the token to put in a hidden [`FIELD`] (`csrf_token`). It is the token of the
//! request's CSRF cookie when that cookie is valid, or a new random one whose cookie [`token`] adds to the jar. The
//! cookie has the name and format of Auth.js's CSRF cookie: `authjs.csrf-token` (`__Host-authjs.csrf-token` when
//! [`AuthConfig::secure`]; `next-auth.csrf-token` with next-auth v4's [`AuthConfig::conventions`]), holding
//! `token|sha256_hex(token + secret)` with [`AuthConfig::hash_secret`]; it is HttpOnly, SameSite=Lax, path `/`, and
//! `Secure` when configured.
//!
//! The [`guard`] middleware lets requests with a safe method (GET, HEAD, OPTIONS, TRACE) through and answers any
//! other (POST, PUT, PATCH, DELETE, …) with 403 unless the cookie's hash checks out with the secret and the submitted
//! token equals the cookie's. The token is read from the [`HEADER`] header (`x-csrf-token`, for scripts) or from the
//! [`FIELD`] field of an `application/x-www-form-urlencoded` body, which is buffered (at most [`MAX_FORM_BODY`]
//! bytes, 413 beyond) and passed on unchanged. Another site can make a browser send the cookie, but can neither read
//! it nor, with the secret unknown, make a valid one of its own to go with a field it chose.
//!
//! [`check`] is the guard without the response, to answer a rejection with your own page; [`verify`] checks a token
//! read some other way (a JSON or multipart field).
//!
//! ```
//! use std::sync::Arc;
//!
//! use authjs_core::axum::{AuthConfig, csrf};
//! use axum::Router;
//! use axum::extract::State;
//! use axum::response::Html;
//! use axum::routing::get;
//! use axum_extra::extract::cookie::CookieJar;
//!
//! // GET /: a form carrying the token (and, on a first visit, the cookie).
//! async fn form(State(config): State<Arc<AuthConfig>>, jar: CookieJar) -> (CookieJar, Html<String>) {
//!     let (jar, token) = csrf::token(&config, jar);
//!     let field = csrf::FIELD; // the token is hexadecimal: nothing to escape
//!     let html = format!("<form method=\"post\"><input type=\"hidden\" name=\"{field}\" value=\"{token}\"></form>");
//!     (jar, Html(html))
//! }
//!
//! let config = Arc::new(AuthConfig::new("a long random secret")?);
//! let app: Router = Router::new()
//!     .route("/", get(form).post(|| async { "posted with the right token" }))
//!     .layer(axum::middleware::from_fn_with_state(Arc::clone(&config), csrf::guard))
//!     .with_state(Arc::clone(&config));
//!
//! // What the guard checks, for a token read some other way.
//! let (jar, token) = csrf::token(&config, CookieJar::new());
//! assert!(csrf::verify(&config, &jar, &token));
//! assert!(!csrf::verify(&config, &jar, "another token"));
//! # Ok::<(), authjs_core::jwt::SecretError>(())
//! ```

use std::sync::Arc;

use ::axum::body::{Body, to_bytes};
use ::axum::extract::{Request, State};
use ::axum::http::{StatusCode, header};
use ::axum::middleware::Next;
use ::axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use subtle::ConstantTimeEq;

use super::{AuthConfig, hash_token, random_token};

/// The form field holding the token.
pub const FIELD: &str = "csrf_token";
/// The request header that can hold the token instead of the form field (for scripts).
pub const HEADER: &str = "x-csrf-token";
/// The CSRF cookie's name over plain HTTP, as Auth.js v5 names it.
pub const COOKIE: &str = "authjs.csrf-token";
/// The CSRF cookie's name over HTTPS, as Auth.js v5 names it: browsers only accept a `__Host-` cookie from the host
/// itself, `Secure`, with path `/`, so a sibling subdomain cannot plant one.
pub const HOST_COOKIE: &str = "__Host-authjs.csrf-token";
/// The largest form body [`check`] buffers to read the [`FIELD`], in bytes.
pub const MAX_FORM_BODY: usize = 64 * 1024;

/// The CSRF cookie's name, per [`AuthConfig::conventions`]: v5's [`HOST_COOKIE`] when [`AuthConfig::secure`], else
/// [`COOKIE`]; next-auth v4's `__Host-next-auth.csrf-token` or `next-auth.csrf-token`.
pub fn cookie_name(config: &AuthConfig) -> &'static str {
    config.conventions.csrf_cookie(config.secure)
}

/// The token to put in a page's forms: the one of `jar`'s CSRF cookie when it is valid, otherwise a new random one
/// (64 hexadecimal characters), whose cookie is added to the returned jar. Return the jar with the response.
pub fn token(config: &AuthConfig, jar: CookieJar) -> (CookieJar, String) {
    if let Some(token) = cookie_token(config, &jar).map(str::to_owned) {
        return (jar, token);
    }
    let token = random_token();
    let value = format!("{token}|{}", hash_token(&token, &config.hash_secret()));
    let cookie = Cookie::build((cookie_name(config), value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(config.secure)
        .build();
    (jar.add(cookie), token)
}

/// Whether `submitted` is the token of `jar`'s CSRF cookie and that cookie was made with the secret. Compared in
/// constant time.
pub fn verify(config: &AuthConfig, jar: &CookieJar, submitted: &str) -> bool {
    cookie_token(config, jar).is_some_and(|token| same(token, submitted))
}

/// Why [`check`] refused a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// No valid token in the header or the form field: 403.
    Forbidden,
    /// A form body over [`MAX_FORM_BODY`] bytes (or one that could not be read): 413.
    FormTooLarge,
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Forbidden => (
                StatusCode::FORBIDDEN,
                "Forbidden: the CSRF token is missing or does not match. Reload the page and try again.",
            )
                .into_response(),
            Rejection::FormTooLarge => StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        }
    }
}

/// The [`guard`]'s decision: `request` when its method is safe or it carries a valid token, ready to be passed on
/// (a form body it read is put back), otherwise why not. Rejections are logged at `warn` level.
///
/// ```
/// use authjs_core::axum::{AuthConfig, csrf};
/// use axum::extract::{Request, State};
/// use axum::http::StatusCode;
/// use axum::middleware::Next;
/// use axum::response::{Html, IntoResponse, Response};
///
/// /// The guard with the app's own 403 page.
/// async fn guard(State(config): State<AuthConfig>, request: Request, next: Next) -> Response {
///     match csrf::check(&config, request).await {
///         Ok(request) => next.run(request).await,
///         Err(csrf::Rejection::Forbidden) => {
///             (StatusCode::FORBIDDEN, Html("<h1>Reload the page and try again</h1>")).into_response()
///         }
///         Err(rejection) => rejection.into_response(),
///     }
/// }
/// # let _: axum::Router = axum::Router::new()
/// #     .layer(axum::middleware::from_fn_with_state(AuthConfig::new("s")?, guard));
/// # Ok::<(), authjs_core::jwt::SecretError>(())
/// ```
pub async fn check(config: &AuthConfig, request: Request) -> Result<Request, Rejection> {
    if request.method().is_safe() {
        return Ok(request);
    }
    let jar = CookieJar::from_headers(request.headers());
    let header_token = request.headers().get(HEADER).and_then(|value| value.to_str().ok());
    if header_token.is_some_and(|submitted| verify(config, &jar, submitted)) {
        return Ok(request);
    }
    if !is_urlencoded_form(&request) {
        return Err(reject(&request));
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BODY).await else {
        let (method, path) = (&parts.method, parts.uri.path());
        tracing::warn!(%method, path, "refused a form body over the CSRF guard's limit");
        return Err(Rejection::FormTooLarge);
    };
    let valid = url::form_urlencoded::parse(&bytes)
        .find(|(key, _)| key == FIELD)
        .is_some_and(|(_, submitted)| verify(config, &jar, &submitted));
    let request = Request::from_parts(parts, Body::from(bytes));
    if valid { Ok(request) } else { Err(reject(&request)) }
}

/// Middleware answering 403 to any request with an unsafe method (POST, PUT, PATCH, DELETE, …) without a valid
/// token in the [`HEADER`] header or the [`FIELD`] form field: see [`check`]. Install it with
/// `axum::middleware::from_fn_with_state(Arc::new(config), csrf::guard)`, with the [`AuthConfig`] of your `Auth`
/// (`auth.config().clone()`).
pub async fn guard(State(config): State<Arc<AuthConfig>>, request: Request, next: Next) -> Response {
    match check(&config, request).await {
        Ok(request) => next.run(request).await,
        Err(rejection) => rejection.into_response(),
    }
}

/// The token of `jar`'s CSRF cookie, if the cookie is `token|sha256_hex(token + secret)` with a non-empty token.
fn cookie_token<'a>(config: &AuthConfig, jar: &'a CookieJar) -> Option<&'a str> {
    let (token, hash) = jar.get(cookie_name(config))?.value().split_once('|')?;
    (!token.is_empty() && same(hash, &hash_token(token, &config.hash_secret()))).then_some(token)
}

/// Whether `a` and `b` are equal, compared in time independent of their contents.
fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Whether the request's body is `application/x-www-form-urlencoded` (parameters and letter case aside).
fn is_urlencoded_form(request: &Request) -> bool {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    content_type
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

/// Logs a rejection.
fn reject(request: &Request) -> Rejection {
    let (method, path) = (request.method(), request.uri().path());
    tracing::warn!(%method, path, "refused a request without a valid CSRF token");
    Rejection::Forbidden
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use ::axum::http::{HeaderMap, HeaderValue, Method};

    use super::*;

    const SECRET: &str = "test secret";

    fn config(secure: bool) -> AuthConfig {
        let mut config = AuthConfig::new(SECRET).unwrap();
        config.secure = secure;
        config
    }

    /// The jar a browser sends back: `cookies` as `name=value` pairs in a `Cookie` header.
    fn sent(cookies: &[&str]) -> CookieJar {
        let mut headers = HeaderMap::new();
        for cookie in cookies {
            headers.append(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        }
        CookieJar::from_headers(&headers)
    }

    /// A fresh token and the `Cookie` header pair (`name=value`, encoded as in `Set-Cookie`) that carries it.
    fn issued(config: &AuthConfig) -> (String, String) {
        let (jar, token) = token(config, CookieJar::new());
        let cookie = jar.get(cookie_name(config)).expect("a new token sets the cookie");
        (token, cookie.stripped().encoded().to_string())
    }

    fn request(method: Method, cookie: &str, headers: &[(&str, &str)], body: &str) -> Request {
        let mut builder = Request::builder().method(method).uri("/form").header(header::COOKIE, cookie);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::from(body.to_owned())).unwrap()
    }

    const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

    #[test]
    fn valid_token_is_accepted() {
        let config = config(false);
        let (token, cookie) = issued(&config);
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        let jar = sent(&[&cookie]);
        assert!(verify(&config, &jar, &token));

        // The next page reuses the cookie's token and sets no new cookie.
        let (jar, again) = super::token(&config, jar);
        assert_eq!(again, token);
        assert_eq!(jar.iter().count(), 1);

        // A cookie made by Auth.js with the same secret (same format) is accepted too.
        let authjs = format!("{COOKIE}=abc%7C{}", hash_token("abc", SECRET));
        assert!(verify(&config, &sent(&[&authjs]), "abc"));
    }

    #[test]
    fn missing_forged_and_tampered_tokens_are_refused() {
        let config = config(false);
        let (token, cookie) = issued(&config);
        let jar = sent(&[&cookie]);

        // Missing: no cookie, or no token submitted.
        assert!(!verify(&config, &CookieJar::new(), &token));
        assert!(!verify(&config, &jar, ""));
        // Another visitor's token, a token of the wrong length, a prefix.
        let (other, _) = issued(&config);
        assert!(!verify(&config, &jar, &other));
        assert!(!verify(&config, &jar, &format!("{token}0")));
        assert!(!verify(&config, &jar, &token[..63]));

        // Forged: a cookie not hashed with the secret, or without a hash.
        for forged in [format!("{COOKIE}=abc|def"), format!("{COOKIE}=abc"), format!("{COOKIE}=abc|")] {
            assert!(!verify(&config, &sent(&[&forged]), "abc"), "{forged}");
        }
        let empty = format!("{COOKIE}=|{}", hash_token("", SECRET));
        assert!(!verify(&config, &sent(&[&empty]), ""), "an empty token is no token");

        // Made with another secret.
        let elsewhere = format!("{COOKIE}=abc|{}", hash_token("abc", "another secret"));
        assert!(!verify(&config, &sent(&[&elsewhere]), "abc"));
        let (foreign, foreign_cookie) = issued(&AuthConfig { secret: "another secret".into(), ..config.clone() });
        assert!(!verify(&config, &sent(&[&foreign_cookie]), &foreign));

        // Tampered: the token or the hash changed.
        let hash = hash_token(&token, SECRET);
        let tampered_token = format!("{COOKIE}={}|{hash}", other);
        assert!(!verify(&config, &sent(&[&tampered_token]), &other));
        let mut flipped = hash.clone().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        let tampered_hash = format!("{COOKIE}={token}|{}", String::from_utf8(flipped).unwrap());
        assert!(!verify(&config, &sent(&[&tampered_hash]), &token));
        assert!(!verify(&config, &sent(&[&format!("{COOKIE}={token}|{}", hash.to_uppercase())]), &token));

        // A page given an invalid cookie gets a new token and a new cookie.
        let (jar, fresh) = super::token(&config, sent(&[&tampered_token]));
        assert_ne!(fresh, other);
        assert!(verify(&config, &jar, &fresh));
    }

    #[test]
    fn host_cookie_name_when_secure() {
        let secure = config(true);
        assert_eq!(cookie_name(&secure), "__Host-authjs.csrf-token");
        let (jar, token) = token(&secure, CookieJar::new());
        let cookie = jar.get(HOST_COOKIE).unwrap();
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.path(), Some("/"));
        assert_eq!(cookie.domain(), None);
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        assert!(verify(&secure, &jar, &token));

        // Over HTTPS a valid cookie under the plain name (a sibling subdomain can plant one) is not read.
        let plain = config(false);
        let (plain_token, plain_cookie) = issued(&plain);
        assert_eq!(cookie_name(&plain), "authjs.csrf-token");
        assert!(plain_cookie.starts_with("authjs.csrf-token="));
        assert!(!verify(&secure, &sent(&[&plain_cookie]), &plain_token));
        assert_eq!(cookie_name(&AuthConfig::for_url(SECRET, "http://localhost:3000").unwrap()), COOKIE);
        assert_eq!(cookie_name(&AuthConfig::for_url(SECRET, "https://example.com").unwrap()), HOST_COOKIE);
    }

    #[test]
    fn next_auth_v4_names_and_rotated_secrets() {
        let v4 = AuthConfig { conventions: super::super::cookies::Conventions::NextAuthV4, ..config(false) };
        assert_eq!(cookie_name(&v4), "next-auth.csrf-token");
        assert_eq!(cookie_name(&AuthConfig { secure: true, ..v4.clone() }), "__Host-next-auth.csrf-token");
        let (token, cookie) = issued(&v4);
        assert!(cookie.starts_with("next-auth.csrf-token="));
        assert!(verify(&v4, &sent(&[&cookie]), &token));
        // A v5 cookie is not read under v4's conventions.
        let (v5_token, v5_cookie) = issued(&config(false));
        assert!(!verify(&v4, &sent(&[&v5_cookie]), &v5_token));

        // With a secret list, Auth.js hashes with the list as JavaScript stringifies it: joined by commas.
        let rotated = config(false).with_secrets([SECRET.to_owned(), "old".to_owned()]).unwrap();
        let joined = format!("{COOKIE}=abc|{}", hash_token("abc", &format!("{SECRET},old")));
        assert!(verify(&rotated, &sent(&[&joined]), "abc"));
        assert!(!verify(&rotated, &sent(&[&format!("{COOKIE}=abc|{}", hash_token("abc", SECRET))]), "abc"));
    }

    #[tokio::test]
    async fn guard_reads_the_header_or_the_form_field() {
        let config = config(false);
        let (token, cookie) = issued(&config);

        // Safe methods pass without a token.
        for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE] {
            assert!(check(&config, request(method, "", &[], "")).await.is_ok());
        }
        // Unsafe ones need it.
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::from_bytes(b"PURGE").unwrap()]
        {
            let refused = check(&config, request(method.clone(), &cookie, &[FORM], "email=a%40b.c")).await;
            assert_eq!(refused.err(), Some(Rejection::Forbidden), "{method}");
            let with_header = request(method.clone(), &cookie, &[(HEADER, &token)], "{}");
            assert!(check(&config, with_header).await.is_ok(), "{method}");
        }

        // The form field; the body is passed on unchanged.
        let body = format!("email=a%40b.c&{FIELD}={token}&x=%F0%9F%94%91");
        let form = [("Content-Type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8")];
        let passed = check(&config, request(Method::POST, &cookie, &form, &body)).await.unwrap();
        assert_eq!(to_bytes(passed.into_body(), usize::MAX).await.unwrap(), body.as_bytes());

        // A wrong header does not hide a right field; a field counts only in a form body.
        let headers = [FORM, (HEADER, "wrong")];
        assert!(check(&config, request(Method::POST, &cookie, &headers, &body)).await.is_ok());
        let json = [("content-type", "application/json")];
        let refused = check(&config, request(Method::POST, &cookie, &json, &body)).await;
        assert_eq!(refused.err(), Some(Rejection::Forbidden));
        let lookalike = [("content-type", "application/x-www-form-urlencodedx")];
        let refused = check(&config, request(Method::POST, &cookie, &lookalike, &body)).await;
        assert_eq!(refused.err(), Some(Rejection::Forbidden));

        // The right field without the cookie, another secret's cookie, or a wrong field.
        let refused = check(&config, request(Method::POST, "", &[FORM], &body)).await;
        assert_eq!(refused.err(), Some(Rejection::Forbidden));
        let other = AuthConfig { secret: "another secret".into(), ..config.clone() };
        let refused = check(&other, request(Method::POST, &cookie, &[FORM], &body)).await;
        assert_eq!(refused.err(), Some(Rejection::Forbidden));
        let wrong = format!("{FIELD}={}", "0".repeat(64));
        let refused = check(&config, request(Method::POST, &cookie, &[FORM], &wrong)).await;
        assert_eq!(refused.err(), Some(Rejection::Forbidden));
        assert_eq!(Rejection::Forbidden.into_response().status(), StatusCode::FORBIDDEN);

        // Forms are read up to MAX_FORM_BODY bytes; a header token needs no reading, whatever the size.
        let big = format!("{FIELD}={token}&pad={}", "x".repeat(MAX_FORM_BODY));
        let refused = check(&config, request(Method::POST, &cookie, &[FORM], &big)).await;
        assert_eq!(refused.err(), Some(Rejection::FormTooLarge));
        assert_eq!(Rejection::FormTooLarge.into_response().status(), StatusCode::PAYLOAD_TOO_LARGE);
        let upload = request(Method::POST, &cookie, &[FORM, (HEADER, &token)], &big);
        assert!(check(&config, upload).await.is_ok());
    }
}
