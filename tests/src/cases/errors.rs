//! Failed writes: a duplicate key is [`Error::Conflict`](authjs_sea_orm::Error::Conflict) on the right record, a
//! reference to a missing user is `NotFound(Record::User)`, and the stored state is unchanged afterwards.

use authjs_sea_orm::schema::IdKind;
use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterSession, NewUser, Record, UserUpdate, VerificationToken,
};

use super::{
    assert_conflict, assert_not_found, auth_fields, given_account, given_authenticator, given_session, given_user,
    given_user_with_email, given_verification_token, new_user,
};
use crate::TestDb;
use crate::fixtures::{self, id};
use crate::schemas::{SchemaKind, TestSchema, id_kind};

/// A second user with a taken e-mail address is a user conflict.
pub async fn duplicate_user_email<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let before = t.snapshot().await;
    let duplicate = NewUser { id: Some(id()), name: Some("Other".to_owned()), ..fixtures::user() };
    assert_eq!(duplicate.email, user.email);
    assert_conflict(t.adapter.create_user(new_user::<S>(duplicate)).await, Record::User);
    assert_eq!(t.snapshot().await, before);
}

/// A second user with a taken id is a user conflict. (A table whose ids the database generates ignores the given
/// id: there the second user is created under a new id, and the first is untouched.)
pub async fn duplicate_user_id<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let before = t.snapshot().await;
    let duplicate = NewUser { id: Some(user.id.clone()), ..fixtures::user_with_email("other@example.com") };
    match id_kind::<S>() {
        IdKind::Text | IdKind::Uuid => {
            assert_conflict(t.adapter.create_user(new_user::<S>(duplicate)).await, Record::User);
            assert_eq!(t.snapshot().await, before);
        }
        IdKind::AutoIncrement => {
            let created = t.adapter.create_user(new_user::<S>(duplicate.clone())).await.expect("create_user");
            assert_ne!(created.id, user.id, "the given id is ignored");
            assert_eq!(auth_fields(&created), fixtures::expected_user(&duplicate, &created.id));
            assert_eq!(t.stored_user(&created.id).await, Some(created));
            assert_eq!(t.stored_user(&user.id).await, Some(user), "the first user is untouched");
            assert_eq!(t.snapshot().await.users.len(), before.users.len() + 1);
        }
    }
}

/// Changing a user's e-mail address to a taken one is a user conflict.
pub async fn update_user_duplicate_email<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let other = given_user_with_email(t, "other@example.com").await;
    let before = t.snapshot().await;
    assert_conflict(
        t.adapter.update_user(UserUpdate { email: Some(user.email.clone()), ..UserUpdate::new(&other.id) }).await,
        Record::User,
    );
    assert_eq!(t.snapshot().await, before);
}

/// Linking `(provider, providerAccountId)` twice is an account conflict, whoever the second owner is.
pub async fn duplicate_account<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let other = given_user_with_email(t, "other@example.com").await;
    let account = given_account(t, fixtures::account(&user.id)).await;
    let before = t.snapshot().await;
    assert_conflict(t.adapter.link_account(account.clone()).await, Record::Account);
    let stolen = AdapterAccount { user_id: other.id.clone(), access_token: Some(id()), ..account.clone() };
    assert_conflict(t.adapter.link_account(stolen).await, Record::Account);
    assert_eq!(t.snapshot().await, before);
}

/// Creating a session with a taken token is a session conflict (the existing session keeps its owner).
pub async fn duplicate_session_token<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let other = given_user_with_email(t, "other@example.com").await;
    let session = given_session(t, fixtures::session(&user.id)).await;
    let before = t.snapshot().await;
    assert_conflict(t.adapter.create_session(session.clone()).await, Record::Session);
    let hijack = AdapterSession { user_id: other.id.clone(), ..session.clone() };
    assert_conflict(t.adapter.create_session(hijack).await, Record::Session);
    assert_eq!(t.snapshot().await, before);
}

/// Storing the same `(identifier, token)` twice is a verification-token conflict.
pub async fn duplicate_verification_token<S: TestSchema>(t: &TestDb<S>) {
    let token = given_verification_token(
        t,
        VerificationToken {
            identifier: "info@example.com".to_owned(),
            token: fixtures::hashed_token(),
            expires: fixtures::fifteen_minutes_from_now(),
        },
    )
    .await;
    let before = t.snapshot().await;
    assert_conflict(t.adapter.create_verification_token(token.clone()).await, Record::VerificationToken);
    let later = VerificationToken { expires: fixtures::one_week_from_now(), ..token.clone() };
    assert_conflict(t.adapter.create_verification_token(later).await, Record::VerificationToken);
    assert_eq!(t.snapshot().await, before);
    // Same token for another identifier, or another token for the same identifier, are different keys; except that
    // next-auth v4's Prisma schema makes `token` alone unique too.
    let other = VerificationToken { identifier: "other@example.com".to_owned(), ..token.clone() };
    if S::KIND == SchemaKind::PrismaV4 {
        assert_conflict(t.adapter.create_verification_token(other).await, Record::VerificationToken);
    } else {
        given_verification_token(t, other).await;
    }
    given_verification_token(t, VerificationToken { token: fixtures::hashed_token(), ..token }).await;
}

/// A credential id is globally unique: creating it again, for the same or another user, is an authenticator
/// conflict.
pub async fn duplicate_authenticator<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let other = given_user_with_email(t, "other@example.com").await;
    let credential_id = id();
    let authenticator = given_authenticator(t, fixtures::authenticator(&user.id, &credential_id, 1, "usb")).await;
    given_account(t, fixtures::webauthn_account(&other.id, &id())).await;
    let before = t.snapshot().await;
    assert_conflict(t.adapter.create_authenticator(authenticator.clone()).await, Record::Authenticator);
    let for_other = fixtures::authenticator(&other.id, &credential_id, 7, "nfc");
    assert_conflict(t.adapter.create_authenticator(for_other).await, Record::Authenticator);
    assert_eq!(t.snapshot().await, before);
}

/// Linking an account to a missing user is `NotFound(User)`.
pub async fn link_account_missing_user<S: TestSchema>(t: &TestDb<S>) {
    given_user(t).await;
    let before = t.snapshot().await;
    assert_not_found(t.adapter.link_account(fixtures::account(&id())).await, Record::User);
    let webauthn = AdapterAccount::new(id(), AccountType::Webauthn, "webauthn", id());
    assert_not_found(t.adapter.link_account(webauthn).await, Record::User);
    assert_eq!(t.snapshot().await, before);
}

/// Creating a session for a missing user is `NotFound(User)`.
pub async fn create_session_missing_user<S: TestSchema>(t: &TestDb<S>) {
    given_user(t).await;
    let before = t.snapshot().await;
    assert_not_found(t.adapter.create_session(fixtures::session(&id())).await, Record::User);
    assert_eq!(t.snapshot().await, before);
}

/// Creating an authenticator for a missing user is `NotFound(User)`.
pub async fn create_authenticator_missing_user<S: TestSchema>(t: &TestDb<S>) {
    given_user(t).await;
    let before = t.snapshot().await;
    let credential_id = id();
    assert_not_found(
        t.adapter.create_authenticator(fixtures::authenticator(&id(), &credential_id, 0, "usb")).await,
        Record::User,
    );
    assert_eq!(t.snapshot().await, before);
}

/// `update_authenticator_counter` of a missing credential is `NotFound(Authenticator)` and stores nothing.
pub async fn update_authenticator_counter_not_found<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    given_authenticator(t, fixtures::authenticator(&user.id, &id(), 5, "usb")).await;
    let before = t.snapshot().await;
    assert_not_found(t.adapter.update_authenticator_counter(&id(), 6).await, Record::Authenticator);
    assert_eq!(t.snapshot().await, before);
}
