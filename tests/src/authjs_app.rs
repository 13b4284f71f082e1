//! `tests/interop/authjs-app.mjs`, a real Auth.js app (`Auth()` of `@auth/core` with `@auth/drizzle-adapter`) served
//! by Node on 127.0.0.1, on the database of an [`EmptyDb`](crate::EmptyDb): [`AuthjsApp::start`]. Call
//! [`node_ready`](crate::node::node_ready) first.

use std::process::Stdio;
use std::time::Duration;

use crate::node::{NodeProcess, interop_dir};
use crate::{Backend, EmptyDb};

/// The Node app, running; killed when dropped.
pub struct AuthjsApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    _process: NodeProcess,
}

impl AuthjsApp {
    /// Starts the app on `db`'s database with `secret` and session strategy `strategy` (`database` or `jwt`), and
    /// waits for the port it prints. Its stderr (Auth.js logs errors there) goes to the test's output.
    pub fn start(db: &EmptyDb, secret: &str, strategy: &str) -> AuthjsApp {
        AuthjsApp::start_with_env(db, secret, strategy, &[])
    }

    /// [`AuthjsApp::start`], with the environment variables `env` set too (`TZ`, …).
    pub fn start_with_env(db: &EmptyDb, secret: &str, strategy: &str, env: &[(&str, &str)]) -> AuthjsApp {
        let (backend, database) = match db.backend {
            Backend::SqliteFile => {
                let path = db.url.strip_prefix("sqlite://").unwrap_or(&db.url);
                ("sqlite", path.split('?').next().unwrap_or(path).to_owned())
            }
            Backend::Postgres => ("postgres", db.url.clone()),
            Backend::MySql => ("mysql", db.url.clone()),
            Backend::SqliteMemory => panic!("Node cannot open another process's in-memory database"),
        };
        let (mut process, line) =
            NodeProcess::spawn(&interop_dir(), "authjs-app.mjs", "authjs-app", Duration::from_secs(30), |command| {
                command
                    .env("INTEROP_BACKEND", backend)
                    .env("INTEROP_DATABASE", database)
                    .env("AUTH_SECRET", secret)
                    .env("AUTH_SESSION_STRATEGY", strategy)
                    .envs(env.iter().copied())
                    .stdin(Stdio::null());
            });
        let line = line.unwrap_or_else(|| {
            let status = process.exit_status();
            panic!("authjs-app.mjs on {backend} printed no port (exit status: {status:?}); its stderr is above")
        });
        let ready: Option<serde_json::Value> = serde_json::from_str(&line).ok();
        let port =
            ready.and_then(|ready| ready["port"].as_u64()).unwrap_or_else(|| panic!("authjs-app.mjs printed {line:?}"));
        AuthjsApp { base: format!("http://127.0.0.1:{port}"), _process: process }
    }
}
