//! The floor: the statements `SeaOrmAdapter` sends (same SQL text, same number of statements per call, same
//! binds), as prepared sqlx statements on a sqlx pool, decoding every column into owned values. No ORM, no
//! statement building: the physical limit of this schema through sqlx.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::sqlx::{self, MySqlPool, PgPool, Row, SqlitePool};

use crate::impl_adapter::date;
use crate::plan::{AccountSpec, SessionSpec, UserSpec, VerificationTokenSpec};
use crate::workload::{FoundSession, Result, Workload};

/// The SQL of one backend, copied from what `SeaOrmAdapter` logs (`sqlx::query` at debug level). Every lookup,
/// update and delete by a text key compares it twice, as the adapter does (`Dialect::key_eq`): the plain `=` (the
/// index) and a byte-wise one (SQLite `COLLATE BINARY`, PostgreSQL `COLLATE "C"`, MySQL `CAST(.. AS BINARY)`), so
/// the key is bound twice in a row.
struct Sql {
    /// `UPDATE ... RETURNING` (PostgreSQL, SQLite): one statement. Without it (MariaDB), the update and a `SELECT`
    /// of the row run in one transaction. Inserts and deletes are `... RETURNING *` on every backend here (MariaDB
    /// from 10.5).
    update_returning: bool,
    insert_user: &'static str,
    insert_account: &'static str,
    insert_session: &'static str,
    session_and_user: &'static str,
    user_by_email: &'static str,
    user_by_account: &'static str,
    update_session: &'static str,
    session_by_token: &'static str,
    insert_token: &'static str,
    delete_token: &'static str,
    delete_user: &'static str,
}

const PG: Sql = Sql {
    update_returning: true,
    insert_user: r#"INSERT INTO "user" ("id", "email", "name", "image", "emailVerified") VALUES ($1, $2, $3, $4, $5) RETURNING *"#,
    insert_account: r#"INSERT INTO "account" ("userId", "type", "provider", "providerAccountId", "refresh_token", "access_token", "expires_at", "token_type", "scope", "id_token", "session_state") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *"#,
    insert_session: r#"INSERT INTO "session" ("sessionToken", "userId", "expires") VALUES ($1, $2, $3) RETURNING *"#,
    session_and_user: r#"SELECT "session"."sessionToken" AS "A_sessionToken", "session"."userId" AS "A_userId", "session"."expires" AS "A_expires", "user"."id" AS "B_id", "user"."name" AS "B_name", "user"."email" AS "B_email", "user"."emailVerified" AS "B_emailVerified", "user"."image" AS "B_image" FROM "session" INNER JOIN "user" ON "session"."userId" = "user"."id" WHERE "session"."sessionToken" = $1 AND (CAST("session"."sessionToken" AS text) COLLATE "C" = $2) LIMIT $3"#,
    user_by_email: r#"SELECT "user"."id", "user"."name", "user"."email", "user"."emailVerified", "user"."image" FROM "user" WHERE "user"."email" = $1 AND (CAST("user"."email" AS text) COLLATE "C" = $2) LIMIT $3"#,
    user_by_account: r#"SELECT "user"."id", "user"."name", "user"."email", "user"."emailVerified", "user"."image" FROM "user" INNER JOIN "account" ON "user"."id" = "account"."userId" WHERE "account"."provider" = $1 AND (CAST("account"."provider" AS text) COLLATE "C" = $2) AND ("account"."providerAccountId" = $3 AND (CAST("account"."providerAccountId" AS text) COLLATE "C" = $4)) LIMIT $5"#,
    update_session: r#"UPDATE "session" SET "expires" = $1 WHERE "session"."sessionToken" = $2 AND (CAST("session"."sessionToken" AS text) COLLATE "C" = $3) RETURNING *"#,
    session_by_token: "",
    insert_token: r#"INSERT INTO "verificationToken" ("identifier", "token", "expires") VALUES ($1, $2, $3) RETURNING *"#,
    delete_token: r#"DELETE FROM "verificationToken" WHERE "verificationToken"."identifier" = $1 AND (CAST("verificationToken"."identifier" AS text) COLLATE "C" = $2) AND ("verificationToken"."token" = $3 AND (CAST("verificationToken"."token" AS text) COLLATE "C" = $4)) RETURNING *"#,
    delete_user: r#"DELETE FROM "user" WHERE "user"."id" = $1 AND (CAST("user"."id" AS text) COLLATE "C" = $2) RETURNING *"#,
};

const SQLITE: Sql = Sql {
    update_returning: true,
    insert_user: r#"INSERT INTO "user" ("id", "email", "name", "image", "emailVerified") VALUES (?, ?, ?, ?, ?) RETURNING *"#,
    insert_account: r#"INSERT INTO "account" ("userId", "type", "provider", "providerAccountId", "refresh_token", "access_token", "expires_at", "token_type", "scope", "id_token", "session_state") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *"#,
    insert_session: r#"INSERT INTO "session" ("sessionToken", "userId", "expires") VALUES (?, ?, ?) RETURNING *"#,
    session_and_user: r#"SELECT "session"."sessionToken" AS "A_sessionToken", "session"."userId" AS "A_userId", "session"."expires" AS "A_expires", "user"."id" AS "B_id", "user"."name" AS "B_name", "user"."email" AS "B_email", "user"."emailVerified" AS "B_emailVerified", "user"."image" AS "B_image" FROM "session" INNER JOIN "user" ON "session"."userId" = "user"."id" WHERE "session"."sessionToken" = ? AND ("session"."sessionToken" = ? COLLATE BINARY) LIMIT ?"#,
    user_by_email: r#"SELECT "user"."id", "user"."name", "user"."email", "user"."emailVerified", "user"."image" FROM "user" WHERE "user"."email" = ? AND ("user"."email" = ? COLLATE BINARY) LIMIT ?"#,
    user_by_account: r#"SELECT "user"."id", "user"."name", "user"."email", "user"."emailVerified", "user"."image" FROM "user" INNER JOIN "account" ON "user"."id" = "account"."userId" WHERE "account"."provider" = ? AND ("account"."provider" = ? COLLATE BINARY) AND ("account"."providerAccountId" = ? AND ("account"."providerAccountId" = ? COLLATE BINARY)) LIMIT ?"#,
    update_session: r#"UPDATE "session" SET "expires" = ? WHERE "session"."sessionToken" = ? AND ("session"."sessionToken" = ? COLLATE BINARY) RETURNING *"#,
    session_by_token: "",
    insert_token: r#"INSERT INTO "verificationToken" ("identifier", "token", "expires") VALUES (?, ?, ?) RETURNING *"#,
    delete_token: r#"DELETE FROM "verificationToken" WHERE "verificationToken"."identifier" = ? AND ("verificationToken"."identifier" = ? COLLATE BINARY) AND ("verificationToken"."token" = ? AND ("verificationToken"."token" = ? COLLATE BINARY)) RETURNING *"#,
    delete_user: r#"DELETE FROM "user" WHERE "user"."id" = ? AND ("user"."id" = ? COLLATE BINARY) RETURNING *"#,
};

/// MariaDB 10.5 or later (the bench's server). On MySQL or an older MariaDB the adapter has no `INSERT ... RETURNING`
/// and sends other statements.
const MYSQL: Sql = Sql {
    update_returning: false,
    insert_user: "INSERT INTO `user` (`id`, `email`, `name`, `image`, `emailVerified`) VALUES (?, ?, ?, ?, ?) RETURNING *",
    insert_account: "INSERT INTO `account` (`userId`, `type`, `provider`, `providerAccountId`, `refresh_token`, `access_token`, `expires_at`, `token_type`, `scope`, `id_token`, `session_state`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
    insert_session: "INSERT INTO `session` (`sessionToken`, `userId`, `expires`) VALUES (?, ?, ?) RETURNING *",
    session_and_user: "SELECT `session`.`sessionToken` AS `A_sessionToken`, `session`.`userId` AS `A_userId`, `session`.`expires` AS `A_expires`, `user`.`id` AS `B_id`, `user`.`name` AS `B_name`, `user`.`email` AS `B_email`, `user`.`emailVerified` AS `B_emailVerified`, `user`.`image` AS `B_image` FROM `session` INNER JOIN `user` ON `session`.`userId` = `user`.`id` WHERE `session`.`sessionToken` = ? AND (CAST(`session`.`sessionToken` AS BINARY) = CAST(? AS BINARY)) LIMIT ?",
    user_by_email: "SELECT `user`.`id`, `user`.`name`, `user`.`email`, `user`.`emailVerified`, `user`.`image` FROM `user` WHERE `user`.`email` = ? AND (CAST(`user`.`email` AS BINARY) = CAST(? AS BINARY)) LIMIT ?",
    user_by_account: "SELECT `user`.`id`, `user`.`name`, `user`.`email`, `user`.`emailVerified`, `user`.`image` FROM `user` INNER JOIN `account` ON `user`.`id` = `account`.`userId` WHERE `account`.`provider` = ? AND (CAST(`account`.`provider` AS BINARY) = CAST(? AS BINARY)) AND (`account`.`providerAccountId` = ? AND (CAST(`account`.`providerAccountId` AS BINARY) = CAST(? AS BINARY))) LIMIT ?",
    update_session: "UPDATE `session` SET `expires` = ? WHERE `session`.`sessionToken` = ? AND (CAST(`session`.`sessionToken` AS BINARY) = CAST(? AS BINARY))",
    session_by_token: "SELECT `session`.`sessionToken`, `session`.`userId`, `session`.`expires` FROM `session` WHERE `session`.`sessionToken` = ? AND (CAST(`session`.`sessionToken` AS BINARY) = CAST(? AS BINARY)) LIMIT ?",
    insert_token: "INSERT INTO `verificationToken` (`identifier`, `token`, `expires`) VALUES (?, ?, ?) RETURNING *",
    delete_token: "DELETE FROM `verificationToken` WHERE `verificationToken`.`identifier` = ? AND (CAST(`verificationToken`.`identifier` AS BINARY) = CAST(? AS BINARY)) AND (`verificationToken`.`token` = ? AND (CAST(`verificationToken`.`token` AS BINARY) = CAST(? AS BINARY))) RETURNING *",
    delete_user: "DELETE FROM `user` WHERE `user`.`id` = ? AND (CAST(`user`.`id` AS BINARY) = CAST(? AS BINARY)) RETURNING *",
};

/// A user row, decoded.
#[allow(dead_code)] // Decoded because the adapter decodes it; only some fields are checked.
struct UserRow {
    id: String,
    name: Option<String>,
    email: Option<String>,
    email_verified: Option<DateTime<Utc>>,
    image: Option<String>,
}

#[allow(dead_code)]
struct AccountRow {
    user_id: String,
    r#type: String,
    provider: String,
    provider_account_id: String,
    refresh_token: Option<String>,
    access_token: Option<String>,
    expires_at: Option<i64>,
    token_type: Option<String>,
    scope: Option<String>,
    id_token: Option<String>,
    session_state: Option<String>,
}

#[allow(dead_code)]
struct SessionRow {
    token: String,
    user_id: String,
    expires: DateTime<Utc>,
}

#[allow(dead_code)]
struct TokenRow {
    identifier: String,
    token: String,
    expires: DateTime<Utc>,
}

fn naive(ms: i64) -> NaiveDateTime {
    date(ms).naive_utc()
}

fn from_naive(n: NaiveDateTime) -> DateTime<Utc> {
    n.and_utc()
}

fn from_ms(ms: i64) -> DateTime<Utc> {
    date(ms)
}

fn ms(ms: i64) -> i64 {
    ms
}

/// One floor implementation per sqlx driver: the code is the same, the types differ.
macro_rules! floor {
    ($name:ident, $pool:ty, $row:ty, $sql:expr, $date:ty, $to_db:path, $from_db:path, $limit:ty) => {
        pub(crate) struct $name(pub(crate) $pool);

        impl $name {
            const SQL: Sql = $sql;
            /// `LIMIT 1` as SeaORM binds it: `u64` on MySQL, `i64` on PostgreSQL and SQLite.
            const ONE: $limit = 1;

            fn user(row: &$row, at: usize) -> Result<UserRow> {
                Ok(UserRow {
                    id: row.try_get(at)?,
                    name: row.try_get(at + 1)?,
                    email: row.try_get(at + 2)?,
                    email_verified: row.try_get::<Option<$date>, _>(at + 3)?.map($from_db),
                    image: row.try_get(at + 4)?,
                })
            }

            fn account(row: &$row) -> Result<AccountRow> {
                Ok(AccountRow {
                    user_id: row.try_get(0)?,
                    r#type: row.try_get(1)?,
                    provider: row.try_get(2)?,
                    provider_account_id: row.try_get(3)?,
                    refresh_token: row.try_get(4)?,
                    access_token: row.try_get(5)?,
                    expires_at: row.try_get(6)?,
                    token_type: row.try_get(7)?,
                    scope: row.try_get(8)?,
                    id_token: row.try_get(9)?,
                    session_state: row.try_get(10)?,
                })
            }

            fn session(row: &$row) -> Result<SessionRow> {
                Ok(SessionRow {
                    token: row.try_get(0)?,
                    user_id: row.try_get(1)?,
                    expires: $from_db(row.try_get::<$date, _>(2)?),
                })
            }

            fn token(row: &$row) -> Result<TokenRow> {
                Ok(TokenRow {
                    identifier: row.try_get(0)?,
                    token: row.try_get(1)?,
                    expires: $from_db(row.try_get::<$date, _>(2)?),
                })
            }
        }

        #[async_trait]
        impl Workload for $name {
            async fn create_user(&self, u: &UserSpec) -> Result<(String, String)> {
                let row = sqlx::query(Self::SQL.insert_user)
                    .bind(&u.id)
                    .bind(&u.email)
                    .bind(&u.name)
                    .bind(&u.image)
                    .bind($to_db(u.email_verified))
                    .fetch_one(&self.0)
                    .await?;
                let user = Self::user(&row, 0)?;
                Ok((user.id, user.email.unwrap_or_default()))
            }

            async fn link_account(&self, a: &AccountSpec, user_id: &str) -> Result<(String, String)> {
                let row = sqlx::query(Self::SQL.insert_account)
                    .bind(user_id)
                    .bind("oauth")
                    .bind(&a.provider)
                    .bind(&a.provider_account_id)
                    .bind(&a.refresh_token)
                    .bind(&a.access_token)
                    .bind(a.expires_at)
                    .bind(&a.token_type)
                    .bind(&a.scope)
                    .bind(&a.id_token)
                    .bind(None::<String>)
                    .fetch_one(&self.0)
                    .await?;
                let account = Self::account(&row)?;
                Ok((account.user_id, account.provider_account_id))
            }

            async fn create_session(&self, s: &SessionSpec, user_id: &str) -> Result<String> {
                let row = sqlx::query(Self::SQL.insert_session)
                    .bind(&s.token)
                    .bind(user_id)
                    .bind($to_db(s.expires))
                    .fetch_one(&self.0)
                    .await?;
                Ok(Self::session(&row)?.token)
            }

            async fn get_session_and_user(&self, token: &str) -> Result<Option<FoundSession>> {
                let row = sqlx::query(Self::SQL.session_and_user)
                    .bind(token)
                    .bind(token)
                    .bind(Self::ONE)
                    .fetch_optional(&self.0)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let (session, user) = (Self::session(&row)?, Self::user(&row, 3)?);
                Ok(Some(FoundSession {
                    token: session.token,
                    user_id: user.id,
                    expires: session.expires.timestamp_millis(),
                }))
            }

            async fn get_user_by_email(&self, email: &str) -> Result<Option<String>> {
                let row = sqlx::query(Self::SQL.user_by_email)
                    .bind(email)
                    .bind(email)
                    .bind(Self::ONE)
                    .fetch_optional(&self.0)
                    .await?;
                Ok(row.map(|r| Self::user(&r, 0)).transpose()?.map(|u| u.id))
            }

            async fn get_user_by_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<String>> {
                let row = sqlx::query(Self::SQL.user_by_account)
                    .bind(provider)
                    .bind(provider)
                    .bind(provider_account_id)
                    .bind(provider_account_id)
                    .bind(Self::ONE)
                    .fetch_optional(&self.0)
                    .await?;
                Ok(row.map(|r| Self::user(&r, 0)).transpose()?.map(|u| u.id))
            }

            async fn update_session(&self, token: &str, expires: i64) -> Result<Option<i64>> {
                let update = sqlx::query(Self::SQL.update_session).bind($to_db(expires)).bind(token).bind(token);
                let row = if Self::SQL.update_returning {
                    update.fetch_optional(&self.0).await?
                } else {
                    // The adapter's `update_row`: the row is read in the transaction that updated it.
                    let mut tx = self.0.begin().await?;
                    update.execute(&mut *tx).await?;
                    let row = sqlx::query(Self::SQL.session_by_token)
                        .bind(token)
                        .bind(token)
                        .bind(Self::ONE)
                        .fetch_optional(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    row
                };
                Ok(row.map(|r| Self::session(&r)).transpose()?.map(|s| s.expires.timestamp_millis()))
            }

            async fn create_verification_token(&self, v: &VerificationTokenSpec) -> Result<String> {
                let row = sqlx::query(Self::SQL.insert_token)
                    .bind(&v.identifier)
                    .bind(&v.token)
                    .bind($to_db(v.expires))
                    .fetch_one(&self.0)
                    .await?;
                Ok(Self::token(&row)?.token)
            }

            async fn use_verification_token(&self, identifier: &str, token: &str) -> Result<Option<String>> {
                let row = sqlx::query(Self::SQL.delete_token)
                    .bind(identifier)
                    .bind(identifier)
                    .bind(token)
                    .bind(token)
                    .fetch_optional(&self.0)
                    .await?;
                Ok(row.map(|r| Self::token(&r)).transpose()?.map(|t| t.token))
            }

            async fn delete_user(&self, id: &str) -> Result<Option<String>> {
                let row = sqlx::query(Self::SQL.delete_user).bind(id).bind(id).fetch_optional(&self.0).await?;
                Ok(row.map(|r| Self::user(&r, 0)).transpose()?.map(|u| u.id))
            }
        }
    };
}

floor!(PgFloor, PgPool, sqlx::postgres::PgRow, PG, NaiveDateTime, naive, from_naive, i64);
floor!(SqliteFloor, SqlitePool, sqlx::sqlite::SqliteRow, SQLITE, i64, ms, from_ms, i64);
floor!(MySqlFloor, MySqlPool, sqlx::mysql::MySqlRow, MYSQL, NaiveDateTime, naive, from_naive, u64);
