//! CSRF protection for every `POST`, as `examples/axum` does it: a signed double-submit token.
//!
//! Pages with a form put a random token in a hidden field ([`FIELD`]) and in a cookie (`authjs.csrf-token`,
//! `__Host-authjs.csrf-token` over HTTPS) holding `token|sha256_hex(token + secret)`: the format of Auth.js's CSRF
//! cookie, with the secret of `settings.auth`. The [`guard`] middleware accepts a `POST` only when the cookie's hash
//! checks out with the secret and the submitted token (form field, or the [`HEADER`] header) equals the cookie's;
//! anything else is 403. Another site can make a browser send the cookie, but cannot read it to fill in the field.

use std::sync::Arc;

use authjs_sea_orm::axum::{hash_token, random_token};
use authjs_sea_orm_loco::AuthConfig;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use subtle::ConstantTimeEq;

use crate::controllers::{html_escape, page};

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

/// Whether two tokens are equal, compared in constant time.
fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// The token of a valid CSRF cookie value (`token|hash`).
fn token_of<'a>(value: &'a str, secret: &str) -> Option<&'a str> {
    let (token, hash) = value.split_once('|')?;
    (!token.is_empty() && same(hash, &hash_token(token, secret))).then_some(token)
}

/// The token of the request's CSRF cookie, if valid.
fn cookie_token(jar: &CookieJar, config: &AuthConfig) -> Option<String> {
    jar.get(cookie_name(config.secure)).and_then(|c| token_of(c.value(), &config.secret).map(str::to_owned))
}

/// The token to put in this page's forms: the one of the request's CSRF cookie, or a new one whose cookie is added
/// to the returned jar.
pub fn token(config: &AuthConfig, jar: CookieJar) -> (CookieJar, String) {
    if let Some(token) = cookie_token(&jar, config) {
        return (jar, token);
    }
    let token = random_token();
    let value = format!("{token}|{}", hash_token(&token, &config.secret));
    let cookie = Cookie::build((cookie_name(config.secure), value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(config.secure)
        .build();
    (jar.add(cookie), token)
}

/// The hidden form field carrying `token`.
pub fn hidden_field(token: &str) -> String {
    format!("<input type=\"hidden\" name=\"{FIELD}\" value=\"{}\">", html_escape(token))
}

/// Middleware rejecting with 403 any request but `GET`, `HEAD` and `OPTIONS` whose CSRF token is missing or wrong.
/// Installed on the whole router by `Hooks::after_routes`, with the session settings of the app's `Auth`.
pub async fn guard(State(config): State<Arc<AuthConfig>>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let expected = cookie_token(&CookieJar::from_headers(request.headers()), &config);
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
    match (expected, form_token.or(header_token)) {
        (Some(expected), Some(submitted)) if same(&expected, &submitted) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => {
            tracing::warn!(path = %parts.uri.path(), "rejected a POST without a valid CSRF token");
            let body = "<p>The form was missing its security token or it did not match. \
                        <a href=\"/\">Reload the page</a> and try again.</p>";
            (StatusCode::FORBIDDEN, Html(page("Forbidden", body))).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_value_needs_the_secret() {
        let value = format!("abc|{}", hash_token("abc", "secret"));
        assert_eq!(token_of(&value, "secret"), Some("abc"));
        assert_eq!(token_of(&value, "other"), None);
        assert_eq!(token_of("abc|def", "secret"), None);
        assert_eq!(token_of("abc", "secret"), None);
        assert_eq!(token_of(&format!("|{}", hash_token("", "secret")), "secret"), None);
    }
}
