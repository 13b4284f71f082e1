//! A second instance of a Rust app for `tests/tests/cache_notify.rs`: its own process, its own pool, its own
//! `CachedAdapter` (one-hour time-to-live) and `CacheListener`, on the database of `AUTHJS_CACHE_PEER_URL` (the
//! default tables, triggers installed). It prints `ready` once listening, then answers one line per command read on
//! stdin:
//!
//! | command | does | answers |
//! |---|---|---|
//! | `sign-out <token>` | `delete_session` | `ok` |
//! | `rename <user id> <name>` | `update_user` | `ok` |
//! | `delete-user <user id>` | `delete_user` | `ok` |
//! | `get <token>` | `get_session_and_user` | `in <user name>` or `out` |
//! | `get-user <user id>` | `get_user` | `in <user name>` or `out` |
//! | `hits` | `stats()` | `<session hits> <user hits>` |
//!
//! An error answers `error <message>`; end of input ends the process.

use std::io::BufRead;
use std::time::{Duration, Instant};

use authjs_sea_orm::cache::{CacheListener, CachedAdapter, Invalidation};
use authjs_sea_orm::{Adapter, AdapterUser, SeaOrmAdapter, UserUpdate};

type Cached = CachedAdapter<SeaOrmAdapter>;

fn name(user: &AdapterUser) -> &str {
    user.name.as_deref().unwrap_or("-")
}

async fn answer(cache: &Cached, line: &str) -> Result<String, authjs_sea_orm::Error> {
    let mut words = line.split_whitespace();
    let (command, arg, rest) = (words.next().unwrap_or(""), words.next().unwrap_or(""), words.next());
    Ok(match command {
        "sign-out" => {
            cache.delete_session(arg).await?;
            "ok".to_owned()
        }
        "rename" => {
            let update = UserUpdate { name: Some(rest.map(str::to_owned)), ..UserUpdate::new(arg) };
            cache.update_user(update).await?;
            "ok".to_owned()
        }
        "delete-user" => {
            cache.delete_user(arg).await?;
            "ok".to_owned()
        }
        "get" => match cache.get_session_and_user(arg).await? {
            Some((_, user)) => format!("in {}", name(&user)),
            None => "out".to_owned(),
        },
        "get-user" => match cache.get_user(arg).await? {
            Some(user) => format!("in {}", name(&user)),
            None => "out".to_owned(),
        },
        "hits" => {
            let stats = cache.stats();
            format!("{} {}", stats.session_hits, stats.user_hits)
        }
        other => format!("error unknown command {other:?}"),
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("AUTHJS_CACHE_PEER_URL").map_err(|_| "set AUTHJS_CACHE_PEER_URL")?;
    let db = authjs_sea_orm::connect(&url).await?;
    let cache = CachedAdapter::builder(SeaOrmAdapter::new(db)).time_to_live(Duration::from_secs(3600)).build();
    let _listener = CacheListener::new(&url)?.spawn(cache.invalidator());
    let deadline = Instant::now() + Duration::from_secs(30);
    while cache.invalidation() != Invalidation::Listening {
        if Instant::now() > deadline {
            return Err("the listener did not listen within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    println!("ready");
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = lines.recv().await {
        let reply = answer(&cache, &line).await.unwrap_or_else(|err| format!("error {err}"));
        println!("{reply}");
    }
    Ok(())
}
