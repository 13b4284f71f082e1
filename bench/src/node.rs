//! The Drizzle side: `bench/node/bench.mjs` run by Node on the same kind of database, results read as JSON.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use crate::db::{Backend, Settings, Target};
use crate::workload::{PhaseResult, PhaseRunner, Result};

pub(crate) fn dir(repo: &Path) -> PathBuf {
    repo.join("bench/node")
}

/// Why Node cannot run, if it cannot.
pub(crate) fn unavailable(repo: &Path) -> Option<String> {
    let ok = std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        return Some("node is not installed".into());
    }
    if !dir(repo).join("node_modules/@auth/drizzle-adapter").exists() {
        return Some("run `npm ci --prefix bench/node` first".into());
    }
    None
}

pub(crate) fn version() -> String {
    std::process::Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// The Node process, driven phase by phase over stdin/stdout.
pub(crate) struct NodeRunner {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    stdout: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

pub(crate) async fn start(repo: &Path, s: &Settings, t: &Target, plan: &Path, ddl: &Path) -> Result<NodeRunner> {
    let kind = match t.backend {
        Backend::SqliteFile | Backend::SqliteMemory => "sqlite",
        Backend::Postgres => "postgres",
        Backend::Mysql => "mysql",
    };
    let mut cmd = tokio::process::Command::new("node");
    cmd.current_dir(dir(repo))
        .arg("bench.mjs")
        .arg(plan)
        .env("BENCH_BACKEND", kind)
        .env("BENCH_DATABASE", &t.node_database)
        .env("BENCH_POOL", s.pool_size.to_string())
        .env("BENCH_UNFLUSHED", if s.unflushed { "1" } else { "0" })
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true);
    if t.backend == Backend::SqliteMemory {
        cmd.env("BENCH_SQLITE_DDL", ddl);
    }
    let mut child = cmd.spawn()?;
    let stdin = child.stdin.take().ok_or("no stdin")?;
    let stdout = tokio::io::BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
    Ok(NodeRunner { child, stdin, stdout })
}

impl NodeRunner {
    async fn call(&mut self, command: &str) -> Result<String> {
        self.stdin.write_all(format!("{command}\n").as_bytes()).await?;
        self.stdin.flush().await?;
        let line = self.stdout.next_line().await?.ok_or("node bench.mjs exited")?;
        if let Ok(err) = serde_json::from_str::<ErrorLine>(&line) {
            return Err(format!("Drizzle: {}", err.error).into());
        }
        Ok(line)
    }
}

#[derive(Deserialize)]
struct ErrorLine {
    error: String,
}

#[async_trait]
impl PhaseRunner for NodeRunner {
    async fn warm_up(&mut self) -> Result<()> {
        self.call("warmup").await.map(drop)
    }

    async fn phase(&mut self, i: usize) -> Result<PhaseResult> {
        Ok(serde_json::from_str(&self.call(&i.to_string()).await?)?)
    }

    async fn close(mut self: Box<Self>) -> Result<()> {
        self.stdin.write_all(b"close\n").await?;
        self.stdin.flush().await?;
        drop(self.stdin);
        let status = self.child.wait().await?;
        if !status.success() {
            return Err(format!("node bench.mjs: {status}").into());
        }
        Ok(())
    }
}
