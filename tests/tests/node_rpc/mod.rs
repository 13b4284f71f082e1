//! What the interop tests share (`interop.rs`: `@auth/drizzle-adapter`, `prisma.rs`: `@auth/prisma-adapter`):
//! running a Node script of `tests/interop` or `tests/interop-prisma` on a test database ([`NodeDb`]), and Auth.js
//! values as the scripts' JSON (a `Date` is `{"$date": epochMillis}`) and back.
// Each test binary that includes this module uses part of it.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use authjs_sea_orm::{AdapterAccount, AdapterAuthenticator, AdapterSession, AdapterUser, VerificationToken};
use authjs_sea_orm_tests::node::{interop_dir, prisma_dir};
use authjs_sea_orm_tests::{Backend, TestDb, TestSchema, with_database};
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------------------------
// Running Node

/// Where the Node side finds a test database, and which Node package runs there.
pub(crate) struct NodeDb {
    /// The package directory the scripts run in: `tests/interop` (Drizzle) or `tests/interop-prisma`.
    pub(crate) dir: PathBuf,
    /// Arguments of `node` before the script (`--import tsx` for TypeScript scripts).
    pub(crate) node_args: &'static [&'static str],
    /// The script [`NodeDb::rpc`] runs: `rpc.mjs` or `rpc.mts`, with one protocol.
    pub(crate) rpc_script: &'static str,
    /// `INTEROP_BACKEND`: `sqlite`, `postgres` or `mysql`.
    pub(crate) backend: &'static str,
    /// `INTEROP_DATABASE`: the SQLite file, or the server URL of the test database.
    pub(crate) database: String,
    /// More environment, for the MySQL time-zone test and the Prisma schema. Read when the first [`NodeDb::rpc`]
    /// starts the RPC process: set it before.
    pub(crate) env: Vec<(&'static str, String)>,
    /// The RPC process, started by the first [`NodeDb::rpc`] and kept for the next ones (one Node start per test
    /// instead of one per call batch: with tsx and Prisma's clients, each start costs about a second, more under load).
    rpc_process: Mutex<Option<RpcProcess>>,
}

impl NodeDb {
    /// The Drizzle side (`tests/interop`) with no database, for scripts that need none.
    pub(crate) fn without_database() -> NodeDb {
        NodeDb {
            dir: interop_dir(),
            node_args: &[],
            rpc_script: "rpc.mjs",
            backend: "sqlite",
            database: String::new(),
            env: Vec::new(),
            rpc_process: Mutex::new(None),
        }
    }

    /// The same database seen by `@auth/prisma-adapter` on Prisma Client 7 (`tests/interop-prisma`).
    pub(crate) fn prisma(self) -> NodeDb {
        NodeDb { dir: prisma_dir(), node_args: &["--import", "tsx"], rpc_script: "rpc.mts", ..self }
    }

    /// The database `t` uses, found by asking the connection, seen by the Drizzle side (`tests/interop`).
    pub(crate) async fn of<S: TestSchema>(t: &TestDb<S>) -> NodeDb {
        let one = |sql: &str| Statement::from_string(t.db.get_database_backend(), sql);
        let (backend, database) = match t.backend {
            Backend::SqliteFile => {
                let rows = t.db.query_all_raw(one("PRAGMA database_list")).await.unwrap();
                let main = rows.iter().find(|r| r.try_get::<String>("", "name").unwrap() == "main").unwrap();
                ("sqlite", main.try_get::<String>("", "file").unwrap())
            }
            Backend::Postgres => {
                let row = t.db.query_one_raw(one("SELECT current_database()")).await.unwrap().unwrap();
                let name: String = row.try_get_by_index(0).unwrap();
                ("postgres", with_database(&std::env::var("AUTHJS_TEST_POSTGRES_URL").unwrap(), &name))
            }
            Backend::MySql => {
                let row = t.db.query_one_raw(one("SELECT DATABASE()")).await.unwrap().unwrap();
                let name: String = row.try_get_by_index(0).unwrap();
                ("mysql", with_database(&std::env::var("AUTHJS_TEST_MYSQL_URL").unwrap(), &name))
            }
            Backend::SqliteMemory => panic!("Node cannot open another process's in-memory database"),
        };
        assert!(!database.is_empty(), "database location of {}", t.backend);
        NodeDb { backend, database, ..NodeDb::without_database() }
    }

    /// `node <node_args> <script> <args>` in the package directory, on this database, with piped stdio.
    ///
    /// The Node process runs in a time zone far from UTC, so nothing can depend on the host being in UTC.
    fn command(&self, script: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new("node");
        cmd.args(self.node_args)
            .arg(script)
            .args(args)
            .current_dir(&self.dir)
            .env("INTEROP_BACKEND", self.backend)
            .env("INTEROP_DATABASE", &self.database)
            .env("TZ", "Pacific/Auckland")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `node <script> <args>` on this database with `stdin`; returns exit success, stdout and stderr.
    pub(crate) fn run(&self, script: &str, args: &[&str], stdin: Option<&Value>) -> (bool, String, String) {
        let mut child = self.command(script, args).spawn().unwrap_or_else(|e| panic!("spawn node {script}: {e}"));
        let input = stdin.map(Value::to_string).unwrap_or_default();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs adapter calls through the RPC script (`rpc.mjs`: `@auth/drizzle-adapter`; `rpc.mts`:
    /// `@auth/prisma-adapter`), in this test's RPC process (started by the first call); panics if Node reports a
    /// failed expectation. Returns every result, in the encoding of `tests/interop/lib/db.mjs`.
    pub(crate) fn rpc(&self, calls: Vec<Value>) -> Vec<Value> {
        let n = calls.len();
        let script = self.rpc_script;
        let mut process = self.rpc_process.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let process = process.get_or_insert_with(|| RpcProcess::start(self));
        assert_eq!(process.env, self.env, "NodeDb::env changed after the RPC process started");
        let report = process.request(&json!({ "calls": calls }), &format!("{script} on {}", self.backend));
        assert!(
            report["failures"].as_array().is_some_and(Vec::is_empty),
            "the Node adapter ({script}) on {} disagrees with the Rust side: {:#}\nstderr: {}",
            self.backend,
            report["failures"],
            process.stderr()
        );
        let results = report["results"].as_array().unwrap().clone();
        assert_eq!(results.len(), n);
        results
    }
}

/// A running RPC script (`tests/interop/lib/serve.mjs`'s protocol): one JSON request per line on its stdin, one
/// JSON report per line on its stdout; it closes the database and exits when its stdin closes, which dropping this
/// does (a test that panics drops it too; a test process that dies closes the pipe all the same).
struct RpcProcess {
    child: Child,
    /// `None` once closed.
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// Everything the process wrote to stderr so far, collected by `stderr_reader` (so a full pipe never blocks it).
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<JoinHandle<()>>,
    /// The [`NodeDb::env`] it was started with.
    env: Vec<(&'static str, String)>,
}

impl RpcProcess {
    fn start(node: &NodeDb) -> RpcProcess {
        let script = node.rpc_script;
        let mut child = node.command(script, &[]).spawn().unwrap_or_else(|e| panic!("spawn node {script}: {e}"));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend_from_slice(&buf[..n]);
            }
        });
        RpcProcess {
            stdin: child.stdin.take(),
            stdout: BufReader::new(child.stdout.take().unwrap()),
            child,
            stderr,
            stderr_reader: Some(stderr_reader),
            env: node.env.clone(),
        }
    }

    /// What the process wrote to stderr so far.
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|poisoned| poisoned.into_inner())).into_owned()
    }

    /// Sends one request and reads its report: the next stdout line that is a JSON object with `results` (lines the
    /// libraries print are kept for the panic message). Panics, with the process's output, if it exits first.
    fn request(&mut self, request: &Value, what: &str) -> Value {
        let stdin = self.stdin.as_mut().unwrap();
        let sent = stdin.write_all(format!("{request}\n").as_bytes()).and_then(|()| stdin.flush());
        let mut other = String::new();
        if sent.is_ok() {
            let mut line = String::new();
            while self.stdout.read_line(&mut line).unwrap_or(0) > 0 {
                match serde_json::from_str::<Value>(&line) {
                    Ok(report) if report.get("results").is_some() => return report,
                    _ => other.push_str(&line),
                }
                line.clear();
            }
        }
        // The process is gone: wait for it and for the rest of its stderr.
        let status = self.child.wait().map_or_else(|e| e.to_string(), |s| s.to_string());
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        panic!("{what} printed no report ({status})\nstdout: {other}\nstderr: {}", self.stderr());
    }
}

impl Drop for RpcProcess {
    /// Closes stdin, so the script closes the database and exits; kills it if it has not within 10 seconds.
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(self.child.try_wait(), Ok(None)) {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// One adapter call for the RPC script, with the result Node must see.
pub(crate) fn call(method: &str, args: Vec<Value>, expect: Value) -> Value {
    json!({ "method": method, "args": args, "expect": expect })
}

// ---------------------------------------------------------------------------------------------------------------
// Auth.js values as JSON (a `Date` is `{"$date": epochMillis}`), and back

pub(crate) fn date(d: DateTime<Utc>) -> Value {
    json!({ "$date": d.timestamp_millis() })
}

pub(crate) fn date_of(v: &Value) -> DateTime<Utc> {
    let millis = v["$date"].as_i64().unwrap_or_else(|| panic!("not a Date: {v}"));
    Utc.timestamp_millis_opt(millis).single().unwrap()
}

pub(crate) fn opt_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => panic!("not a string or null: {other}"),
    }
}

pub(crate) fn string(v: &Value) -> String {
    opt_string(v).unwrap_or_else(|| panic!("null where a string is required"))
}

/// Asserts `v` is an object with exactly these keys (the columns of the Drizzle table).
pub(crate) fn assert_keys(v: &Value, keys: &[&str]) {
    let mut got: Vec<&str> =
        v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().map(String::as_str).collect();
    got.sort_unstable();
    let mut want = keys.to_vec();
    want.sort_unstable();
    assert_eq!(got, want, "keys of {v}");
}

pub(crate) fn user_json(u: &AdapterUser) -> Value {
    json!({
        "id": u.id,
        "name": u.name,
        "email": u.email,
        "emailVerified": u.email_verified.map_or(Value::Null, date),
        "image": u.image,
    })
}

pub(crate) fn user_of(v: &Value) -> AdapterUser {
    assert_keys(v, &["id", "name", "email", "emailVerified", "image"]);
    AdapterUser {
        id: string(&v["id"]),
        name: opt_string(&v["name"]),
        email: opt_string(&v["email"]),
        email_verified: (!v["emailVerified"].is_null()).then(|| date_of(&v["emailVerified"])),
        image: opt_string(&v["image"]),
        extra: (),
    }
}

pub(crate) fn account_json(a: &AdapterAccount) -> Value {
    json!({
        "userId": a.user_id,
        "type": a.r#type.as_str(),
        "provider": a.provider,
        "providerAccountId": a.provider_account_id,
        "refresh_token": a.refresh_token,
        "access_token": a.access_token,
        "expires_at": a.expires_at,
        "token_type": a.token_type,
        "scope": a.scope,
        "id_token": a.id_token,
        "session_state": a.session_state,
    })
}

/// The account as Auth.js core passes it to `linkAccount`: absent token fields are left out, not `null`.
pub(crate) fn account_arg(a: &AdapterAccount) -> Value {
    let mut v = account_json(a);
    v.as_object_mut().unwrap().retain(|_, field| !field.is_null());
    v
}

pub(crate) fn account_of(v: &Value) -> AdapterAccount {
    assert_keys(
        v,
        &[
            "userId",
            "type",
            "provider",
            "providerAccountId",
            "refresh_token",
            "access_token",
            "expires_at",
            "token_type",
            "scope",
            "id_token",
            "session_state",
        ],
    );
    AdapterAccount {
        user_id: string(&v["userId"]),
        r#type: string(&v["type"]).parse().unwrap(),
        provider: string(&v["provider"]),
        provider_account_id: string(&v["providerAccountId"]),
        refresh_token: opt_string(&v["refresh_token"]),
        access_token: opt_string(&v["access_token"]),
        expires_at: (!v["expires_at"].is_null()).then(|| v["expires_at"].as_i64().unwrap()),
        token_type: opt_string(&v["token_type"]),
        scope: opt_string(&v["scope"]),
        id_token: opt_string(&v["id_token"]),
        session_state: opt_string(&v["session_state"]),
    }
}

pub(crate) fn session_json(s: &AdapterSession) -> Value {
    json!({ "sessionToken": s.session_token, "userId": s.user_id, "expires": date(s.expires) })
}

pub(crate) fn session_of(v: &Value) -> AdapterSession {
    assert_keys(v, &["sessionToken", "userId", "expires"]);
    AdapterSession {
        session_token: string(&v["sessionToken"]),
        user_id: string(&v["userId"]),
        expires: date_of(&v["expires"]),
    }
}

pub(crate) fn vt_json(t: &VerificationToken) -> Value {
    json!({ "identifier": t.identifier, "token": t.token, "expires": date(t.expires) })
}

pub(crate) fn vt_of(v: &Value) -> VerificationToken {
    assert_keys(v, &["identifier", "token", "expires"]);
    VerificationToken {
        identifier: string(&v["identifier"]),
        token: string(&v["token"]),
        expires: date_of(&v["expires"]),
    }
}

pub(crate) fn authenticator_json(a: &AdapterAuthenticator) -> Value {
    json!({
        "credentialID": a.credential_id,
        "userId": a.user_id,
        "providerAccountId": a.provider_account_id,
        "credentialPublicKey": a.credential_public_key,
        "counter": a.counter,
        "credentialDeviceType": a.credential_device_type,
        "credentialBackedUp": a.credential_backed_up,
        "transports": a.transports,
    })
}

pub(crate) fn authenticator_of(v: &Value) -> AdapterAuthenticator {
    assert_keys(
        v,
        &[
            "credentialID",
            "userId",
            "providerAccountId",
            "credentialPublicKey",
            "counter",
            "credentialDeviceType",
            "credentialBackedUp",
            "transports",
        ],
    );
    AdapterAuthenticator {
        credential_id: string(&v["credentialID"]),
        user_id: string(&v["userId"]),
        provider_account_id: string(&v["providerAccountId"]),
        credential_public_key: string(&v["credentialPublicKey"]),
        counter: v["counter"].as_i64().unwrap(),
        credential_device_type: string(&v["credentialDeviceType"]),
        credential_backed_up: v["credentialBackedUp"].as_bool().unwrap_or_else(|| panic!("not a boolean: {v}")),
        transports: opt_string(&v["transports"]),
    }
}

pub(crate) fn sorted(mut list: Vec<AdapterAuthenticator>) -> Vec<AdapterAuthenticator> {
    list.sort_by(|a, b| a.credential_id.cmp(&b.credential_id));
    list
}
