//! Many app processes: 1, 2, 4 … processes of `examples/axum` (its release binary) against one PostgreSQL, directly,
//! through PgBouncer in session pooling mode and through PgBouncer in transaction pooling mode. Concurrent keep-alive
//! HTTP clients (hyper) spread round-robin over the processes `GET /auth/session` with the session cookie of one of the
//! seeded users; a request counts when it proves that user's session (status 200, the user's e-mail in the JSON).
//!
//! The cache rows: the same load on the bench's own app (`bench --serve-app`, `app.rs`: the same `/auth/session`),
//! without and with the session cache (`CachedAdapter`, one-hour time-to-live, kept current by the cache triggers and a
//! `CacheListener` per process on the direct URL), side by side for each process count, with the cache's hit rate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sea_orm::sqlx::{self, Connection};
use serde::Serialize;
use tokio::process::{Child, Command};

use crate::db::{self, Backend, Settings};
use crate::plan::Rng;
use crate::workload::{Result, cpu_now_us};

/// Seeded users, each with one live session.
const USERS: usize = 1000;
/// Requests before the measured window, per (target, process count).
const WARM_UP: Duration = Duration::from_secs(1);
/// A request taking longer than this is an error (a pooler that queues forever must not hang the bench).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The app's secret (no cookie is signed in these requests; set so the app does not warn).
const APP_SECRET: &str = "bench-processes-secret-0123456789abcdef";
/// The session cookie of Auth.js v5 over http, which the example uses.
const SESSION_COOKIE: &str = "authjs.session-token";

/// Where the app processes run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Direct,
    PgBouncerSession,
    PgBouncerTransaction,
}

impl Route {
    pub(crate) fn parse(s: &str) -> Option<Route> {
        match s {
            "direct" | "postgres" => Some(Route::Direct),
            "session" | "pgbouncer-session" => Some(Route::PgBouncerSession),
            "transaction" | "pgbouncer-transaction" => Some(Route::PgBouncerTransaction),
            _ => None,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Route::Direct => "PostgreSQL directly",
            Route::PgBouncerSession => "PgBouncer, session pooling",
            Route::PgBouncerTransaction => "PgBouncer, transaction pooling (AUTH_DATABASE_POOLER=transaction)",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Route::Direct => "direct",
            Route::PgBouncerSession => "pgbouncer-session",
            Route::PgBouncerTransaction => "pgbouncer-transaction",
        }
    }

    fn server_url(self, s: &Settings) -> Option<&str> {
        match self {
            Route::Direct => s.pg_url.as_deref(),
            Route::PgBouncerSession => s.pgbouncer_session_url.as_deref(),
            Route::PgBouncerTransaction => s.pgbouncer_url.as_deref(),
        }
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) counts: Vec<usize>,
    /// Routes of `examples/axum`'s rows.
    pub(crate) routes: Vec<Route>,
    /// Routes of the cache rows (the bench's app without and with the cache).
    pub(crate) cache_routes: Vec<Route>,
    pub(crate) clients: usize,
    pub(crate) measure: Duration,
    /// Database connections in all, split evenly over the processes (at least one each).
    pub(crate) connections: u32,
    pub(crate) seed: u64,
}

/// One (target, process count) measurement.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Point {
    pub(crate) processes: usize,
    pub(crate) pool_per_process: u32,
    /// Responses that proved the user's session, in the measured window.
    pub(crate) ok: usize,
    pub(crate) wall_s: f64,
    /// Latency of each of those responses, in microseconds.
    pub(crate) lat_us: Vec<f64>,
    /// Failed requests that ended in the window: transport errors, time-outs, statuses other than 200.
    pub(crate) errors: usize,
    /// 200 responses in the window without the user's session (signed out, another user, no JSON).
    pub(crate) wrong: usize,
    /// What went wrong (warm-up included), by kind, with counts.
    pub(crate) error_kinds: Vec<(String, usize)>,
    /// CPU time over the window of the app processes, of this (client) process, and of the whole machine (busy).
    pub(crate) app_cpu_us: f64,
    pub(crate) client_cpu_us: f64,
    pub(crate) machine_busy_us: f64,
    /// Set when the processes could not be started: nothing was measured.
    pub(crate) failed: Option<String>,
    /// The cache rows: whether the app cached sessions (`None`: `examples/axum`).
    pub(crate) cache: Option<bool>,
    /// With the cache: `get_session_and_user` answered from memory and read from the database over the window, all
    /// processes together.
    pub(crate) session_hits: Option<u64>,
    pub(crate) session_misses: Option<u64>,
}

impl Point {
    pub(crate) fn requests_per_s(&self) -> f64 {
        if self.wall_s > 0.0 { self.ok as f64 / self.wall_s } else { f64::NAN }
    }

    /// The `q` quantile of the latencies (nearest rank), in microseconds (`lat_us` is sorted).
    pub(crate) fn quantile(&self, q: f64) -> f64 {
        crate::workload::nearest_rank(&self.lat_us, q)
    }

    /// CPU per proved session, in microseconds.
    pub(crate) fn per_request(&self, us: f64) -> f64 {
        if self.ok > 0 { us / self.ok as f64 } else { f64::NAN }
    }

    /// Busy share of the machine's cores over the window, in percent.
    pub(crate) fn machine_busy_percent(&self, cores: usize) -> f64 {
        100.0 * self.machine_busy_us / (self.wall_s * 1e6 * cores.max(1) as f64)
    }

    /// The share of session reads answered from memory over the window, in percent (cache rows).
    pub(crate) fn hit_rate_percent(&self) -> Option<f64> {
        let (hits, misses) = (self.session_hits?, self.session_misses?);
        (hits + misses > 0).then(|| 100.0 * hits as f64 / (hits + misses) as f64)
    }

    fn failed(processes: usize, pool_per_process: u32, cache: Option<bool>, why: String) -> Point {
        Point {
            processes,
            pool_per_process,
            ok: 0,
            wall_s: 0.0,
            lat_us: Vec::new(),
            errors: 0,
            wrong: 0,
            error_kinds: Vec::new(),
            app_cpu_us: 0.0,
            client_cpu_us: 0.0,
            machine_busy_us: 0.0,
            failed: Some(why),
            cache,
            session_hits: None,
            session_misses: None,
        }
    }
}

/// Which app the processes run.
#[derive(Clone, Copy, Debug)]
enum App<'a> {
    /// `examples/axum`'s release binary.
    Example(&'a Path),
    /// This binary's `--serve-app`, with or without the cache.
    Bench { cache: bool },
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct ProcessesResult {
    pub(crate) target: String,
    pub(crate) title: String,
    pub(crate) clients: usize,
    /// `/proc/loadavg`'s 1, 5 and 15 minute load averages when the route started (other work on the machine).
    pub(crate) load_before: String,
    pub(crate) points: Vec<Point>,
}

/// Builds `examples/axum`'s release binary (`cargo build --release -p example-axum`; a no-op when it is up to date)
/// and returns its path, as cargo reports it.
pub(crate) fn build_app(repo: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    // `cargo run` gives this process the bench package's variables (CARGO_PKG_NAME, CARGO_MANIFEST_DIR...). Build
    // scripts watch some of them (ring's `rerun-if-env-changed`): passed on, they would make this build, then the
    // next `cargo build -p bench`, rebuild ring, rustls, sqlx and everything above.
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        let from_cargo_run = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_", "CARGO_BIN_", "CARGO_PRIMARY_PACKAGE"]
            .iter()
            .any(|prefix| name.starts_with(prefix));
        if from_cargo_run || name == "OUT_DIR" || name == "CARGO_TARGET_TMPDIR" {
            cmd.env_remove(name);
        }
    }
    let out = cmd
        .current_dir(repo)
        .args([
            "build",
            "--release",
            "-p",
            "example-axum",
            "--bin",
            "example-axum",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err(format!("cargo build --release -p example-axum failed: {}", out.status).into());
    }
    String::from_utf8(out.stdout)?
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "example-axum")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo build -p example-axum reported no executable".into())
}

/// A seeded user: session token and e-mail.
struct User {
    token: String,
    email: String,
}

/// A fresh database `bench_processes` with `USERS` users, each with one session expiring in 30 days (so the app
/// neither extends nor deletes it: every request is one read).
async fn seed(s: &Settings, seed: u64) -> Result<(String, Vec<User>)> {
    let target = db::fresh(s, Backend::Postgres, "processes").await?;
    let mut rng = Rng::new(seed ^ 0x9c0c_e55e5);
    let ids: Vec<String> = (0..USERS).map(|_| rng.uuid()).collect();
    let names: Vec<String> = (0..USERS).map(|i| format!("Process User {i}")).collect();
    let emails: Vec<String> = (0..USERS).map(|i| format!("proc{i}@example.com")).collect();
    let tokens: Vec<String> = (0..USERS).map(|_| rng.uuid()).collect();
    let mut conn = sqlx::PgConnection::connect(&target.url).await?;
    let mut tx = conn.begin().await?;
    sqlx::query(
        r#"INSERT INTO "user" ("id", "name", "email") SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])"#,
    )
    .bind(&ids)
    .bind(&names)
    .bind(&emails)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        r#"INSERT INTO "session" ("sessionToken", "userId", "expires")
           SELECT t, u, now() + interval '30 days' FROM UNNEST($1::text[], $2::text[]) AS x(t, u)"#,
    )
    .bind(&tokens)
    .bind(&ids)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(&mut conn).await?;
    conn.close().await?;
    let name = target.url.rsplit_once('/').map(|(_, db)| db.to_owned()).ok_or("no database name")?;
    let users = tokens.into_iter().zip(emails).map(|(token, email)| User { token, email }).collect();
    Ok((name, users))
}

/// The app processes of one measurement; killed when dropped.
struct Apps {
    children: Vec<Child>,
    ports: Vec<u16>,
    logs: Vec<PathBuf>,
    app: AppKind,
}

/// [`App`] without the path.
#[derive(Clone, Copy, Debug)]
enum AppKind {
    Example,
    Bench { cache: bool },
}

impl Apps {
    async fn start(app: App<'_>, url: &str, direct_url: &str, route: Route, n: usize, pool: u32) -> Result<Apps> {
        let dir = PathBuf::from(db::DB_DIR).join("processes");
        std::fs::create_dir_all(&dir)?;
        let kind = match app {
            App::Example(_) => AppKind::Example,
            App::Bench { cache } => AppKind::Bench { cache },
        };
        let mut apps = Apps { children: Vec::new(), ports: Vec::new(), logs: Vec::new(), app: kind };
        let this = std::env::current_exe()?;
        for k in 0..n {
            // A free port, given back to the app (another process could take it in between: the app then fails to
            // start, which is reported).
            let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            let log = dir.join(format!("app-{k}.log"));
            let out = std::fs::File::create(&log)?;
            let mut cmd = match app {
                App::Example(bin) => Command::new(bin),
                App::Bench { .. } => {
                    let mut cmd = Command::new(&this);
                    cmd.arg("--serve-app");
                    cmd
                }
            };
            // Nothing from this environment (SMTP_URL, AUTH_URL, GitHub…) nor a .env file reaches the app.
            cmd.env_clear()
                .current_dir(&dir)
                .env("DATABASE_URL", url)
                .env("DATABASE_MAX_CONNECTIONS", pool.to_string())
                .env("PORT", port.to_string())
                .env("AUTH_SECRET", APP_SECRET)
                .env("AUTH_EMAIL_CONSOLE", "1")
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(out.try_clone()?)
                .stderr(out)
                .kill_on_drop(true);
            if let App::Bench { cache } = app {
                // `env_clear` above dropped them.
                cmd.env("BENCH_APP_CACHE", if cache { "1" } else { "0" }).env("DATABASE_DIRECT_URL", direct_url);
            }
            if route == Route::PgBouncerTransaction {
                // The adapter's statements unnamed, each in its own transaction; the migration on PostgreSQL itself.
                cmd.env("AUTH_DATABASE_POOLER", "transaction").env("DATABASE_DIRECT_URL", direct_url);
            }
            apps.children.push(cmd.spawn()?);
            apps.ports.push(port);
            apps.logs.push(log);
        }
        // Ready when listening (the app listens once connected and migrated).
        let deadline = Instant::now() + Duration::from_secs(60);
        for k in 0..n {
            loop {
                if let Some(status) = apps.children[k].try_wait()? {
                    return Err(format!("app process {k} exited ({status}): {}", tail(&apps.logs[k])).into());
                }
                if tokio::net::TcpStream::connect(("127.0.0.1", apps.ports[k])).await.is_ok() {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(format!("app process {k} not listening after 60 s: {}", tail(&apps.logs[k])).into());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(apps)
    }

    fn cpu_us(&self) -> f64 {
        self.children.iter().filter_map(Child::id).map(cpu_of_us).sum()
    }

    /// Kills the processes; an app that had exited by itself is an error (its requests failed).
    async fn stop(mut self) -> Result<()> {
        let mut exited = Vec::new();
        for (k, child) in self.children.iter_mut().enumerate() {
            match child.try_wait()? {
                Some(status) => {
                    exited.push(format!("app process {k} exited during the run ({status}): {}", tail(&self.logs[k])))
                }
                None => child.kill().await?,
            }
        }
        if exited.is_empty() { Ok(()) } else { Err(exited.join("; ").into()) }
    }
}

/// The last lines of an app's log.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(5);
    format!("{} [{}]", lines[from..].join(" | "), log.display())
}

/// CPU time of process `pid` so far (its live threads), in microseconds.
fn cpu_of_us(pid: u32) -> f64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0.0 };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .sum::<f64>()
        / 1000.0
}

/// Busy CPU time of the whole machine so far (all cores; `/proc/stat` in USER_HZ = 100 ticks), in microseconds.
fn machine_busy_us() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) else { return 0.0 };
    let v: Vec<f64> = line.split_whitespace().skip(1).take(8).filter_map(|x| x.parse().ok()).collect();
    if v.len() < 8 {
        return 0.0;
    }
    let idle = v[3] + v[4];
    (v.iter().sum::<f64>() - idle) * 10_000.0
}

type HttpClient = Client<HttpConnector, Empty<Bytes>>;

/// What one request proved.
enum Outcome {
    Ok,
    Wrong(String),
    Error(String),
}

async fn request(client: &HttpClient, port: u16, user: &User) -> Outcome {
    let req = match hyper::Request::get(format!("http://127.0.0.1:{port}/auth/session"))
        .header(hyper::header::COOKIE, format!("{SESSION_COOKIE}={}", user.token))
        .body(Empty::new())
    {
        Ok(req) => req,
        Err(e) => return Outcome::Error(format!("request: {e}")),
    };
    let call = async {
        let resp = client.request(req).await.map_err(|e| format!("transport: {e}"))?;
        let status = resp.status();
        let body = resp.into_body().collect().await.map_err(|e| format!("body: {e}"))?.to_bytes();
        Ok::<_, String>((status, body))
    };
    let (status, body) = match tokio::time::timeout(REQUEST_TIMEOUT, call).await {
        Err(_) => return Outcome::Error(format!("no answer in {} s", REQUEST_TIMEOUT.as_secs())),
        Ok(Err(e)) => return Outcome::Error(e),
        Ok(Ok(r)) => r,
    };
    if status != hyper::StatusCode::OK {
        return Outcome::Error(format!("status {}", status.as_u16()));
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(v) if v["user"]["email"].as_str() == Some(user.email.as_str()) => Outcome::Ok,
        Ok(serde_json::Value::Null) => Outcome::Wrong("200 signed out (null session)".into()),
        Ok(v) => Outcome::Wrong(match v["user"]["email"].as_str() {
            Some(_) => "200 with another user's session".into(),
            None => "200 without a user".into(),
        }),
        Err(_) => Outcome::Wrong("200 with a body that is not JSON".into()),
    }
}

/// One client's requests: from `start`, warming up until `measure_from`, counted until `end`.
#[derive(Default)]
struct ClientRun {
    ok: usize,
    lat_us: Vec<f64>,
    errors: usize,
    wrong: usize,
    kinds: BTreeMap<String, usize>,
    last: Option<Instant>,
}

async fn client_loop(
    client: HttpClient,
    port: u16,
    users: Arc<Vec<User>>,
    mut rng: Rng,
    measure_from: Instant,
    end: Instant,
) -> ClientRun {
    let mut run = ClientRun::default();
    loop {
        let t = Instant::now();
        if t >= end {
            break;
        }
        let user = &users[rng.below(users.len())];
        let outcome = request(&client, port, user).await;
        let done = Instant::now();
        let counted = t >= measure_from;
        match outcome {
            Outcome::Ok if counted => {
                run.last = Some(done);
                run.ok += 1;
                run.lat_us.push((done - t).as_secs_f64() * 1e6);
            }
            Outcome::Ok => {}
            // A failure counts if it ended in the window (a request of the warm-up that hangs into it counts too).
            Outcome::Wrong(kind) => {
                run.wrong += usize::from(done >= measure_from);
                *run.kinds.entry(kind).or_default() += 1;
            }
            Outcome::Error(kind) => {
                run.errors += usize::from(done >= measure_from);
                *run.kinds.entry(kind).or_default() += 1;
                // A refused connection answers at once: do not spin on it.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    run
}

/// The cache counters of every process (`GET /bench/stats`), summed; `None` without the cache or if one fails.
async fn cache_counts(apps: &Apps, client: &HttpClient) -> Option<(u64, u64)> {
    if !matches!(apps.app, AppKind::Bench { cache: true }) {
        return None;
    }
    let (mut hits, mut misses) = (0, 0);
    for port in &apps.ports {
        let req = hyper::Request::get(format!("http://127.0.0.1:{port}/bench/stats")).body(Empty::new()).ok()?;
        let resp = tokio::time::timeout(REQUEST_TIMEOUT, client.request(req)).await.ok()?.ok()?;
        let body = resp.into_body().collect().await.ok()?.to_bytes();
        let stats: serde_json::Value = serde_json::from_slice(&body).ok()?;
        hits += stats["session_hits"].as_u64()?;
        misses += stats["session_misses"].as_u64()?;
    }
    Some((hits, misses))
}

async fn measure(apps: &Apps, users: &Arc<Vec<User>>, o: &Options, n: usize, pool: u32) -> Point {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: HttpClient = Client::builder(TokioExecutor::new()).build(connector);
    let start = Instant::now();
    let (measure_from, end) = (start + WARM_UP, start + WARM_UP + o.measure);
    let tasks: Vec<_> = (0..o.clients)
        .map(|c| {
            let rng = Rng::new(o.seed ^ ((n as u64) << 32) ^ c as u64);
            let port = apps.ports[c % apps.ports.len()];
            tokio::spawn(client_loop(client.clone(), port, users.clone(), rng, measure_from, end))
        })
        .collect();
    tokio::time::sleep_until(measure_from.into()).await;
    let (app0, client0, machine0) = (apps.cpu_us(), cpu_now_us(), machine_busy_us());
    let counts0 = cache_counts(apps, &client).await;
    tokio::time::sleep_until(end.into()).await;
    let (app1, client1, machine1) = (apps.cpu_us(), cpu_now_us(), machine_busy_us());
    let counts1 = cache_counts(apps, &client).await;
    let counted = counts0.zip(counts1).map(|((h0, m0), (h1, m1))| (h1.saturating_sub(h0), m1.saturating_sub(m0)));
    let mut point = Point {
        processes: n,
        pool_per_process: pool,
        ok: 0,
        wall_s: o.measure.as_secs_f64(),
        lat_us: Vec::new(),
        errors: 0,
        wrong: 0,
        error_kinds: Vec::new(),
        app_cpu_us: app1 - app0,
        client_cpu_us: client1 - client0,
        machine_busy_us: machine1 - machine0,
        failed: None,
        cache: match apps.app {
            AppKind::Example => None,
            AppKind::Bench { cache } => Some(cache),
        },
        session_hits: counted.map(|(hits, _)| hits),
        session_misses: counted.map(|(_, misses)| misses),
    };
    let mut kinds = BTreeMap::<String, usize>::new();
    let mut last = end;
    for task in tasks {
        match task.await {
            Ok(run) => {
                point.ok += run.ok;
                point.lat_us.extend(run.lat_us);
                point.errors += run.errors;
                point.wrong += run.wrong;
                for (kind, count) in run.kinds {
                    *kinds.entry(kind).or_default() += count;
                }
                last = last.max(run.last.unwrap_or(end));
            }
            Err(e) => {
                point.errors += 1;
                *kinds.entry(format!("client task: {e}")).or_default() += 1;
            }
        }
    }
    // Requests started before the end and answered after it are counted: the window runs to the last of them (an
    // error's time-out does not stretch it).
    point.wall_s = (last - measure_from).as_secs_f64();
    point.lat_us.sort_by(f64::total_cmp);
    point.error_kinds = kinds.into_iter().collect();
    point.error_kinds.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    point
}

/// What [`run`] measured: `examples/axum`'s rows per route, and the cache rows per route.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Runs {
    pub(crate) example: Vec<ProcessesResult>,
    pub(crate) cache: Vec<ProcessesResult>,
}

/// A route's result, its points to come.
fn result_of(route: Route, clients: usize) -> ProcessesResult {
    ProcessesResult {
        target: route.name().to_owned(),
        title: route.title().to_owned(),
        clients,
        load_before: std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        points: Vec::new(),
    }
}

/// Starts `n` processes of `app`, measures them, stops them.
#[allow(clippy::too_many_arguments)]
async fn point(
    app: App<'_>,
    url: &str,
    direct_url: &str,
    route: Route,
    users: &Arc<Vec<User>>,
    o: &Options,
    n: usize,
    cache: Option<bool>,
) -> Point {
    let pool = (o.connections / n as u32).max(1);
    match Apps::start(app, url, direct_url, route, n, pool).await {
        Ok(apps) => {
            let mut point = measure(&apps, users, o, n, pool).await;
            if let Err(e) = apps.stop().await {
                point.failed = Some(e.to_string());
            }
            point
        }
        Err(e) => Point::failed(n, pool, cache, e.to_string()),
    }
}

/// Runs every route at every process count on one seeded database: `examples/axum` (`bin`) on `o.routes`, then the
/// bench's app without and with the cache on `o.cache_routes` (the cache triggers installed first). `report` and
/// `report_cache` are called after each route.
pub(crate) async fn run(
    s: &Settings,
    bin: Option<&Path>,
    o: &Options,
    mut report: impl FnMut(&ProcessesResult),
    mut report_cache: impl FnMut(&ProcessesResult),
) -> Result<Runs> {
    let (database, users) = seed(s, o.seed).await?;
    let users = Arc::new(users);
    let direct_url = db::with_database(s.pg_url.as_deref().ok_or("no PostgreSQL URL")?, &database);
    let mut runs = Runs::default();
    let example_routes = if bin.is_some() { &o.routes[..] } else { &[] };
    for &route in example_routes {
        let url = db::with_database(route.server_url(s).ok_or("no PostgreSQL or PgBouncer URL")?, &database);
        let mut result = result_of(route, o.clients);
        for &n in &o.counts {
            eprintln!("bench: processes: {} x{n} ...", route.name());
            let app = App::Example(bin.ok_or("no app binary")?);
            result.points.push(point(app, &url, &direct_url, route, &users, o, n, None).await);
        }
        report(&result);
        runs.example.push(result);
    }
    if !o.cache_routes.is_empty() {
        let db = authjs_sea_orm::connect(&direct_url).await?;
        authjs_sea_orm::cache_triggers::install::<authjs_sea_orm::schema::Tables>(
            &db,
            authjs_sea_orm::cache_triggers::DEFAULT_CHANNEL,
        )
        .await?;
        db.close().await?;
    }
    for &route in &o.cache_routes {
        let url = db::with_database(route.server_url(s).ok_or("no PostgreSQL or PgBouncer URL")?, &database);
        let mut result = result_of(route, o.clients);
        for &n in &o.counts {
            for cache in [false, true] {
                eprintln!("bench: processes: {} x{n}, cache {} ...", route.name(), if cache { "on" } else { "off" });
                let app = App::Bench { cache };
                result.points.push(point(app, &url, &direct_url, route, &users, o, n, Some(cache)).await);
            }
        }
        report_cache(&result);
        runs.cache.push(result);
    }
    Ok(runs)
}
