//! Scale: latency of the indexed lookups and of `delete_expired_sessions` at 10k, 100k and 1M users, bulk-loaded
//! (COPY on PostgreSQL, multi-row INSERTs elsewhere) into one database that grows level by level.

use std::sync::Arc;
use std::time::Instant;

use authjs_sea_orm::{Adapter, AdapterSession, SeaOrmAdapter};
use chrono::NaiveDateTime;
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::{self, QueryBuilder};
use serde::Serialize;

use crate::db::{self, Backend, Settings};
use crate::impl_adapter::date;
use crate::plan::{BASE_MS, Rng};
use crate::workload::{PhaseResult, Result};

pub(crate) const OPS: [&str; 4] =
    ["get_session_and_user", "get_user_by_account", "list_sessions_by_user_id", "delete_expired_sessions"];

/// Sessions of the bulk-loaded users expire in the future of every `now` used here.
const LIVE_EXPIRES_MS: i64 = BASE_MS + 30 * 86_400_000;
/// The sessions `delete_expired_sessions` removes, one per call, expire from here on, a second apart.
const EXPIRED_FROM_MS: i64 = BASE_MS - 10 * 86_400_000;

fn user_id(i: usize) -> String {
    Rng::new(0x5eed_0000_0000 ^ (i as u64).wrapping_mul(0x9E37_79B9)).uuid()
}

fn session_token(i: usize) -> String {
    Rng::new(0x70c3_0000_0000 ^ (i as u64).wrapping_mul(0x85EB_CA6B)).uuid()
}

fn email(i: usize) -> String {
    format!("scale{i}@example.com")
}

fn provider_account_id(i: usize) -> String {
    format!("{}", 100_000_000 + i)
}

/// One level's measurements.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Level {
    pub(crate) users: usize,
    pub(crate) load_s: f64,
    pub(crate) ops: Vec<PhaseResult>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct ScaleResult {
    pub(crate) backend: String,
    pub(crate) levels: Vec<Level>,
}

/// Loads users `from..to`, each with one account and one session.
async fn load(conn: &DatabaseConnection, backend: Backend, from: usize, to: usize) -> Result<()> {
    const BATCH: usize = 1000;
    match backend {
        Backend::Postgres => {
            let pool = conn.get_postgres_connection_pool();
            let mut c = pool.acquire().await?;
            let ts = |ms: i64| date(ms).naive_utc().format("%Y-%m-%d %H:%M:%S%.3f").to_string();
            let (verified, expires) = (ts(BASE_MS), ts(LIVE_EXPIRES_MS));
            let mut tx = sqlx::Connection::begin(&mut *c).await?;
            for (copy, row) in [
                (
                    r#"COPY "user" ("id", "name", "email", "emailVerified", "image") FROM STDIN"#,
                    &(|i: usize| {
                        format!(
                            "{}\tScale User {i}\t{}\t{verified}\thttps://avatars.example.com/u/{i}\n",
                            user_id(i),
                            email(i)
                        )
                    }) as &dyn Fn(usize) -> String,
                ),
                (
                    r#"COPY "account" ("userId", "type", "provider", "providerAccountId", "access_token") FROM STDIN"#,
                    &|i| format!("{}\toauth\tgithub\t{}\tgho_{i:032}\n", user_id(i), provider_account_id(i)),
                ),
                (r#"COPY "session" ("sessionToken", "userId", "expires") FROM STDIN"#, &|i| {
                    format!("{}\t{}\t{expires}\n", session_token(i), user_id(i))
                }),
            ] {
                let mut sink = tx.copy_in_raw(copy).await?;
                let mut buf = String::with_capacity(1 << 20);
                for i in from..to {
                    buf.push_str(&row(i));
                    if buf.len() > (1 << 20) - 256 {
                        sink.send(std::mem::take(&mut buf).into_bytes()).await?;
                        buf.reserve(1 << 20);
                    }
                }
                sink.send(buf.into_bytes()).await?;
                sink.finish().await?;
            }
            tx.commit().await?;
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Backend::SqliteFile | Backend::SqliteMemory => {
            let pool = conn.get_sqlite_connection_pool();
            let mut tx = pool.begin().await?;
            for start in (from..to).step_by(BATCH) {
                let rows = start..(start + BATCH).min(to);
                QueryBuilder::<sqlx::Sqlite>::new(
                    r#"INSERT INTO "user" ("id", "name", "email", "emailVerified", "image") "#,
                )
                .push_values(rows.clone(), |mut b, i| {
                    b.push_bind(user_id(i))
                        .push_bind(format!("Scale User {i}"))
                        .push_bind(email(i))
                        .push_bind(BASE_MS)
                        .push_bind(format!("https://avatars.example.com/u/{i}"));
                })
                .build()
                .execute(&mut *tx)
                .await?;
                QueryBuilder::<sqlx::Sqlite>::new(
                    r#"INSERT INTO "account" ("userId", "type", "provider", "providerAccountId", "access_token") "#,
                )
                .push_values(rows.clone(), |mut b, i| {
                    b.push_bind(user_id(i))
                        .push_bind("oauth")
                        .push_bind("github")
                        .push_bind(provider_account_id(i))
                        .push_bind(format!("gho_{i:032}"));
                })
                .build()
                .execute(&mut *tx)
                .await?;
                QueryBuilder::<sqlx::Sqlite>::new(r#"INSERT INTO "session" ("sessionToken", "userId", "expires") "#)
                    .push_values(rows, |mut b, i| {
                        b.push_bind(session_token(i)).push_bind(user_id(i)).push_bind(LIVE_EXPIRES_MS);
                    })
                    .build()
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Backend::Mysql => {
            let pool = conn.get_mysql_connection_pool();
            let naive = |ms: i64| -> NaiveDateTime { date(ms).naive_utc() };
            for chunk in (from..to).step_by(50 * BATCH) {
                let mut tx = pool.begin().await?;
                for start in (chunk..(chunk + 50 * BATCH).min(to)).step_by(BATCH) {
                    let rows = start..(start + BATCH).min(to);
                    QueryBuilder::<sqlx::MySql>::new(
                        "INSERT INTO `user` (`id`, `name`, `email`, `emailVerified`, `image`) ",
                    )
                    .push_values(rows.clone(), |mut b, i| {
                        b.push_bind(user_id(i))
                            .push_bind(format!("Scale User {i}"))
                            .push_bind(email(i))
                            .push_bind(naive(BASE_MS))
                            .push_bind(format!("https://avatars.example.com/u/{i}"));
                    })
                    .build()
                    .execute(&mut *tx)
                    .await?;
                    QueryBuilder::<sqlx::MySql>::new(
                        "INSERT INTO `account` (`userId`, `type`, `provider`, `providerAccountId`, `access_token`) ",
                    )
                    .push_values(rows.clone(), |mut b, i| {
                        b.push_bind(user_id(i))
                            .push_bind("oauth")
                            .push_bind("github")
                            .push_bind(provider_account_id(i))
                            .push_bind(format!("gho_{i:032}"));
                    })
                    .build()
                    .execute(&mut *tx)
                    .await?;
                    QueryBuilder::<sqlx::MySql>::new("INSERT INTO `session` (`sessionToken`, `userId`, `expires`) ")
                        .push_values(rows, |mut b, i| {
                            b.push_bind(session_token(i)).push_bind(user_id(i)).push_bind(naive(LIVE_EXPIRES_MS));
                        })
                        .build()
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
            sqlx::query("ANALYZE TABLE `user`, `account`, `session`").execute(pool).await?;
        }
    }
    Ok(())
}

async fn timed<F, Fut>(name: &str, calls: usize, mut call: F) -> Result<PhaseResult>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut lat_us = Vec::with_capacity(calls);
    let start = Instant::now();
    for i in 0..calls {
        let t = Instant::now();
        call(i).await.map_err(|e| format!("scale {name}: {e}"))?;
        lat_us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    Ok(PhaseResult { name: name.to_owned(), ops: calls, wall_s: start.elapsed().as_secs_f64(), lat_us, cpu_us: 0.0 })
}

/// Runs the scale levels on `backend` through `SeaOrmAdapter`; `calls` lookups of each kind per level.
pub(crate) async fn run(
    s: &Settings,
    backend: Backend,
    levels: &[usize],
    calls: usize,
    seed: u64,
    mut report: impl FnMut(&Level),
) -> Result<ScaleResult> {
    let target = db::fresh(s, backend, &format!("scale_{}", backend.name().replace('-', "_"))).await?;
    let conn = db::sea_orm(s, &target).await?;
    let adapter = Arc::new(SeaOrmAdapter::new(conn.clone()));
    let mut rng = Rng::new(seed ^ 0x5ca1e);
    let mut loaded = 0;
    let mut result = ScaleResult { backend: backend.name().to_owned(), levels: Vec::new() };
    for &level in levels {
        let start = Instant::now();
        load(&conn, backend, loaded, level).await?;
        let load_s = start.elapsed().as_secs_f64();
        loaded = level;

        // The sessions `delete_expired_sessions` will remove, one per call.
        let expiring = calls.min(200);
        for j in 0..expiring {
            let session = AdapterSession {
                session_token: format!("expiring-{level}-{j}"),
                user_id: user_id(rng.below(level)),
                expires: date(EXPIRED_FROM_MS + j as i64 * 1000),
            };
            adapter.create_session(session).await?;
        }
        // Warm-up: connections and statements, not the data (lookups below pick random rows).
        for _ in 0..100 {
            let i = rng.below(level);
            adapter.get_session_and_user(&session_token(i)).await?;
            adapter.get_user_by_account("github", &provider_account_id(i)).await?;
            adapter.list_sessions_by_user_id(&user_id(i)).await?;
        }

        let a = &*adapter;
        let mut ops = Vec::new();
        let picks: Vec<usize> = (0..calls).map(|_| rng.below(level)).collect();
        let p = &picks;
        ops.push(
            timed(OPS[0], calls, |k| async move {
                let i = p[k];
                let (session, user) = a.get_session_and_user(&session_token(i)).await?.ok_or("session not found")?;
                if user.id != user_id(i) || session.expires != date(LIVE_EXPIRES_MS) {
                    return Err("wrong session or user".into());
                }
                Ok(())
            })
            .await?,
        );
        ops.push(
            timed(OPS[1], calls, |k| async move {
                let i = p[k];
                let user = a.get_user_by_account("github", &provider_account_id(i)).await?.ok_or("user not found")?;
                if user.id != user_id(i) || user.email.as_deref() != Some(email(i).as_str()) {
                    return Err("wrong user".into());
                }
                Ok(())
            })
            .await?,
        );
        ops.push(
            timed(OPS[2], calls, |k| async move {
                let i = p[k];
                let sessions = a.list_sessions_by_user_id(&user_id(i)).await?;
                // The user's own session, plus any of the expiring ones given to it.
                if !sessions.iter().any(|s| s.session_token == session_token(i)) || sessions.len() > 1 + expiring {
                    return Err(format!("wrong sessions: {}", sessions.len()).into());
                }
                Ok(())
            })
            .await?,
        );
        ops.push(
            timed(OPS[3], expiring, |j| async move {
                let now = date(EXPIRED_FROM_MS + j as i64 * 1000 + 500);
                let deleted = a.delete_expired_sessions(now).await?;
                if deleted != 1 {
                    return Err(format!("deleted {deleted} sessions, expected 1").into());
                }
                Ok(())
            })
            .await?,
        );
        let level = Level { users: level, load_s, ops };
        report(&level);
        result.levels.push(level);
    }
    conn.close().await?;
    Ok(result)
}
