//! Every conformance case, written once over [`TestDb<S>`](TestDb) for any [`TestSchema`] `S`;
//! `tests/conformance.rs` runs each on every schema and every backend the schema supports.
//!
//! Schemas differ in what users carry beside the Auth.js fields (`extra`) and in how user ids are made
//! ([`IdKind`](authjs_sea_orm::schema::IdKind)): cases compare whole users (extra part included) between what the
//! adapter returns and what is stored, compare the Auth.js fields with the fixtures ([`auth_fields`]), and use the
//! id `create_user` returns (an auto-increment table ignores the given one).
//!
//! * [`basic`]: the 22 cases of Auth.js's `runBasicTests`, each independent, with the loose checks tightened.
//! * [`extensions`]: the methods beyond Auth.js and the partial updates.
//! * [`errors`]: typed conflicts and not-found errors, and that a failed write stores nothing.
//! * [`behaviour`]: cascades, verification-token semantics (including concurrent use), expiry, case sensitivity,
//!   date precision, redaction and statement counts.
//! * [`identity`]: look-alike keys (another case, an accent, a trailing space) never match.
//! * [`races`]: single-winner deletes and writes that return their own row under concurrency.
//! * [`specific`]: what only one schema has (the app's typed extra columns, integer or native UUID ids) and the
//!   field-by-field read of the default tables.

pub mod basic;
pub mod behaviour;
pub mod errors;
pub mod extensions;
pub mod identity;
pub mod races;
pub mod specific;

pub use basic::*;
pub use behaviour::*;
pub use errors::*;
pub use extensions::*;
pub use identity::*;
pub use races::*;
pub use specific::*;

use std::fmt::Debug;

use authjs_sea_orm::{
    Adapter, AdapterAccount, AdapterAuthenticator, AdapterSession, Error, NewUser, Record, VerificationToken,
};

pub use crate::raw::auth_fields;
use crate::schemas::{NewExtra, TestSchema, User};
use crate::{TestDb, fixtures};

/// `new` (a fixture's Auth.js fields) with `extra` for the schema's extra columns.
pub fn with_extra<N>(new: NewUser, extra: N) -> NewUser<N> {
    NewUser {
        id: new.id,
        name: new.name,
        email: new.email,
        email_verified: new.email_verified,
        image: new.image,
        extra,
    }
}

/// `new` with the default extra part of schema `S` (what sign-ups that know nothing of the app's columns pass).
pub fn new_user<S: TestSchema>(new: NewUser) -> NewUser<NewExtra<S>> {
    with_extra(new, NewExtra::<S>::default())
}

/// Creates `new` (with the schema's default extra part) through the adapter and returns the stored user, after
/// checking its extra part ([`TestSchema::check_default_extra`]).
pub async fn given_user_from<S: TestSchema>(t: &TestDb<S>, new: NewUser) -> User<S> {
    let user = t.adapter.create_user(new_user::<S>(new)).await.expect("create_user");
    S::check_default_extra(&user);
    user
}

/// Creates the default user fixture.
pub async fn given_user<S: TestSchema>(t: &TestDb<S>) -> User<S> {
    given_user_from(t, fixtures::user()).await
}

/// Creates a user with only an e-mail address.
pub async fn given_user_with_email<S: TestSchema>(t: &TestDb<S>, email: &str) -> User<S> {
    given_user_from(t, fixtures::user_with_email(email)).await
}

/// Creates a session.
pub async fn given_session<S: TestSchema>(t: &TestDb<S>, session: AdapterSession) -> AdapterSession {
    t.adapter.create_session(session).await.expect("create_session")
}

/// Links an account.
pub async fn given_account<S: TestSchema>(t: &TestDb<S>, account: AdapterAccount) -> AdapterAccount {
    t.adapter.link_account(account).await.expect("link_account")
}

/// Stores a verification token.
pub async fn given_verification_token<S: TestSchema>(t: &TestDb<S>, token: VerificationToken) -> VerificationToken {
    t.adapter.create_verification_token(token).await.expect("create_verification_token")
}

/// Links the WebAuthn account of a credential and creates its authenticator.
pub async fn given_authenticator<S: TestSchema>(
    t: &TestDb<S>,
    authenticator: AdapterAuthenticator,
) -> AdapterAuthenticator {
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
