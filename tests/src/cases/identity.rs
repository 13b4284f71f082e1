//! Identity is exact: a lookup by e-mail, token or account key finds only the row whose key equals the argument
//! byte for byte, whatever the column's collation. `tests/identity.rs` also runs [`lookalike_keys_never_match`] on
//! tables whose key columns were switched to case- and accent-insensitive collations.

use authjs_sea_orm::{
    AccountUpdate, Adapter, AdapterAccount, AdapterSession, Record, SessionUpdate, VerificationToken,
};

use super::{assert_not_found, given_account, given_authenticator, given_session, given_user_with_email};
use super::{given_verification_token, with_extra};
use crate::TestDb;
use crate::fixtures::{self, id};
use crate::schemas::{NewExtra, TestSchema};

/// Variants of `key` that a loose collation may confuse with it: another letter case, an accent, a trailing space.
pub fn lookalikes(key: &str) -> Vec<String> {
    let accented = key.replacen('e', "\u{e9}", 1);
    assert_ne!(accented, key, "{key:?} needs an `e`");
    let other_case: String =
        key.chars().map(|c| if c.is_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }).collect();
    assert_ne!(other_case, key, "{key:?} needs letters");
    vec![other_case, accented, format!("{key} "), format!("{key}\u{a0}")]
}

/// Look-alike e-mails, session tokens, verification identifiers and tokens, account ids and credential ids never
/// match: reads find nothing, writes change nothing, and the originals still match afterwards.
pub async fn lookalike_keys_never_match<S: TestSchema>(t: &TestDb<S>) {
    let a = &t.adapter;
    let email = format!("victim-{}@example.com", &id()[..8]);
    let user = given_user_with_email(t, &email).await;
    let provider = "github";
    let account_id = format!("Account-key-{}", id());
    given_account(t, AdapterAccount { provider_account_id: account_id.clone(), ..fixtures::account(&user.id) }).await;
    let session =
        given_session(t, AdapterSession { session_token: format!("Session-{}", id()), ..fixtures::session(&user.id) })
            .await;
    let vt = given_verification_token(
        t,
        VerificationToken {
            identifier: email.clone(),
            token: format!("Token-{}", fixtures::hashed_token()),
            expires: fixtures::fifteen_minutes_from_now(),
        },
    )
    .await;
    let credential_id = format!("Credential-{}", id());
    given_authenticator(t, fixtures::authenticator(&user.id, &credential_id, 7, "usb")).await;
    let later = fixtures::one_month_from_now() + chrono::Duration::days(1);

    for e in lookalikes(&email) {
        assert_eq!(a.get_user_by_email(&e).await.expect("get_user_by_email"), None, "{e:?}");
        assert_eq!(a.use_verification_token(&e, &vt.token).await.expect("use_verification_token"), None, "{e:?}");
    }
    for token in lookalikes(&vt.token) {
        assert_eq!(a.use_verification_token(&vt.identifier, &token).await.expect("use"), None, "{token:?}");
    }
    for token in lookalikes(&session.session_token) {
        assert_eq!(a.get_session_and_user(&token).await.expect("get_session_and_user"), None, "{token:?}");
        assert_eq!(a.update_session(SessionUpdate::expires(&token, later)).await.expect("update"), None, "{token:?}");
        assert_eq!(a.delete_session(&token).await.expect("delete_session"), None, "{token:?}");
    }
    for key in lookalikes(&account_id) {
        assert_eq!(a.get_account(provider, &key).await.expect("get_account"), None, "{key:?}");
        assert_eq!(a.get_user_by_account(provider, &key).await.expect("get_user_by_account"), None, "{key:?}");
        assert_not_found(a.update_account(AccountUpdate::new(provider, &key)).await, Record::Account);
        assert_eq!(a.unlink_account(provider, &key).await.expect("unlink_account"), None, "{key:?}");
    }
    for p in ["GitHub", "g\u{ed}thub", "github "] {
        assert_eq!(a.get_account(p, &account_id).await.expect("get_account"), None, "{p:?}");
    }
    for key in lookalikes(&credential_id) {
        assert_eq!(a.get_authenticator(&key).await.expect("get_authenticator"), None, "{key:?}");
        assert_not_found(a.update_authenticator_counter(&key, 99).await, Record::Authenticator);
    }

    // Nothing was changed or used up: every original still matches.
    assert_eq!(a.get_user_by_email(&email).await.expect("get_user_by_email"), Some(user.clone()));
    assert_eq!(a.get_user_by_account(provider, &account_id).await.expect("get_user_by_account"), Some(user.clone()));
    let (found, _) = a.get_session_and_user(&session.session_token).await.expect("read").expect("the session");
    assert_eq!(found, session);
    assert_eq!(a.get_authenticator(&credential_id).await.expect("read").map(|au| au.counter), Some(7));
    assert_eq!(a.use_verification_token(&vt.identifier, &vt.token).await.expect("use"), Some(vt));
}

/// On the default tables, `a@b.c` and `a@b.c ` are two users on every backend (MySQL/MariaDB: the `NO PAD` collation
/// of the second migration; `utf8mb4_bin` would make them collide).
pub async fn trailing_space_keys_are_distinct<S: TestSchema>(t: &TestDb<S>) {
    let email = format!("spaces-{}@example.com", &id()[..8]);
    let user = given_user_with_email(t, &email).await;
    let spaced = t
        .adapter
        .create_user(with_extra(fixtures::user_with_email(&format!("{email} ")), NewExtra::<S>::default()))
        .await
        .expect("a trailing space makes another address");
    assert_ne!(spaced.id, user.id);
    assert_eq!(t.adapter.get_user_by_email(&email).await.expect("read"), Some(user));
    assert_eq!(t.adapter.get_user_by_email(&format!("{email} ")).await.expect("read"), Some(spaced));
}
