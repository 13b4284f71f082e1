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
//! * [`behaviour`]: cascades, verification-token semantics (including concurrent use), what a first magic-link
//!   verification ends, expiry, case sensitivity, date precision, redaction and statement counts.
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

/// Every conformance case, listed once: calls `$callback!` with `$args` followed by the list, in two groups (cases
/// that run concurrent tasks want a multi-thread runtime). `tests/conformance.rs` runs each case on every schema and
/// backend; `tests/interop.rs` on Drizzle's own tables too, where a case runs unless it needs what those tables lack:
/// - `ms`: milliseconds in session and verification-token `expires` (Drizzle's MySQL `timestamp` keeps seconds);
/// - `wide`: 64-bit `counter`/`expires_at` and long token text (Drizzle's PostgreSQL and MySQL `integer`, MySQL
///   `varchar`).
#[macro_export]
macro_rules! with_cases {
    ($callback:ident!($($args:tt)*)) => {
        $callback!($($args)*
            basic: [
                // The Auth.js suite, in its order.
                required_methods_exist [],
                create_user [],
                get_user [],
                get_user_by_email [],
                create_session [],
                get_session_and_user [],
                update_user [],
                update_session [ms],
                link_account [],
                get_user_by_account [],
                delete_session [],
                verification_token_methods_exist [],
                create_verification_token [ms],
                use_verification_token [ms],
                future_methods_exist [],
                unlink_account [],
                delete_user [],
                get_account [],
                create_authenticator [],
                get_authenticator [],
                list_authenticators_by_user_id [],
                update_authenticator_counter [],
                // Extensions and partial updates.
                update_account [wide],
                update_account_not_found [],
                update_session_fields [ms],
                list_sessions_by_user_id [ms],
                delete_sessions_by_user_id [],
                delete_expired_sessions [ms],
                delete_expired_verification_tokens [ms],
                update_user_fields [],
                update_user_not_found [],
                create_user_generates_uuid [],
                users_without_email [],
                // Failed writes.
                duplicate_user_email [],
                duplicate_user_id [],
                update_user_duplicate_email [],
                duplicate_account [],
                duplicate_session_token [],
                duplicate_verification_token [],
                duplicate_authenticator [],
                link_account_missing_user [],
                create_session_missing_user [],
                create_authenticator_missing_user [],
                update_authenticator_counter_not_found [],
                // Behaviour.
                delete_user_cascades [],
                use_verification_token_requires_both [],
                use_verification_token_returns_expired [ms],
                first_verification_ends_sessions [],
                get_session_and_user_returns_expired [ms],
                session_token_is_case_sensitive [],
                dates_round_trip_with_millis [ms],
                authenticator_counter_beyond_i32 [wide],
                statement_counts [],
                lookalike_keys_never_match [],
            ],
            concurrent: [
                use_verification_token_concurrent [ms],
                delete_session_single_winner [],
                update_races_delete_session [],
                update_user_returns_its_write [],
                update_counter_returns_its_write [],
            ]
        );
    };
}
