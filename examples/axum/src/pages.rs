//! The HTML pages: plain forms, no JavaScript, one style sheet (`/style.css`); and the security headers of every
//! response.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};

use authjs_sea_orm::AdapterUser;
use authjs_sea_orm::axum::csrf;
use authjs_sea_orm::entity::account;

use crate::Config;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;\
color:#222;line-height:1.5}h1{font-size:1.5rem}form{margin:.75rem 0}input[type=email]{padding:.5rem;width:100%;\
box-sizing:border-box;margin-bottom:.5rem}button{padding:.5rem 1rem;cursor:pointer;border:1px solid #888;\
border-radius:4px;background:#f4f4f4}a.button{display:inline-block;margin:.75rem 0;\
text-decoration:none;color:inherit;padding:.5rem 1rem;border:1px solid #888;border-radius:4px}\
.primary,a.button.primary{background:#24292f;color:#fff;border-color:#24292f}\
.card{border:1px solid #ddd;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}.muted{color:#666}\
.error{border-color:#c33;background:#fff5f5}table{border-collapse:collapse}td,th{padding:.25rem .75rem .25rem 0;\
text-align:left}.row{display:flex;gap:.5rem;flex-wrap:wrap}";

/// `GET /style.css`: the pages' style sheet (a file of its own, so the CSP needs no inline styles).
pub(crate) async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLE)
}

/// The `Content-Security-Policy` of every response: nothing loads but the style sheet, forms post only to this app
/// (and to GitHub's authorization endpoint when configured, since browsers apply `form-action` to the redirect
/// after a form's `POST`), no page may be framed.
pub(crate) fn content_security_policy(config: &Config) -> HeaderValue {
    const POLICY: &str = "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'; \
                          form-action 'self'";
    let github = config.github.as_ref().map(|gh| gh.authorize_url.origin().ascii_serialization());
    match github {
        Some(origin) => HeaderValue::try_from(format!("{POLICY} {origin}")),
        None => HeaderValue::try_from(POLICY),
    }
    .unwrap_or_else(|_| HeaderValue::from_static(POLICY))
}

/// Middleware adding the security headers to every response: the CSP (`frame-ancestors 'none'`), its older
/// counterpart `X-Frame-Options: DENY` against clickjacking, `X-Content-Type-Options: nosniff`, and
/// `Referrer-Policy: no-referrer` (magic links carry their token in the URL).
pub(crate) async fn security_headers(State(csp): State<HeaderValue>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// Escapes text for HTML content and attribute values.
pub(crate) use authjs_sea_orm::axum::html_escape as escape;

fn layout(config: &Config, title: &str, body: &str) -> Html<String> {
    layout_named(&config.app_name, title, body)
}

fn layout_named(app_name: &str, title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · {app}</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\
         <body><p class=\"muted\"><a href=\"/\">{app}</a></p>{body}</body></html>",
        title = escape(title),
        app = escape(app_name),
    ))
}

/// A `POST` form with only a button (and the CSRF token).
fn button_form(action: &str, csrf_token: &str, label: &str, class: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"{field}\" value=\"{token}\">\
         <button type=\"submit\" class=\"{class}\">{label}</button></form>",
        field = csrf::FIELD,
        token = escape(csrf_token),
        label = escape(label),
    )
}

fn date(value: DateTime<Utc>) -> String {
    value.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The home page: the sign-in form, or who is signed in.
pub(crate) fn home(config: &Config, user: Option<&AdapterUser>, csrf_token: &str) -> Html<String> {
    let body = match user {
        Some(user) => format!(
            "<h1>Welcome back</h1><div class=\"card\"><p>Signed in as <strong>{who}</strong>.</p>\
             <div class=\"row\"><a class=\"button primary\" href=\"/account\">Your account</a>{out}</div>\
             </div>",
            who = escape(user.email.as_deref().or(user.name.as_deref()).unwrap_or(&user.id)),
            out = button_form("/auth/signout", csrf_token, "Sign out", ""),
        ),
        None => {
            let github = if config.github.is_some() {
                format!(
                    "<p class=\"muted\">or</p>{}",
                    button_form("/auth/signin/github", csrf_token, "Sign in with GitHub", "primary")
                )
            } else {
                String::new()
            };
            format!(
                "<h1>Sign in</h1><div class=\"card\">\
                 <form method=\"post\" action=\"/auth/signin/email\">\
                 <input type=\"hidden\" name=\"{field}\" value=\"{token}\">\
                 <label for=\"email\">E-mail address</label>\
                 <input id=\"email\" type=\"email\" name=\"email\" required placeholder=\"you@example.com\">\
                 <button type=\"submit\">Send me a sign-in link</button></form>{github}</div>",
                field = csrf::FIELD,
                token = escape(csrf_token),
            )
        }
    };
    layout(config, "Sign in", &body)
}

/// "Check your e-mail".
pub(crate) fn verify_request(config: &Config) -> Html<String> {
    layout(
        config,
        "Check your e-mail",
        "<h1>Check your e-mail</h1><div class=\"card\"><p>A sign-in link has been sent to your e-mail address. \
         It works once and expires in 24 hours.</p><p class=\"muted\">Nothing arrived? Check your spam folder, or \
         <a href=\"/\">ask for a new link</a>.</p></div>",
    )
}

/// The account page.
pub(crate) fn account(
    config: &Config,
    user: &AdapterUser,
    accounts: &[account::Model],
    session_count: Option<usize>,
    session_expires: DateTime<Utc>,
    csrf_token: &str,
) -> Html<String> {
    let field = |value: Option<&str>| value.map(escape).unwrap_or_else(|| "<span class=\"muted\">–</span>".into());
    let verified = match user.email_verified {
        Some(at) => date(at),
        None => "<span class=\"muted\">not verified</span>".to_owned(),
    };
    let rows: String = accounts
        .iter()
        .map(|a| {
            format!(
                "<tr><td>{}</td><td>{}</td><td class=\"muted\">{}</td></tr>",
                escape(&a.provider),
                escape(&a.provider_account_id),
                escape(&a.r#type)
            )
        })
        .collect();
    let accounts_html = if accounts.is_empty() {
        "<p class=\"muted\">No linked accounts: you sign in with e-mail links.</p>".to_owned()
    } else {
        format!("<table><tr><th>Provider</th><th>Account id</th><th>Type</th></tr>{rows}</table>")
    };
    let link_github = if config.github.is_some() {
        button_form("/auth/signin/github", csrf_token, "Link GitHub", "")
    } else {
        String::new()
    };
    let body = format!(
        "<h1>Your account</h1><div class=\"card\"><table>\
         <tr><th>Name</th><td>{name}</td></tr><tr><th>E-mail</th><td>{email}</td></tr>\
         <tr><th>Verified</th><td>{verified}</td></tr><tr><th>User id</th><td class=\"muted\">{id}</td></tr>\
         </table></div><h2>Linked accounts</h2><div class=\"card\">{accounts_html}{link_github}</div>\
         <h2>Sessions</h2><div class=\"card\"><p>{sessions}</p>\
         <div class=\"row\">{out}{everywhere}</div></div>",
        name = field(user.name.as_deref()),
        email = field(user.email.as_deref()),
        id = escape(&user.id),
        sessions = match session_count {
            Some(count) => format!("{count} active session(s); this one expires {}.", date(session_expires)),
            None => format!("A JWT session, kept in this browser only; it expires {}.", date(session_expires)),
        },
        out = button_form("/auth/signout", csrf_token, "Sign out", "primary"),
        everywhere = match session_count {
            Some(_) => button_form("/auth/signout-everywhere", csrf_token, "Sign out everywhere", ""),
            None => String::new(),
        },
    );
    layout(config, "Your account", &body)
}

/// The message and status of an Auth.js error code.
fn describe(code: &str) -> (StatusCode, &'static str, &'static str) {
    match code {
        "Verification" => (
            StatusCode::BAD_REQUEST,
            "This sign-in link is not valid",
            "It may have been used already, or it was copied incompletely. Sign-in links work once.",
        ),
        "Expired" => (StatusCode::BAD_REQUEST, "This sign-in link has expired", "Ask for a new one."),
        "OAuthAccountNotLinked" => (
            StatusCode::CONFLICT,
            "This account is not linked to you",
            "Another user already signed in with this GitHub account, or its e-mail address belongs to an \
             existing user. To confirm your identity, sign in the way you did before; then you can link GitHub \
             from your account page.",
        ),
        "AccessDenied" => (StatusCode::FORBIDDEN, "Access denied", "The sign-in was cancelled or refused."),
        "OAuthCallbackError" => (
            StatusCode::BAD_REQUEST,
            "GitHub sign-in failed",
            "The sign-in could not be completed (it may have timed out, or been started in another browser). \
             Please try again.",
        ),
        "EmailSignin" => {
            (StatusCode::BAD_GATEWAY, "The sign-in e-mail could not be sent", "Please try again in a moment.")
        }
        "InvalidEmail" => (StatusCode::BAD_REQUEST, "That is not an e-mail address", "Please check it and retry."),
        "TooManyRequests" => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many sign-in links",
            "Too many sign-in links were asked for this address or from your network. Please wait a few minutes.",
        ),
        _ => (StatusCode::BAD_REQUEST, "Sign-in failed", "Something went wrong. Please try again."),
    }
}

/// The error page for an Auth.js error code (the code is shown too, for support).
pub(crate) fn error(config: &Config, code: &str) -> (StatusCode, Html<String>) {
    let (status, title, text) = describe(code);
    let body = format!(
        "<h1>{title}</h1><div class=\"card error\"><p>{text}</p><p class=\"muted\">Error: <code>{code}</code></p>\
         </div><p><a href=\"/\">Back to sign-in</a></p>",
        title = escape(title),
        text = escape(text),
        code = escape(code),
    );
    (status, layout(config, title, &body))
}

/// 403 for a `POST` without a valid CSRF token.
pub(crate) fn forbidden(config: &Config) -> (StatusCode, Html<String>) {
    let body = "<h1>Forbidden</h1><div class=\"card error\"><p>The form was missing its security token or it did \
                not match. Reload the page and try again.</p><p class=\"muted\">Error: <code>CSRF</code></p></div>";
    (StatusCode::FORBIDDEN, layout(config, "Forbidden", body))
}

/// 404.
pub(crate) fn not_found(config: &Config) -> (StatusCode, Html<String>) {
    (StatusCode::NOT_FOUND, layout(config, "Not found", "<h1>Not found</h1><p><a href=\"/\">Home</a></p>"))
}

/// 500 (the cause is logged, not shown).
pub(crate) fn internal() -> (StatusCode, Html<String>) {
    let body = "<h1>Something went wrong</h1><div class=\"card error\"><p>Please try again.</p></div>";
    (StatusCode::INTERNAL_SERVER_ERROR, layout_named("Home", "Error", body))
}
