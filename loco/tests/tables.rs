//! The auth tables of `migration::AuthTables` beside the users table of Loco's SaaS starter, and the adapter on them
//! (`LocoAdapter`), on SQLite and PostgreSQL (a fresh database per test on the server of `AUTHJS_TEST_POSTGRES_URL`;
//! skipped when it is unset, unless `CI=true`):
//! - `up` creates the tables with the frozen columns, keys and cascading foreign keys; `down` drops them and only
//!   them, and `up` runs again after it;
//! - a magic-link sign-up of `b@example.com` writes a starter-valid row (name, pid, api key, unusable password);
//! - every record kind round-trips through the adapter, and deleting a user cascades;
//! - the statements are frozen.
#![allow(missing_docs)] // test crate
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use authjs_sea_orm::{
    AccountType, AdapterAccount, AdapterAuthenticator, AdapterSession, NewUser, SeaOrmAdapter, VerificationToken,
};
use authjs_sea_orm_loco::entities::users::{self, is_unusable_password};
use authjs_sea_orm_loco::migration::{AuthTables, down_statements, up_statements};
use authjs_sea_orm_loco::{Adapter, Auth, AuthConfig, LocoAdapter, MagicLink};
use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait, Statement};
use sea_orm_migration::prelude::*;
use sha2::{Digest, Sha256};

/// The users migration of `loco new` (SaaS starter), as it generates it.
struct StarterUsers;

impl MigrationName for StarterUsers {
    fn name(&self) -> &str {
        "m20220101_000001_users"
    }
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for StarterUsers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use loco_rs::schema::*;
        create_table(
            m,
            "users",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("email", ColType::StringUniq),
                ("password", ColType::String),
                ("api_key", ColType::StringUniq),
                ("name", ColType::String),
                ("reset_token", ColType::StringNull),
                ("reset_sent_at", ColType::TimestampWithTimeZoneNull),
                ("email_verification_token", ColType::StringNull),
                ("email_verification_sent_at", ColType::TimestampWithTimeZoneNull),
                ("email_verified_at", ColType::TimestampWithTimeZoneNull),
                ("magic_link_token", ColType::StringNull),
                ("magic_link_expiration", ColType::TimestampWithTimeZoneNull),
            ],
            &[],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        loco_rs::schema::drop_table(m, "users").await
    }
}

/// A starter's migrator with the one added line.
struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(StarterUsers), Box::new(AuthTables)]
    }
}

/// A database of its own, removed when dropped.
struct TestDb {
    db: DatabaseConnection,
    cleanup: Option<(String, String)>,
    file: Option<std::path::PathBuf>,
}

impl TestDb {
    async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("authjs-sea-orm-loco-{}.sqlite", uuid::Uuid::new_v4().simple()));
        // `connect` turns SQLite's foreign keys on, as Loco's connection does.
        let db = authjs_sea_orm::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
        TestDb { db, cleanup: None, file: Some(path) }
    }

    async fn postgres() -> Option<TestDb> {
        let server = match std::env::var("AUTHJS_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("AUTHJS_TEST_POSTGRES_URL is required in CI"),
            _ => {
                eprintln!("skipped: AUTHJS_TEST_POSTGRES_URL is not set");
                return None;
            }
        };
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&server).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
        admin.close().await.ok();
        let (base, _) = server.rsplit_once('/').unwrap();
        let db = Database::connect(format!("{base}/{name}")).await.unwrap();
        Some(TestDb { db, cleanup: Some((server, name)), file: None })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(path) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
            }
        }
        if let Some((server, name)) = self.cleanup.take() {
            // The test's pool lives on the test's runtime, blocked here: `WITH (FORCE)` ends its connections.
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(async {
                    let admin = Database::connect(&server).await.unwrap();
                    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.ok();
                    admin.close().await.ok();
                });
            })
            .join()
            .ok();
        }
    }
}

/// `(column, type, not null)` of `table`, in order, with types lower-cased.
async fn columns(db: &DatabaseConnection, table: &str) -> Vec<(String, String, bool)> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            format!("SELECT name, type, \"notnull\" <> 0 AS not_null FROM pragma_table_info('{table}') ORDER BY cid")
        }
        _ => format!(
            "SELECT column_name AS name, CASE WHEN data_type = 'timestamp without time zone' \
             THEN 'timestamp(' || datetime_precision || ')' ELSE data_type END AS type, is_nullable = 'NO' AS not_null \
             FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    rows.iter()
        .map(|row| {
            let not_null = row.try_get::<bool>("", "not_null").unwrap();
            (
                row.try_get::<String>("", "name").unwrap(),
                row.try_get::<String>("", "type").unwrap().to_lowercase(),
                not_null,
            )
        })
        .collect()
}

async fn table_names(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        _ => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    rows.iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect()
}

const AUTH_TABLES: [&str; 4] = ["accounts", "authenticators", "sessions", "verification_tokens"];

async fn up_creates_the_frozen_tables_and_down_drops_them(t: &TestDb) {
    let db = &t.db;
    Migrator::up(db, None).await.unwrap();
    let tables = table_names(db).await;
    for table in AUTH_TABLES.into_iter().chain(["users"]) {
        assert!(tables.contains(&table.to_owned()), "{table} in {tables:?}");
    }
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let (id, date, int, bool) = if sqlite {
        ("integer", "integer", "integer", "integer")
    } else {
        ("bigint", "timestamp(3)", "bigint", "boolean")
    };
    let col = |name: &str, ty: &str, not_null: bool| (name.to_owned(), ty.to_owned(), not_null);
    assert_eq!(
        columns(db, "sessions").await,
        [col("session_token", "text", true), col("user_id", id, true), col("expires", date, true)]
    );
    assert_eq!(
        columns(db, "verification_tokens").await,
        [col("identifier", "text", true), col("token", "text", true), col("expires", date, true)]
    );
    assert_eq!(
        columns(db, "accounts").await,
        [
            col("user_id", id, true),
            col("type", "text", true),
            col("provider", "text", true),
            col("provider_account_id", "text", true),
            col("refresh_token", "text", false),
            col("access_token", "text", false),
            col("expires_at", int, false),
            col("token_type", "text", false),
            col("scope", "text", false),
            col("id_token", "text", false),
            col("session_state", "text", false),
        ]
    );
    assert_eq!(
        columns(db, "authenticators").await,
        [
            col("credential_id", "text", true),
            col("user_id", id, true),
            col("provider_account_id", "text", true),
            col("credential_public_key", "text", true),
            col("counter", int, true),
            col("credential_device_type", "text", true),
            col("credential_backed_up", bool, true),
            col("transports", "text", false),
        ]
    );
    // `user_id` is typed like the starter's key.
    let users_id = columns(db, "users").await.into_iter().find(|(name, ..)| name == "id").unwrap();
    assert_eq!(users_id.1, id);

    // `down` of the auth tables only, then `up` again.
    Migrator::down(db, Some(1)).await.unwrap();
    let tables = table_names(db).await;
    assert!(tables.contains(&"users".to_owned()), "{tables:?}");
    for table in AUTH_TABLES {
        assert!(!tables.contains(&table.to_owned()), "{table} dropped: {tables:?}");
    }
    Migrator::up(db, None).await.unwrap();
    assert_eq!(columns(db, "sessions").await.len(), 3);
}

/// A magic-link sign-up of a one-letter address, then every record kind through `LocoAdapter`.
async fn the_adapter_writes_starter_valid_rows(t: &TestDb) {
    let db = &t.db;
    Migrator::up(db, None).await.unwrap();
    let mut config = AuthConfig::new("a secret").unwrap();
    config.secure = false;
    let auth: Auth<LocoAdapter> = Auth::new(SeaOrmAdapter::with_schema(db.clone()), config);

    let (email, token) = auth.create_magic_link(" B@Example.COM").await.unwrap();
    assert_eq!(email, "b@example.com");
    let MagicLink::Verified(user) = auth.verify_magic_link(&email, &token).await.unwrap() else {
        panic!("the link verifies");
    };
    assert_eq!(user.name.as_deref(), Some("b@example.com"), "at least two characters");
    assert!(user.email_verified.is_some());
    let row = users::Entity::find_by_id(user.id.parse::<i64>().unwrap()).one(db).await.unwrap().unwrap();
    assert_eq!(user.extra, row);
    assert_eq!(row.name, "b@example.com");
    assert!(!row.pid.is_nil());
    assert!(row.api_key.starts_with("lo-") && uuid::Uuid::parse_str(&row.api_key[3..]).is_ok());
    assert!(is_unusable_password(&row.password));
    assert!(!loco_rs::hash::verify_password("", &row.password));
    assert!(row.email_verified_at.is_some());

    // Another user: a name given is kept, one too short is replaced.
    let adapter = auth.adapter();
    let named =
        NewUser { name: Some("Ada Lovelace".into()), email: Some("ada@example.com".into()), ..NewUser::default() };
    assert_eq!(adapter.create_user(named).await.unwrap().extra.name, "Ada Lovelace");
    let short = NewUser { name: Some("A".into()), email: Some("al@example.com".into()), ..NewUser::default() };
    assert_eq!(adapter.create_user(short).await.unwrap().extra.name, "al");

    // Sessions, accounts, authenticators and tokens on the auth tables.
    let (_jar, session) = auth.sign_in(authjs_sea_orm_loco::CookieJar::new(), &user.id).await.unwrap();
    let session = session.database().cloned().expect("database sessions by default");
    let (found, owner) = adapter.get_session_and_user(&session.session_token).await.unwrap().unwrap();
    assert_eq!((found.user_id.as_str(), owner.id.as_str()), (user.id.as_str(), user.id.as_str()));
    let account = AdapterAccount::new(&user.id, AccountType::Oauth, "github", "gh-1");
    adapter.link_account(account.clone()).await.unwrap();
    assert_eq!(adapter.get_user_by_account("github", "gh-1").await.unwrap().unwrap().id, user.id);
    let authenticator = AdapterAuthenticator {
        credential_id: "cred-1".into(),
        user_id: user.id.clone(),
        provider_account_id: "cred-1".into(),
        credential_public_key: "key".into(),
        counter: 1,
        credential_device_type: "singleDevice".into(),
        credential_backed_up: true,
        transports: Some("usb".into()),
    };
    adapter.create_authenticator(authenticator.clone()).await.unwrap();
    assert_eq!(adapter.list_authenticators_by_user_id(&user.id).await.unwrap(), [authenticator]);
    let expires = Utc::now() + Duration::hours(1);
    let token = VerificationToken { identifier: "x@example.com".into(), token: "t".into(), expires };
    adapter.create_verification_token(token.clone()).await.unwrap();
    let used = adapter.use_verification_token("x@example.com", "t").await.unwrap().unwrap();
    assert_eq!(used.expires.timestamp_millis(), expires.timestamp_millis());

    // JWT sessions on the starter's integer user ids: the token's `sub` loads the `users` row, no session row.
    let mut jwt_config = auth.config().clone();
    jwt_config.strategy = authjs_sea_orm_loco::authjs_sea_orm::axum::SessionStrategy::Jwt;
    let jwt_auth: Auth<LocoAdapter> = Auth::new(SeaOrmAdapter::with_schema(db.clone()), jwt_config);
    let (jar, jwt_session) = jwt_auth.sign_in(authjs_sea_orm_loco::CookieJar::new(), &user.id).await.unwrap();
    assert_eq!(jwt_session.jwt().and_then(|claims| claims.sub.as_deref()), Some(user.id.as_str()));
    let (current, _) = jwt_auth.session(&jar).await.unwrap().expect("the JWT cookie signs in");
    assert_eq!(current.user.extra, row, "the whole users row");
    assert_eq!(adapter.list_sessions_by_user_id(&user.id).await.unwrap().len(), 1, "only the database session");
    assert!(auth.session(&jar).await.unwrap().is_none(), "a JWT is no database session");

    // Deleting the user cascades to the auth tables.
    let extra = AdapterSession { session_token: "s2".into(), user_id: user.id.clone(), expires };
    adapter.create_session(extra).await.unwrap();
    adapter.delete_user(&user.id).await.unwrap().unwrap();
    assert!(adapter.get_session_and_user(&session.session_token).await.unwrap().is_none());
    assert!(adapter.get_user_by_account("github", "gh-1").await.unwrap().is_none());
    assert!(adapter.get_authenticator("cred-1").await.unwrap().is_none());
    for table in ["sessions", "accounts", "authenticators"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0, "{table}");
    }
}

#[tokio::test]
async fn sqlite_up_creates_the_frozen_tables_and_down_drops_them() {
    up_creates_the_frozen_tables_and_down_drops_them(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn sqlite_the_adapter_writes_starter_valid_rows() {
    the_adapter_writes_starter_valid_rows(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn postgres_up_creates_the_frozen_tables_and_down_drops_them() {
    let Some(t) = TestDb::postgres().await else { return };
    up_creates_the_frozen_tables_and_down_drops_them(&t).await;
}

#[tokio::test]
async fn postgres_the_adapter_writes_starter_valid_rows() {
    let Some(t) = TestDb::postgres().await else { return };
    the_adapter_writes_starter_valid_rows(&t).await;
}

#[test]
fn the_statements_are_frozen() {
    // The migration is recorded as applied by name: what it runs must never change. A change to these tables is a
    // new migration.
    assert_eq!(AuthTables.name(), "m20261127_000001_authjs_auth_tables");
    // The digests of the statements as released (then `&str` arrays in the code, now SQL files), joined by `;\n`.
    let digest = |statements: &[String]| hex::encode(Sha256::digest(statements.join(";\n").as_bytes()));
    let sqlite = up_statements(DbBackend::Sqlite).unwrap();
    assert_eq!(sqlite.len(), 9);
    assert_eq!(digest(&sqlite), "eb2ef8ef7641814de34a2d0769901e908b53a0df6f8cdf4eb15d350e897344e1");
    let postgres = up_statements(DbBackend::Postgres).unwrap();
    assert_eq!(postgres.len(), 9);
    assert_eq!(digest(&postgres), "08710e80a6f05699bbdb8ac33e6c4ab00987b8e125e16742680d7d0059aecd8d");
    let down = down_statements();
    assert_eq!(down.len(), 4);
    assert_eq!(digest(&down), "44a1ab913d896f8aea18f5f5718ff1d65629d78d830f0c6a7754be0062c47a0f");
    assert_eq!(up_statements(DbBackend::MySql), None, "Loco runs on SQLite and PostgreSQL");
}
