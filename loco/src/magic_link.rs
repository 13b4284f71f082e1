//! Magic-link sign-in routes, mounted by [`AuthInitializer::with_magic_link_routes`](crate::AuthInitializer):
//!
//! | route | what it does |
//! |---|---|
//! | `GET /auth/sign-in` | the sign-in form (an e-mail field); signed in, who and a sign-out button |
//! | `POST /auth/sign-in` | stores a verification token and mails the link through Loco's mailer (`ctx.mailer`), within the limits per address and per client (429 over them) |
//! | `GET /auth/callback/email?token=..&email=..` | uses the token up, creates the user on first sign-in, starts a session (database or JWT, per `session_strategy`; the Auth.js cookie) and redirects to `settings.auth.after_sign_in` (`/`) |
//! | `POST /auth/sign-out` | ends the session, redirects to `settings.auth.after_sign_out` (`/`) |
//! | `GET /auth/session` | the signed-in user as JSON (`{"user": {"id", "name", "email", "image"}, "expires"}`), Loco's 401 when signed out |
//!
//! Every form carries a CSRF token and every `POST` needs it (403 without): the guard of
//! [`authjs_sea_orm::axum::csrf`] protects these routes, and only these (the app's JSON API is left alone). The
//! routes are merged into the app's router after Loco has layered its middleware there, so they get their own stack:
//! Loco's default middleware as `server.middlewares` configures it (logger, request id, payload limit, catch-panic,
//! secure headers, ...), except the static-assets and fallback ones, which belong to the app's router. Changes an app
//! makes in its own `Hooks::middlewares` do not reach them.
//!
//! An address is taken when Auth.js's normalization ([`normalize_email`]) and Loco's e-mail validator (the one of the
//! starter's `users` model) both accept it, so every user row the link creates passes the starter's validation; any
//! other input is the form again with a 400. The same page answers whether or not the address has an account.
//!
//! Sign-in links are limited ([`authjs_sea_orm::axum::limit`], the Axum example's limiter): by default 5 per address
//! and 20 per client (IP address, IPv6 per /64) in 15 minutes, set by `settings.auth`'s `sign_in_per_address`,
//! `sign_in_per_client` and `sign_in_window_secs` ([`AuthSettings`](crate::AuthSettings)). Over either, the answer is
//! the form again with a 429, a `Retry-After` and an error; no token is stored, no mail sent, and the request does not
//! count. The client is the address Loco's `remote_ip` middleware resolves when it is enabled (behind a reverse
//! proxy), else the TCP peer; the counts live in the process's memory, bounded.
//!
//! The pages are plain HTML; replace them (and the e-mail) with your own [`MagicLinkPages`] through
//! [`AuthInitializer::with_magic_link_pages`](crate::AuthInitializer::with_magic_link_pages).
//!
//! The link is `settings.auth.url` (else Loco's `server.host` and `server.port`, as Loco's own mailers build links)
//! followed by the callback path. It is sent with Loco's mailer as Loco's own mailers send: in the request with
//! `workers.mode: ForegroundBlocking`, in the background otherwise (the e-mail, with the link, then sits in the
//! queue of `BackgroundQueue` mode). Neither the link nor its token is logged.
//!
//! Nor is the link followed: Loco's `logger` middleware puts each request's URI in a span that every event of the
//! request carries (tower-http's at DEBUG, errors at ERROR), so these routes take the query out of the URI before
//! Loco's middleware sees it and hand it to the callback apart: their log lines show the path only, at every level,
//! errors included. A layer the app puts around its whole router (in `Hooks::after_routes`, or an initializer after
//! this one) still sees the full URI: log the path there, not the URI.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use authjs_sea_orm::SeaOrmAdapter;
use authjs_sea_orm::axum::limit::{Limiter, LinkLimit};
use authjs_sea_orm::axum::{Auth, CurrentSession, MagicLink, csrf, normalize_email};
use authjs_sea_orm::schema::Schema;
use axum::extract::{ConnectInfo, Extension, Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use loco_rs::Error;
use loco_rs::app::AppContext;
use loco_rs::controller::middleware::remote_ip::RemoteIP;
use loco_rs::mailer::{Email, Mailer};
use loco_rs::validator::ValidateEmail;
use serde::Deserialize;
use serde_json::json;

use crate::{MaybeSignedIn, SignedIn};

mod hidden_query;

use hidden_query::HiddenQuery;

/// The sign-in form (`GET`) and where it posts (`POST`).
pub const SIGN_IN_PATH: &str = "/auth/sign-in";
/// The magic link's path (Auth.js's e-mail provider callback).
pub const CALLBACK_PATH: &str = "/auth/callback/email";
/// Where the sign-out form posts.
pub const SIGN_OUT_PATH: &str = "/auth/sign-out";
/// The signed-in user as JSON.
pub const SESSION_PATH: &str = "/auth/session";

/// The sign-in form, for a signed-out visitor.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignInPage<'a> {
    /// Where the form posts ([`SIGN_IN_PATH`]).
    pub action: &'a str,
    /// The hidden CSRF field to put in the form (HTML, escaped).
    pub csrf_field: &'a str,
    /// What was wrong with the address submitted (the page then has status 400, or 429 over the limits on sign-in
    /// links); `None` on a first visit.
    pub error: Option<&'a str>,
    /// The address submitted, to fill the field in again (raw text: escape it).
    pub email: &'a str,
}

/// The sign-in page of a signed-in visitor.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignedInPage<'a> {
    /// The user's e-mail address (raw text: escape it).
    pub email: Option<&'a str>,
    /// The user's display name (raw text: escape it).
    pub name: Option<&'a str>,
    /// Where a sign-out form posts ([`SIGN_OUT_PATH`]).
    pub sign_out_action: &'a str,
    /// The hidden CSRF field to put in that form (HTML, escaped).
    pub csrf_field: &'a str,
}

/// The magic-link e-mail to write.
#[derive(Debug)]
#[non_exhaustive]
pub struct LinkEmail<'a> {
    /// The (normalized) address it goes to.
    pub to: &'a str,
    /// The link (a secret: put it in the e-mail only).
    pub url: &'a str,
    /// The host part of the link (`example.com`, `localhost:5150`), to tell the reader which site it is for.
    pub host: &'a str,
}

/// The subject and bodies of an e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// The pages of the magic-link routes and the e-mail. Every method has a plain default; implement the ones to replace
/// and pass the value to [`AuthInitializer::with_magic_link_pages`](crate::AuthInitializer::with_magic_link_pages).
/// Each page method returns a whole HTML document. Escape what you put in it with [`html_escape`].
///
/// ```
/// use authjs_sea_orm_loco::magic_link::{MagicLinkPages, SignInPage, html_escape};
///
/// struct MyPages;
///
/// impl MagicLinkPages for MyPages {
///     fn sign_in(&self, page: &SignInPage<'_>) -> String {
///         let error = page.error.map(|e| format!("<p class=\"error\">{}</p>", html_escape(e))).unwrap_or_default();
///         format!(
///             "<!doctype html><title>Welcome</title>{error}<form method=\"post\" action=\"{}\">{}\
///              <input type=\"email\" name=\"email\" value=\"{}\" required><button>Send</button></form>",
///             page.action,
///             page.csrf_field,
///             html_escape(page.email),
///         )
///     }
/// }
/// ```
pub trait MagicLinkPages: Send + Sync + 'static {
    /// `GET /auth/sign-in` signed out, and the form again (status 400) after an address that cannot be used.
    fn sign_in(&self, page: &SignInPage<'_>) -> String {
        let error = page.error.map(|e| format!("<p role=\"alert\">{}</p>", html_escape(e))).unwrap_or_default();
        let body = format!(
            "{error}<form method=\"post\" action=\"{}\">{}<label>E-mail address \
             <input type=\"email\" name=\"email\" value=\"{}\" autocomplete=\"email\" required autofocus></label> \
             <button type=\"submit\">Send me a sign-in link</button></form>",
            html_escape(page.action),
            page.csrf_field,
            html_escape(page.email),
        );
        document("Sign in", &body)
    }

    /// `GET /auth/sign-in` signed in.
    fn signed_in(&self, page: &SignedInPage<'_>) -> String {
        let who = page.email.or(page.name).unwrap_or("a user");
        let body = format!(
            "<p>Signed in as {}.</p><form method=\"post\" action=\"{}\">{}\
             <button type=\"submit\">Sign out</button></form>",
            html_escape(who),
            html_escape(page.sign_out_action),
            page.csrf_field,
        );
        document("Signed in", &body)
    }

    /// The answer to the form: a link is on its way to `email`.
    fn link_sent(&self, email: &str) -> String {
        let body =
            format!("<p>A sign-in link was sent to {}. Open it in this browser to sign in.</p>", html_escape(email));
        document("Check your e-mail", &body)
    }

    /// A link that was never issued, was tampered with or was already used (status 400).
    fn link_invalid(&self) -> String {
        let body = format!(
            "<p>This sign-in link is invalid or was already used. <a href=\"{SIGN_IN_PATH}\">Ask for a new one</a>.</p>"
        );
        document("Invalid link", &body)
    }

    /// A link that expired (status 400).
    fn link_expired(&self) -> String {
        let body = format!("<p>This sign-in link has expired. <a href=\"{SIGN_IN_PATH}\">Ask for a new one</a>.</p>");
        document("Link expired", &body)
    }

    /// The e-mail carrying the link (Auth.js's wording).
    fn email(&self, email: &LinkEmail<'_>) -> Message {
        let (url, host) = (html_escape(email.url), html_escape(email.host));
        Message {
            subject: format!("Sign in to {}", email.host),
            text: format!(
                "Sign in to {}\n{}\n\nIf you did not request this e-mail you can safely ignore it.\n",
                email.host, email.url
            ),
            html: format!(
                "<p>Sign in to <strong>{host}</strong></p><p><a href=\"{url}\">Sign in</a></p>\
                 <p>If you did not request this e-mail you can safely ignore it.</p>"
            ),
        }
    }
}

/// The plain pages of [`MagicLinkPages`]' defaults.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultPages;

impl MagicLinkPages for DefaultPages {}

/// `s` escaped for HTML text and attribute values (the adapter's, for custom [`MagicLinkPages`]).
pub use authjs_sea_orm::axum::html_escape;

/// A whole page titled `title` around `body` (HTML).
fn document(title: &str, body: &str) -> String {
    let title = html_escape(title);
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>"
    )
}

/// The hidden field carrying the CSRF `token`.
fn csrf_field(token: &str) -> String {
    format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", csrf::FIELD, html_escape(token))
}

/// Whether `email` (already normalized) is an address the Loco starter's `users` validator accepts.
pub fn loco_accepts_email(email: &str) -> bool {
    email.validate_email()
}

/// Where links point and redirects go.
#[derive(Clone, Debug)]
pub(crate) struct Links {
    /// The app's URL, without a trailing slash.
    pub(crate) base_url: String,
    /// The `From` of the e-mail (`None`: Loco's mailer default).
    pub(crate) email_from: Option<String>,
    /// Where a completed sign-in goes.
    pub(crate) after_sign_in: String,
    /// Where sign-out goes.
    pub(crate) after_sign_out: String,
    /// The limits on `POST /auth/sign-in`.
    pub(crate) limit: LinkLimit,
}

/// What the handlers share (a request extension: the router's state is Loco's `AppContext`, as the extractors
/// [`SignedIn`] and [`MaybeSignedIn`] want).
struct Shared<T: Schema> {
    auth: Auth<SeaOrmAdapter<T>>,
    pages: Arc<dyn MagicLinkPages>,
    links: Links,
    /// Counts sign-in links against `links.limit`.
    limiter: Limiter,
}

type Routes<T> = Extension<Arc<Shared<T>>>;

/// Sends magic links with Loco's mailer (its default `From` unless `settings.auth.email_from` is set).
struct MagicLinkMailer;

impl Mailer for MagicLinkMailer {}

/// The magic-link routes, with the CSRF guard and Loco's configured default middleware (static assets and fallback
/// aside), ready to merge into the app's router.
pub(crate) fn router<T: Schema>(
    ctx: &AppContext,
    auth: Auth<SeaOrmAdapter<T>>,
    pages: Arc<dyn MagicLinkPages>,
    links: Links,
) -> loco_rs::Result<axum::Router> {
    let guard = axum::middleware::from_fn_with_state(Arc::new(auth.config().clone()), csrf::guard);
    let limiter = Limiter::new(links.limit);
    let shared = Arc::new(Shared { auth, pages, links, limiter });
    let mut router: axum::Router<AppContext> = axum::Router::new()
        .route(SIGN_IN_PATH, get(sign_in_form::<T>).post(send_link::<T>))
        .route(CALLBACK_PATH, get(callback::<T>))
        .route(SIGN_OUT_PATH, post(sign_out::<T>))
        .route(SESSION_PATH, get(session::<T>))
        .layer(guard)
        .layer(Extension(shared));
    for middleware in loco_rs::controller::middleware::default_middleware_stack(ctx) {
        if middleware.is_enabled() && !matches!(middleware.name(), "static" | "fallback") {
            router = middleware.apply(router)?;
        }
    }
    // Outermost, so that Loco's logger never sees a link's query.
    router = router.layer(axum::middleware::from_fn(hidden_query::hide));
    Ok(router.with_state(ctx.clone()))
}

fn html(status: StatusCode, jar: CookieJar, page: String) -> Response {
    (status, jar, Html(page)).into_response()
}

/// The sign-in form with its CSRF token (a new cookie in the jar on a first visit).
fn sign_in_page<T: Schema>(
    routes: &Shared<T>,
    jar: CookieJar,
    status: StatusCode,
    error: Option<&str>,
    email: &str,
) -> Response {
    let (jar, token) = csrf::token(routes.auth.config(), jar);
    let field = csrf_field(&token);
    let page = SignInPage { action: SIGN_IN_PATH, csrf_field: &field, error, email };
    html(status, jar, routes.pages.sign_in(&page))
}

async fn sign_in_form<T: Schema>(
    Extension(routes): Routes<T>,
    MaybeSignedIn(current): MaybeSignedIn<SeaOrmAdapter<T>>,
    jar: CookieJar,
) -> Response {
    let Some(current) = current else {
        return sign_in_page(&routes, jar, StatusCode::OK, None, "");
    };
    let (jar, token) = csrf::token(routes.auth.config(), jar);
    let field = csrf_field(&token);
    let page = SignedInPage {
        email: current.user.email.as_deref(),
        name: current.user.name.as_deref(),
        sign_out_action: SIGN_OUT_PATH,
        csrf_field: &field,
    };
    html(StatusCode::OK, jar, routes.pages.signed_in(&page))
}

/// The sign-in form's fields (the CSRF field is the guard's).
#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
}

/// The longest address echoed back into the form.
const MAX_ECHOED_EMAIL: usize = 320;

/// The client's IP address: the one Loco's `remote_ip` middleware resolved, if enabled, else the TCP peer's (when the
/// server provides `ConnectInfo`, as `cargo loco start` does).
fn client_ip(remote: RemoteIP, peer: Option<Extension<ConnectInfo<SocketAddr>>>) -> Option<IpAddr> {
    match remote {
        RemoteIP::Forwarded(ip) | RemoteIP::Socket(ip) => Some(ip),
        RemoteIP::None => peer.map(|Extension(ConnectInfo(peer))| peer.ip()),
    }
}

async fn send_link<T: Schema>(
    State(ctx): State<AppContext>,
    Extension(routes): Routes<T>,
    remote: RemoteIP,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> loco_rs::Result<Response> {
    let echoed = if form.email.len() <= MAX_ECHOED_EMAIL { form.email.trim() } else { "" };
    let refuse = |jar: CookieJar, error: &str| -> loco_rs::Result<Response> {
        Ok(sign_in_page(&routes, jar, StatusCode::BAD_REQUEST, Some(error), echoed))
    };
    let Ok(email) = normalize_email(&form.email) else {
        return refuse(jar, "That is not an e-mail address.");
    };
    if !loco_accepts_email(&email) {
        return refuse(jar, "That address cannot be used to sign in here.");
    }
    let ip = client_ip(remote, peer);
    if let Err(wait) = routes.limiter.check(&email, ip, Instant::now()) {
        tracing::info!(client = ?ip, "refused a sign-in link: over the limit");
        let error = "Too many sign-in links were asked for. Try again later.";
        let mut response = sign_in_page(&routes, jar, StatusCode::TOO_MANY_REQUESTS, Some(error), echoed);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        return Ok(response);
    }
    let (email, token) = match routes.auth.create_magic_link(&email).await {
        Ok(link) => link,
        Err(authjs_sea_orm::Error::InvalidInput(_)) => {
            return refuse(jar, "That address cannot be used to sign in here.");
        }
        Err(err) => return Err(Error::wrap(err)),
    };
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", &token)
        .append_pair("email", &email)
        .finish();
    let link = format!("{}{CALLBACK_PATH}?{query}", routes.links.base_url);
    let message = routes.pages.email(&LinkEmail { to: &email, url: &link, host: &host(&routes.links.base_url) });
    let mail = Email {
        from: routes.links.email_from.clone(),
        to: email.clone(),
        subject: message.subject,
        text: message.text,
        html: message.html,
        ..Email::default()
    };
    MagicLinkMailer::mail(&ctx, &mail).await?;
    Ok(html(StatusCode::OK, jar, routes.pages.link_sent(&email)))
}

/// The host (and port, if any) of `url`; `url` itself if it has none.
fn host(url: &str) -> String {
    let parsed = url::Url::parse(url).ok();
    let host = parsed.as_ref().and_then(|url| Some((url.host_str()?, url.port())));
    match host {
        Some((host, Some(port))) => format!("{host}:{port}"),
        Some((host, None)) => host.to_owned(),
        None => url.to_owned(),
    }
}

/// The `token` and `email` of a magic link's query (the first of each), if it has both.
fn link_query(query: Option<&str>) -> Option<(String, String)> {
    let (mut token, mut email) = (None, None);
    for (key, value) in url::form_urlencoded::parse(query?.as_bytes()) {
        match &*key {
            "token" if token.is_none() => token = Some(value.into_owned()),
            "email" if email.is_none() => email = Some(value.into_owned()),
            _ => {}
        }
    }
    token.zip(email)
}

async fn callback<T: Schema>(
    Extension(routes): Routes<T>,
    jar: CookieJar,
    Extension(HiddenQuery(query)): Extension<HiddenQuery>,
) -> loco_rs::Result<Response> {
    let Some((token, email)) = link_query(query.as_deref()) else {
        return Ok(html(StatusCode::BAD_REQUEST, jar, routes.pages.link_invalid()));
    };
    let user = match routes.auth.verify_magic_link(&email, &token).await.map_err(Error::wrap)? {
        MagicLink::Verified(user) => user,
        MagicLink::Expired => return Ok(html(StatusCode::BAD_REQUEST, jar, routes.pages.link_expired())),
        // Invalid, or the address of a look-alike of another user's: nobody signs in.
        _ => return Ok(html(StatusCode::BAD_REQUEST, jar, routes.pages.link_invalid())),
    };
    let (jar, _session) = routes.auth.sign_in(jar, &user.id).await.map_err(Error::wrap)?;
    Ok((jar, Redirect::to(&routes.links.after_sign_in)).into_response())
}

async fn sign_out<T: Schema>(Extension(routes): Routes<T>, jar: CookieJar) -> loco_rs::Result<Response> {
    let (jar, _ended) = routes.auth.sign_out(jar).await.map_err(Error::wrap)?;
    Ok((jar, Redirect::to(&routes.links.after_sign_out)).into_response())
}

async fn session<T: Schema>(SignedIn(current): SignedIn<SeaOrmAdapter<T>>) -> Response {
    let CurrentSession { session, user } = current;
    let body = json!({
        "user": { "id": user.id, "name": user.name, "email": user.email, "image": user.image },
        "expires": session.expires().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    });
    axum::Json(body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pages_escape_what_they_show() {
        let pages = DefaultPages;
        let form = pages.sign_in(&SignInPage {
            action: SIGN_IN_PATH,
            csrf_field: &csrf_field("abc"),
            error: Some("<bad>"),
            email: "\"><script>",
        });
        assert!(form.contains("name=\"csrf_token\" value=\"abc\""), "{form}");
        assert!(form.contains("&lt;bad&gt;") && form.contains("&quot;&gt;&lt;script&gt;"), "{form}");
        assert!(!form.contains("<script>"), "{form}");
        let sent = pages.link_sent("<b>@example.com");
        assert!(sent.contains("&lt;b&gt;@example.com"), "{sent}");
        let mail = pages.email(&LinkEmail { to: "a@b.c", url: "http://x/?a=1&b=2", host: "x" });
        assert_eq!(mail.subject, "Sign in to x");
        assert!(mail.text.contains("http://x/?a=1&b=2"));
        assert!(mail.html.contains("http://x/?a=1&amp;b=2"));
    }

    #[test]
    fn links_are_read_leniently() {
        let pair = |t: &str, e: &str| Some((t.to_owned(), e.to_owned()));
        assert_eq!(link_query(Some("token=abc&email=a%40b.c")), pair("abc", "a@b.c"));
        assert_eq!(link_query(Some("email=a%40b.c&token=abc&token=evil")), pair("abc", "a@b.c"));
        assert_eq!(link_query(Some("token=%FF&email=%E0")), pair("\u{fffd}", "\u{fffd}"));
        assert_eq!(link_query(Some("token=abc")), None);
        assert_eq!(link_query(None), None);
        assert_eq!(host("http://localhost:5150"), "localhost:5150");
        assert_eq!(host("https://example.com"), "example.com");
        assert_eq!(host("not a url"), "not a url");
    }

    #[test]
    fn sign_in_limits_come_from_the_settings() {
        let defaults = crate::AuthSettings::default().link_limit();
        assert_eq!(defaults, LinkLimit::default());
        assert_eq!((defaults.per_address, defaults.per_ip, defaults.window.as_secs()), (5, 20, 900));
        let settings: crate::AuthSettings = serde_json::from_value(json!({
            "sign_in_per_address": 1, "sign_in_per_client": 3, "sign_in_window_secs": 60,
        }))
        .expect("valid settings");
        let limit = settings.link_limit();
        assert_eq!((limit.per_address, limit.per_ip, limit.window.as_secs()), (1, 3, 60));
        assert!(format!("{settings:?}").contains("sign_in_per_client: Some(3)"));
    }

    #[test]
    fn the_client_is_the_resolved_remote_ip_else_the_peer() {
        let peer = || Some(Extension(ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 4000)))));
        let forwarded = IpAddr::from([198, 51, 100, 7]);
        assert_eq!(client_ip(RemoteIP::Forwarded(forwarded), peer()), Some(forwarded));
        assert_eq!(client_ip(RemoteIP::None, peer()), Some(IpAddr::from([192, 0, 2, 1])));
        assert_eq!(client_ip(RemoteIP::None, None), None);
    }

    #[test]
    fn loco_validator_decides_addresses() {
        assert!(loco_accepts_email("b@example.com"));
        assert!(!loco_accepts_email("josé@example.com"), "the starter's validator refuses a non-ASCII local part");
        assert!(!loco_accepts_email("a b@example.com"));
    }
}
