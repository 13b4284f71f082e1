//! The real Better Auth server, `tests/interop-better-auth/server.mjs` (better-auth 1.7.25 on `node:http` through
//! `toNodeHandler`), started on a database of the suite ([`EmptyDb`]) with the options of a [`NodeConfig`]: one
//! process per test, stopped when the [`BetterAuthNode`] is dropped. `tests/better_auth.rs` runs it next to a Rust
//! app on the same database.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::node::{NodeProcess, better_auth_dir};
use crate::{Backend, EmptyDb};

/// How the tables are named: the `BA_NAMING` of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Naming {
    /// Better Auth's own: `getMigrations`' tables (quoted camelCase columns), its Kysely adapter.
    BetterAuth,
    /// The Drizzle CLI's: the snake_case schema of `drizzle/schema.<dialect>.mjs`, Better Auth's drizzle adapter.
    Drizzle,
}

impl Naming {
    /// `BA_NAMING`.
    pub fn name(self) -> &'static str {
        match self {
            Naming::BetterAuth => "better-auth",
            Naming::Drizzle => "drizzle",
        }
    }
}

/// What the server does with the tables at start: the `BA_TABLES` of the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NodeTables {
    /// Creates them if they are missing (`getMigrations(options).runMigrations()`, or drizzle-kit's DDL).
    #[default]
    Create,
    /// Creates nothing and reports in [`BetterAuthNode::pending`] what it would create or change.
    Check,
    /// Touches nothing.
    None,
}

/// `session.cookieCache` of the server: off, or on with a strategy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CookieCache {
    /// Off (Better Auth's default).
    #[default]
    Off,
    /// `strategy: "compact"` (Better Auth's default strategy).
    Compact,
    /// `strategy: "jwt"`.
    Jwt,
    /// `strategy: "jwe"`.
    Jwe,
}

impl CookieCache {
    /// `BA_COOKIE_CACHE`.
    pub fn name(self) -> &'static str {
        match self {
            CookieCache::Off => "off",
            CookieCache::Compact => "compact",
            CookieCache::Jwt => "jwt",
            CookieCache::Jwe => "jwe",
        }
    }
}

/// The options of one server (unset: Better Auth's defaults).
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// The table naming.
    pub naming: Naming,
    /// What to do with the tables at start.
    pub tables: NodeTables,
    /// `session.expiresIn`, in seconds.
    pub expires_in: Option<u64>,
    /// `session.updateAge`, in seconds.
    pub update_age: Option<u64>,
    /// `session.cookieCache`.
    pub cookie_cache: CookieCache,
    /// `session.cookieCache.maxAge`, in seconds.
    pub cookie_cache_max_age: Option<u64>,
    /// `advanced.useSecureCookies` (`__Secure-` names behind plain HTTP).
    pub secure_cookies: bool,
    /// The secret variables (`BETTER_AUTH_SECRET`, `BETTER_AUTH_SECRETS`, `AUTH_SECRET`) and their values; the
    /// others are removed from the server's environment.
    pub secrets: Vec<(&'static str, String)>,
}

impl NodeConfig {
    /// Better Auth's defaults on `naming`, signing with `BETTER_AUTH_SECRET=secret`.
    pub fn new(naming: Naming, secret: &str) -> NodeConfig {
        NodeConfig {
            naming,
            tables: NodeTables::Create,
            expires_in: None,
            update_age: None,
            cookie_cache: CookieCache::Off,
            cookie_cache_max_age: None,
            secure_cookies: false,
            secrets: vec![("BETTER_AUTH_SECRET", secret.to_owned())],
        }
    }
}

/// The secret variables Better Auth reads; [`BetterAuthNode::start`] passes only those of [`NodeConfig::secrets`].
const SECRET_VARIABLES: [&str; 3] = ["BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "AUTH_SECRET"];

/// `server.mjs`, running; stopped (stdin closed, then killed) when dropped.
pub struct BetterAuthNode {
    /// `http://127.0.0.1:<port>`, Better Auth's `baseURL` (also the `Origin` its POSTs need).
    pub base: String,
    /// What `NodeTables::Check` found to create (empty otherwise).
    pub pending: Vec<String>,
    _process: NodeProcess,
}

impl BetterAuthNode {
    /// Starts the server on the database of `db` (a SQLite file, PostgreSQL or MySQL) and waits for its ready line.
    /// Its stderr (Better Auth's logs) goes to the test's output. `NODE_ENV=test`, and `TZ` far from UTC so that
    /// nothing depends on the host's time zone.
    pub fn start(db: &EmptyDb, config: &NodeConfig) -> BetterAuthNode {
        let (backend, database) = match db.backend {
            Backend::SqliteFile => {
                let path = db.url.strip_prefix("sqlite://").expect("a sqlite:// URL");
                ("sqlite", path.split('?').next().expect("a path").to_owned())
            }
            Backend::Postgres => ("postgres", db.url.clone()),
            Backend::MySql => ("mysql", db.url.clone()),
            Backend::SqliteMemory => panic!("Node cannot open another process's in-memory database"),
        };
        let configure = |command: &mut Command| {
            command
                .env("BA_BACKEND", backend)
                .env("BA_DATABASE", database)
                .env("BA_NAMING", config.naming.name())
                .env(
                    "BA_TABLES",
                    match config.tables {
                        NodeTables::Create => "create",
                        NodeTables::Check => "check",
                        NodeTables::None => "none",
                    },
                )
                .env("BA_COOKIE_CACHE", config.cookie_cache.name())
                .env("BA_SECURE_COOKIES", if config.secure_cookies { "1" } else { "0" })
                .env("NODE_ENV", "test")
                .env("TZ", "Pacific/Auckland")
                .stdin(Stdio::piped());
            for (variable, value) in [
                ("BA_EXPIRES_IN", config.expires_in),
                ("BA_UPDATE_AGE", config.update_age),
                ("BA_COOKIE_CACHE_MAX_AGE", config.cookie_cache_max_age),
            ] {
                match value {
                    Some(seconds) => command.env(variable, seconds.to_string()),
                    None => command.env_remove(variable),
                };
            }
            for variable in SECRET_VARIABLES {
                command.env_remove(variable);
            }
            for (variable, value) in &config.secrets {
                assert!(SECRET_VARIABLES.contains(variable), "{variable} is not one of Better Auth's secret variables");
                command.env(variable, value);
            }
        };
        let (mut process, line) =
            NodeProcess::spawn(&better_auth_dir(), "server.mjs", "better-auth", Duration::from_secs(60), configure);
        let line = line.unwrap_or_else(|| {
            let status = process.exit_status();
            panic!("server.mjs on {backend} printed no port (exit status: {status:?}); its stderr is above")
        });
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("server.mjs printed {line:?}: {e}"));
        let base = ready["baseURL"].as_str().unwrap_or_else(|| panic!("server.mjs printed {line:?}")).to_owned();
        let pending = ready["pending"]
            .as_array()
            .unwrap_or_else(|| panic!("server.mjs printed {line:?}"))
            .iter()
            .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
            .collect();
        BetterAuthNode { base, pending, _process: process }
    }

    /// `base` + `/api/auth` + `path`: a Better Auth endpoint (`/get-session`, `/sign-in/email`, …).
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}/api/auth{path}", self.base)
    }
}
