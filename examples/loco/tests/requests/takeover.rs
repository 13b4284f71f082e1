//! Pre-registration takeover, with the starter's own endpoints: someone registers the victim's address with a password
//! of their own (`/api/auth/register`; the starter's `/api/auth/login` does not ask for a verified address); when the
//! victim later signs in with a magic link (`/auth/sign-in`, the link mailed by Loco's stub mailer), that first proof
//! of ownership makes every credential set before it stop working: the password, the `api_key`, the starter's JWTs
//! (their `pid`), a pending `reset_token` and the row's sessions. A user that was verified already keeps its own.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use authjs_sea_orm_loco::entities::users::is_unusable_password;
use authjs_sea_orm_loco::{CookieJar, LocoAdapter, Session};
use axum::http::header::COOKIE;
use example_loco::{app::App, models::users};
use loco_rs::app::AppContext;
use loco_rs::prelude::Validatable;
use loco_rs::testing::prelude::*;
use loco_rs::TestServer;
use sea_orm::IntoActiveModel;
use serial_test::serial;

use super::prepare_data::auth_header;

const VICTIM: &str = "victim@example.com";
const ATTACKER_PASSWORD: &str = "the-attacker-chose-this";

/// `POST /api/auth/login`: the status and, on success, the starter's JWT.
async fn login(request: &TestServer, email: &str, password: &str) -> (u16, Option<String>) {
    let response = request
        .post("/api/auth/login")
        .json(&serde_json::json!({ "email": email, "password": password }))
        .await;
    let status = response.status_code().as_u16();
    let token = (status == 200).then(|| {
        let body: serde_json::Value = response.json();
        body["token"].as_str().unwrap().to_owned()
    });
    (status, token)
}

/// `GET /api/auth/current` with the starter's JWT: its status.
async fn current(request: &TestServer, jwt: &str) -> u16 {
    let (name, value) = auth_header(jwt);
    request
        .get("/api/auth/current")
        .add_header(name, value)
        .await
        .status_code()
        .as_u16()
}

/// `GET /auth/session` with the session cookie `cookie` (`name=value`): the signed-in user, `None` when signed out.
async fn session_user(request: &TestServer, cookie: &str) -> Option<serde_json::Value> {
    let response = request
        .get("/auth/session")
        .add_header(COOKIE, cookie)
        .await;
    (response.status_code() == 200).then(|| response.json::<serde_json::Value>()["user"].clone())
}

/// The path and query of the newest magic link Loco's stub mailer holds (quoted-printable text).
fn newest_magic_link(ctx: &AppContext) -> String {
    let messages = ctx.mailer.as_ref().unwrap().deliveries().messages;
    let message = messages
        .iter()
        .rev()
        .map(|m| {
            m.replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=")
        })
        .find(|m| m.contains("/auth/callback/email?"))
        .expect("a magic link was mailed");
    let start = message.find("/auth/callback/email?").unwrap();
    message[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

/// Signs `email` in with a magic link, through the sign-in form (with its CSRF token) and the mailed link: the session
/// cookie (`name=value`).
async fn magic_link_sign_in(request: &TestServer, ctx: &AppContext, email: &str) -> String {
    let form = request.get("/auth/sign-in").await;
    assert_eq!(form.status_code(), 200);
    let csrf = form.cookie("authjs.csrf-token");
    let html = form.text();
    let marker = "name=\"csrf_token\" value=\"";
    let field = html[html.find(marker).unwrap() + marker.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let sent = request
        .post("/auth/sign-in")
        .add_header(COOKIE, format!("{}={}", csrf.name(), csrf.value()))
        .form(&[("csrf_token", field.as_str()), ("email", email)])
        .await;
    assert_eq!(sent.status_code(), 200, "{}", sent.text());
    let signed_in = request.get(&newest_magic_link(ctx)).await;
    assert_eq!(signed_in.status_code(), 303, "{}", signed_in.text());
    let session = signed_in.cookie("authjs.session-token");
    format!("{}={}", session.name(), session.value())
}

#[tokio::test]
#[serial]
async fn a_first_magic_link_ends_the_credentials_of_whoever_registered_the_address() {
    request::<App, _, _>(|request, ctx| async move {
        // The attacker registers the victim's address and logs in: the starter asks for no verified address.
        let register = serde_json::json!({ "name": "attacker", "email": VICTIM, "password": ATTACKER_PASSWORD });
        assert_eq!(request.post("/api/auth/register").json(&register).await.status_code(), 200);
        let (status, jwt) = login(&request, VICTIM, ATTACKER_PASSWORD).await;
        assert_eq!(status, 200, "the starter logs an unverified user in");
        let jwt = jwt.unwrap();
        assert_eq!(current(&request, &jwt).await, 200);
        // A reset token pending, and a database session started before the owner ever signed in (an app's own
        // password sign-in through `Auth::sign_in`, say).
        let forgot = serde_json::json!({ "email": VICTIM });
        assert_eq!(request.post("/api/auth/forgot").json(&forgot).await.status_code(), 200);
        let before = users::Model::find_by_email(&ctx.db, VICTIM).await.unwrap();
        assert!(before.email_verified_at.is_none() && before.reset_token.is_some());
        let auth = authjs_sea_orm_loco::auth::<LocoAdapter>(&ctx).unwrap();
        let (_, session) = auth.sign_in(CookieJar::new(), &before.id.to_string()).await.unwrap();
        let Session::Database(early) = session else { panic!("database sessions") };
        let early = format!("authjs.session-token={}", early.session_token);
        assert!(session_user(&request, &early).await.is_some());

        // The victim signs in with a magic link: the row the attacker created.
        let victim = magic_link_sign_in(&request, &ctx, VICTIM).await;
        let user = session_user(&request, &victim).await.expect("the victim is signed in");
        assert_eq!(user["email"], VICTIM);
        assert_eq!(user["id"], before.id.to_string());

        // Nothing the attacker held works any more.
        let after = users::Model::find_by_email(&ctx.db, VICTIM).await.unwrap();
        assert!(after.email_verified_at.is_some());
        assert_eq!(login(&request, VICTIM, ATTACKER_PASSWORD).await.0, 401, "the attacker's password");
        assert!(is_unusable_password(&after.password), "the password is unusable");
        assert_ne!(after.api_key, before.api_key);
        assert!(
            users::Model::find_by_api_key(&ctx.db, &before.api_key).await.is_err(),
            "the old api_key matches no row"
        );
        assert_ne!(after.pid, before.pid);
        assert_ne!(current(&request, &jwt).await, 200, "the JWT from the attacker's login names nobody");
        assert_eq!((&after.reset_token, after.reset_sent_at), (&None, None), "the reset token is cleared");
        assert_eq!(session_user(&request, &early).await, None, "the earlier session is gone");
        assert!(
            after.clone().into_active_model().validate().is_ok(),
            "the starter's validator accepts the row"
        );

        // The victim's own: still signed in, and a password set through the starter's reset flow works.
        assert!(session_user(&request, &victim).await.is_some());
        assert_eq!(request.post("/api/auth/forgot").json(&forgot).await.status_code(), 200);
        let reset_token = users::Model::find_by_email(&ctx.db, VICTIM)
            .await
            .unwrap()
            .reset_token
            .unwrap();
        let reset = serde_json::json!({ "token": reset_token, "password": "the-owner-chose-this" });
        assert_eq!(request.post("/api/auth/reset").json(&reset).await.status_code(), 200);
        assert_eq!(login(&request, VICTIM, "the-owner-chose-this").await.0, 200);
        assert_eq!(login(&request, VICTIM, ATTACKER_PASSWORD).await.0, 401);
    })
    .await;
}

#[tokio::test]
#[serial]
async fn a_verified_user_keeps_its_password_after_a_magic_link() {
    request::<App, _, _>(|request, ctx| async move {
        let email = "owner@example.com";
        let password = "the-owner-chose-this";
        let register = serde_json::json!({ "name": "owner", "email": email, "password": password });
        assert_eq!(
            request
                .post("/api/auth/register")
                .json(&register)
                .await
                .status_code(),
            200
        );
        let token = users::Model::find_by_email(&ctx.db, email)
            .await
            .unwrap()
            .email_verification_token
            .unwrap();
        // The starter's own verification: the owner read the mail.
        assert_eq!(
            request
                .get(&format!("/api/auth/verify/{token}"))
                .await
                .status_code(),
            200
        );
        let before = users::Model::find_by_email(&ctx.db, email).await.unwrap();
        assert!(before.email_verified_at.is_some());
        let jwt = login(&request, email, password).await.1.expect("logged in");

        let session = magic_link_sign_in(&request, &ctx, email).await;
        assert_eq!(
            session_user(&request, &session).await.unwrap()["email"],
            email
        );
        let second = magic_link_sign_in(&request, &ctx, email).await;
        assert!(
            session_user(&request, &session).await.is_some(),
            "a later link ends no session"
        );
        assert!(session_user(&request, &second).await.is_some());

        let after = users::Model::find_by_email(&ctx.db, email).await.unwrap();
        assert_eq!(
            login(&request, email, password).await.0,
            200,
            "the password still works"
        );
        assert_eq!(
            (&after.password, &after.api_key, after.pid),
            (&before.password, &before.api_key, before.pid)
        );
        assert_eq!(current(&request, &jwt).await, 200);
    })
    .await;
}
