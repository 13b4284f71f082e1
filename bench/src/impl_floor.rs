//! The floor: the statements `SeaOrmAdapter` sends (same SQL text, same number of statements per call, same
//! binds), as prepared sqlx statements on a sqlx pool, decoding every column into owned values. No ORM, no
//! statement building: the physical limit of this schema through sqlx.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::sqlx::{self, MySqlPool, PgPool, Row, SqlitePool};

use crate::impl_adapter::date;
use crate::plan::{AccountSpec, SessionSpec, UserSpec, VerificationTokenSpec};
use crate::workload::{FoundSession, Result, Workload};

/// The SQL of one backend, copied from what `SeaOrmAdapter` logs (`sqlx::query` at debug level).
struct Sql {
    /// `RETURNING` (PostgreSQL, SQLite): writes are one statement. Without it (MariaDB), inserts are not read back
    /// (the adapter builds the row from the values it wrote), updates are re-read and deletes read first.
    returning: bool,
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
    token_by_key: &'static str,
    delete_user: &'static str,
    user_by_id: &'static str,
}

const PG: Sql = Sql {
    returning: true,
    insert_user: r#"INSERT INTO "user" ("id", "email", "name", "image", "emailVerified") VALUES ($1, $2, $3, $4, $5) RETURNING *"#,
    insert_account: r#"INSERT INTO "account" ("userId", "type", "provider", "providerAccountId", "refresh_token", "access_token", "expires_at", "token_type", "scope", "id_token", "session_state") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *"#,
    insert_session: r#"INSERT INTO "session" ("sessionToken", "userId", "expires") VALUES ($1, $2, $3) RETURNING *"#,
    session_and_user: r#"SELECT "session"."sessionToken" AS "A_sessionToken", "session"."userId" AS "A_userId", "session"."expires" AS "A_expires", "user"."id" AS "B_id", "user"."name" AS "B_name", "user"."email" AS "B_email", "user"."emailVerified" AS "B_emailVerified", "user"."image" AS "B_image" FROM "session" INNER JOIN "user" ON "session"."userId" = "user"."id" WHERE "session"."sessionToken" = $1 LIMIT $2"#,
    user_by_email: r#"SELECT "user"."id", "user"."name", "user"."email", "user"."emailVerified", "user"."image" FROM "user" WHERE "user"."email" = $1 LIMIT $2"#,
    user_by_account: r#"SELECT "user"."id", "user"."name", "user"."email", "user"."emailVerified", "user"."image" FROM "user" INNER JOIN "account" ON "user"."id" = "account"."userId" WHERE "account"."provider" = $1 AND "account"."providerAccountId" = $2 LIMIT $3"#,
    update_session: r#"UPDATE "session" SET "expires" = $1 WHERE "session"."sessionToken" = $2 RETURNING *"#,
    session_by_token: "",
    insert_token: r#"INSERT INTO "verificationToken" ("identifier", "token", "expires") VALUES ($1, $2, $3) RETURNING *"#,
    delete_token: r#"DELETE FROM "verificationToken" WHERE "verificationToken"."identifier" = $1 AND "verificationToken"."token" = $2 RETURNING *"#,
    token_by_key: "",
    delete_user: r#"DELETE FROM "user" WHERE "user"."id" = $1 RETURNING *"#,
    user_by_id: "",
};

const SQLITE: Sql = Sql {
    returning: true,
    insert_user: r#"INSERT INTO "user" ("id", "email", "name", "image", "emailVerified") VALUES (?, ?, ?, ?, ?) RETURNING *"#,
    insert_account: r#"INSERT INTO "account" ("userId", "type", "provider", "providerAccountId", "refresh_token", "access_token", "expires_at", "token_type", "scope", "id_token", "session_state") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *"#,
    insert_session: r#"INSERT INTO "session" ("sessionToken", "userId", "expires") VALUES (?, ?, ?) RETURNING *"#,
    session_and_user: r#"SELECT "session"."sessionToken" AS "A_sessionToken", "session"."userId" AS "A_userId", "session"."expires" AS "A_expires", "user"."id" AS "B_id", "user"."name" AS "B_name", "user"."email" AS "B_email", "user"."emailVerified" AS "B_emailVerified", "user"."image" AS "B_image" FROM "session" INNER JOIN "user" ON "session"."userId" = "user"."id" WHERE "session"."sessionToken" = ? LIMIT ?"#,
    user_by_email: r#"SELECT "user"."id", "user"."name", "user"."email", "user"."emailVerified", "user"."image" FROM "user" WHERE "user"."email" = ? LIMIT ?"#,
    user_by_account: r#"SELECT "user"."id", "user"."name", "user"."email", "user"."emailVerified", "user"."image" FROM "user" INNER JOIN "account" ON "user"."id" = "account"."userId" WHERE "account"."provider" = ? AND "account"."providerAccountId" = ? LIMIT ?"#,
    update_session: r#"UPDATE "session" SET "expires" = ? WHERE "session"."sessionToken" = ? RETURNING *"#,
    session_by_token: "",
    insert_token: r#"INSERT INTO "verificationToken" ("identifier", "token", "expires") VALUES (?, ?, ?) RETURNING *"#,
    delete_token: r#"DELETE FROM "verificationToken" WHERE "verificationToken"."identifier" = ? AND "verificationToken"."token" = ? RETURNING *"#,
    token_by_key: "",
    delete_user: r#"DELETE FROM "user" WHERE "user"."id" = ? RETURNING *"#,
    user_by_id: "",
};

const MYSQL: Sql = Sql {
    returning: false,
    insert_user: "INSERT INTO `user` (`id`, `email`, `name`, `image`, `emailVerified`) VALUES (?, ?, ?, ?, ?)",
    insert_account: "INSERT INTO `account` (`userId`, `type`, `provider`, `providerAccountId`, `refresh_token`, `access_token`, `expires_at`, `token_type`, `scope`, `id_token`, `session_state`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    insert_session: "INSERT INTO `session` (`sessionToken`, `userId`, `expires`) VALUES (?, ?, ?)",
    session_and_user: "SELECT `session`.`sessionToken` AS `A_sessionToken`, `session`.`userId` AS `A_userId`, `session`.`expires` AS `A_expires`, `user`.`id` AS `B_id`, `user`.`name` AS `B_name`, `user`.`email` AS `B_email`, `user`.`emailVerified` AS `B_emailVerified`, `user`.`image` AS `B_image` FROM `session` INNER JOIN `user` ON `session`.`userId` = `user`.`id` WHERE `session`.`sessionToken` = ? LIMIT ?",
    user_by_email: "SELECT `user`.`id`, `user`.`name`, `user`.`email`, `user`.`emailVerified`, `user`.`image` FROM `user` WHERE `user`.`email` = ? LIMIT ?",
    user_by_account: "SELECT `user`.`id`, `user`.`name`, `user`.`email`, `user`.`emailVerified`, `user`.`image` FROM `user` INNER JOIN `account` ON `user`.`id` = `account`.`userId` WHERE `account`.`provider` = ? AND `account`.`providerAccountId` = ? LIMIT ?",
    update_session: "UPDATE `session` SET `expires` = ? WHERE `session`.`sessionToken` = ?",
    session_by_token: "SELECT `session`.`sessionToken`, `session`.`userId`, `session`.`expires` FROM `session` WHERE `session`.`sessionToken` = ? LIMIT ?",
    insert_token: "INSERT INTO `verificationToken` (`identifier`, `token`, `expires`) VALUES (?, ?, ?)",
    delete_token: "DELETE FROM `verificationToken` WHERE `verificationToken`.`identifier` = ? AND `verificationToken`.`token` = ?",
    token_by_key: "SELECT `verificationToken`.`identifier`, `verificationToken`.`token`, `verificationToken`.`expires` FROM `verificationToken` WHERE `verificationToken`.`identifier` = ? AND `verificationToken`.`token` = ? LIMIT ?",
    delete_user: "DELETE FROM `user` WHERE `user`.`id` = ?",
    user_by_id: "SELECT `user`.`id`, `user`.`name`, `user`.`email`, `user`.`emailVerified`, `user`.`image` FROM `user` WHERE `user`.`id` = ? LIMIT ?",
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
    ($name:ident, $pool:ty, $row:ty, $sql:expr, $date:ty, $to_db:path, $from_db:path) => {
        pub(crate) struct $name(pub(crate) $pool);

        impl $name {
            const SQL: Sql = $sql;

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
                let q = sqlx::query(Self::SQL.insert_user)
                    .bind(&u.id)
                    .bind(&u.email)
                    .bind(&u.name)
                    .bind(&u.image)
                    .bind($to_db(u.email_verified));
                let user = if Self::SQL.returning {
                    Self::user(&q.fetch_one(&self.0).await?, 0)?
                } else {
                    q.execute(&self.0).await?;
                    UserRow {
                        id: u.id.clone(),
                        name: Some(u.name.clone()),
                        email: Some(u.email.clone()),
                        email_verified: Some(date(u.email_verified)),
                        image: Some(u.image.clone()),
                    }
                };
                Ok((user.id, user.email.unwrap_or_default()))
            }

            async fn link_account(&self, a: &AccountSpec, user_id: &str) -> Result<(String, String)> {
                let q = sqlx::query(Self::SQL.insert_account)
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
                    .bind(None::<String>);
                let account = if Self::SQL.returning {
                    Self::account(&q.fetch_one(&self.0).await?)?
                } else {
                    q.execute(&self.0).await?;
                    AccountRow {
                        user_id: user_id.to_owned(),
                        r#type: "oauth".to_owned(),
                        provider: a.provider.clone(),
                        provider_account_id: a.provider_account_id.clone(),
                        refresh_token: Some(a.refresh_token.clone()),
                        access_token: Some(a.access_token.clone()),
                        expires_at: Some(a.expires_at),
                        token_type: Some(a.token_type.clone()),
                        scope: Some(a.scope.clone()),
                        id_token: Some(a.id_token.clone()),
                        session_state: None,
                    }
                };
                Ok((account.user_id, account.provider_account_id))
            }

            async fn create_session(&self, s: &SessionSpec, user_id: &str) -> Result<String> {
                let q = sqlx::query(Self::SQL.insert_session).bind(&s.token).bind(user_id).bind($to_db(s.expires));
                let session = if Self::SQL.returning {
                    Self::session(&q.fetch_one(&self.0).await?)?
                } else {
                    q.execute(&self.0).await?;
                    SessionRow { token: s.token.clone(), user_id: user_id.to_owned(), expires: date(s.expires) }
                };
                Ok(session.token)
            }

            async fn get_session_and_user(&self, token: &str) -> Result<Option<FoundSession>> {
                let row =
                    sqlx::query(Self::SQL.session_and_user).bind(token).bind(1_i64).fetch_optional(&self.0).await?;
                let Some(row) = row else { return Ok(None) };
                let (session, user) = (Self::session(&row)?, Self::user(&row, 3)?);
                Ok(Some(FoundSession {
                    token: session.token,
                    user_id: user.id,
                    expires: session.expires.timestamp_millis(),
                }))
            }

            async fn get_user_by_email(&self, email: &str) -> Result<Option<String>> {
                let row = sqlx::query(Self::SQL.user_by_email).bind(email).bind(1_i64).fetch_optional(&self.0).await?;
                Ok(row.map(|r| Self::user(&r, 0)).transpose()?.map(|u| u.id))
            }

            async fn get_user_by_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<String>> {
                let row = sqlx::query(Self::SQL.user_by_account)
                    .bind(provider)
                    .bind(provider_account_id)
                    .bind(1_i64)
                    .fetch_optional(&self.0)
                    .await?;
                Ok(row.map(|r| Self::user(&r, 0)).transpose()?.map(|u| u.id))
            }

            async fn update_session(&self, token: &str, expires: i64) -> Result<Option<i64>> {
                let q = sqlx::query(Self::SQL.update_session).bind($to_db(expires)).bind(token);
                let row = if Self::SQL.returning {
                    q.fetch_optional(&self.0).await?
                } else {
                    q.execute(&self.0).await?;
                    sqlx::query(Self::SQL.session_by_token).bind(token).bind(1_i64).fetch_optional(&self.0).await?
                };
                Ok(row.map(|r| Self::session(&r)).transpose()?.map(|s| s.expires.timestamp_millis()))
            }

            async fn create_verification_token(&self, v: &VerificationTokenSpec) -> Result<String> {
                let q = sqlx::query(Self::SQL.insert_token).bind(&v.identifier).bind(&v.token).bind($to_db(v.expires));
                let token = if Self::SQL.returning {
                    Self::token(&q.fetch_one(&self.0).await?)?
                } else {
                    q.execute(&self.0).await?;
                    TokenRow { identifier: v.identifier.clone(), token: v.token.clone(), expires: date(v.expires) }
                };
                Ok(token.token)
            }

            async fn use_verification_token(&self, identifier: &str, token: &str) -> Result<Option<String>> {
                let delete = sqlx::query(Self::SQL.delete_token).bind(identifier).bind(token);
                if Self::SQL.returning {
                    let row = delete.fetch_optional(&self.0).await?;
                    return Ok(row.map(|r| Self::token(&r)).transpose()?.map(|t| t.token));
                }
                let row = sqlx::query(Self::SQL.token_by_key)
                    .bind(identifier)
                    .bind(token)
                    .bind(1_i64)
                    .fetch_optional(&self.0)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let found = Self::token(&row)?;
                let deleted = delete.execute(&self.0).await?.rows_affected();
                Ok((deleted == 1).then_some(found.token))
            }

            async fn delete_user(&self, id: &str) -> Result<Option<String>> {
                let delete = sqlx::query(Self::SQL.delete_user).bind(id);
                if Self::SQL.returning {
                    let row = delete.fetch_optional(&self.0).await?;
                    return Ok(row.map(|r| Self::user(&r, 0)).transpose()?.map(|u| u.id));
                }
                let row = sqlx::query(Self::SQL.user_by_id).bind(id).bind(1_i64).fetch_optional(&self.0).await?;
                let Some(row) = row else { return Ok(None) };
                let found = Self::user(&row, 0)?;
                let deleted = delete.execute(&self.0).await?.rows_affected();
                Ok((deleted == 1).then_some(found.id))
            }
        }
    };
}

floor!(PgFloor, PgPool, sqlx::postgres::PgRow, PG, NaiveDateTime, naive, from_naive);
floor!(SqliteFloor, SqlitePool, sqlx::sqlite::SqliteRow, SQLITE, i64, ms, from_ms);
floor!(MySqlFloor, MySqlPool, sqlx::mysql::MySqlRow, MYSQL, NaiveDateTime, naive, from_naive);
