//! The methods beyond Auth.js (`update_account`, the session listing and cleanup helpers) and the partial-update
//! semantics of `update_user` and `update_session`.

use authjs_sea_orm::schema::IdKind;
use authjs_sea_orm::{
    AccountUpdate, Adapter, AdapterAccount, AdapterSession, AdapterUser, NewUser, Record, SessionUpdate, UserUpdate,
    VerificationToken,
};
use chrono::{Duration, Utc};

use super::{
    assert_not_found, auth_fields, given_account, given_session, given_user, given_user_with_email,
    given_verification_token, new_user, sorted_sessions,
};
use crate::TestDb;
use crate::fixtures::{self, id};
use crate::schemas::{SchemaKind, TestSchema, User, id_kind};

/// Applies `update`, checks the return value equals the row and equals `expected`.
async fn check_update_account<S: TestSchema>(t: &TestDb<S>, update: AccountUpdate, expected: &AdapterAccount) {
    let returned = t.adapter.update_account(update).await.expect("update_account");
    let stored = t.stored_account(&expected.provider, &expected.provider_account_id).await;
    assert_eq!(&returned, expected);
    assert_eq!(stored, Some(returned), "update_account returns the stored account");
}

/// `update_account`: each token field can be set, cleared or left alone; an empty update changes nothing.
pub async fn update_account<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let account = given_account(t, fixtures::account(&user.id)).await;
    let other = given_account(t, fixtures::account(&user.id)).await;
    let key = || AccountUpdate::new(&account.provider, &account.provider_account_id);

    // Leave everything alone.
    check_update_account(t, key(), &account).await;

    // Set some fields, clear others, leave the rest.
    let new_access = id();
    let new_expires = Utc::now().timestamp() + 3600;
    let mut expected = AdapterAccount {
        access_token: Some(new_access.clone()),
        expires_at: Some(new_expires),
        refresh_token: None,
        id_token: None,
        ..account.clone()
    };
    check_update_account(
        t,
        AccountUpdate {
            access_token: Some(Some(new_access)),
            expires_at: Some(Some(new_expires)),
            refresh_token: Some(None),
            id_token: Some(None),
            ..key()
        },
        &expected,
    )
    .await;

    // Every field set.
    expected = AdapterAccount {
        refresh_token: Some(id()),
        access_token: Some(id()),
        expires_at: Some(i64::from(i32::MAX) + 1),
        token_type: Some("dpop".to_owned()),
        scope: Some("openid email profile".to_owned()),
        id_token: Some("x".repeat(3000)),
        session_state: Some(id()),
        ..account.clone()
    };
    check_update_account(
        t,
        AccountUpdate {
            refresh_token: Some(expected.refresh_token.clone()),
            access_token: Some(expected.access_token.clone()),
            expires_at: Some(expected.expires_at),
            token_type: Some(expected.token_type.clone()),
            scope: Some(expected.scope.clone()),
            id_token: Some(expected.id_token.clone()),
            session_state: Some(expected.session_state.clone()),
            ..key()
        },
        &expected,
    )
    .await;

    // Every field cleared.
    expected = AdapterAccount::new(&account.user_id, account.r#type, &account.provider, &account.provider_account_id);
    check_update_account(
        t,
        AccountUpdate {
            refresh_token: Some(None),
            access_token: Some(None),
            expires_at: Some(None),
            token_type: Some(None),
            scope: Some(None),
            id_token: Some(None),
            session_state: Some(None),
            ..key()
        },
        &expected,
    )
    .await;

    assert_eq!(
        t.stored_account(&other.provider, &other.provider_account_id).await,
        Some(other),
        "other accounts are untouched"
    );
}

/// `update_account` of a missing account is [`Record::Account`] not found, and stores nothing.
pub async fn update_account_not_found<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let account = given_account(t, fixtures::account(&user.id)).await;
    let before = t.snapshot().await;
    assert_not_found(
        t.adapter
            .update_account(AccountUpdate { access_token: Some(Some(id())), ..AccountUpdate::new("github", id()) })
            .await,
        Record::Account,
    );
    // Same provider account id at another provider.
    assert_not_found(
        t.adapter
            .update_account(AccountUpdate {
                access_token: Some(Some(id())),
                ..AccountUpdate::new("gitlab", &account.provider_account_id)
            })
            .await,
        Record::Account,
    );
    assert_not_found(t.adapter.update_account(AccountUpdate::new("github", id())).await, Record::Account);
    assert_eq!(t.snapshot().await, before);
}

/// `list_sessions_by_user_id`: exactly the user's sessions, expired ones included; `[]` for an unknown user.
pub async fn list_sessions_by_user_id<S: TestSchema>(t: &TestDb<S>) {
    let alice = given_user_with_email(t, "alice@example.com").await;
    let bob = given_user_with_email(t, "bob@example.com").await;
    let now = fixtures::now_with_millis();
    let mut alices = Vec::new();
    for expires in [now + Duration::days(7), now + Duration::days(30), now - Duration::hours(1)] {
        alices.push(given_session(t, fixtures::session_expiring(&alice.id, expires)).await);
    }
    let bobs = vec![given_session(t, fixtures::session(&bob.id)).await];

    let list = |user_id: String| {
        let adapter = t.adapter.clone();
        async move { sorted_sessions(adapter.list_sessions_by_user_id(&user_id).await.expect("list")) }
    };
    assert_eq!(list(alice.id.clone()).await, sorted_sessions(alices));
    assert_eq!(list(bob.id.clone()).await, bobs);
    assert_eq!(list(id()).await, vec![]);
    assert_eq!(list(alice.id.clone()).await, t.stored_sessions_of(&alice.id).await);
}

/// `delete_sessions_by_user_id`: deletes and counts exactly the user's sessions; other users' stay.
pub async fn delete_sessions_by_user_id<S: TestSchema>(t: &TestDb<S>) {
    let alice = given_user_with_email(t, "alice@example.com").await;
    let bob = given_user_with_email(t, "bob@example.com").await;
    for _ in 0..3 {
        given_session(t, fixtures::session(&alice.id)).await;
    }
    given_session(t, fixtures::session_expiring(&alice.id, fixtures::now_with_millis() - Duration::days(1))).await;
    let bobs = sorted_sessions(vec![
        given_session(t, fixtures::session(&bob.id)).await,
        given_session(t, fixtures::session(&bob.id)).await,
    ]);
    let before = t.snapshot().await;

    assert_eq!(t.adapter.delete_sessions_by_user_id(&alice.id).await.expect("delete_sessions_by_user_id"), 4);
    assert_eq!(t.stored_sessions_of(&alice.id).await, vec![]);
    assert_eq!(t.stored_sessions_of(&bob.id).await, bobs);
    assert_eq!(t.stored_user(&alice.id).await, Some(alice.clone()), "the user stays");
    assert_eq!(t.adapter.delete_sessions_by_user_id(&alice.id).await.expect("again"), 0);
    assert_eq!(t.adapter.delete_sessions_by_user_id(&id()).await.expect("unknown user"), 0);
    let after = t.snapshot().await;
    assert_eq!(after.users, before.users);
    assert_eq!(after.sessions.len(), 2);
}

/// `delete_expired_sessions(now)`: deletes and counts the sessions that expired before `now`, and only those.
pub async fn delete_expired_sessions<S: TestSchema>(t: &TestDb<S>) {
    let alice = given_user_with_email(t, "alice@example.com").await;
    let bob = given_user_with_email(t, "bob@example.com").await;
    let now = fixtures::now_with_millis();
    let expired = [now - Duration::days(400), now - Duration::hours(1), now - Duration::milliseconds(1)];
    let live = [now + Duration::milliseconds(1), now + Duration::days(30)];
    for (i, expires) in expired.iter().chain(live.iter()).enumerate() {
        let owner = if i % 2 == 0 { &alice.id } else { &bob.id };
        given_session(t, fixtures::session_expiring(owner, *expires)).await;
    }
    let live_sessions: Vec<_> = t.snapshot().await.sessions.into_iter().filter(|s| s.expires > now).collect();
    assert_eq!(live_sessions.len(), 2);

    assert_eq!(t.adapter.delete_expired_sessions(now).await.expect("delete_expired_sessions"), 3);
    assert_eq!(t.snapshot().await.sessions, live_sessions);
    assert_eq!(t.adapter.delete_expired_sessions(now).await.expect("again"), 0);
    assert_eq!(t.snapshot().await.users.len(), 2, "users stay");
}

/// `delete_expired_verification_tokens(now)`: deletes and counts the tokens that expired before `now`, and only
/// those.
pub async fn delete_expired_verification_tokens<S: TestSchema>(t: &TestDb<S>) {
    let now = fixtures::now_with_millis();
    let expired = [now - Duration::days(2), now - Duration::minutes(1), now - Duration::milliseconds(1)];
    let live = [now + Duration::milliseconds(1), now + Duration::minutes(15)];
    let mut live_tokens = Vec::new();
    for (i, expires) in expired.iter().chain(live.iter()).enumerate() {
        let token = VerificationToken {
            identifier: format!("user{}@example.com", i % 2),
            token: fixtures::hashed_token(),
            expires: *expires,
        };
        given_verification_token(t, token.clone()).await;
        if *expires > now {
            live_tokens.push(token);
        }
    }

    assert_eq!(t.adapter.delete_expired_verification_tokens(now).await.expect("delete_expired"), 3);
    let mut stored = t.snapshot().await.verification_tokens;
    stored.sort_by(|a, b| a.token.cmp(&b.token));
    live_tokens.sort_by(|a, b| a.token.cmp(&b.token));
    assert_eq!(stored, live_tokens);
    assert_eq!(t.adapter.delete_expired_verification_tokens(now).await.expect("again"), 0);
}

/// Applies `update` and checks the return value equals the row and equals `expected` (whose extra part, where it
/// mirrors the Auth.js fields, is brought in line with them first: [`TestSchema::synced`]).
async fn check_update_user<S: TestSchema>(t: &TestDb<S>, update: UserUpdate, expected: &User<S>) {
    let returned = t.adapter.update_user(update).await.expect("update_user");
    assert_eq!(returned, S::synced(expected.clone()));
    assert_eq!(t.stored_user(&expected.id).await, Some(returned), "update_user returns the stored user");
}

/// `update_user`: each nullable field can be left alone, set and cleared, independently of the others.
pub async fn update_user_fields<S: TestSchema>(t: &TestDb<S>) {
    let user = given_user(t).await;
    let bystander = given_user_with_email(t, "bystander@example.com").await;
    let key = || UserUpdate::new(&user.id);
    let mut expected = user.clone();

    // Leave everything alone.
    check_update_user(t, key(), &expected).await;

    // name
    expected.name = Some("Ada".to_owned());
    check_update_user(t, UserUpdate { name: Some(Some("Ada".to_owned())), ..key() }, &expected).await;
    expected.name = None;
    check_update_user(t, UserUpdate { name: Some(None), ..key() }, &expected).await;

    // email
    expected.email = Some("ada@example.com".to_owned());
    check_update_user(t, UserUpdate { email: Some(Some("ada@example.com".to_owned())), ..key() }, &expected).await;
    expected.email = None;
    check_update_user(t, UserUpdate { email: Some(None), ..key() }, &expected).await;

    // email_verified, with real milliseconds
    let verified = fixtures::now_with_millis();
    expected.email_verified = Some(verified);
    check_update_user(t, UserUpdate { email_verified: Some(Some(verified)), ..key() }, &expected).await;
    expected.email_verified = None;
    check_update_user(t, UserUpdate { email_verified: Some(None), ..key() }, &expected).await;

    // image
    expected.image = Some("https://example.com/ada.png".to_owned());
    check_update_user(
        t,
        UserUpdate { image: Some(Some("https://example.com/ada.png".to_owned())), ..key() },
        &expected,
    )
    .await;
    expected.image = None;
    check_update_user(t, UserUpdate { image: Some(None), ..key() }, &expected).await;

    // Everything at once, then leave alone again.
    expected = AdapterUser {
        id: user.id.clone(),
        name: Some("Grace".to_owned()),
        email: Some("grace@example.com".to_owned()),
        email_verified: Some(fixtures::ms0(Utc::now())),
        image: Some("https://example.com/grace.png".to_owned()),
        extra: expected.extra.clone(),
    };
    check_update_user(
        t,
        UserUpdate {
            name: Some(expected.name.clone()),
            email: Some(expected.email.clone()),
            email_verified: Some(expected.email_verified),
            image: Some(expected.image.clone()),
            ..key()
        },
        &expected,
    )
    .await;
    check_update_user(t, key(), &expected).await;
    assert_eq!(t.stored_user(&bystander.id).await, Some(bystander), "other users are untouched");
}

/// `update_user` of a missing user is [`Record::User`] not found, and creates nothing.
pub async fn update_user_not_found<S: TestSchema>(t: &TestDb<S>) {
    given_user(t).await;
    let before = t.snapshot().await;
    assert_not_found(
        t.adapter.update_user(UserUpdate { name: Some(Some("Ghost".to_owned())), ..UserUpdate::new(id()) }).await,
        Record::User,
    );
    assert_not_found(t.adapter.update_user(UserUpdate::new(id())).await, Record::User);
    assert_eq!(t.snapshot().await, before);
}

/// `create_user` without an id (WebAuthn sign-up) generates a UUID v4 string, and stores the user under it. (A
/// table whose ids the database generates gets the database's next id instead.)
pub async fn create_user_generates_uuid<S: TestSchema>(t: &TestDb<S>) {
    let new = NewUser { id: None, email: Some("webauthn@example.com".to_owned()), ..NewUser::default() };
    let created = t.adapter.create_user(new_user::<S>(new.clone())).await.expect("create_user");
    match id_kind::<S>() {
        // The Prisma presets make a cuid, as Prisma's `@default(cuid())`.
        IdKind::Text if matches!(S::KIND, SchemaKind::Prisma | SchemaKind::PrismaV4) => {
            assert!(
                created.id.len() == 25 && created.id.starts_with('c'),
                "the generated id is a cuid: {}",
                created.id
            );
        }
        IdKind::Text | IdKind::Uuid => {
            let uuid = uuid::Uuid::parse_str(&created.id).expect("the generated id is a UUID");
            assert_eq!(uuid.get_version_num(), 4, "the generated id is a UUID v4");
            assert_eq!(created.id, uuid.hyphenated().to_string(), "hyphenated lower-case form");
        }
        IdKind::AutoIncrement => {
            created.id.parse::<i64>().expect("the generated id is an integer");
        }
    }
    assert_eq!(auth_fields(&created), fixtures::expected_user(&new, &created.id));
    S::check_default_extra(&created);
    assert_eq!(t.stored_user(&created.id).await, Some(created.clone()));

    let second = t.adapter.create_user(NewUser::default()).await.expect("create_user with nothing");
    assert_ne!(second.id, created.id);
    assert_eq!(t.stored_user(&second.id).await, Some(second));
}

/// Users without an e-mail address (OAuth profiles may lack one) do not conflict with each other.
pub async fn users_without_email<S: TestSchema>(t: &TestDb<S>) {
    let a = t.adapter.create_user(NewUser { id: Some(id()), ..NewUser::default() }).await.expect("first");
    let b = t.adapter.create_user(NewUser { id: Some(id()), ..NewUser::default() }).await.expect("second");
    assert_ne!(a.id, b.id);
    assert_eq!(a.email, None);
    assert_eq!(t.stored_user(&a.id).await, Some(a));
    assert_eq!(t.stored_user(&b.id).await, Some(b));
}

/// `update_session`: the owner can be changed too, fields left `None` stay, and an unknown session is `None`. Moving
/// a session to a missing user is `NotFound(User)` and changes nothing.
pub async fn update_session_fields<S: TestSchema>(t: &TestDb<S>) {
    let alice = given_user_with_email(t, "alice@example.com").await;
    let bob = given_user_with_email(t, "bob@example.com").await;
    let session = given_session(t, fixtures::session(&alice.id)).await;
    let token = session.session_token.clone();
    let check = |update: SessionUpdate, expected: AdapterSession| async move {
        let returned = t.adapter.update_session(update).await.expect("update_session");
        assert_eq!(returned.as_ref(), Some(&expected));
        assert_eq!(t.stored_session(&expected.session_token).await, returned, "returns the stored session");
    };

    // Leave everything alone.
    check(SessionUpdate { session_token: token.clone(), user_id: None, expires: None }, session.clone()).await;
    // Change the owner only.
    let moved = AdapterSession { user_id: bob.id.clone(), ..session.clone() };
    check(SessionUpdate { session_token: token.clone(), user_id: Some(bob.id.clone()), expires: None }, moved.clone())
        .await;
    // Both.
    let expires = fixtures::now_with_millis() + Duration::days(60);
    let both = AdapterSession { user_id: alice.id.clone(), expires, ..session.clone() };
    check(
        SessionUpdate { session_token: token.clone(), user_id: Some(alice.id.clone()), expires: Some(expires) },
        both,
    )
    .await;

    let before = t.snapshot().await;
    assert_eq!(
        t.adapter.update_session(SessionUpdate::expires(id(), expires)).await.expect("unknown session"),
        None,
        "an unknown session is not an error"
    );
    assert_not_found(
        t.adapter.update_session(SessionUpdate { session_token: token, user_id: Some(id()), expires: None }).await,
        Record::User,
    );
    assert_eq!(t.snapshot().await, before);
}
