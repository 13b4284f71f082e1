//! MariaDB dates in custom tables whose date columns are SeaORM `DateTimeUtc` (`TimestampWithTimeZone`, a MySQL
//! `timestamp` column, as in Loco's tables or an app's own sessions table): a date `timestamp` cannot hold (after
//! 2038-01-19) is `Error::InvalidInput` and stores nothing, never the current time; one it can hold round-trips to the
//! millisecond. The tables are the default ones, with `session.expires` altered to `timestamp(3)` and mapped by a
//! session entity of its own.
//!
//! Needs `AUTHJS_TEST_MYSQL_URL`; without it the test is skipped, unless `CI=true`.
#![allow(clippy::unwrap_used)]

use authjs_sea_orm::entity::{account, user};
use authjs_sea_orm::schema::Tables;
use authjs_sea_orm::{Adapter, AdapterSession, Error, NewUser, SeaOrmAdapter, SessionUpdate};
use authjs_sea_orm_tests::{Backend, TestDb};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::ColumnType;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, Statement};

/// The default `session` table, its expiry typed `DateTimeUtc`.
mod utc_session {
    #![allow(unreachable_pub, missing_docs)]

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false, column_name = "sessionToken")]
        pub session_token: String,
        #[sea_orm(column_name = "userId")]
        pub user_id: String,
        pub expires: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    authjs_sea_orm::session_table!();
}

type UtcTables = Tables<user::Entity, account::Entity, utc_session::Entity>;

fn date(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// The `expires` column of the session rows with token `token`, as MariaDB prints them.
async fn stored_expires(t: &TestDb, token: &str) -> Vec<String> {
    let sql = "SELECT CAST(`expires` AS CHAR) FROM `session` WHERE `sessionToken` = ?";
    let rows = t.db.query_all_raw(Statement::from_sql_and_values(DbBackend::MySql, sql, [token.into()])).await.unwrap();
    rows.iter().map(|row| row.try_get_by_index(0).unwrap()).collect()
}

#[tokio::test]
async fn mysql_timestamp_with_time_zone_dates_past_2038_are_invalid_input() {
    let Some(t) = TestDb::new(Backend::MySql).await else { return };
    assert_eq!(utc_session::Column::Expires.def().get_column_type(), &ColumnType::TimestampWithTimeZone);
    // A fixed default: MariaDB would give a first `timestamp NOT NULL` column without one `ON UPDATE CURRENT_TIMESTAMP`.
    t.db.execute_unprepared(
        "ALTER TABLE `session` MODIFY `expires` timestamp(3) NOT NULL DEFAULT '2000-01-01 00:00:00.000'",
    )
    .await
    .unwrap();
    let adapter = SeaOrmAdapter::<UtcTables>::with_schema(t.db.clone());
    let owner = adapter.create_user(NewUser { email: Some("ada@example.com".into()), ..NewUser::default() }).await;
    let owner = owner.unwrap().id;

    // In range: to the millisecond.
    let expires = date("2030-06-15T12:34:56.789Z");
    let session = AdapterSession { session_token: "in-range".into(), user_id: owner.clone(), expires };
    assert_eq!(adapter.create_session(session.clone()).await.unwrap(), session);
    assert_eq!(adapter.get_session_and_user("in-range").await.unwrap().map(|(s, _)| s), Some(session.clone()));
    assert_eq!(stored_expires(&t, "in-range").await, ["2030-06-15 12:34:56.789"]);

    // Past `timestamp`'s 2038: refused, nothing stored (not the current time).
    let far = date("2040-01-01T00:00:00Z");
    let created = adapter.create_session(AdapterSession { session_token: "far".into(), user_id: owner, expires: far });
    let created = created.await;
    assert!(matches!(created, Err(Error::InvalidInput(_))), "{created:?}");
    assert_eq!(stored_expires(&t, "far").await, Vec::<String>::new(), "a refused session was stored");

    // Moving an expiry there: refused, the stored one unchanged.
    let updated = adapter.update_session(SessionUpdate::expires("in-range", far)).await;
    assert!(matches!(updated, Err(Error::InvalidInput(_))), "{updated:?}");
    assert_eq!(stored_expires(&t, "in-range").await, ["2030-06-15 12:34:56.789"]);
    assert_eq!(adapter.get_session_and_user("in-range").await.unwrap().map(|(s, _)| s), Some(session));
}
