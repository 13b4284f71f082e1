//! CSRF protection for every `POST`: a double-submit token, as Auth.js does it.
//!
//! Pages with a form put a random token in a hidden field (`csrf_token`) and in a cookie (`authjs.csrf-token`,
//! `__Host-authjs.csrf-token` over HTTPS) holding `token|sha256_hex(token + secret)`: the same format as Auth.js's
//! CSRF cookie. The [`guard`] middleware accepts a `POST` only when the cookie's hash checks out with the secret and
//! the submitted token (form field, or the `x-csrf-token` header) equals the cookie's; anything else is 403. Another
//! site can make a browser send the cookie, but cannot read it to fill in the field.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use authjs_sea_orm::axum::{hash_token, random_token};

use crate::AppState;
use crate::pages;

/// The form field holding the token.
pub const FIELD: &str = "csrf_token";
/// The header that can hold the token instead (for scripts).
pub const HEADER: &str = "x-csrf-token";
/// The largest form body the guard reads.
const MAX_BODY: usize = 64 * 1024;

/// The CSRF cookie's name.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-authjs.csrf-token" } else { "authjs.csrf-token" }
}

/// The token of a valid CSRF cookie value (`token|hash`).
fn token_of(value: &str, secret: &str) -> Option<String> {
    let (token, hash) = value.split_once('|')?;
    (!token.is_empty() && constant_time_eq(hash, &hash_token(token, secret))).then(|| token.to_owned())
}

/// The token to put in this page's forms: the one of the request's CSRF cookie, or a new one whose cookie is added
/// to the returned jar.
pub(crate) fn token(state: &AppState, jar: CookieJar) -> (CookieJar, String) {
    let config = &state.config.auth;
    let name = cookie_name(config.secure);
    if let Some(token) = jar.get(name).and_then(|cookie| token_of(cookie.value(), &config.secret)) {
        return (jar, token);
    }
    let token = random_token();
    let value = format!("{token}|{}", hash_token(&token, &config.secret));
    let cookie =
        Cookie::build((name, value)).http_only(true).same_site(SameSite::Lax).path("/").secure(config.secure).build();
    (jar.add(cookie), token)
}

/// Compares two strings in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware rejecting with 403 any request but `GET`, `HEAD` and `OPTIONS` whose CSRF token is missing or wrong.
pub(crate) async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let config = &state.config.auth;
    let jar = CookieJar::from_headers(request.headers());
    let expected = jar.get(cookie_name(config.secure)).and_then(|cookie| token_of(cookie.value(), &config.secret));
    let header_token = request.headers().get(HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));

    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let form_token = is_form
        .then(|| url::form_urlencoded::parse(&bytes).find(|(key, _)| key == FIELD).map(|(_, value)| value.into_owned()))
        .flatten();
    let submitted = form_token.or(header_token);
    match (expected, submitted) {
        (Some(expected), Some(submitted)) if constant_time_eq(&expected, &submitted) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => {
            tracing::warn!(path = %parts.uri.path(), "rejected a POST without a valid CSRF token");
            pages::forbidden(&state.config).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_value_needs_the_secret() {
        let value = format!("abc|{}", hash_token("abc", "secret"));
        assert_eq!(token_of(&value, "secret").as_deref(), Some("abc"));
        assert_eq!(token_of(&value, "other"), None);
        assert_eq!(token_of("abc|def", "secret"), None);
        assert_eq!(token_of("abc", "secret"), None);
        assert!(constant_time_eq("same", "same"));
        assert!(!constant_time_eq("same", "sane"));
        assert!(!constant_time_eq("same", "samey"));
    }
}
