//! Writes that return a row return the row they wrote, under concurrency; single-use deletes are single-winner.
//! Run on a multi-thread runtime (see `tests/conformance.rs`), on every schema and backend.

use std::future::Future;
use std::sync::Arc;

use authjs_sea_orm::{Adapter, AdapterSession, SessionUpdate, UserUpdate};
use chrono::Duration;

use super::{given_authenticator, given_session, given_user};
use crate::TestDb;
use crate::fixtures::{self, id};
use crate::schemas::TestSchema;

/// Runs `call(i)` for `i` in `0..n` at once (released together by a barrier) and returns the outputs in order.
async fn at_once<T, F, Fut>(n: usize, call: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, call) = (Arc::clone(&barrier), call(i));
            tokio::spawn(async move {
                barrier.wait().await;
                call.await
            })
        })
        .collect();
    futures::future::join_all(tasks).await.into_iter().map(|r| r.expect("task panicked")).collect()
}

/// 32 concurrent `delete_session` calls on one token: exactly one gets the session, as it was stored.
pub async fn delete_session_single_winner<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    for round in 0..10 {
        let session = given_session(t, fixtures::session(&user.id)).await;
        let results = at_once(32, |_| {
            let (adapter, token) = (t.adapter.clone(), session.session_token.clone());
            async move { adapter.delete_session(&token).await }
        })
        .await;
        let won: Vec<AdapterSession> = results.into_iter().filter_map(|r| r.expect("delete_session")).collect();
        assert_eq!(won, vec![session.clone()], "round {round}: exactly one caller gets the session");
        assert_eq!(t.stored_session(&session.session_token).await, None);
    }
}

/// `update_session` racing `delete_session`: the update returns its own write or nothing, the delete returns the
/// session as it was when deleted (before or after the update), never a mix, and nothing is left.
pub async fn update_races_delete_session<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    for round in 0..20 {
        let session = given_session(t, fixtures::session(&user.id)).await;
        let extended = session.expires + Duration::days(round + 1);
        let token = session.session_token.clone();
        let (adapter, update_token) = (t.adapter.clone(), token.clone());
        let update =
            tokio::spawn(async move { adapter.update_session(SessionUpdate::expires(&update_token, extended)).await });
        let (adapter, delete_token) = (t.adapter.clone(), token.clone());
        let delete = tokio::spawn(async move { adapter.delete_session(&delete_token).await });
        let updated = update.await.expect("task").expect("update_session");
        let deleted = delete.await.expect("task").expect("delete_session").expect("the delete finds the session");
        match &updated {
            Some(updated) => {
                assert_eq!(*updated, AdapterSession { expires: extended, ..session.clone() }, "round {round}")
            }
            // The delete came first, so it returned the session as created.
            None => assert_eq!(deleted, session, "round {round}"),
        }
        assert!(deleted == session || deleted.expires == extended, "round {round}: {deleted:?}");
        assert_eq!(t.stored_session(&token).await, None, "round {round}");
    }
}

/// Concurrent `update_user` calls on one user: each returns the user with the name it wrote.
pub async fn update_user_returns_its_write<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let names: Vec<String> = (0..16).map(|i| format!("name {i} {}", id())).collect();
    let results = at_once(names.len(), |i| {
        let (adapter, update) =
            (t.adapter.clone(), UserUpdate { name: Some(Some(names[i].clone())), ..UserUpdate::new(&user.id) });
        async move { adapter.update_user(update).await }
    })
    .await;
    for (name, result) in names.iter().zip(results) {
        let updated = result.expect("update_user");
        assert_eq!(updated.id, user.id);
        assert_eq!(updated.name.as_deref(), Some(name.as_str()), "a call returned another call's write");
    }
    let stored = t.stored_user(&user.id).await.expect("the user");
    assert!(names.contains(stored.name.as_ref().expect("a name")), "the stored name is one of the writes");
}

/// Concurrent `update_authenticator_counter` calls: each returns the counter it wrote.
pub async fn update_counter_returns_its_write<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let credential_id = id();
    given_authenticator(t, fixtures::authenticator(&user.id, &credential_id, 1, "usb")).await;
    let results = at_once(16, |i| {
        let (adapter, credential_id) = (t.adapter.clone(), credential_id.clone());
        async move { (i, adapter.update_authenticator_counter(&credential_id, 100 + i as i64).await) }
    })
    .await;
    for (i, result) in results {
        assert_eq!(result.expect("update_authenticator_counter").counter, 100 + i as i64);
    }
}
