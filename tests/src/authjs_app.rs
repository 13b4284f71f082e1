//! `tests/interop/authjs-app.mjs`, a real Auth.js app (`Auth()` of `@auth/core` with `@auth/drizzle-adapter`) served
//! by Node on 127.0.0.1, on the database of an [`EmptyDb`](crate::EmptyDb): [`AuthjsApp::start`]. Call
//! [`node_ready`](crate::node::node_ready) first.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::node::interop_dir;
use crate::{Backend, EmptyDb};

/// The Node app, running; killed when dropped.
pub struct AuthjsApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    child: Child,
}

impl Drop for AuthjsApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl AuthjsApp {
    /// Starts the app on `db`'s database with `secret` and session strategy `strategy` (`database` or `jwt`), and
    /// waits for the port it prints. Its stderr (Auth.js logs errors there) goes to the test's output.
    pub fn start(db: &EmptyDb, secret: &str, strategy: &str) -> AuthjsApp {
        let (backend, database) = match db.backend {
            Backend::SqliteFile => {
                let path = db.url.strip_prefix("sqlite://").unwrap_or(&db.url);
                ("sqlite", path.split('?').next().unwrap_or(path).to_owned())
            }
            Backend::Postgres => ("postgres", db.url.clone()),
            Backend::MySql => ("mysql", db.url.clone()),
            Backend::SqliteMemory => panic!("Node cannot open another process's in-memory database"),
        };
        let mut child = Command::new("node")
            .arg("authjs-app.mjs")
            .current_dir(interop_dir())
            .env("INTEROP_BACKEND", backend)
            .env("INTEROP_DATABASE", database)
            .env("AUTH_SECRET", secret)
            .env("AUTH_SESSION_STRATEGY", strategy)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn node authjs-app.mjs: {e}"));
        if let Some(stderr) = child.stderr.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    eprintln!("[authjs-app] {line}");
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            std::thread::spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                if let Some(Ok(line)) = lines.next() {
                    let _ = tx.send(line);
                }
                for _ in lines {}
            });
        }
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| {
            let status = child.try_wait().ok().flatten();
            panic!("authjs-app.mjs on {backend} printed no port (exit status: {status:?}); its stderr is above")
        });
        let ready: Option<serde_json::Value> = serde_json::from_str(&line).ok();
        let port =
            ready.and_then(|ready| ready["port"].as_u64()).unwrap_or_else(|| panic!("authjs-app.mjs printed {line:?}"));
        AuthjsApp { base: format!("http://127.0.0.1:{port}"), child }
    }
}
