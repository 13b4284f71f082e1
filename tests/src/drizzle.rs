//! Databases holding the tables drizzle-kit generates for `@auth/drizzle-adapter`'s default schema (what a Next.js
//! app on Auth.js's Drizzle adapter has), and the conformance cases that hold on them. Used by `tests/interop.rs`
//! (the Rust adapter on Drizzle's own tables) and `tests/adoption.rs` (our migration adopting them).
//!
//! The DDL comes from the real drizzle-kit (`tests/interop/drizzle-ddl.mjs`): call [`node_ready`](crate::node) first.

use std::panic::AssertUnwindSafe;
use std::process::Command;

use futures::FutureExt as _;
use futures::future::LocalBoxFuture;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::node::interop_dir;
use crate::{Backend, TestDb, cases};

/// The DDL drizzle-kit generates for the adapter's default tables on `backend`'s dialect, statements separated by
/// drizzle-kit's `--> statement-breakpoint` lines.
pub fn ddl(backend: Backend) -> String {
    let dialect = match backend {
        Backend::SqliteMemory | Backend::SqliteFile => "sqlite",
        Backend::Postgres => "pg",
        Backend::MySql => "mysql",
    };
    let out = Command::new("node")
        .arg("drizzle-ddl.mjs")
        .arg(dialect)
        .current_dir(interop_dir())
        .output()
        .unwrap_or_else(|e| panic!("spawn node drizzle-ddl.mjs: {e}"));
    let ddl = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && ddl.contains("CREATE TABLE"),
        "drizzle-kit generate ({dialect}) failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ddl
}

/// Runs `ddl` (from [`ddl`]) on `db`, statement by statement, as drizzle-kit `migrate` does.
pub async fn apply(db: &DatabaseConnection, ddl: &str) {
    for statement in ddl.split("--> statement-breakpoint") {
        let statement = statement.trim();
        if !statement.is_empty() {
            db.execute_unprepared(statement).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
    }
}

/// One conformance case on the default tables.
pub type Case = fn(&TestDb) -> LocalBoxFuture<'_, ()>;

/// `let $all = vec![(name, needs, case), ...]` for every case of [`with_cases!`](crate::with_cases).
macro_rules! all_cases {
    ($all:ident
        basic: [$($case:ident [$($need:ident)*]),* $(,)?],
        concurrent: [$($ccase:ident [$($cneed:ident)*]),* $(,)?]
    ) => {
        let $all: Vec<(&'static str, &'static [&'static str], Case)> = vec![$((stringify!($case), &[$(stringify!($need)),*][..], {
            fn run(t: &TestDb) -> LocalBoxFuture<'_, ()> {
                Box::pin(cases::$case(t))
            }
            run as Case
        }),)* $((stringify!($ccase), &[$(stringify!($cneed)),*][..], {
            fn run(t: &TestDb) -> LocalBoxFuture<'_, ()> {
                Box::pin(cases::$ccase(t))
            }
            run as Case
        }),)*];
    };
}

/// The conformance cases that hold on Drizzle's own tables on `backend`: all of them on SQLite; on PostgreSQL all but
/// those needing 64-bit integers (`wide`); on MySQL/MariaDB also not those needing milliseconds in `expires` (`ms`).
/// `tests/interop.rs`'s `drizzle_schema_differences` pins down what happens instead.
pub fn cases_on_drizzle_tables(backend: Backend) -> Vec<(&'static str, Case)> {
    crate::with_cases!(all_cases!(all));
    let lacks = |need: &&str| match *need {
        "wide" => !backend.is_sqlite(),
        "ms" => backend == Backend::MySql,
        other => panic!("unknown need {other}"),
    };
    all.into_iter().filter(|(_, needs, _)| !needs.iter().any(lacks)).map(|(name, _, case)| (name, case)).collect()
}

/// Runs each of [`cases_on_drizzle_tables`] on a database of its own from `fresh()`; returns how many ran and the
/// names of those that failed (panicked).
pub async fn run_cases_on_drizzle_tables<F, Fut>(backend: Backend, fresh: F) -> (usize, Vec<&'static str>)
where
    F: Fn() -> Fut,
    Fut: Future<Output = TestDb>,
{
    let all = cases_on_drizzle_tables(backend);
    let ran = all.len();
    let mut failed = Vec::new();
    for (name, case) in all {
        let t = fresh().await;
        if AssertUnwindSafe(case(&t)).catch_unwind().await.is_err() {
            failed.push(name);
        }
    }
    (ran, failed)
}
