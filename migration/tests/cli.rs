//! Drives the real migration runner (`cargo run -p migration -- ...`) in a temporary working directory: the default
//! SQLite file, `DATABASE_URL` from `.env`, every subcommand, and clean failures (one `error:` line, no panic, no
//! password) for a bad or unreachable database URL; adoption of a SQLite file made by drizzle-kit (`up`, `status`,
//! `--adopt-indexes`, `down`, `fresh` refused).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The tables the migration creates.
const AUTH_TABLES: [&str; 5] = ["user", "account", "session", "verificationToken", "authenticator"];

/// The migration, as `status` names it.
const MIGRATION: &str = "m20261126_000001_create_auth_tables";

/// The runner binary, built by cargo for this test.
fn runner() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_migration"))
}

/// A temporary working directory, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> WorkDir {
        let dir = std::env::temp_dir().join(format!("authjs-migration-cli-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir(&dir).unwrap();
        WorkDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The outcome of one run of the runner.
struct Run {
    args: Vec<String>,
    output: Output,
    elapsed: Duration,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn all(&self) -> String {
        format!("{}{}", self.stdout(), self.stderr())
    }

    #[track_caller]
    fn assert_success(&self) -> &Run {
        assert!(
            self.output.status.success(),
            "migration {:?} exited with {}\n--- stdout\n{}--- stderr\n{}",
            self.args,
            self.output.status,
            self.stdout(),
            self.stderr()
        );
        assert_no_panic(self);
        self
    }
}

#[track_caller]
fn assert_no_panic(run: &Run) {
    let all = run.all();
    assert!(!all.contains("panicked"), "migration {:?} panicked:\n{all}", run.args);
    assert!(!all.contains("stack backtrace"), "migration {:?} printed a backtrace:\n{all}", run.args);
}

/// Runs the runner in `dir` with `args`, without `DATABASE_URL` in its environment and with backtraces on (so that a
/// panic would show).
fn run(dir: &Path, args: &[&str]) -> Run {
    run_command(Command::new(runner()).env_remove("DATABASE_URL"), dir, args)
}

/// [`run`] with `DATABASE_URL` set to `url` in the environment.
fn run_with_url(dir: &Path, url: &str, args: &[&str]) -> Run {
    run_command(Command::new(runner()).env("DATABASE_URL", url), dir, args)
}

fn run_command(command: &mut Command, dir: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let output =
        command.args(args).current_dir(dir).env("RUST_BACKTRACE", "1").output().expect("start the migration runner");
    Run { args: args.iter().map(|s| (*s).to_owned()).collect(), output, elapsed: start.elapsed() }
}

/// The tables of the SQLite file at `path`, read with sea-orm.
async fn sqlite_tables(path: &Path) -> BTreeSet<String> {
    assert!(path.is_file(), "{} does not exist", path.display());
    let db = authjs_sea_orm::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ))
        .await
        .unwrap();
    let tables = rows.iter().map(|r| r.try_get::<String>("", "name").unwrap()).collect();
    db.close().await.unwrap();
    tables
}

#[track_caller]
fn assert_has_auth_tables(tables: &BTreeSet<String>) {
    for table in AUTH_TABLES {
        assert!(tables.contains(table), "table {table} missing: {tables:?}");
    }
}

#[track_caller]
fn assert_no_auth_tables(tables: &BTreeSet<String>) {
    for table in AUTH_TABLES {
        assert!(!tables.contains(table), "table {table} still there: {tables:?}");
    }
}

/// Without `DATABASE_URL`, every subcommand works on `./auth.db`.
#[tokio::test]
async fn default_sqlite_file_and_every_subcommand() {
    let dir = WorkDir::new();
    let db_file = dir.path().join("auth.db");
    assert!(!dir.path().join(".env").exists());

    let up = run(dir.path(), &["up"]);
    up.assert_success();
    assert!(up.all().contains("auth.db"), "up does not say which database it used:\n{}", up.all());
    assert!(up.all().contains(MIGRATION), "up does not name the migration it applied:\n{}", up.all());
    assert_has_auth_tables(&sqlite_tables(&db_file).await);

    let status = run(dir.path(), &["status"]);
    status.assert_success();
    assert!(
        status.all().lines().any(|l| l.contains(MIGRATION) && l.contains("Applied")),
        "status does not list {MIGRATION} as applied:\n{}",
        status.all()
    );

    let again = run(dir.path(), &["up"]);
    again.assert_success();
    assert!(again.all().contains("No pending migrations"), "second up is not a no-op:\n{}", again.all());
    assert_has_auth_tables(&sqlite_tables(&db_file).await);

    // `down` rolls back the last migration only: `m20261127_000001_no_pad_keys` (a no-op on SQLite), then this one.
    run(dir.path(), &["down"]).assert_success();
    assert_has_auth_tables(&sqlite_tables(&db_file).await);
    let status = run(dir.path(), &["status"]);
    status.assert_success();
    assert!(
        status.all().lines().any(|l| l.contains(MIGRATION) && l.contains("Applied")),
        "the first down rolled back {MIGRATION} too:\n{}",
        status.all()
    );
    run(dir.path(), &["down"]).assert_success();
    let tables = sqlite_tables(&db_file).await;
    assert_no_auth_tables(&tables);
    let status = run(dir.path(), &["status"]);
    status.assert_success();
    assert!(
        status.all().lines().any(|l| l.contains(MIGRATION) && l.contains("Pending")),
        "status after down does not list {MIGRATION} as pending:\n{}",
        status.all()
    );

    for command in ["fresh", "refresh"] {
        run(dir.path(), &[command]).assert_success();
        assert_has_auth_tables(&sqlite_tables(&db_file).await);
    }
    run(dir.path(), &["reset"]).assert_success();
    assert_no_auth_tables(&sqlite_tables(&db_file).await);
    run(dir.path(), &["fresh"]).assert_success();
    assert_has_auth_tables(&sqlite_tables(&db_file).await);
}

/// `DATABASE_URL` is read from a `.env` file in the working directory.
#[tokio::test]
async fn database_url_from_dot_env() {
    let dir = WorkDir::new();
    std::fs::write(dir.path().join(".env"), "DATABASE_URL=sqlite://from-env.db?mode=rwc\n").unwrap();

    let up = run(dir.path(), &["up"]);
    up.assert_success();
    assert!(up.all().contains("from-env.db"), "up does not say it used from-env.db:\n{}", up.all());
    assert_has_auth_tables(&sqlite_tables(&dir.path().join("from-env.db")).await);
    assert!(!dir.path().join("auth.db").exists(), "auth.db created although .env names another database");
}

/// A failure to connect is one `error:` line on stderr and a non-zero exit: no panic, no backtrace, no password.
#[track_caller]
fn assert_clean_failure(run: &Run) {
    assert!(!run.output.status.success(), "migration {:?} succeeded:\n{}", run.args, run.all());
    assert_no_panic(run);
    let stderr = run.stderr();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "expected a single error line on stderr:\n{stderr}");
    assert!(errors[0].starts_with("error: "), "the error line does not start with `error: `:\n{stderr}");
    assert!(!run.all().contains("secretpw"), "the password leaked:\n{}", run.all());
}

#[test]
fn bad_url_fails_cleanly() {
    let dir = WorkDir::new();
    for run in [run_with_url(dir.path(), "nonsense", &["up"]), run(dir.path(), &["--database-url", "nonsense", "up"])] {
        assert_clean_failure(&run);
    }
    assert!(!dir.path().join("auth.db").exists(), "auth.db created although DATABASE_URL is set");
}

#[test]
fn unreachable_server_fails_cleanly() {
    let dir = WorkDir::new();
    let run = run_with_url(dir.path(), "postgres://u:secretpw@127.0.0.1:1/db", &["status"]);
    assert_clean_failure(&run);
    assert!(run.stderr().contains("postgres://127.0.0.1:1/db"), "the URL is not shown:\n{}", run.stderr());
    eprintln!("unreachable server: the runner gave up after {:.1} s", run.elapsed.as_secs_f64());
    assert!(run.elapsed < Duration::from_secs(60), "the runner took {:?} to give up", run.elapsed);
}

/// No form of a password in `DATABASE_URL` is printed, on success or failure: in the user info (percent-encoded, or
/// with an unencoded `/` that ends the host early), as `?password=`, or in a URL sea-orm refuses (which it quotes).
/// The host, port and database are shown when the URL parses without ambiguity.
#[test]
fn database_urls_are_printed_without_secrets() {
    let dir = WorkDir::new();
    let server = "127.0.0.1:1";
    let cases = [
        (format!("postgres://u:p%2Fsecretpw@{server}/db"), Some(format!("postgres://{server}/db"))),
        (format!("postgres://u:pa/secretpw@{server}/db"), None),
        (format!("postgres://u:123/secretpw@{server}/db"), None),
        (format!("postgres://{server}/db?password=secretpw&sslmode=disable"), Some(format!("postgres://{server}/db"))),
        (format!("mysql://u:secretpw@{server}/db"), Some(format!("mysql://{server}/db"))),
        (format!("mssql://u:secretpw@{server}/db"), Some(format!("mssql://{server}/db"))),
    ];
    // In parallel: each unreachable server takes the runner's 5 s timeout.
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let runs: Vec<_> =
            cases.iter().map(|(url, _)| scope.spawn(|| run_with_url(dir.path(), url, &["status"]))).collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    for ((url, shown), run) in cases.into_iter().zip(runs) {
        assert_clean_failure(&run);
        assert!(!run.all().contains("secretpw"), "{url} printed its password:\n{}", run.all());
        let first = run.stderr().lines().next().unwrap_or_default().to_owned();
        match shown {
            Some(shown) => assert_eq!(first, format!("Using database {shown}"), "{url}"),
            None => assert!(first.starts_with("Using database <DATABASE_URL, not shown"), "{url}: {first}"),
        }
    }

    // SQLite: the file, without the query.
    let file = dir.path().join("x.db");
    let run = run_with_url(dir.path(), &format!("sqlite://{}?mode=rwc", file.display()), &["up"]);
    run.assert_success();
    assert!(run.stderr().starts_with(&format!("Using database sqlite://{}\n", file.display())), "{}", run.stderr());
}

/// A Next.js app's SQLite file, its tables created by drizzle-kit: `up` adopts them and says so, `status` lists the
/// adoption, a second `up` is a no-op, `--adopt-indexes` adds exactly the four indexes (and a later run without it
/// still works), `fresh` is refused, `down` forgets the adoption and leaves the app's tables as they were.
#[tokio::test]
async fn adopts_a_drizzle_sqlite_file() {
    use authjs_sea_orm::migration::adopt::RECORD_TABLE;
    use authjs_sea_orm_tests::{Backend, catalog, drizzle, node};

    if !node::node_ready() {
        return;
    }
    let dir = WorkDir::new();
    let file = dir.path().join("app.db");
    let url = format!("sqlite://{}", file.display());
    let snapshot = || async {
        let db = authjs_sea_orm::connect(&url).await.unwrap();
        let lines = catalog::snapshot(&db, Backend::SqliteFile, &["seaql_migrations", RECORD_TABLE]).await;
        db.close().await.unwrap();
        lines
    };
    let db = authjs_sea_orm::connect(&format!("{url}?mode=rwc")).await.unwrap();
    drizzle::apply(&db, &drizzle::ddl(Backend::SqliteFile)).await;
    db.close().await.unwrap();
    let app = snapshot().await;

    let up = run_with_url(dir.path(), &url, &["up"]);
    up.assert_success();
    let out = up.all();
    assert!(out.contains("Adopted the existing tables, checked and left unchanged"), "{out}");
    for table in AUTH_TABLES {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(&format!("{table}: created by drizzle-kit"))),
            "up does not report {table} as adopted from drizzle-kit:\n{out}"
        );
    }
    assert_eq!(snapshot().await, app, "up changed the app's tables");

    let status = run_with_url(dir.path(), &url, &["status"]);
    status.assert_success();
    let out = status.all();
    for migration in [MIGRATION, "m20261127_000001_no_pad_keys"] {
        assert!(out.lines().any(|l| l.contains(migration) && l.contains("Applied")), "{migration}:\n{out}");
    }
    assert!(out.contains(&format!("Adopted tables (recorded in {RECORD_TABLE}):")), "{out}");
    let adopted: Vec<&str> =
        out.lines().filter(|l| l.contains("adopted by m20261126_000001_create_auth_tables at")).collect();
    assert_eq!(adopted.len(), 5, "{out}");
    assert!(adopted.iter().all(|l| l.contains("created by drizzle-kit") && l.contains("UTC; indexes added: none")));
    eprintln!("{out}");

    let again = run_with_url(dir.path(), &url, &["up"]);
    again.assert_success();
    assert!(again.all().contains("No pending migrations"), "{}", again.all());
    assert!(!again.all().contains("Adopted the existing tables"), "{}", again.all());
    assert_eq!(snapshot().await, app);

    // The indexes option, by flag, then by environment: the second time there is nothing to add.
    let indexed = run_with_url(dir.path(), &url, &["up", "--adopt-indexes"]);
    indexed.assert_success();
    assert!(
        indexed.all().contains(
            "Indexes for adopted tables: created account_userId_idx, session_userId_idx, session_expires_idx, \
             verificationToken_expires_idx"
        ),
        "{}",
        indexed.all()
    );
    let db = authjs_sea_orm::connect(&url).await.unwrap();
    let mut added = Vec::new();
    for table in AUTH_TABLES {
        added.extend(catalog::index_names(&db, Backend::SqliteFile, table).await);
    }
    db.close().await.unwrap();
    added.sort();
    let mut expected = vec![
        "account_userId_idx",
        "authenticator_credentialID_unique",
        "session_expires_idx",
        "session_userId_idx",
        "user_email_unique",
        "verificationToken_expires_idx",
    ];
    expected.sort_unstable();
    assert_eq!(added, expected);
    let by_env = run_command(
        Command::new(runner()).env("DATABASE_URL", &url).env("AUTHJS_ADOPT_INDEXES", "true"),
        dir.path(),
        &["up"],
    );
    by_env.assert_success();
    assert!(by_env.all().contains("Indexes for adopted tables: none to add"), "{}", by_env.all());
    // Without the option: no "migration file is missing", and the status names the indexes.
    let status = run_with_url(dir.path(), &url, &["status"]);
    status.assert_success();
    assert!(status.all().contains("indexes added: account_userId_idx"), "{}", status.all());

    let fresh = run_with_url(dir.path(), &url, &["fresh"]);
    assert!(!fresh.output.status.success(), "fresh ran on adopted tables:\n{}", fresh.all());
    assert_no_panic(&fresh);
    assert!(fresh.stderr().lines().any(|l| l.starts_with("error: fresh drops every table")), "{}", fresh.stderr());
    assert_has_auth_tables(&sqlite_tables(&file).await);

    // `down` twice: `m20261127_000001_no_pad_keys`, then the adoption, forgotten with the indexes it added.
    run_with_url(dir.path(), &url, &["down"]).assert_success();
    let down = run_with_url(dir.path(), &url, &["down"]);
    down.assert_success();
    assert!(down.all().contains("Forgot the adoption of user, account, session, verificationToken, authenticator; the tables are left in place"), "{}", down.all());
    assert_has_auth_tables(&sqlite_tables(&file).await);
    assert!(!sqlite_tables(&file).await.contains(RECORD_TABLE));
    assert_eq!(snapshot().await, app, "down did not leave the app's tables as they were");
    let status = run_with_url(dir.path(), &url, &["status"]);
    assert!(status.all().contains("Adopted tables: none"), "{}", status.all());
}
