//! A port of Auth.js's `runBasicTests` (`packages/utils/adapter.ts`): its 22 cases, in its order.
//!
//! The original cases share mutable state and run in order; here each sets up what it needs. Its assertions are
//! kept, and its loose ones tightened: list-by-user compares exact sets, and the return values of the writes
//! (update, delete, link, unlink, `createVerificationToken`) are compared with what is stored.

use std::sync::Arc;

use authjs_sea_orm::schema::IdKind;
use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterUser, Record, SessionUpdate, UserUpdate, VerificationToken,
};

use super::{
    assert_not_found, auth_fields, given_account, given_authenticator, given_session, given_user, given_user_from,
    given_user_with_email, given_verification_token, new_user, sorted_authenticators,
};
use crate::TestDb;
use crate::fixtures::{self, id};
use crate::schemas::{Extra, NewExtra, TestSchema, id_kind};

fn assert_shareable<T: Clone + Send + Sync + 'static>(_: &T) {}

/// Auth.js case 1: `Required (User, Account, Session) methods exist`: the trait is implemented, object safe and
/// shareable, and every required method answers on an empty database.
pub async fn required_methods_exist<S: TestSchema>(t: &TestDb<S>) {
    assert_shareable(&t.adapter);
    let adapter: Arc<dyn Adapter<Extra = Extra<S>, NewExtra = NewExtra<S>>> = Arc::new(t.adapter.clone());
    assert_eq!(adapter.get_user(&id()).await.expect("get_user"), None);
    assert_eq!(adapter.get_user_by_email("nobody@example.com").await.expect("get_user_by_email"), None);
    assert_eq!(adapter.get_user_by_account("github", &id()).await.expect("get_user_by_account"), None);
    assert_not_found(adapter.update_user(UserUpdate { name: Some(None), ..UserUpdate::new(id()) }).await, Record::User);
    assert_eq!(adapter.get_session_and_user(&id()).await.expect("get_session_and_user"), None);
    assert_eq!(
        adapter.update_session(SessionUpdate::expires(id(), fixtures::one_month_from_now())).await.expect("update"),
        None
    );
    assert_eq!(adapter.delete_session(&id()).await.expect("delete_session"), None);
    // create_user, link_account and create_session are exercised by the cases below.
}

/// Auth.js case 2: `createUser`: the stored row equals the fixture with the returned id; the return value equals the
/// row (extra part included). Both fixtures: `emailVerified` with milliseconds 0 (Drizzle's) and with real
/// milliseconds (core's).
pub async fn create_user<S: TestSchema>(t: &TestDb<S>) {
    for fixture in [fixtures::user(), fixtures::user_with_millis()] {
        let created = t.adapter.create_user(new_user::<S>(fixture.clone())).await.expect("create_user");
        let stored = t.stored_user(&created.id).await.expect("the user is stored");
        assert_eq!(auth_fields(&stored), fixtures::expected_user(&fixture, &created.id));
        assert_eq!(created, stored, "create_user returns the stored user");
        S::check_default_extra(&created);
        match id_kind::<S>() {
            // The contract lets an adapter replace the id; ours keeps the one it is given.
            IdKind::Text | IdKind::Uuid => assert_eq!(Some(created.id), fixture.id),
            // Unless the database generates it.
            IdKind::AutoIncrement => {
                created.id.parse::<i64>().expect("an auto-increment id is an integer");
                assert_ne!(Some(created.id), fixture.id);
            }
        }
    }
}

/// Auth.js case 3: `getUser`: `None` for an unknown id; the stored user for a known one.
pub async fn get_user<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    assert_eq!(t.adapter.get_user(&id()).await.expect("get_user"), None);
    assert_eq!(t.adapter.get_user(&user.id).await.expect("get_user"), Some(user.clone()));
    assert_eq!(t.stored_user(&user.id).await, Some(user));
}

/// Auth.js case 4: `getUserByEmail`: `None` for an unknown address; the user for a known one.
pub async fn get_user_by_email<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    assert_eq!(t.adapter.get_user_by_email("non-existent-email").await.expect("get_user_by_email"), None);
    let email = user.email.clone().expect("the fixture has an e-mail address");
    assert_eq!(t.adapter.get_user_by_email(&email).await.expect("get_user_by_email"), Some(user));
}

/// Auth.js case 5: `createSession`: the stored row equals the fixture; the return value equals the row.
pub async fn create_session<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let session = fixtures::session(&user.id);
    let created = t.adapter.create_session(session.clone()).await.expect("create_session");
    let stored = t.stored_session(&created.session_token).await.expect("the session is stored");
    assert_eq!(stored, session);
    assert_eq!(created, stored, "create_session returns the stored session");
}

/// Auth.js case 6: `getSessionAndUser`: `None` for an unknown token; the session and its full user for a known one.
pub async fn get_session_and_user<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user_from(t, fixtures::user_with_millis()).await;
    let session = given_session(t, fixtures::session(&user.id)).await;
    assert_eq!(t.adapter.get_session_and_user("invalid-token").await.expect("get_session_and_user"), None);
    let found = t.adapter.get_session_and_user(&session.session_token).await.expect("get_session_and_user");
    assert_eq!(found, Some((session.clone(), user.clone())));
    assert_eq!(t.stored_session(&session.session_token).await, Some(session));
    assert_eq!(t.stored_user(&user.id).await, Some(user));
}

/// Auth.js case 7: `updateUser`: the name changes in the return value and in the row; the rest is untouched; the return
/// value equals the row.
pub async fn update_user<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let updated = t
        .adapter
        .update_user(UserUpdate { name: Some(Some("Updated Name".to_owned())), ..UserUpdate::new(&user.id) })
        .await
        .expect("update_user");
    assert_eq!(updated.name.as_deref(), Some("Updated Name"));
    let stored = t.stored_user(&user.id).await.expect("the user is stored");
    assert_eq!(stored.name.as_deref(), Some("Updated Name"));
    assert_eq!(updated, stored, "update_user returns the stored user");
    assert_eq!(stored, S::synced(AdapterUser { name: Some("Updated Name".to_owned()), ..user }));
}

/// Auth.js case 8: `updateSession`: the stored `expires` becomes the new value, exact to the millisecond; the return
/// value equals the row. Done with `sessionUpdateExpires = ONE_MONTH_FROM_NOW` (ms 0) and again with real milliseconds.
pub async fn update_session<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let session = given_session(t, fixtures::session(&user.id)).await;
    let one_month = fixtures::one_month_from_now();
    for expires in [one_month, fixtures::at_millis(one_month + chrono::Duration::days(1), 987)] {
        let before = t.stored_session(&session.session_token).await.expect("the session is stored");
        assert_ne!(before.expires, expires, "precondition: the stored expiry differs from the new one");
        let returned = t
            .adapter
            .update_session(SessionUpdate::expires(&session.session_token, expires))
            .await
            .expect("update_session");
        let stored = t.stored_session(&session.session_token).await.expect("the session is stored");
        assert_eq!(stored.expires.timestamp_millis(), expires.timestamp_millis());
        assert_eq!(stored.expires, expires);
        assert_eq!(stored.user_id, user.id);
        assert_eq!(returned, Some(stored), "update_session returns the stored session");
    }
}

/// Auth.js case 9: `linkAccount`: every token column round-trips; the return value equals the row.
pub async fn link_account<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let account = fixtures::account(&user.id);
    let linked = t.adapter.link_account(account.clone()).await.expect("link_account");
    let stored =
        t.stored_account(&account.provider, &account.provider_account_id).await.expect("the account is stored");
    assert_eq!(stored, account);
    assert_eq!(linked, stored, "link_account returns the stored account");
}

/// Auth.js case 10: `getUserByAccount`: `None` for an unknown pair; the linked user for a known one.
pub async fn get_user_by_account<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let account = given_account(t, fixtures::account(&user.id)).await;
    assert_eq!(
        t.adapter.get_user_by_account("invalid-provider", "invalid-provider-account-id").await.expect("lookup"),
        None
    );
    assert_eq!(
        t.adapter.get_user_by_account(&account.provider, &account.provider_account_id).await.expect("lookup"),
        Some(user)
    );
}

/// Auth.js case 11: `deleteSession`: the row is gone; the return value is the deleted session; a second delete finds
/// nothing.
pub async fn delete_session<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let session = given_session(t, fixtures::session(&user.id)).await;
    let deleted = t.adapter.delete_session(&session.session_token).await.expect("delete_session");
    assert_eq!(t.stored_session(&session.session_token).await, None);
    assert_eq!(deleted, Some(session.clone()), "delete_session returns the deleted session");
    assert_eq!(t.adapter.delete_session(&session.session_token).await.expect("delete_session"), None);
    assert_eq!(t.stored_user(&user.id).await, Some(user), "the user stays");
}

/// Auth.js case 12: `Verification Token methods exist`: both answer on an empty database.
pub async fn verification_token_methods_exist<S: TestSchema>(t: &TestDb<S>) {
    let adapter: Arc<dyn Adapter<Extra = Extra<S>, NewExtra = NewExtra<S>>> = Arc::new(t.adapter.clone());
    assert_eq!(adapter.use_verification_token("info@example.com", &fixtures::hashed_token()).await.expect("use"), None);
    let token = VerificationToken {
        identifier: "info@example.com".to_owned(),
        token: fixtures::hashed_token(),
        expires: fixtures::fifteen_minutes_from_now(),
    };
    assert_eq!(adapter.create_verification_token(token.clone()).await.expect("create"), token);
}

/// Auth.js case 13: `createVerificationToken`: the row equals the input (exactly three fields); so does the return
/// value.
pub async fn create_verification_token<S: TestSchema>(t: &TestDb<S>) {
    for expires in [fixtures::fifteen_minutes_from_now(), fixtures::now_with_millis() + chrono::Duration::minutes(15)] {
        let token =
            VerificationToken { identifier: "info@example.com".to_owned(), token: fixtures::hashed_token(), expires };
        let returned = t.adapter.create_verification_token(token.clone()).await.expect("create_verification_token");
        let stored = t.stored_verification_token(&token.identifier, &token.token).await;
        assert_eq!(stored, Some(token.clone()));
        assert_eq!(returned, token, "create_verification_token returns the stored token");
    }
}

/// Auth.js case 14: `useVerificationToken`: the first use returns the token and deletes it; the second returns `None`;
/// the freed `(identifier, token)` can be stored again, and a wrong identifier does not use it.
pub async fn use_verification_token<S: TestSchema>(t: &TestDb<S>) {
    let identifier = "info@example.com";
    // An older token of the same identifier, which must not be touched.
    let other = given_verification_token(
        t,
        VerificationToken {
            identifier: identifier.to_owned(),
            token: fixtures::hashed_token(),
            expires: fixtures::fifteen_minutes_from_now(),
        },
    )
    .await;
    let token = VerificationToken {
        identifier: identifier.to_owned(),
        token: fixtures::hashed_token(),
        expires: fixtures::now_with_millis() + chrono::Duration::minutes(15),
    };
    given_verification_token(t, token.clone()).await;

    let used = t.adapter.use_verification_token(identifier, &token.token).await.expect("use_verification_token");
    assert_eq!(used, Some(token.clone()));
    assert_eq!(t.stored_verification_token(identifier, &token.token).await, None, "the token is deleted");
    assert_eq!(t.adapter.use_verification_token(identifier, &token.token).await.expect("second use"), None);

    // Re-create the same identifier + token: the primary key slot was freed.
    given_verification_token(t, token.clone()).await;
    assert_eq!(
        t.adapter.use_verification_token("invalid@identifier.com", &token.token).await.expect("wrong identifier"),
        None
    );
    assert_eq!(t.stored_verification_token(identifier, &token.token).await, Some(token), "still stored");
    assert_eq!(t.stored_verification_token(identifier, &other.token).await, Some(other), "other token untouched");
}

/// Auth.js case 15: `Future methods exist`: `unlink_account` and `delete_user` answer on an empty database.
pub async fn future_methods_exist<S: TestSchema>(t: &TestDb<S>) {
    let adapter: Arc<dyn Adapter<Extra = Extra<S>, NewExtra = NewExtra<S>>> = Arc::new(t.adapter.clone());
    assert_eq!(adapter.unlink_account("github", &id()).await.expect("unlink_account"), None);
    assert_eq!(adapter.delete_user(&id()).await.expect("delete_user"), None);
}

/// Auth.js case 16: `unlinkAccount`: the row is gone; the return value is the removed account; the user stays.
pub async fn unlink_account<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let account = given_account(t, fixtures::account(&user.id)).await;
    assert_eq!(t.stored_account(&account.provider, &account.provider_account_id).await, Some(account.clone()));
    let unlinked =
        t.adapter.unlink_account(&account.provider, &account.provider_account_id).await.expect("unlink_account");
    assert_eq!(t.stored_account(&account.provider, &account.provider_account_id).await, None);
    assert_eq!(unlinked, Some(account.clone()), "unlink_account returns the removed account");
    assert_eq!(t.adapter.unlink_account(&account.provider, &account.provider_account_id).await.expect("again"), None);
    assert_eq!(t.stored_user(&user.id).await, Some(user));
}

/// Auth.js case 17: `deleteUser`: the user, its sessions and its accounts are gone (cascade); the return value is the
/// user.
pub async fn delete_user<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let session = given_session(t, fixtures::session(&user.id)).await;
    let account = given_account(t, fixtures::account(&user.id)).await;
    assert_eq!(t.stored_user(&user.id).await, Some(user.clone()));

    let deleted = t.adapter.delete_user(&user.id).await.expect("delete_user");
    assert_eq!(deleted, Some(user.clone()), "delete_user returns the deleted user");
    assert_eq!(t.stored_user(&user.id).await, None);
    assert_eq!(t.stored_session(&session.session_token).await, None);
    assert_eq!(t.stored_account(&account.provider, &account.provider_account_id).await, None);
}

/// Auth.js case 18: `getAccount`: `None` unless both provider and provider account id match; the stored row equals the
/// result (null token columns included).
pub async fn get_account<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user_with_email(t, "getAccount@example.com").await;
    let provider_account_id = id();
    let account = AdapterAccount::new(&user.id, AccountType::Oauth, "auth0", &provider_account_id);
    given_account(t, account.clone()).await;

    let get = |provider: &'static str, pai: String| {
        let adapter = t.adapter.clone();
        async move { adapter.get_account(provider, &pai).await.expect("get_account") }
    };
    assert_eq!(get("invalid-provider", "invalid-provider-account-id".to_owned()).await, None);
    assert_eq!(get("invalid-provider", provider_account_id.clone()).await, None);
    assert_eq!(get("auth0", "invalid-provider-account-id".to_owned()).await, None);
    let found = get("auth0", provider_account_id.clone()).await.expect("the account is found");
    assert_eq!(found, account);
    assert_eq!(t.stored_account("auth0", &provider_account_id).await, Some(found));
}

/// Auth.js case 19: `createAuthenticator`: the return value equals the input; the row equals the return value.
pub async fn create_authenticator<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user_with_email(t, "createAuthenticator@example.com").await;
    let credential_id = id();
    given_account(t, fixtures::webauthn_account(&user.id, &credential_id)).await;
    let data = fixtures::authenticator(&user.id, &credential_id, fixtures::random_int(100), "usb,ble,nfc");
    let created = t.adapter.create_authenticator(data.clone()).await.expect("create_authenticator");
    assert_eq!(created, data);
    assert_eq!(t.stored_authenticator(&credential_id).await, Some(created));
}

/// Auth.js case 20: `getAuthenticator`: `None` for an unknown credential id; the stored authenticator for a known one.
pub async fn get_authenticator<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user_with_email(t, "getAuthenticator@example.com").await;
    let credential_id = id();
    let data = fixtures::authenticator(&user.id, &credential_id, fixtures::random_int(100), "usb,ble,nfc");
    given_authenticator(t, data.clone()).await;
    assert_eq!(t.adapter.get_authenticator("invalid-credential-id").await.expect("get_authenticator"), None);
    let found = t.adapter.get_authenticator(&credential_id).await.expect("get_authenticator");
    assert_eq!(found, Some(data));
    assert_eq!(t.stored_authenticator(&credential_id).await, found);
}

/// Auth.js case 21: `listAuthenticatorsByUserId`: `[]` for an unknown user; exactly each user's authenticators (the
/// original only checks a subset, which an empty list passes).
pub async fn list_authenticators_by_user_id<S: TestSchema>(t: &TestDb<S>) {
    let user1 = given_user_with_email(t, "listAuthenticatorsByUserId1@example.com").await;
    let user2 = given_user_with_email(t, "listAuthenticatorsByUserId2@example.com").await;
    let a1 =
        given_authenticator(t, fixtures::authenticator(&user1.id, &id(), fixtures::random_int(100), "usb,ble,nfc"))
            .await;
    let a2 =
        given_authenticator(t, fixtures::authenticator(&user1.id, &id(), fixtures::random_int(100), "usb,nfc")).await;
    let a3 =
        given_authenticator(t, fixtures::authenticator(&user2.id, &id(), fixtures::random_int(100), "usb,ble")).await;

    let list = |user_id: String| {
        let adapter = t.adapter.clone();
        async move { sorted_authenticators(adapter.list_authenticators_by_user_id(&user_id).await.expect("list")) }
    };
    assert_eq!(list("invalid-user-id".to_owned()).await, vec![]);
    assert_eq!(list(user1.id.clone()).await, sorted_authenticators(vec![a2, a1]));
    assert_eq!(list(user2.id.clone()).await, vec![a3]);
    assert_eq!(list(user1.id.clone()).await, t.stored_authenticators_of(&user1.id).await);
}

/// Auth.js case 22: `updateAuthenticatorCounter`: an unknown credential id is an error ([`Record::Authenticator`] not
/// found); a known one gets the new counter, in the return value and in the row.
pub async fn update_authenticator_counter<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user_with_email(t, "updateAuthenticatorCounter@example.com").await;
    let credential_id = id();
    let data = fixtures::authenticator(&user.id, &credential_id, fixtures::random_int(100), "usb,ble,nfc");
    given_authenticator(t, data.clone()).await;

    assert_not_found(
        t.adapter.update_authenticator_counter("invalid-credential-id", data.counter + 1).await,
        Record::Authenticator,
    );
    let new_counter = data.counter + 1 + fixtures::random_int(100);
    let updated = t
        .adapter
        .update_authenticator_counter(&credential_id, new_counter)
        .await
        .expect("update_authenticator_counter");
    assert_eq!(updated.counter, new_counter);
    assert_eq!(updated, fixtures::authenticator_with_counter(&data, new_counter));
    assert_eq!(t.stored_authenticator(&credential_id).await, Some(updated));
}
