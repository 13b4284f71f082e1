//! What only one schema has: the default tables read field by field with the default entities, the app's typed extra
//! columns of [`Plural`], the database-generated ids of [`IntegerIds`], and the native UUIDs of [`UuidIds`] in the
//! PostgreSQL schema `auth`.

use std::collections::BTreeSet;

use authjs_sea_orm::axum::CurrentSession;
use authjs_sea_orm::entity::{Timestamp, account, authenticator, session, user, verification_token};
use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterAuthenticator, Error, NewUser, Record, SeaOrmAdapter, SessionUpdate,
    UserUpdate, VerificationToken,
};
use chrono::Duration;
use example_custom_tables::entities::users::{self, NewProfile};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};

use super::{
    assert_not_found, auth_fields, given_account, given_authenticator, given_session, given_user, given_user_from,
    given_user_with_email, given_verification_token, with_extra,
};
use crate::TestDb;
use crate::fixtures::{self, id};
use crate::raw::{account_of, authenticator_of, session_of, user_of, verification_token_of};
use crate::schemas::{IntegerIds, Plural, TestSchema, UuidIds, assert_recent, integer_ids, uuid_ids};

// ---------------------------------------------------------------------------------------------------------------
// Default: the rows, read with the default entities, hold exactly what was written.
// ---------------------------------------------------------------------------------------------------------------

/// On the default tables, every column of every row written through the adapter, read with the default entities
/// (`user::Model`, ...), holds exactly the value written (nulls, millisecond dates, booleans, counters beyond
/// `i32`), and the field-by-field conversions of `raw` equal what the adapter returns. (Every generic read of the
/// suite also cross-checks these conversions on the default tables: see [`crate::raw`].)
pub async fn default_rows_read_field_by_field(t: &TestDb) {
    let new = fixtures::user_with_millis();
    let full = given_user_from(t, new.clone()).await;
    let bare = given_user_from(t, NewUser { id: Some(id()), ..NewUser::default() }).await;
    assert_eq!(
        t.db_user(&full.id).await,
        Some(user::Model {
            id: new.id.clone().expect("the fixture has an id"),
            name: new.name.clone(),
            email: new.email.clone(),
            email_verified: new.email_verified.map(Timestamp::new),
            image: new.image.clone(),
        })
    );
    assert_eq!(
        t.db_user(&bare.id).await,
        Some(user::Model { id: bare.id.clone(), name: None, email: None, email_verified: None, image: None })
    );
    for u in [&full, &bare] {
        assert_eq!(t.db_user(&u.id).await.map(user_of).as_ref(), Some(u));
    }

    let oauth = given_account(t, fixtures::account(&full.id)).await;
    let minimal = given_account(t, AdapterAccount::new(&full.id, AccountType::Email, "email", "ada@example.com")).await;
    assert_eq!(
        t.db_account(&oauth.provider, &oauth.provider_account_id).await,
        Some(account::Model {
            user_id: full.id.clone(),
            r#type: "oauth".to_owned(),
            provider: "github".to_owned(),
            provider_account_id: oauth.provider_account_id.clone(),
            refresh_token: oauth.refresh_token.clone(),
            access_token: oauth.access_token.clone(),
            expires_at: Some(fixtures::ONE_MONTH_SECS.into()),
            token_type: Some("bearer".to_owned()),
            scope: Some("user".to_owned()),
            id_token: oauth.id_token.clone(),
            session_state: oauth.session_state.clone(),
        })
    );
    assert_eq!(
        t.db_account("email", "ada@example.com").await,
        Some(account::Model {
            user_id: full.id.clone(),
            r#type: "email".to_owned(),
            provider: "email".to_owned(),
            provider_account_id: "ada@example.com".to_owned(),
            refresh_token: None,
            access_token: None,
            expires_at: None,
            token_type: None,
            scope: None,
            id_token: None,
            session_state: None,
        })
    );
    for a in [&oauth, &minimal] {
        assert_eq!(t.db_account(&a.provider, &a.provider_account_id).await.map(account_of).as_ref(), Some(a));
    }

    let expires = fixtures::now_with_millis() + Duration::days(30);
    let session = given_session(t, fixtures::session_expiring(&full.id, expires)).await;
    assert_eq!(
        t.db_session(&session.session_token).await,
        Some(session::Model {
            session_token: session.session_token.clone(),
            user_id: full.id.clone(),
            expires: Timestamp::new(expires),
        })
    );
    assert_eq!(t.db_session(&session.session_token).await.map(session_of), Some(session));

    let token = given_verification_token(
        t,
        VerificationToken { identifier: "ada@example.com".to_owned(), token: fixtures::hashed_token(), expires },
    )
    .await;
    assert_eq!(
        t.db_verification_token(&token.identifier, &token.token).await,
        Some(verification_token::Model {
            identifier: token.identifier.clone(),
            token: token.token.clone(),
            expires: Timestamp::new(expires),
        })
    );
    assert_eq!(t.db_verification_token(&token.identifier, &token.token).await.map(verification_token_of), Some(token));

    let big = i64::from(u32::MAX);
    let backed_up = given_authenticator(t, fixtures::authenticator(&full.id, &id(), big, "usb,nfc")).await;
    let single = given_authenticator(
        t,
        AdapterAuthenticator {
            credential_backed_up: false,
            transports: None,
            credential_device_type: "singleDevice".to_owned(),
            ..fixtures::authenticator(&full.id, &id(), 0, "")
        },
    )
    .await;
    assert_eq!(
        t.db_authenticator(&backed_up.credential_id).await,
        Some(authenticator::Model {
            credential_id: backed_up.credential_id.clone(),
            user_id: full.id.clone(),
            provider_account_id: backed_up.credential_id.clone(),
            credential_public_key: backed_up.credential_public_key.clone(),
            counter: big.into(),
            credential_device_type: "platform".to_owned(),
            credential_backed_up: true,
            transports: Some("usb,nfc".to_owned()),
        })
    );
    let row = t.db_authenticator(&single.credential_id).await.expect("stored");
    assert_eq!((i64::from(row.counter), row.credential_backed_up, row.transports.as_deref()), (0, false, None));
    for a in [&backed_up, &single] {
        assert_eq!(t.db_authenticator(&a.credential_id).await.map(authenticator_of).as_ref(), Some(a));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Plural: the app's typed extra columns.
// ---------------------------------------------------------------------------------------------------------------

/// The app's `users` row, read with its own entity.
async fn users_row(t: &TestDb<Plural>, id: &str) -> Option<users::Model> {
    users::Entity::find_by_id(id.to_owned()).one(&t.db).await.expect("read users")
}

/// A user created with a `NewProfile` has its role, phone and creation date readable as the app's typed
/// `users::Model` from every method that returns users: `create_user`, `get_user`, `get_user_by_email`,
/// `get_user_by_account`, `get_session_and_user`, `update_user` (which leaves them alone) and `delete_user`.
pub async fn plural_profile_round_trips(t: &TestDb<Plural>) {
    let phone = "+44 20 7946 0958";
    let profile = NewProfile { role: Some("admin".to_owned()), phone: Some(phone.to_owned()) };
    let new = fixtures::user_with_millis();
    let created = t.adapter.create_user(with_extra(new.clone(), profile)).await.expect("create_user");
    // `Debug` of a signed-in request shows the Auth.js fields, not the app's extra columns.
    let session = given_session(t, fixtures::session(&created.id)).await;
    let current: CurrentSession<SeaOrmAdapter<example_custom_tables::AppTables>> =
        CurrentSession { session: authjs_sea_orm::axum::Session::Database(session), user: created.clone() };
    let shown = format!("{current:?}");
    assert!(shown.contains(&created.id) && !shown.contains(phone), "{shown}");
    assert_eq!(auth_fields(&created), fixtures::expected_user(&new, &created.id));
    assert_eq!(created.extra.role, "admin");
    assert_eq!(created.extra.phone.as_deref(), Some(phone));
    assert_recent(created.extra.created_at);
    assert_eq!(Plural::synced(created.clone()), created, "the model mirrors the Auth.js fields");
    assert_eq!(users_row(t, &created.id).await.as_ref(), Some(&created.extra), "the extra part is the stored row");
    assert_eq!(t.stored_user(&created.id).await, Some(created.clone()));

    // A bystander with the default profile, so that reads must pick the right row.
    let other = given_user_with_email(t, "other@example.com").await;
    assert_eq!(other.extra.role, "member");

    let found = t.adapter.get_user(&created.id).await.expect("get_user").expect("found");
    assert_eq!((found.extra.role.as_str(), found.extra.phone.as_deref()), ("admin", Some(phone)));
    assert_eq!(found, created);

    let email = created.email.clone().expect("the fixture has an e-mail address");
    let found = t.adapter.get_user_by_email(&email).await.expect("get_user_by_email").expect("found");
    assert_eq!(found.extra.role, "admin");
    assert_eq!(found, created);

    let account = given_account(t, fixtures::account(&created.id)).await;
    given_account(t, fixtures::account(&other.id)).await;
    let found = t
        .adapter
        .get_user_by_account(&account.provider, &account.provider_account_id)
        .await
        .expect("get_user_by_account")
        .expect("found");
    assert_eq!(found.extra.phone.as_deref(), Some(phone));
    assert_eq!(found, created);

    let session = given_session(t, fixtures::session(&created.id)).await;
    given_session(t, fixtures::session(&other.id)).await;
    let (found_session, found) =
        t.adapter.get_session_and_user(&session.session_token).await.expect("get_session_and_user").expect("found");
    assert_eq!(found_session, session);
    assert_eq!(found.extra.created_at, created.extra.created_at);
    assert_eq!(found, created);

    let updated = t
        .adapter
        .update_user(UserUpdate { name: Some(Some("Ada Lovelace".to_owned())), ..UserUpdate::new(&created.id) })
        .await
        .expect("update_user");
    assert_eq!(updated.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(updated.extra.name.as_deref(), Some("Ada Lovelace"), "the model holds the new name");
    assert_eq!(
        (updated.extra.role.as_str(), updated.extra.phone.as_deref(), updated.extra.created_at),
        ("admin", Some(phone), created.extra.created_at),
        "update_user leaves the app's columns alone"
    );
    assert_eq!(
        updated,
        Plural::synced(authjs_sea_orm::AdapterUser { name: Some("Ada Lovelace".to_owned()), ..created })
    );
    assert_eq!(users_row(t, &updated.id).await.as_ref(), Some(&updated.extra));

    let deleted = t.adapter.delete_user(&updated.id).await.expect("delete_user").expect("deleted");
    assert_eq!((deleted.extra.role.as_str(), deleted.extra.phone.as_deref()), ("admin", Some(phone)));
    assert_eq!(deleted, updated, "delete_user returns the deleted row");
    assert_eq!(users_row(t, &updated.id).await, None);
    assert_eq!(t.stored_user(&other.id).await, Some(other), "the bystander stays");
}

/// A user created with the default `NewProfile` (what Auth.js sign-ups pass) gets role `member`, no phone, and a
/// creation date; a profile with only a phone still gets role `member`.
pub async fn plural_default_profile_is_member(t: &TestDb<Plural>) {
    let created = t
        .adapter
        .create_user(with_extra(fixtures::user(), NewProfile::default()))
        .await
        .expect("create_user with the default profile");
    assert_eq!(created.extra.role, "member");
    assert_eq!(created.extra.phone, None);
    assert_recent(created.extra.created_at);
    let row = users_row(t, &created.id).await.expect("stored");
    assert_eq!((row.role.as_str(), row.phone.as_deref()), ("member", None));
    assert_eq!(row, created.extra);
    assert_eq!(t.adapter.get_user(&created.id).await.expect("get_user"), Some(created));

    let phone_only = NewProfile { role: None, phone: Some("+1 202 555 0143".to_owned()) };
    let created = t
        .adapter
        .create_user(with_extra(fixtures::user_with_email("phone@example.com"), phone_only))
        .await
        .expect("create_user with a phone");
    assert_eq!((created.extra.role.as_str(), created.extra.phone.as_deref()), ("member", Some("+1 202 555 0143")));
    assert_eq!(users_row(t, &created.id).await, Some(created.extra));
}

// ---------------------------------------------------------------------------------------------------------------
// IntegerIds: ids generated by the database.
// ---------------------------------------------------------------------------------------------------------------

/// Users get consecutive integer ids from the database, whatever id `create_user` is given; the rows hold the
/// integers, and so do the `user_id` columns of the other tables.
pub async fn integer_ids_are_consecutive(t: &TestDb<IntegerIds>) {
    let mut ids = Vec::new();
    for i in 0..4 {
        let new = NewUser {
            id: if i % 2 == 0 { Some(id()) } else { None },
            ..fixtures::user_with_email(&format!("n{i}@example.com"))
        };
        let user = given_user_from(t, new).await;
        ids.push(user.id.parse::<i32>().expect("an integer id"));
    }
    assert_eq!(ids, (0..4).map(|i| ids[0] + i).collect::<Vec<_>>(), "consecutive ids");

    let row = integer_ids::user::Entity::find_by_id(ids[2]).one(&t.db).await.expect("read users").expect("stored");
    assert_eq!(row.email.as_deref(), Some("n2@example.com"));
    let user = t.adapter.get_user(&ids[2].to_string()).await.expect("get_user").expect("found");
    assert_eq!(user.id, ids[2].to_string());
    assert_eq!(user.email, row.email);

    let session = given_session(t, fixtures::session(&user.id)).await;
    assert_eq!(session.user_id, user.id);
    let row = integer_ids::session::Entity::find_by_id(session.session_token.clone())
        .one(&t.db)
        .await
        .expect("read sessions")
        .expect("stored");
    assert_eq!(row.user_id, ids[2]);
    let account = given_account(t, fixtures::account(&user.id)).await;
    assert_eq!(account.user_id, user.id);
    let authenticator = given_authenticator(t, fixtures::authenticator(&user.id, &id(), 1, "usb")).await;
    assert_eq!(authenticator.user_id, user.id);
    assert_eq!(t.adapter.list_sessions_by_user_id(&user.id).await.expect("list"), vec![session]);
    assert_eq!(t.adapter.list_authenticators_by_user_id(&user.id).await.expect("list"), vec![authenticator]);
}

/// A user id that is not an integer (`"abc"`) names no user: reads find nothing, writes that reference it are
/// `NotFound(User)`, and nothing is stored. So does an integer no user has.
pub async fn integer_ids_reject_non_integers(t: &TestDb<IntegerIds>) {
    let user = given_user(t).await;
    let session = given_session(t, fixtures::session(&user.id)).await;
    let before = t.snapshot().await;
    let missing = (user.id.parse::<i64>().expect("an integer id") + 1000).to_string();
    for bad in ["abc", "", "1.5", &id(), &missing] {
        assert_eq!(t.adapter.get_user(bad).await.expect("get_user"), None, "{bad:?}");
        assert_eq!(t.adapter.delete_user(bad).await.expect("delete_user"), None, "{bad:?}");
        assert_not_found(
            t.adapter.update_user(UserUpdate { name: Some(None), ..UserUpdate::new(bad) }).await,
            Record::User,
        );
        assert_not_found(t.adapter.create_session(fixtures::session(bad)).await, Record::User);
        assert_not_found(t.adapter.link_account(fixtures::account(bad)).await, Record::User);
        assert_not_found(
            t.adapter.create_authenticator(fixtures::authenticator(bad, &id(), 0, "usb")).await,
            Record::User,
        );
        assert_not_found(
            t.adapter
                .update_session(SessionUpdate {
                    session_token: session.session_token.clone(),
                    user_id: Some(bad.to_owned()),
                    expires: None,
                })
                .await,
            Record::User,
        );
        assert_eq!(t.adapter.list_sessions_by_user_id(bad).await.expect("list"), vec![]);
        assert_eq!(t.adapter.list_authenticators_by_user_id(bad).await.expect("list"), vec![]);
        assert_eq!(t.adapter.delete_sessions_by_user_id(bad).await.expect("delete"), 0);
    }
    assert_eq!(t.snapshot().await, before, "nothing changed");
}

// ---------------------------------------------------------------------------------------------------------------
// UuidIds: native uuid columns in the PostgreSQL schema `auth`.
// ---------------------------------------------------------------------------------------------------------------

async fn pg_strings(t: &TestDb<UuidIds>, sql: &str, values: Vec<sea_orm::Value>) -> Vec<String> {
    let rows =
        t.db.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|row| row.try_get_by_index::<String>(0).unwrap_or_else(|e| panic!("{sql}: {e}"))).collect()
}

/// The five tables live in the PostgreSQL schema `auth` (none in `public` but the migration history); the user id
/// and every `userId` column are of type `uuid`; stored ids are real UUIDs, read back typed; an id that is not a
/// UUID names no user, and `create_user` refuses it.
pub async fn uuid_ids_are_native(t: &TestDb<UuidIds>) {
    assert!(UuidIds::supports(t.backend));
    let tables: BTreeSet<String> =
        pg_strings(t, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'auth'", vec![])
            .await
            .into_iter()
            .collect();
    let expected: BTreeSet<String> =
        ["user", "account", "session", "verificationToken", "authenticator"].map(str::to_owned).into();
    assert_eq!(tables, expected, "the tables of schema auth");
    let public =
        pg_strings(t, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'", vec![])
            .await;
    assert_eq!(public, vec!["seaql_migrations".to_owned()], "nothing else in public");

    let id_columns: BTreeSet<String> = pg_strings(
        t,
        "SELECT table_name::text || '.' || column_name::text || ' ' || data_type::text FROM information_schema.columns \
         WHERE table_schema = 'auth' AND column_name IN ('id', 'userId')",
        vec![],
    )
    .await
    .into_iter()
    .collect();
    let expected: BTreeSet<String> =
        ["user.id uuid", "account.userId uuid", "session.userId uuid", "authenticator.userId uuid"]
            .map(str::to_owned)
            .into();
    assert_eq!(id_columns, expected, "user ids are native uuids");

    let user = given_user(t).await;
    let uuid = uuid::Uuid::parse_str(&user.id).expect("the id is a UUID");
    let session = given_session(t, fixtures::session(&user.id)).await;
    given_account(t, fixtures::account(&user.id)).await;
    given_authenticator(t, fixtures::authenticator(&user.id, &id(), 1, "usb")).await;
    let types = pg_strings(
        t,
        r#"SELECT pg_typeof(u.id)::text FROM auth."user" u JOIN auth."session" s ON s."userId" = u.id
           WHERE s."sessionToken" = $1"#,
        vec![session.session_token.clone().into()],
    )
    .await;
    assert_eq!(types, vec!["uuid".to_owned()]);

    let row = uuid_ids::user::Entity::find_by_id(uuid).one(&t.db).await.expect("read user").expect("stored");
    assert_eq!(row.id, uuid);
    assert_eq!(row.email, user.email);
    let row = uuid_ids::session::Entity::find_by_id(session.session_token.clone())
        .one(&t.db)
        .await
        .expect("read session")
        .expect("stored");
    assert_eq!(row.user_id, uuid);
    // Upper case is the same UUID.
    assert_eq!(t.adapter.get_user(&user.id.to_uppercase()).await.expect("get_user"), Some(user.clone()));

    let before = t.snapshot().await;
    for bad in ["not-a-uuid", "", "1"] {
        assert_eq!(t.adapter.get_user(bad).await.expect("get_user"), None);
        assert_eq!(t.adapter.delete_user(bad).await.expect("delete_user"), None);
        assert_not_found(t.adapter.create_session(fixtures::session(bad)).await, Record::User);
        assert_not_found(t.adapter.link_account(fixtures::account(bad)).await, Record::User);
        assert_eq!(t.adapter.list_sessions_by_user_id(bad).await.expect("list"), vec![]);
        let result = t.adapter.create_user(NewUser { id: Some(bad.to_owned()), ..NewUser::default() }).await;
        assert!(matches!(result, Err(Error::InvalidInput(_))), "create_user with id {bad:?}: {result:?}");
    }
    assert_eq!(t.snapshot().await, before, "nothing changed");
}
