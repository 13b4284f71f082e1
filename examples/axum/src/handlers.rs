//! Pages, magic-link sign-in and sign-out.

use std::net::SocketAddr;
use std::time::Instant;

use authjs_sea_orm::Adapter;
use authjs_sea_orm::axum::{CurrentSession, MagicLink, MaybeSession, Session, csrf, normalize_email};
use authjs_sea_orm::entity::account;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::cookie::CookieJar;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::mail::MagicLinkEmail;
use crate::{AppState, BoxError, pages};

/// A handler failure: logged, answered with a generic 500 page.
#[derive(Debug)]
pub(crate) struct AppError(BoxError);

impl<E: Into<BoxError>> From<E> for AppError {
    fn from(err: E) -> Self {
        Self(err.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self.0, "request failed");
        pages::internal().into_response()
    }
}

/// Redirect to the error page for an Auth.js error code.
pub(crate) fn error_redirect(code: &str) -> Redirect {
    Redirect::to(&format!(
        "/auth/error?error={}",
        url::form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
    ))
}

/// `GET /`.
pub(crate) async fn home(
    State(state): State<AppState>,
    MaybeSession(current): MaybeSession,
    jar: CookieJar,
) -> (CookieJar, Html<String>) {
    let (jar, token) = csrf::token(&state.config.auth, jar);
    let page = pages::home(&state.config, current.as_ref().map(|c| &c.user), &token);
    (jar, page)
}

/// `GET /account`: signed out, redirects to `/`.
pub(crate) async fn account(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let Some(CurrentSession { session, user }) = current else {
        return Ok(Redirect::to("/").into_response());
    };
    let accounts = account::Entity::find()
        .filter(account::Column::UserId.eq(user.id.as_str()))
        .order_by_asc(account::Column::Provider)
        .order_by_asc(account::Column::ProviderAccountId)
        .all(state.adapter.connection())
        .await?;
    // A JWT session has no row: there is nothing to count, nor to end elsewhere.
    let active = match session {
        Session::Database(_) => {
            let now = chrono::Utc::now();
            let sessions = state.adapter.list_sessions_by_user_id(&user.id).await?;
            Some(sessions.iter().filter(|s| s.expires >= now).count())
        }
        _ => None,
    };
    let (jar, token) = csrf::token(&state.config.auth, jar);
    let page = pages::account(&state.config, &user, &accounts, active, session.expires(), &token);
    Ok((jar, page).into_response())
}

/// `GET /auth/session`: the session as Auth.js's `GET /auth/session` gives it to scripts, `{"user": {"name",
/// "email", "image"}, "expires"}` (ISO 8601 in UTC, milliseconds), or `null` when signed out; never cached. As in
/// Auth.js, the user part comes from the user row for a database session and from the token's claims (`name`,
/// `email`, `picture`) for a JWT session.
pub(crate) async fn session(MaybeSession(current): MaybeSession) -> Response {
    let body = current.map(|CurrentSession { session, user }| {
        let expires = session.expires().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let user = match session {
            Session::Jwt(claims) => SessionUser { name: claims.name, email: claims.email, image: claims.picture },
            _ => SessionUser { name: user.name, email: user.email, image: user.image },
        };
        SessionJson { user, expires }
    });
    let no_store =
        [(header::CACHE_CONTROL, "private, no-cache, no-store"), (header::EXPIRES, "0"), (header::PRAGMA, "no-cache")];
    (no_store, axum::Json(body)).into_response()
}

/// Auth.js's default session payload.
#[derive(Serialize)]
pub(crate) struct SessionJson {
    user: SessionUser,
    expires: String,
}

/// The user part of [`SessionJson`].
#[derive(Serialize)]
pub(crate) struct SessionUser {
    name: Option<String>,
    email: Option<String>,
    image: Option<String>,
}

/// The sign-in form.
#[derive(Deserialize)]
pub(crate) struct EmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /auth/signin/email`: stores a verification token and sends the link, within the [`crate::LinkLimit`]s
/// (over one: 429, nothing stored or sent). The per-IP limit needs the server's `ConnectInfo<SocketAddr>`.
pub(crate) async fn email_sign_in(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<EmailForm>,
) -> Result<Response, AppError> {
    // `normalize_email` refuses what is not an address: no single `@`, quotes, control characters, over 320 bytes.
    let Ok(email) = normalize_email(&form.email) else {
        return Ok(error_redirect("InvalidEmail").into_response());
    };
    let ip = client.map(|Extension(ConnectInfo(peer))| peer.ip());
    if let Err(wait) = state.limiter.check(&email, ip, Instant::now()) {
        tracing::info!(client = ?ip, "refused a magic link: over the limit");
        let mut response = pages::error(&state.config, "TooManyRequests").into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        return Ok(response);
    }
    let (identifier, token) = match state.auth.create_magic_link(&email).await {
        Ok(link) => link,
        // An address the database cannot store (longer than MySQL's `varchar(255)` identifier, say).
        Err(authjs_sea_orm::Error::InvalidInput(_)) => return Ok(error_redirect("InvalidEmail").into_response()),
        Err(err) => return Err(err.into()),
    };
    let mut url = state.config.url("/auth/callback/email");
    url.query_pairs_mut().append_pair("token", &token).append_pair("email", &identifier);
    let email = MagicLinkEmail {
        to: identifier,
        url: url.to_string(),
        app_name: state.config.app_name.clone(),
        host: state.config.base_url.host_str().unwrap_or_default().to_owned(),
    };
    if let Err(err) = state.mailer.send_magic_link(&email).await {
        tracing::error!(error = %err, to = %email.to, "sending the magic link failed");
        return Ok(error_redirect("EmailSignin").into_response());
    }
    Ok(Redirect::to("/auth/verify-request").into_response())
}

/// `GET /auth/verify-request`.
pub(crate) async fn verify_request(State(state): State<AppState>) -> Html<String> {
    pages::verify_request(&state.config)
}

/// The magic link's query.
#[derive(Deserialize)]
pub(crate) struct EmailCallback {
    token: Option<String>,
    email: Option<String>,
}

/// `GET /auth/callback/email`: uses up the token, signs the user in (creating them on first sign-in). A link
/// without a token or a valid address is answered 400 with the `Verification` error page.
pub(crate) async fn email_callback(
    State(state): State<AppState>,
    jar: CookieJar,
    query: Result<Query<EmailCallback>, QueryRejection>,
) -> Result<Response, AppError> {
    let link = query.ok().and_then(|Query(link)| {
        let token = link.token.filter(|token| !token.is_empty())?;
        Some((token, normalize_email(link.email.as_deref()?).ok()?))
    });
    let Some((token, email)) = link else {
        return Ok(pages::error(&state.config, "Verification").into_response());
    };
    match state.auth.verify_magic_link(&email, &token).await? {
        MagicLink::Verified(user) => {
            let (jar, _) = state.auth.sign_in(jar, &user.id).await?;
            tracing::info!(user = %user.id, "signed in with a magic link");
            Ok((jar, Redirect::to("/account")).into_response())
        }
        MagicLink::Invalid => Ok(error_redirect("Verification").into_response()),
        MagicLink::Expired => Ok(error_redirect("Expired").into_response()),
        // The address collides with a look-alike of another user's: nobody signs in.
        _ => Ok(error_redirect("AccessDenied").into_response()),
    }
}

/// `POST /auth/signout`: deletes this session and its cookie.
pub(crate) async fn sign_out(State(state): State<AppState>, jar: CookieJar) -> Result<(CookieJar, Redirect), AppError> {
    let (jar, _) = state.auth.sign_out(jar).await?;
    Ok((jar, Redirect::to("/")))
}

/// `POST /auth/signout-everywhere`: deletes every database session of the user (signed out: redirects to `/`). With
/// JWT sessions only this browser's cookie goes: JWTs elsewhere stay valid until they expire.
pub(crate) async fn sign_out_everywhere(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<(CookieJar, Redirect), AppError> {
    if let Some((current, _)) = state.auth.session(&jar).await? {
        let deleted = state.adapter.delete_sessions_by_user_id(&current.user.id).await?;
        tracing::info!(user = %current.user.id, sessions = deleted, "signed out everywhere");
    }
    let (jar, _) = state.auth.sign_out(jar).await?;
    Ok((jar, Redirect::to("/")))
}

/// The error page's query.
#[derive(Deserialize)]
pub(crate) struct ErrorQuery {
    error: Option<String>,
}

/// `GET /auth/error?error=…`.
pub(crate) async fn error_page(
    State(state): State<AppState>,
    Query(query): Query<ErrorQuery>,
) -> (StatusCode, Html<String>) {
    pages::error(&state.config, query.error.as_deref().unwrap_or("Default"))
}

/// 404.
pub(crate) async fn not_found(State(state): State<AppState>) -> (StatusCode, Html<String>) {
    pages::not_found(&state.config)
}

/// Middleware: the library's CSRF check on every request but `GET`, `HEAD`, `OPTIONS` and `TRACE`, answering a
/// missing or wrong token with the app's 403 page.
pub(crate) async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match csrf::check(&state.config.auth, request).await {
        Ok(request) => next.run(request).await,
        Err(csrf::Rejection::Forbidden) => pages::forbidden(&state.config).into_response(),
        Err(rejection) => rejection.into_response(),
    }
}
