//! The Node side of the interop tests: the scripts of `tests/interop` and, for the Prisma preset, of
//! `tests/interop-prisma`, two npm workspaces of `tests/package.json`. `npm ci --prefix tests` installs the packages
//! of both (versions pinned in `tests/package-lock.json`) once, in `tests/node_modules`, and generates the Prisma
//! clients.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The packages the scripts import, as `tests/node_modules` paths: their absence means `npm ci --prefix tests` has not
/// run (or ran on an older `package.json`).
const REQUIRED: [&str; 3] = ["@auth/drizzle-adapter", "@auth/core", "next-auth"];

/// `tests`: the npm workspace root, whose `node_modules` holds the packages of both harnesses.
fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/interop`: where the scripts run.
pub fn interop_dir() -> PathBuf {
    workspace_dir().join("interop")
}

/// Whether `node` and the packages of `tests/node_modules` are there. If not: a panic with `CI=true`, else
/// `skipped: run npm ci --prefix tests` on stderr and `false`, so the test returns early.
pub fn node_ready() -> bool {
    let modules = workspace_dir().join("node_modules");
    let installed = REQUIRED.iter().all(|package| modules.join(package).join("package.json").is_file());
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if installed && node {
        return true;
    }
    let why = if node { "tests/node_modules is missing or incomplete" } else { "node is not installed" };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}, but CI=true: run npm ci --prefix tests");
    }
    eprintln!("skipped: run npm ci --prefix tests ({why})");
    false
}

/// The packages (in `tests/node_modules`) the Prisma scripts import.
const PRISMA_REQUIRED: [&str; 3] = ["@auth/prisma-adapter", "@next-auth/prisma-adapter", "tsx"];

/// The clients `tests/interop-prisma/generate.mjs` generates at `npm ci`.
const PRISMA_GENERATED: [&str; 6] = [
    "generated/sqlite/client.ts",
    "generated/postgresql/client.ts",
    "generated/mysql/client.ts",
    "generated/v4-sqlite/client.ts",
    "generated/v4-postgresql/client.ts",
    "generated/v4-mysql/client.ts",
];

/// `tests/interop-prisma`: where the Prisma scripts run (they also import `tests/interop/lib/db.mjs`).
pub fn prisma_dir() -> PathBuf {
    workspace_dir().join("interop-prisma")
}

/// [`node_ready`], and the packages and generated clients of `tests/interop-prisma` are there. If not: a panic with
/// `CI=true`, else `skipped: run npm ci --prefix tests` on stderr and `false`.
pub fn prisma_ready() -> bool {
    if !node_ready() {
        return false;
    }
    let modules = workspace_dir().join("node_modules");
    if PRISMA_REQUIRED.iter().all(|package| modules.join(package).join("package.json").is_file())
        && PRISMA_GENERATED.iter().all(|path| prisma_dir().join(path).is_file())
    {
        return true;
    }
    let why = "the Prisma packages in tests/node_modules or the clients in tests/interop-prisma/generated are missing";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}, but CI=true: run npm ci --prefix tests");
    }
    eprintln!("skipped: run npm ci --prefix tests ({why})");
    false
}

/// The packages (in `tests/node_modules`) `tests/interop-better-auth/server.mjs` imports.
const BETTER_AUTH_REQUIRED: [&str; 6] = ["better-auth", "better-sqlite3", "pg", "mysql2", "drizzle-orm", "drizzle-kit"];

/// `tests/interop-better-auth`: where the Better Auth server script runs.
pub fn better_auth_dir() -> PathBuf {
    workspace_dir().join("interop-better-auth")
}

/// `node` and the packages of `tests/interop-better-auth` are there. If not: a panic with `CI=true`, else
/// `skipped: run npm ci --prefix tests` on stderr and `false`.
pub fn better_auth_ready() -> bool {
    if !node_ready() {
        return false;
    }
    let modules = workspace_dir().join("node_modules");
    if BETTER_AUTH_REQUIRED.iter().all(|package| modules.join(package).join("package.json").is_file()) {
        return true;
    }
    let why = "the Better Auth packages in tests/node_modules are missing";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}, but CI=true: run npm ci --prefix tests");
    }
    eprintln!("skipped: run npm ci --prefix tests ({why})");
    false
}

/// A Node script, running, started by [`NodeProcess::spawn`]; when dropped, its stdin (if piped) is closed, then it is
/// killed.
pub struct NodeProcess {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl NodeProcess {
    /// Runs `node <script>` in `dir`, with what `configure` sets (environment, stdin; stdout and stderr are piped
    /// here), and waits up to `timeout` for the first line it prints on stdout: `None` if none came (see
    /// [`NodeProcess::exit_status`]). Its stderr goes to the test's output as `[<label>] …` lines, and what it prints
    /// on stdout after the first line as `[<label> stdout] …`.
    pub fn spawn(
        dir: &Path,
        script: &str,
        label: &str,
        timeout: Duration,
        configure: impl FnOnce(&mut Command),
    ) -> (NodeProcess, Option<String>) {
        let mut command = Command::new("node");
        command.arg(script).current_dir(dir);
        configure(&mut command);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().unwrap_or_else(|e| panic!("spawn node {script}: {e}"));
        if let Some(stderr) = child.stderr.take() {
            let label = label.to_owned();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    eprintln!("[{label}] {line}");
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            let label = label.to_owned();
            std::thread::spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                if let Some(Ok(line)) = lines.next() {
                    let _ = tx.send(line);
                }
                for line in lines.map_while(Result::ok) {
                    eprintln!("[{label} stdout] {line}");
                }
            });
        }
        let line = rx.recv_timeout(timeout).ok();
        let stdin = child.stdin.take();
        (NodeProcess { child, stdin }, line)
    }

    /// The exit status, if the process has exited.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}
