//! The home page, a protected page and a JSON endpoint, reading the signed-in user with the extractors of
//! `authjs-sea-orm-loco`.

use authjs_sea_orm::axum::csrf;
use authjs_sea_orm_loco::{Auth, MaybeSignedIn, SignedIn};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use loco_rs::Result;
use loco_rs::controller::{Routes, format};
use loco_rs::prelude::SharedStore;
use serde_json::json;

use super::{csrf_field, html_escape, page};
use crate::models::AppAdapter;

/// The sign-out form, with the CSRF token of `jar` (or a new one, whose cookie is added to the returned jar).
fn sign_out_form(auth: &Auth<AppAdapter>, jar: CookieJar) -> (CookieJar, String) {
    let (jar, token) = csrf::token(auth.config(), jar);
    let form = format!(
        "<form method=\"post\" action=\"/auth/sign-out\">{}<button type=\"submit\">Sign out</button></form>",
        csrf_field(&token)
    );
    (jar, form)
}

async fn index(
    MaybeSignedIn(current): MaybeSignedIn<AppAdapter>,
    SharedStore(auth): SharedStore<Auth<AppAdapter>>,
    jar: CookieJar,
) -> Result<Response> {
    let Some(current) = current else {
        let body = "<p>Not signed in. <a href=\"/auth/sign-in\">Sign in with a magic link</a></p>";
        return format::html(&page("example-loco", body));
    };
    let (jar, sign_out) = sign_out_form(&auth, jar);
    let body = format!(
        "<p>Signed in as {}. <a href=\"/protected\">Your page</a></p>{sign_out}",
        html_escape(&current.user.extra.email)
    );
    Ok((jar, format::html(&page("example-loco", &body))?).into_response())
}

/// Signed-out visitors are sent to the sign-in form (`Option<SignedIn<_>>` is `None` for them).
async fn protected(
    signed_in: Option<SignedIn<AppAdapter>>,
    SharedStore(auth): SharedStore<Auth<AppAdapter>>,
    jar: CookieJar,
) -> Result<Response> {
    let Some(SignedIn(current)) = signed_in else {
        return Ok(Redirect::to("/auth/sign-in").into_response());
    };
    let (jar, sign_out) = sign_out_form(&auth, jar);
    let user = &current.user.extra; // Loco's users::Model
    let body = format!(
        "<p>Hello {}!</p><ul><li>e-mail: {}</li><li>user id: {}</li><li>pid: {}</li>\
         <li>verified: {}</li><li>session expires: {}</li></ul>{sign_out}",
        html_escape(&user.name),
        html_escape(&user.email),
        user.id,
        user.pid,
        user.email_verified_at.map(|d| d.to_rfc3339()).unwrap_or_else(|| "no".to_owned()),
        current.session.expires.to_rfc3339(),
    );
    Ok((jar, format::html(&page("Protected page", &body))?).into_response())
}

/// JSON for API clients: 401 (Loco's error body) when signed out.
async fn me(SignedIn(current): SignedIn<AppAdapter>) -> Result<Response> {
    let user = &current.user.extra;
    format::json(json!({ "id": user.id, "pid": user.pid, "email": user.email, "name": user.name }))
}

/// The routes.
pub fn routes() -> Routes {
    Routes::new().add("/", get(index)).add("/protected", get(protected)).add("/api/me", get(me))
}
