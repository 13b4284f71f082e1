//! The home page, a protected page and a JSON endpoint, reading the signed-in user with the extractors of
//! `authjs-sea-orm-loco`.

use authjs_sea_orm_loco::{MaybeSignedIn, SignedIn};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use loco_rs::Result;
use loco_rs::controller::{Routes, format};
use serde_json::json;

use super::{html_escape, page};
use crate::models::User;

const SIGN_OUT: &str =
    "<form method=\"post\" action=\"/auth/sign-out\"><button type=\"submit\">Sign out</button></form>";

async fn index(MaybeSignedIn(current): MaybeSignedIn<User>) -> Result<Response> {
    let body = match current {
        Some(current) => format!(
            "<p>Signed in as {}. <a href=\"/protected\">Your page</a></p>{SIGN_OUT}",
            html_escape(&current.user.extra.email)
        ),
        None => "<p>Not signed in. <a href=\"/auth/sign-in\">Sign in with a magic link</a></p>".to_owned(),
    };
    format::html(&page("example-loco", &body))
}

/// Signed-out visitors are sent to the sign-in form (`Option<SignedIn<_>>` is `None` for them).
async fn protected(signed_in: Option<SignedIn<User>>) -> Result<Response> {
    let Some(SignedIn(current)) = signed_in else {
        return Ok(Redirect::to("/auth/sign-in").into_response());
    };
    let user = &current.user.extra; // Loco's users::Model
    let body = format!(
        "<p>Hello {}!</p><ul><li>e-mail: {}</li><li>user id: {}</li><li>pid: {}</li>\
         <li>verified: {}</li><li>session expires: {}</li></ul>{SIGN_OUT}",
        html_escape(&user.name),
        html_escape(&user.email),
        user.id,
        user.pid,
        user.email_verified_at.map(|d| d.to_rfc3339()).unwrap_or_else(|| "no".to_owned()),
        current.session.expires.to_rfc3339(),
    );
    format::html(&page("Protected page", &body))
}

/// JSON for API clients: 401 (Loco's error body) when signed out.
async fn me(SignedIn(current): SignedIn<User>) -> Result<Response> {
    let user = &current.user.extra;
    format::json(json!({ "id": user.id, "pid": user.pid, "email": user.email, "name": user.name }))
}

/// The routes.
pub fn routes() -> Routes {
    Routes::new().add("/", get(index)).add("/protected", get(protected)).add("/api/me", get(me))
}
