//! One session lookup per request: the first session extractor of a request resolves the cookie, and every later one
//! (a guard layer, then the handler; `CurrentSession` beside `MaybeSession`) reads what it resolved. Counted in
//! statements on each backend: a request due for sliding expiry runs one `get_session_and_user` and one update, not
//! one of each per extractor.
#![allow(clippy::unwrap_used)]

use authjs_sea_orm::axum::{Auth, AuthConfig, CurrentSession, MaybeSession, random_token, refresh_session_cookie};
use authjs_sea_orm::{Adapter, AdapterSession, SessionUpdate};
use authjs_sea_orm_tests::{Backend, TestDb, fixtures};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::get;
use chrono::{Duration, Utc};
use tower::ServiceExt;

/// A guard layer that lets only signed-in requests through.
async fn guard(_: CurrentSession, request: Request, next: Next) -> Response {
    next.run(request).await
}

/// A handler reading the session twice.
async fn me(CurrentSession { user, .. }: CurrentSession, MaybeSession(again): MaybeSession) -> String {
    assert_eq!(again.map(|current| current.user.id).as_deref(), Some(user.id.as_str()));
    user.id
}

async fn guard_and_handler_share_one_lookup(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else { return };
    let config = AuthConfig::for_url("a secret for one lookup per request", "http://localhost").unwrap();
    let user = t.adapter.create_user(fixtures::user()).await.unwrap();
    let new_session = |expires| AdapterSession { session_token: random_token(), user_id: user.id.clone(), expires };
    // Extended on its next read (its last extension is more than `update_age` ago), and one that is not.
    let due = new_session(Utc::now() + config.max_age - config.update_age - Duration::minutes(1));
    let fresh = new_session(Utc::now() + config.max_age);
    for session in [&due, &fresh] {
        t.adapter.create_session(session.clone()).await.unwrap();
    }
    let (counting, counter) = t.counting_adapter();
    let auth = Auth::new(counting, config);
    let app = Router::new()
        .route("/me", get(me))
        .route_layer(from_fn_with_state(auth.clone(), guard))
        .layer(from_fn(refresh_session_cookie))
        .with_state(auth);
    let get_me = |token: Option<&str>| {
        let mut request = Request::get("/me");
        if let Some(token) = token {
            request = request.header(header::COOKIE, format!("authjs.session-token={token}"));
        }
        app.clone().oneshot(request.body(Body::empty()).unwrap())
    };

    let response = get_me(Some(&due.session_token)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(header::SET_COOKIE).is_some(), "the extended session's cookie is sent again");
    assert_eq!(to_bytes(response.into_body(), 1 << 16).await.unwrap(), user.id.as_bytes());
    let statements = counter.take();
    // What one read and one update run on this backend (MySQL has no `RETURNING`: an update is read back).
    let probe = new_session(Utc::now() + Duration::days(1));
    t.adapter.create_session(probe.clone()).await.unwrap();
    let (_, once) = t
        .count_statements(|adapter| async move {
            adapter.get_session_and_user(&probe.session_token).await.unwrap();
            let update = SessionUpdate::expires(&probe.session_token, Utc::now() + Duration::days(2));
            adapter.update_session(update).await.unwrap();
        })
        .await;
    assert_eq!(statements.len(), once.len(), "one read and one update, for three extractors: {statements:?}");

    let response = get_me(Some(&fresh.session_token)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    let statements = counter.take();
    assert_eq!(statements.len(), 1, "one read for three extractors: {statements:?}");

    // Signed out: the guard answers 401 after one read; no cookie at all: no statement.
    let response = get_me(Some(&random_token())).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(counter.take().len(), 1);
    let response = get_me(None).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(counter.take().is_empty());
}

mod sqlite_memory {
    #[tokio::test]
    async fn guard_and_handler_share_one_lookup() {
        super::guard_and_handler_share_one_lookup(authjs_sea_orm_tests::Backend::SqliteMemory).await;
    }
}

mod postgres {
    #[tokio::test]
    async fn guard_and_handler_share_one_lookup() {
        super::guard_and_handler_share_one_lookup(authjs_sea_orm_tests::Backend::Postgres).await;
    }
}

mod mysql {
    #[tokio::test]
    async fn guard_and_handler_share_one_lookup() {
        super::guard_and_handler_share_one_lookup(authjs_sea_orm_tests::Backend::MySql).await;
    }
}
