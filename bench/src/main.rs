//! Benchmark of `SeaOrmAdapter` against the same statements as hand-written sqlx (the floor) and against
//! `@auth/drizzle-adapter` on Node, on SQLite (file and memory), PostgreSQL and MariaDB, plus lookup latency at
//! 10k to 1M users. Run with: cargo run --release -p bench -- --help (see BENCHMARKS.md).

mod app;
mod db;
mod impl_adapter;
mod impl_floor;
mod node;
mod plan;
mod processes;
mod report;
mod scale;
mod workload;

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use db::{Backend, Settings};
use serde::Serialize;
use workload::{PhaseResult, PhaseRunner, Result, Runner};

/// Benchmark of SeaOrmAdapter vs. the sqlx floor vs. @auth/drizzle-adapter (see BENCHMARKS.md).
#[derive(Parser, Debug)]
#[command(name = "bench")]
struct Args {
    /// Users in the workload; the other phases scale with it (session lookups: 4N).
    #[arg(long, default_value_t = 1000)]
    n: usize,
    /// Seed of the workload.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Backends, comma-separated: sqlite-file, sqlite-memory, postgres, mariadb.
    #[arg(long, value_delimiter = ',', default_value = "sqlite-file,sqlite-memory,postgres,mariadb")]
    backends: Vec<String>,
    /// Implementations, comma-separated: adapter, cached (the adapter behind `authjs_sea_orm::cache::CachedAdapter`,
    /// default settings: 30 s, 10,000 sessions), floor, drizzle.
    #[arg(long, value_delimiter = ',', default_value = "adapter,cached,floor,drizzle")]
    impls: Vec<String>,
    /// Connections per pool, and concurrent callers of the last phase.
    #[arg(long, default_value_t = 16)]
    pool: u32,
    /// Warm-up rounds before the measured phases.
    #[arg(long, default_value_t = 200)]
    warmup: usize,
    /// Rounds: each runs every implementation once (in a rotated order) on a fresh database; ops/s is the median
    /// over rounds, latency percentiles pool every call of every round.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Commits not flushed: PostgreSQL `synchronous_commit = off` per session, MariaDB
    /// `innodb_flush_log_at_trx_commit = 2` (SQLite: unchanged, WAL with synchronous = NORMAL).
    #[arg(long)]
    unflushed: bool,
    /// User counts of the scale levels, comma-separated (0 or empty: no scale test).
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    scale_levels: Vec<usize>,
    /// Backends of the scale test (default: those of --backends).
    #[arg(long, value_delimiter = ',')]
    scale_backends: Vec<String>,
    /// Calls of each kind per scale level.
    #[arg(long, default_value_t = 2000)]
    scale_calls: usize,
    /// App process counts of the many-processes test (examples/axum's release binary, built by the bench, on
    /// PostgreSQL), comma-separated (0 or empty: no such test).
    #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
    process_counts: Vec<usize>,
    /// Routes of the many-processes test: direct, session (PgBouncer, session pooling), transaction (PgBouncer,
    /// transaction pooling).
    #[arg(long, value_delimiter = ',', default_value = "direct,session,transaction")]
    process_targets: Vec<String>,
    /// Routes of the many-processes test's cache rows (the bench's own app without and with the session cache and its
    /// listener, side by side): direct, session, transaction (empty: none).
    #[arg(long, value_delimiter = ',', default_value = "direct,session")]
    process_cache_targets: Vec<String>,
    /// Concurrent keep-alive HTTP clients of the many-processes test, spread round-robin over the processes.
    #[arg(long, default_value_t = 32)]
    process_clients: usize,
    /// Measured seconds per route and process count (after 1 s of warm-up). The processes share --pool database
    /// connections, split evenly (at least one each).
    #[arg(long, default_value_t = 5)]
    process_secs: u64,
    /// Skip the workload (scale test only).
    #[arg(long)]
    skip_workload: bool,
    /// Write every measurement (with each call's latency) as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Log every SQL statement (sqlx at debug level) to stderr: to compare the floor's SQL with the adapter's.
    #[arg(long)]
    log_sql: bool,
    /// Internal: serve the app of the many-processes test's cache rows (configured by the environment, see
    /// src/app.rs) instead of benchmarking.
    #[arg(long, hide = true)]
    serve_app: bool,
}

#[derive(Serialize)]
struct BackendRun {
    backend: String,
    /// Implementation name, then its phases.
    impls: Vec<(String, Vec<PhaseResult>)>,
}

#[derive(Serialize)]
struct RunJson<'a> {
    machine: &'a str,
    settings: String,
    workload: Vec<BackendRun>,
    scale: Vec<scale::ScaleResult>,
    processes: processes::Runs,
}

fn parse_backends(names: &[String]) -> Result<Vec<Backend>> {
    names
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| Backend::parse(n).ok_or_else(|| format!("unknown backend {n}").into()))
        .collect()
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if args.serve_app {
        return app::serve().await;
    }
    if args.log_sql {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .init();
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize()?;
    let backends = parse_backends(&args.backends)?;
    let scale_backends =
        if args.scale_backends.is_empty() { backends.clone() } else { parse_backends(&args.scale_backends)? };
    let scale_levels: Vec<usize> = args.scale_levels.iter().copied().filter(|&l| l > 0).collect();
    let process_counts: Vec<usize> = args.process_counts.iter().copied().filter(|&n| n > 0).collect();
    let process_routes = args
        .process_targets
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| processes::Route::parse(n).ok_or_else(|| format!("unknown process target {n}")))
        .collect::<Result<Vec<_>, _>>()?;
    let cache_routes = args
        .process_cache_targets
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| processes::Route::parse(n).ok_or_else(|| format!("unknown process cache target {n}")))
        .collect::<Result<Vec<_>, _>>()?;
    let many_processes = !process_counts.is_empty() && (!process_routes.is_empty() || !cache_routes.is_empty());
    // The app is built first: a build failure stops the run before anything is measured.
    let app_bin = if process_counts.is_empty() || process_routes.is_empty() {
        None
    } else {
        eprintln!("bench: building examples/axum (release) for the many-processes test ...");
        Some(processes::build_app(&repo)?)
    };

    let mut s = Settings {
        pg_url: None,
        my_url: None,
        pgbouncer_url: None,
        pgbouncer_session_url: None,
        pool_size: args.pool,
        unflushed: args.unflushed,
    };
    let mut machine = report::machine();
    machine.push_str(&format!("\nNode {}", node::version()));
    if backends.iter().chain(&scale_backends).any(|b| b.is_server()) || many_processes {
        db::start_servers(&repo, &mut s)?;
        machine.push('\n');
        machine.push_str(&db::prepare_servers(&s).await?);
    }
    let settings = format!(
        "N={} seed={} pool={} callers={} warmup={} commits={}",
        args.n,
        args.seed,
        args.pool,
        args.pool,
        args.warmup,
        if args.unflushed { "unflushed" } else { "durable" },
    );
    println!("{machine}\n{settings}\n");

    let mut runs = Vec::new();
    if !args.skip_workload {
        let plan = Arc::new(plan::Plan::new(args.n, args.seed, args.pool as usize, args.warmup));
        std::fs::create_dir_all(db::DB_DIR)?;
        let plan_path = PathBuf::from(db::DB_DIR).join("plan.json");
        std::fs::write(&plan_path, serde_json::to_vec(&*plan)?)?;
        let ddl = db::sqlite_ddl().await?;
        let ddl_path = PathBuf::from(db::DB_DIR).join("sqlite-ddl.json");
        std::fs::write(&ddl_path, serde_json::to_vec(&ddl)?)?;
        let node_missing = node::unavailable(&repo);

        for &backend in &backends {
            let mut rounds: Vec<(String, Vec<PhaseResult>)> =
                args.impls.iter().map(|name| (name.clone(), Vec::new())).collect();
            for round in 0..args.rounds.max(1) {
                // Every implementation on its fresh database, then the phases one by one, each run by every
                // implementation in turn (the order rotating with the round and the phase).
                let mut runners: Vec<(usize, Box<dyn PhaseRunner>)> = Vec::new();
                for (slot, (name, _)) in rounds.iter().enumerate() {
                    let tag = format!("{}_{}", name, backend.name().replace('-', "_"));
                    let ctx =
                        Ctx { repo: &repo, s: &s, plan: &plan, plan_path: &plan_path, ddl: &ddl, ddl_path: &ddl_path };
                    if let Some(mut r) = start_impl(&ctx, backend, name, &tag, node_missing.as_deref()).await? {
                        r.warm_up().await.map_err(|e| format!("{name} warm-up: {e}"))?;
                        runners.push((slot, r));
                    }
                }
                let started = std::time::Instant::now();
                for phase in 0..workload::PHASES.len() {
                    let k = runners.len().max(1);
                    for j in 0..runners.len() {
                        let (slot, runner) = &mut runners[(j + round + phase) % k];
                        let result = runner.phase(phase).await.map_err(|e| format!("{}: {e}", rounds[*slot].0))?;
                        rounds[*slot].1.push(result);
                    }
                }
                for (_, r) in runners {
                    r.close().await?;
                }
                eprintln!(
                    "bench: {} round {} done in {:.1} s",
                    backend.name(),
                    round + 1,
                    started.elapsed().as_secs_f64()
                );
            }
            let impls: Vec<(String, Vec<PhaseResult>)> = rounds
                .into_iter()
                .filter(|(_, r)| !r.is_empty())
                .map(|(name, r)| (name, workload::merge_rounds(&r)))
                .collect();
            let run = BackendRun { backend: backend.name().to_owned(), impls };
            println!("{}", report::workload_table(&run.backend, &run.impls));
            println!("{}", report::cache_table(&run.backend, &run.impls));
            runs.push(run);
        }
        println!(
            "{}",
            report::targets(
                &runs.iter().map(|r| (r.backend.clone(), r.impls.clone())).collect::<Vec<_>>(),
                args.unflushed
            )
        );
    }

    let mut scales = Vec::new();
    if !scale_levels.is_empty() {
        for &backend in &scale_backends {
            eprintln!("bench: scale on {} ...", backend.name());
            let r = scale::run(&s, backend, &scale_levels, args.scale_calls, args.seed, |level| {
                eprintln!("bench: {} users loaded in {:.1} s", level.users, level.load_s);
            })
            .await?;
            println!("{}", report::scale_table(&r));
            scales.push(r);
        }
    }

    let mut process_runs = processes::Runs::default();
    if many_processes {
        let o = processes::Options {
            counts: process_counts,
            routes: process_routes,
            cache_routes,
            clients: args.process_clients.max(1),
            measure: std::time::Duration::from_secs(args.process_secs.max(1)),
            connections: args.pool,
            seed: args.seed,
        };
        process_runs = processes::run(
            &s,
            app_bin.as_deref(),
            &o,
            |r| println!("{}", report::processes_table(r)),
            |r| println!("{}", report::processes_cache_table(r)),
        )
        .await?;
    }

    if let Some(path) = &args.json {
        let json = RunJson { machine: &machine, settings, workload: runs, scale: scales, processes: process_runs };
        std::fs::write(path, serde_json::to_vec(&json)?)?;
        eprintln!("bench: wrote {}", path.display());
    }
    Ok(())
}

/// What starting an implementation needs.
struct Ctx<'a> {
    repo: &'a std::path::Path,
    s: &'a Settings,
    plan: &'a Arc<plan::Plan>,
    plan_path: &'a std::path::Path,
    ddl: &'a [String],
    ddl_path: &'a std::path::Path,
}

/// Implementation `name` on a fresh database; `None` if it cannot run here (Node missing).
async fn start_impl(
    c: &Ctx<'_>,
    backend: Backend,
    name: &str,
    tag: &str,
    node_missing: Option<&str>,
) -> Result<Option<Box<dyn PhaseRunner>>> {
    let (s, plan) = (c.s, c.plan.clone());
    Ok(Some(match name {
        "adapter" => {
            let t = db::fresh(s, backend, tag).await?;
            let conn = db::sea_orm(s, &t).await?;
            let w = impl_adapter::AdapterWorkload(authjs_sea_orm::SeaOrmAdapter::new(conn.clone()));
            Box::new(Runner::new(w, plan, move || async move { Ok(conn.close().await?) }))
        }
        "cached" => {
            let t = db::fresh(s, backend, tag).await?;
            let conn = db::sea_orm(s, &t).await?;
            let adapter = authjs_sea_orm::SeaOrmAdapter::new(conn.clone());
            let w = impl_adapter::AdapterWorkload(authjs_sea_orm::cache::CachedAdapter::builder(adapter).build());
            Box::new(Runner::new(w, plan, move || async move { Ok(conn.close().await?) }))
        }
        "floor" => {
            let t = db::fresh(s, backend, tag).await?;
            match backend {
                Backend::SqliteFile | Backend::SqliteMemory => {
                    let pool = db::sqlite_pool(s, &t, c.ddl).await?;
                    let w = impl_floor::SqliteFloor(pool.clone());
                    Box::new(Runner::new(w, plan, move || async move {
                        pool.close().await;
                        Ok(())
                    }))
                }
                Backend::Postgres => {
                    let pool = db::pg_pool(s, &t).await?;
                    let w = impl_floor::PgFloor(pool.clone());
                    Box::new(Runner::new(w, plan, move || async move {
                        pool.close().await;
                        Ok(())
                    }))
                }
                Backend::Mysql => {
                    let pool = db::mysql_pool(s, &t).await?;
                    let w = impl_floor::MySqlFloor(pool.clone());
                    Box::new(Runner::new(w, plan, move || async move {
                        pool.close().await;
                        Ok(())
                    }))
                }
            }
        }
        "drizzle" => {
            if let Some(why) = node_missing {
                eprintln!("bench: Drizzle skipped: {why}");
                return Ok(None);
            }
            let t = db::fresh(s, backend, tag).await?;
            Box::new(node::start(c.repo, s, &t, c.plan_path, c.ddl_path).await?)
        }
        other => return Err(format!("unknown implementation {other}").into()),
    }))
}
