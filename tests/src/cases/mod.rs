//! Every conformance case, written once over [`TestDb`]; `tests/conformance.rs` runs each on every backend.
//!
//! * [`basic`]: the 22 cases of Auth.js's `runBasicTests`, each independent, with the loose checks tightened.
//! * [`extensions`]: the methods beyond Auth.js and the partial updates.
//! * [`errors`]: typed conflicts and not-found errors, and that a failed write stores nothing.
//! * [`behaviour`]: cascades, verification-token semantics (including concurrent use), expiry, case sensitivity,
//!   date precision, redaction and statement counts.

pub mod basic;
pub mod behaviour;
pub mod errors;
pub mod extensions;

pub use basic::*;
pub use behaviour::*;
pub use errors::*;
pub use extensions::*;

use std::fmt::Debug;

use authjs_sea_orm::{
    Adapter, AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, Error, NewUser, Record,
    VerificationToken,
};

use crate::{TestDb, fixtures};

/// Creates `new` through the adapter and returns the stored user.
pub async fn given_user_from(t: &TestDb, new: NewUser) -> AdapterUser {
    t.adapter.create_user(new).await.expect("create_user")
}

/// Creates the default user fixture.
pub async fn given_user(t: &TestDb) -> AdapterUser {
    given_user_from(t, fixtures::user()).await
}

/// Creates a user with only an e-mail address.
pub async fn given_user_with_email(t: &TestDb, email: &str) -> AdapterUser {
    given_user_from(t, fixtures::user_with_email(email)).await
}

/// Creates a session.
pub async fn given_session(t: &TestDb, session: AdapterSession) -> AdapterSession {
    t.adapter.create_session(session).await.expect("create_session")
}

/// Links an account.
pub async fn given_account(t: &TestDb, account: AdapterAccount) -> AdapterAccount {
    t.adapter.link_account(account).await.expect("link_account")
}

/// Stores a verification token.
pub async fn given_verification_token(t: &TestDb, token: VerificationToken) -> VerificationToken {
    t.adapter.create_verification_token(token).await.expect("create_verification_token")
}

/// Links the WebAuthn account of a credential and creates its authenticator.
pub async fn given_authenticator(t: &TestDb, authenticator: AdapterAuthenticator) -> AdapterAuthenticator {
    given_account(t, fixtures::webauthn_account(&authenticator.user_id, &authenticator.credential_id)).await;
    t.adapter.create_authenticator(authenticator).await.expect("create_authenticator")
}

/// Asserts that `result` failed with [`Error::Conflict`] on `record`.
#[track_caller]
pub fn assert_conflict<T: Debug>(result: Result<T, Error>, record: Record) {
    match result {
        Err(Error::Conflict(r)) if r == record => {}
        other => panic!("expected Err(Conflict({record:?})), got {other:?}"),
    }
}

/// Asserts that `result` failed with [`Error::NotFound`] on `record`.
#[track_caller]
pub fn assert_not_found<T: Debug>(result: Result<T, Error>, record: Record) {
    match result {
        Err(Error::NotFound(r)) if r == record => {}
        other => panic!("expected Err(NotFound({record:?})), got {other:?}"),
    }
}

/// Sorts sessions by token, for set comparisons.
pub fn sorted_sessions(mut sessions: Vec<AdapterSession>) -> Vec<AdapterSession> {
    sessions.sort_by(|a, b| a.session_token.cmp(&b.session_token));
    sessions
}

/// Sorts authenticators by credential id, for set comparisons.
pub fn sorted_authenticators(mut authenticators: Vec<AdapterAuthenticator>) -> Vec<AdapterAuthenticator> {
    authenticators.sort_by(|a, b| a.credential_id.cmp(&b.credential_id));
    authenticators
}
