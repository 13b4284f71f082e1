//! SeaOrmAdapter on sqlx's SQLite pool (`sqlx`) against SeaOrmAdapter on an in-thread rusqlite proxy connection
//! (`inthread`), phase by phase, interleaved, on two fresh WAL files; then what the proxy path keeps and loses
//! (errors, a locked database). One build per implementation (`--features sqlx` or `--features proxy`, see
//! Cargo.toml); `run.sh` alternates them round by round.

#[cfg(feature = "proxy")]
mod proxy;

use std::time::Instant;

use authjs_sea_orm::migration::{Migrator, MigratorTrait};
use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterSession, Error, NewUser, SeaOrmAdapter, SessionUpdate,
    VerificationToken,
};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

type R<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn date(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).expect("in range")
}

const DIR: &str = "/var/tmp/authjs-bench-db/inthread";
const BASE: i64 = 1_900_000_000_000;

/// A fresh WAL file with the auth tables (made by the migration through this build's connection).
async fn open(tag: &str) -> R<DatabaseConnection> {
    std::fs::create_dir_all(DIR)?;
    let path = format!("{DIR}/{tag}.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    #[cfg(feature = "sqlx")]
    let db = {
        let mut opts = authjs_sea_orm::connect_options(&format!("sqlite://{path}?mode=rwc"));
        opts.max_connections(16).min_connections(0);
        sea_orm::Database::connect(opts).await?
    };
    #[cfg(feature = "proxy")]
    let db = proxy::InThreadSqlite::new(&path, 16).connect().await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

const KIND: &str = if cfg!(feature = "proxy") { "inthread" } else { "sqlx" };

struct Phase {
    name: &'static str,
    ops: f64,
    p50: f64,
}

/// Times `n` serial calls of `call(i)`.
async fn serial<F, Fut>(name: &'static str, n: usize, mut call: F) -> R<Phase>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = R<()>>,
{
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        call(i).await?;
        lat.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let total = start.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    Ok(Phase { name, ops: n as f64 / total, p50: lat[n / 2] })
}

fn pick(i: usize, n: usize) -> usize {
    (i.wrapping_mul(2_654_435_761) >> 3) % n
}

/// Phase `k` of the workload on `a` (N users); `None` past the last phase.
async fn phase(a: &SeaOrmAdapter, k: usize, n: usize) -> R<Option<Phase>> {
    let user = |i: usize| format!("user-{i}");
    Ok(Some(match k {
        0 => {
            serial("create_user", n, |i| async move {
                let u = NewUser {
                    id: Some(user(i)),
                    name: Some(format!("Name {i}")),
                    email: Some(format!("u{i}@example.com")),
                    email_verified: Some(date(BASE + i as i64)),
                    image: Some("https://example.com/a.png".into()),
                    extra: (),
                };
                assert_eq!(a.create_user(u).await?.id, user(i));
                Ok(())
            })
            .await?
        }
        1 => {
            serial("link_account", n, |i| async move {
                let mut acc = AdapterAccount::new(user(i), AccountType::Oauth, "github", format!("gh{i}"));
                acc.access_token = Some("gho_xxxxxxxxxxxxxxxxxxxx".into());
                acc.expires_at = Some(1_900_000_000);
                acc.token_type = Some("bearer".into());
                a.link_account(acc).await?;
                Ok(())
            })
            .await?
        }
        2 => {
            serial("create_session", n, |i| async move {
                let s = AdapterSession { session_token: format!("tok{i}"), user_id: user(i), expires: date(BASE) };
                a.create_session(s).await?;
                Ok(())
            })
            .await?
        }
        3 => {
            serial("get_session_and_user", 4 * n, |i| async move {
                let j = pick(i, n + n / 10);
                let found = a.get_session_and_user(&format!("tok{j}")).await?;
                assert_eq!(found.map(|(_, u)| u.id), (j < n).then(|| user(j)));
                Ok(())
            })
            .await?
        }
        4 => {
            serial("get_user_by_email", n, |i| async move {
                let j = pick(i, n);
                assert_eq!(a.get_user_by_email(&format!("u{j}@example.com")).await?.map(|u| u.id), Some(user(j)));
                Ok(())
            })
            .await?
        }
        5 => {
            serial("get_user_by_account", n, |i| async move {
                let j = pick(i, n);
                assert_eq!(a.get_user_by_account("github", &format!("gh{j}")).await?.map(|u| u.id), Some(user(j)));
                Ok(())
            })
            .await?
        }
        6 => {
            serial("update_session", n, |i| async move {
                let j = pick(i, n);
                let s = a.update_session(SessionUpdate::expires(format!("tok{j}"), date(BASE + i as i64))).await?;
                assert_eq!(s.map(|s| s.expires), Some(date(BASE + i as i64)));
                Ok(())
            })
            .await?
        }
        7 => {
            serial("create_verification_token", n, |i| async move {
                let v = VerificationToken { identifier: format!("u{i}@example.com"), token: format!("v{i}"), expires: date(BASE) };
                a.create_verification_token(v).await?;
                Ok(())
            })
            .await?
        }
        8 => {
            serial("use_verification_token", n, |i| async move {
                let j = pick(i, n);
                let used = a.use_verification_token(&format!("u{j}@example.com"), &format!("v{j}")).await?;
                // Random picks repeat: a token used before is gone.
                let _ = used;
                Ok(())
            })
            .await?
        }
        9 => {
            serial("delete_user", n / 10, |i| async move {
                a.delete_user(&user(n - 1 - i)).await?;
                Ok(())
            })
            .await?
        }
        10 => {
            // 16 concurrent callers.
            let calls = 4 * n;
            let start = Instant::now();
            let mut tasks = Vec::new();
            for c in 0..16 {
                let a = a.clone();
                tasks.push(tokio::spawn(async move {
                    let mut i = c;
                    while i < calls {
                        let j = pick(i, n);
                        a.get_session_and_user(&format!("tok{j}")).await.map_err(|e| e.to_string())?;
                        i += 16;
                    }
                    Ok::<(), String>(())
                }));
            }
            for t in tasks {
                t.await??;
            }
            Phase { name: "get_session_and_user x16", ops: calls as f64 / start.elapsed().as_secs_f64(), p50: f64::NAN }
        }
        _ => return Ok(None),
    }))
}

#[tokio::main]
async fn main() -> R<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(Ok(1000), |s| s.parse())?;
    let round: usize = args.next().map_or(Ok(0), |s| s.parse())?;
    let a = SeaOrmAdapter::new(open(&format!("{KIND}_{round}")).await?);
    for i in 0..200 {
        a.get_user_by_email(&format!("warm{i}@example.com")).await?;
    }
    for k in 0.. {
        let Some(p) = phase(&a, k, n).await? else { break };
        println!("{KIND}\t{}\t{:.0}\t{:.1}", p.name, p.ops, p.p50);
    }

    // What each path keeps: a duplicate key must be Error::Conflict.
    let a = SeaOrmAdapter::new(open(&format!("{KIND}_errors")).await?);
    let u = || NewUser { id: Some("dup".into()), email: Some("dup@example.com".into()), ..NewUser::default() };
    a.create_user(u()).await?;
    let err = a.create_user(u()).await.expect_err("duplicate");
    eprintln!("{KIND}: duplicate user -> {}", match err {
        Error::Conflict(_) => "Error::Conflict".to_owned(),
        other => format!("{other:?}"),
    });
    #[cfg(feature = "proxy")]
    busy().await?;
    Ok(())
}

/// A writer waiting for another connection's write lock must not stall the runtime.
#[cfg(feature = "proxy")]
async fn busy() -> R<()> {
    use std::sync::Arc;
    use std::time::Duration;
    let path = format!("{DIR}/inthread_busy.db");
    let a = SeaOrmAdapter::new(open("inthread_busy").await?);
    let locker = rusqlite::Connection::open(&path)?;
    locker.execute_batch("BEGIN IMMEDIATE")?;
    let ticks = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let t2 = ticks.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            t2.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        locker.execute_batch("COMMIT").map(|_| ())
    });
    let t = Instant::now();
    let u = NewUser { id: Some("waiter".into()), ..NewUser::default() };
    let created = a.create_user(u).await.map(|u| u.id);
    eprintln!(
        "inthread: write under a 500 ms lock held elsewhere -> {created:?} after {} ms; runtime ticks meanwhile: {}",
        t.elapsed().as_millis(),
        ticks.load(std::sync::atomic::Ordering::Relaxed)
    );
    ticker.abort();
    release.join().map_err(|_| "locker thread")??;
    Ok(())
}

impl Clone for Phase {
    fn clone(&self) -> Self {
        Phase { name: self.name, ops: self.ops, p50: self.p50 }
    }
}
