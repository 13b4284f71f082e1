//! Magic-link sign-in (Auth.js's e-mail provider flow) and sign-out.
//!
//! - `GET /auth/sign-in`: the form;
//! - `POST /auth/sign-in`: stores a verification token and mails the link (`/auth/callback/email?token=..&email=..`);
//! - `GET /auth/callback/email`: uses the token up, creates the user in Loco's `users` on first sign-in, starts a
//!   database session and sets the Auth.js session cookie;
//! - `POST /auth/sign-out`: ends the session.
//!
//! Every form carries a CSRF token, and every `POST` without it is answered 403 (see [`authjs_sea_orm::axum::csrf`]).

use authjs_sea_orm::axum::csrf;
use authjs_sea_orm_loco::{Auth, MagicLink};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use loco_rs::app::AppContext;
use loco_rs::controller::{Routes, format};
use loco_rs::prelude::SharedStore;
use loco_rs::{Error, Result};
use sea_orm::{ActiveModelTrait, ActiveValue, IntoActiveModel};
use serde::Deserialize;

use super::{csrf_field, html_escape, page};
use crate::mailers::auth::AuthMailer;
use crate::models::AppAdapter;

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    /// Where to send the link.
    pub email: String,
}

/// The query of a magic link.
#[derive(Deserialize)]
pub struct Callback {
    /// The raw token.
    pub token: String,
    /// The address it was sent to.
    pub email: String,
}

/// The sign-in form, with the CSRF token of `jar` (or a new one, whose cookie is added to the returned jar).
fn form(auth: &Auth<AppAdapter>, jar: CookieJar) -> (CookieJar, String) {
    let (jar, token) = csrf::token(auth.config(), jar);
    let form = format!(
        "<form method=\"post\" action=\"/auth/sign-in\">{}\
         <label>E-mail <input type=\"email\" name=\"email\" required autofocus></label> \
         <button type=\"submit\">Send me a sign-in link</button></form>",
        csrf_field(&token)
    );
    (jar, form)
}

async fn sign_in_form(SharedStore(auth): SharedStore<Auth<AppAdapter>>, jar: CookieJar) -> Result<Response> {
    let (jar, form) = form(&auth, jar);
    Ok((jar, format::html(&page("Sign in", &form))?).into_response())
}

fn html_with_status(status: StatusCode, title: &str, body: &str) -> Result<Response> {
    Ok((status, format::html(&page(title, body))?).into_response())
}

async fn send_link(
    State(ctx): State<AppContext>,
    SharedStore(auth): SharedStore<Auth<AppAdapter>>,
    jar: CookieJar,
    Form(input): Form<SignInForm>,
) -> Result<Response> {
    let (email, token) = match auth.create_magic_link(&input.email).await {
        Ok(link) => link,
        Err(authjs_sea_orm::Error::InvalidInput(_)) => {
            let (jar, form) = form(&auth, jar);
            let body = format!("<p>Not an e-mail address.</p>{form}");
            return Ok((jar, html_with_status(StatusCode::BAD_REQUEST, "Sign in", &body)?).into_response());
        }
        Err(err) => return Err(Error::wrap(err)),
    };
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", &token)
        .append_pair("email", &email)
        .finish();
    let url = format!("{}/auth/callback/email?{query}", ctx.config.server.full_url());
    AuthMailer::send_magic_link(&ctx, &email, &url).await?;
    format::html(&page("Check your e-mail", &format!("<p>A sign-in link was sent to {}.</p>", html_escape(&email))))
}

async fn callback(
    State(ctx): State<AppContext>,
    SharedStore(auth): SharedStore<Auth<AppAdapter>>,
    jar: CookieJar,
    Query(link): Query<Callback>,
) -> Result<Response> {
    let user = match auth.verify_magic_link(&link.email, &link.token).await.map_err(Error::wrap)? {
        MagicLink::Verified(user) => user,
        MagicLink::Expired => {
            return html_with_status(
                StatusCode::BAD_REQUEST,
                "Link expired",
                "<p><a href=\"/auth/sign-in\">Ask for a new one</a>.</p>",
            );
        }
        // Invalid, or an address taken by a look-alike of another user's: nobody signs in.
        _ => {
            return html_with_status(
                StatusCode::BAD_REQUEST,
                "Invalid link",
                "<p>This link is invalid or was already used. <a href=\"/auth/sign-in\">Ask for a new one</a>.</p>",
            );
        }
    };
    // The user row is Loco's: name a user the adapter just created after their address, with a Loco model update.
    if user.extra.name.is_empty() {
        let name = user.extra.email.split('@').next().unwrap_or_default().to_owned();
        let mut model = user.extra.clone().into_active_model();
        model.name = ActiveValue::Set(name);
        model.update(&ctx.db).await?;
    }
    let (jar, _session) = auth.sign_in(jar, &user.id).await.map_err(Error::wrap)?;
    Ok((jar, Redirect::to("/protected")).into_response())
}

async fn sign_out(SharedStore(auth): SharedStore<Auth<AppAdapter>>, jar: CookieJar) -> Result<Response> {
    let (jar, _ended) = auth.sign_out(jar).await.map_err(Error::wrap)?;
    Ok((jar, Redirect::to("/")).into_response())
}

/// The routes under `/auth`.
pub fn routes() -> Routes {
    Routes::new()
        .prefix("/auth")
        .add("/sign-in", get(sign_in_form).post(send_link))
        .add("/callback/email", get(callback))
        .add("/sign-out", post(sign_out))
}
