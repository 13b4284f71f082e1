//! Axum integration of the Better Auth sessions (features `better-auth` and `axum`), in the shape of the Auth.js
//! one ([`crate::axum`]).
//!
//! Put a [`BetterAuth`] in the router state (or make it reachable with `FromRef`). Handlers take [`CurrentSession`]
//! (rejects with 401 when signed out) or [`MaybeSession`]; the session is resolved once per request
//! ([`BetterAuth::resolve`]) and shared by every extractor of that request (a guard layer and the handler, say).
//! Add the [`refresh_session_cookies`] middleware so that the cookies the resolution decided (a refreshed session
//! cookie; the expiry of the cookies of an ended or unknown session) are sent; without it the session is still
//! refreshed in the store, but the browser's cookie keeps its old `Max-Age`.
//!
//! Signing in and out returns the cookie changes ([`CookieChanges`], a response part):
//!
//! ```
//! use authjs_core::better_auth::axum::CurrentSession;
//! use authjs_core::better_auth::BetterAuth;
//! use axum::extract::State;
//! use axum::http::{HeaderMap, StatusCode};
//! use axum::response::IntoResponse;
//!
//! /// Signs in a user whose credentials the app checked itself.
//! async fn sign_in(State(auth): State<BetterAuth>, headers: HeaderMap) -> Result<impl IntoResponse, StatusCode> {
//!     let user_id = "a-user-id"; // from the app's own check
//!     let (_session, cookies) = auth
//!         .sign_in_with_headers(&headers, user_id, true)
//!         .await
//!         .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
//!     Ok((cookies, "signed in"))
//! }
//!
//! async fn sign_out(State(auth): State<BetterAuth>, headers: HeaderMap) -> Result<impl IntoResponse, StatusCode> {
//!     let (_deleted, cookies) =
//!         auth.sign_out_with_headers(&headers).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
//!     Ok((cookies, "signed out"))
//! }
//! ```

use std::convert::Infallible;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use ::axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts, Request};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use ::axum::middleware::Next;
use ::axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use chrono::Utc;
use cookie::Cookie;

pub use super::CurrentSession;
use super::cookies::{CookieChanges, CookieNames, RequestCookies};
use super::{BetterAuth, ClientInfo, Resolution, Session};
use crate::{Error, Result};

impl RequestCookies {
    /// The cookies of a request's `Cookie` headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self::from_header_values(headers.get_all(header::COOKIE).iter().filter_map(|value| value.to_str().ok()))
    }
}

impl ClientInfo {
    /// The client of a request with `headers` (`X-Forwarded-For` read only when `trust_forwarded_for`):
    /// [`ClientInfo::from_headers`].
    pub fn from_header_map(headers: &HeaderMap, trust_forwarded_for: bool) -> Self {
        let value = |name: header::HeaderName| headers.get(name).and_then(|value| value.to_str().ok());
        Self::from_headers(
            value(header::HeaderName::from_static("x-forwarded-for")),
            value(header::USER_AGENT),
            trust_forwarded_for,
        )
    }
}

impl IntoResponseParts for CookieChanges {
    type Error = Infallible;

    /// Appends one `Set-Cookie` header per cookie ([`CookieChanges::set_cookie_headers`]).
    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        for value in self.set_cookie_headers() {
            if let Ok(value) = HeaderValue::from_str(&value) {
                res.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        Ok(res)
    }
}

impl IntoResponse for CookieChanges {
    /// An empty 200 response with the `Set-Cookie` headers.
    fn into_response(self) -> Response {
        (self, ()).into_response()
    }
}

impl BetterAuth {
    /// The client of a request with `headers`, by [`BetterAuthConfig::trust_forwarded_for`](super::BetterAuthConfig).
    pub fn client_info(&self, headers: &HeaderMap) -> ClientInfo {
        ClientInfo::from_header_map(headers, self.config().trust_forwarded_for)
    }

    /// [`BetterAuth::sign_in`] for a request with `headers`, now.
    ///
    /// # Errors
    /// As [`BetterAuth::sign_in`].
    pub async fn sign_in_with_headers(
        &self,
        headers: &HeaderMap,
        user_id: &str,
        remember: bool,
    ) -> Result<(Session, CookieChanges)> {
        self.sign_in(&RequestCookies::from_headers(headers), user_id, remember, self.client_info(headers), Utc::now())
            .await
    }

    /// [`BetterAuth::sign_out`] for a request with `headers`.
    ///
    /// # Errors
    /// As [`BetterAuth::sign_out`].
    pub async fn sign_out_with_headers(&self, headers: &HeaderMap) -> Result<(bool, CookieChanges)> {
        self.sign_out(&RequestCookies::from_headers(headers)).await
    }

    /// [`BetterAuth::sign_out_everywhere`] for a request with `headers`.
    ///
    /// # Errors
    /// As [`BetterAuth::sign_out_everywhere`].
    pub async fn sign_out_everywhere_with_headers(
        &self,
        headers: &HeaderMap,
        user_id: &str,
    ) -> Result<(u64, CookieChanges)> {
        self.sign_out_everywhere(&RequestCookies::from_headers(headers), user_id).await
    }
}

/// Where an extractor leaves the cookies a resolution decided, for [`refresh_session_cookies`] to send.
#[derive(Clone, Default)]
struct CookieSlot(Arc<Mutex<Option<(CookieNames, CookieChanges)>>>);

/// Middleware that sends the cookies the extractors' resolution decided during the request (a refreshed
/// `session_token`; the expiry of the cookies of an expired, unknown or unusable session), unless the handler set one
/// of the session cookies itself (it signed in or out). Install it with
/// `axum::middleware::from_fn(refresh_session_cookies)`.
pub async fn refresh_session_cookies(mut request: Request, next: Next) -> Response {
    let slot = CookieSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let pending = slot.0.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some((names, changes)) = pending {
        let handler_set_one = response.headers().get_all(header::SET_COOKIE).iter().any(|value| {
            value
                .to_str()
                .ok()
                .and_then(|value| Cookie::parse_encoded(value).ok())
                .is_some_and(|set| names.contains(set.name()))
        });
        if !handler_set_one {
            for value in changes.set_cookie_headers() {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
        }
    }
    response
}

/// Why [`CurrentSession`] rejected a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum BetterAuthRejection {
    /// Not signed in (no valid cookie, an unknown or expired session): 401.
    Unauthorized,
    /// The store could not be read (the database is down, say): 500 (the error is logged, not sent). Bad cookies are
    /// never this: they are [`BetterAuthRejection::Unauthorized`].
    Internal(Error),
}

impl IntoResponse for BetterAuthRejection {
    fn into_response(self) -> Response {
        match self {
            BetterAuthRejection::Unauthorized => (StatusCode::UNAUTHORIZED, "sign in required").into_response(),
            BetterAuthRejection::Internal(err) => {
                tracing::error!(error = %err, "reading the Better Auth session failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// The current session if the request is signed in.
#[derive(Clone, PartialEq, Eq)]
pub struct MaybeSession(pub Option<CurrentSession>);

impl fmt::Debug for MaybeSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MaybeSession").field(&self.0).finish()
    }
}

/// The session a request resolved to, kept in its extensions by the first extractor that read it: one resolution
/// (at most one store read and one refresh) per request.
#[derive(Clone)]
struct Resolved(Option<CurrentSession>);

/// The request's session: the one an earlier extractor resolved, else resolved now (and kept for the next one). An
/// error is not kept: a later extractor tries again.
async fn resolve(parts: &mut Parts, auth: &BetterAuth) -> Result<Option<CurrentSession>> {
    if let Some(Resolved(resolved)) = parts.extensions.get::<Resolved>() {
        return Ok(resolved.clone());
    }
    let cookies = RequestCookies::from_headers(&parts.headers);
    let Resolution { session, cookies: changes } = auth.resolve(&cookies, Utc::now()).await?;
    if !changes.is_empty()
        && let Some(slot) = parts.extensions.get::<CookieSlot>()
    {
        *slot.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((auth.config().cookie_names(), changes));
    }
    parts.extensions.insert(Resolved(session.clone()));
    Ok(session)
}

impl<S> FromRequestParts<S> for CurrentSession
where
    BetterAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = BetterAuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match resolve(parts, &BetterAuth::from_ref(state)).await {
            Ok(Some(current)) => Ok(current),
            Ok(None) => Err(BetterAuthRejection::Unauthorized),
            Err(err) => Err(BetterAuthRejection::Internal(err)),
        }
    }
}

impl<S> OptionalFromRequestParts<S> for CurrentSession
where
    BetterAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = BetterAuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Self::Rejection> {
        resolve(parts, &BetterAuth::from_ref(state)).await.map_err(BetterAuthRejection::Internal)
    }
}

impl<S> FromRequestParts<S> for MaybeSession
where
    BetterAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = BetterAuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        resolve(parts, &BetterAuth::from_ref(state)).await.map(MaybeSession).map_err(BetterAuthRejection::Internal)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    use ::axum::Router;
    use ::axum::body::{Body, to_bytes};
    use ::axum::extract::State;
    use ::axum::routing::{get, post};
    use chrono::Duration;
    use tower::ServiceExt;

    use super::*;
    use crate::better_auth::cookies;
    use crate::better_auth::tests::{MemoryStore, SECRET, config, session, user};

    async fn me(current: CurrentSession, MaybeSession(maybe): MaybeSession, again: Option<CurrentSession>) -> String {
        assert_eq!(Some(&current), maybe.as_ref());
        assert_eq!(Some(&current), again.as_ref());
        current.user.email
    }

    async fn maybe(MaybeSession(maybe): MaybeSession) -> String {
        maybe.map(|current| current.user.email).unwrap_or_default()
    }

    async fn sign_in(
        State(auth): State<BetterAuth>,
        headers: HeaderMap,
    ) -> std::result::Result<CookieChanges, StatusCode> {
        let (_, cookies) =
            auth.sign_in_with_headers(&headers, "u1", true).await.map_err(|_| StatusCode::BAD_REQUEST)?;
        Ok(cookies)
    }

    async fn sign_out(State(auth): State<BetterAuth>, _current: CurrentSession, headers: HeaderMap) -> Response {
        match auth.sign_out_with_headers(&headers).await {
            Ok((_, cookies)) => (cookies, "bye").into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }

    fn app(store: Arc<MemoryStore>, with_middleware: bool) -> Router {
        let router = Router::new()
            .route("/me", get(me))
            .route("/maybe", get(maybe))
            .route("/sign-in", post(sign_in))
            .route("/sign-out", post(sign_out));
        let router =
            if with_middleware { router.layer(::axum::middleware::from_fn(refresh_session_cookies)) } else { router };
        router.with_state(BetterAuth::from_shared(store, config()))
    }

    async fn call(app: Router, method: &str, uri: &str, cookie: Option<String>) -> (StatusCode, Vec<String>, String) {
        let mut request = ::axum::http::Request::builder().method(method).uri(uri).header(header::USER_AGENT, "tests");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request.body(Body::empty()).unwrap_or_default();
        let response = app.oneshot(request).await.unwrap_or_else(|never| match never {});
        let status = response.status();
        let set: Vec<String> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let body = to_bytes(response.into_body(), 1 << 16).await.unwrap_or_default();
        (status, set, String::from_utf8_lossy(&body).into_owned())
    }

    fn token_header(token: &str) -> String {
        format!("better-auth.session_token={}", cookies::encode_value(&cookies::sign(token, SECRET)))
    }

    /// A session of `user()` due for a refresh now.
    fn due(token: &str) -> crate::better_auth::Session {
        session(token, Utc::now() - Duration::days(2))
    }

    #[tokio::test]
    async fn extractors_resolve_once_per_request() {
        let store = Arc::new(MemoryStore::with(vec![user()], vec![due("t")]));
        let (status, set, body) = call(app(store.clone(), true), "GET", "/me", Some(token_header("t"))).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ada@example.com"));
        // One read and one refresh for three extractors.
        assert_eq!(store.calls.load(Ordering::SeqCst), 2);
        let value = cookies::encode_value(&cookies::sign("t", SECRET));
        assert_eq!(set, [format!("better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax")]);
        // Not due any more: one read, nothing sent.
        let (status, set, _) = call(app(store.clone(), true), "GET", "/me", Some(token_header("t"))).await;
        assert_eq!((status, set.len()), (StatusCode::OK, 0));
        assert_eq!(store.calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn middleware_sends_the_cookies_the_resolution_decided() {
        let store = Arc::new(MemoryStore::with(vec![user()], vec![due("t")]));
        // An unknown token: 401, and the three cookies expired.
        let (status, set, _) = call(app(store.clone(), true), "GET", "/me", Some(token_header("unknown"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            set,
            [
                "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
                "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
                "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            ]
        );
        // MaybeSession: 200 signed out, the same cookies.
        let (status, set, body) = call(app(store.clone(), true), "GET", "/maybe", Some(token_header("unknown"))).await;
        assert_eq!((status, set.len(), body.as_str()), (StatusCode::OK, 3, ""));
        // Bad signatures and no cookie: 401, nothing sent.
        for cookie in [None, Some("better-auth.session_token=junk".to_owned()), Some(format!("{}x", token_header("t")))]
        {
            let (status, set, _) = call(app(store.clone(), true), "GET", "/me", cookie.clone()).await;
            assert_eq!((status, set.len()), (StatusCode::UNAUTHORIZED, 0), "{cookie:?}");
        }
        // Without the middleware the session is refreshed in the store, no cookie is sent.
        let (status, set, _) = call(app(store.clone(), false), "GET", "/me", Some(token_header("t"))).await;
        assert_eq!((status, set.len()), (StatusCode::OK, 0));
        let (status, set, _) = call(app(store.clone(), true), "GET", "/me", Some(token_header("t"))).await;
        assert_eq!((status, set.len()), (StatusCode::OK, 0), "already refreshed");
    }

    #[tokio::test]
    async fn handler_cookies_win_over_the_pending_ones() {
        let store = Arc::new(MemoryStore::with(vec![user()], vec![due("t")]));
        // The extractor refreshes (a pending session cookie), the handler signs out: only the sign-out's cookies.
        let (status, set, _) = call(app(store.clone(), true), "POST", "/sign-out", Some(token_header("t"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(set.len(), 3);
        assert!(set.iter().all(|c| c.contains("=; Max-Age=0;")), "{set:?}");
        // Signing in from Rust: the cookie it sets resolves.
        let (status, set, _) = call(app(store.clone(), true), "POST", "/sign-in", None).await;
        assert_eq!(status, StatusCode::OK);
        let pair = set.first().and_then(|c| c.split(';').next()).unwrap_or_default().to_owned();
        assert!(pair.starts_with("better-auth.session_token="), "{set:?}");
        let (status, _, body) = call(app(store.clone(), true), "GET", "/me", Some(pair)).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ada@example.com"));
    }

    #[tokio::test]
    async fn a_store_failure_is_500_bad_input_never() {
        let store = Arc::new(MemoryStore::with(vec![user()], vec![due("t")]));
        store.down.store(true, Ordering::SeqCst);
        let (status, _, _) = call(app(store.clone(), true), "GET", "/me", Some(token_header("t"))).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let (status, _, _) = call(app(store.clone(), true), "GET", "/maybe", Some(token_header("t"))).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let huge = format!("better-auth.session_token={}", "A".repeat(100_000));
        for cookie in ["better-auth.session_token=%ZZ%", "better-auth.session_token=\"", huge.as_str(), "=;;=;"] {
            let (status, _, _) = call(app(store.clone(), true), "GET", "/maybe", Some(cookie.to_owned())).await;
            assert_eq!(status, StatusCode::OK, "{cookie:.40}");
        }
    }

    #[test]
    fn client_info_reads_the_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(header::USER_AGENT, HeaderValue::from_static("Firefox"));
        headers.insert("x-forwarded-for", HeaderValue::from_static("198.51.100.7"));
        let auth = BetterAuth::new(MemoryStore::default(), config());
        assert_eq!(auth.client_info(&headers), ClientInfo { ip_address: String::new(), user_agent: "Firefox".into() });
        assert_eq!(ClientInfo::from_header_map(&headers, true).ip_address, "198.51.100.7");
    }
}
