//! The Node side of the interop tests: the scripts and pinned packages of `tests/interop` (installed with
//! `npm ci --prefix tests/interop`) and, for the Prisma preset, of `tests/interop-prisma` (`npm ci --prefix
//! tests/interop-prisma`, which also generates its Prisma clients).

use std::path::PathBuf;
use std::process::Command;

/// The packages the scripts import, as `node_modules` paths: their absence means `npm ci` has not run (or ran on an
/// older `package.json`).
const REQUIRED: [&str; 3] = ["@auth/drizzle-adapter", "@auth/core", "next-auth"];

/// `tests/interop`: where the scripts run.
pub fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Whether `node` and the packages of `tests/interop/node_modules` are there. If not: a panic with `CI=true`, else
/// `skipped: run npm ci in tests/interop` on stderr and `false`, so the test returns early.
pub fn node_ready() -> bool {
    let modules = interop_dir().join("node_modules");
    let installed = REQUIRED.iter().all(|package| modules.join(package).join("package.json").is_file());
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if installed && node {
        return true;
    }
    let why = if node { "tests/interop/node_modules is missing or incomplete" } else { "node is not installed" };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}, but CI=true: run npm ci --prefix tests/interop");
    }
    eprintln!("skipped: run npm ci in tests/interop ({why})");
    false
}

/// The packages and generated clients the Prisma scripts import.
const PRISMA_REQUIRED: [&str; 9] = [
    "node_modules/@auth/prisma-adapter/package.json",
    "node_modules/@next-auth/prisma-adapter/package.json",
    "node_modules/tsx/package.json",
    "generated/sqlite/client.ts",
    "generated/postgresql/client.ts",
    "generated/mysql/client.ts",
    "generated/v4-sqlite/client.ts",
    "generated/v4-postgresql/client.ts",
    "generated/v4-mysql/client.ts",
];

/// `tests/interop-prisma`: where the Prisma scripts run (they also import `tests/interop/lib/db.mjs`).
pub fn prisma_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop-prisma")
}

/// [`node_ready`], and the packages and generated clients of `tests/interop-prisma` are there. If not: a panic with
/// `CI=true`, else `skipped: run npm ci in tests/interop-prisma` on stderr and `false`.
pub fn prisma_ready() -> bool {
    if !node_ready() {
        return false;
    }
    if PRISMA_REQUIRED.iter().all(|path| prisma_dir().join(path).is_file()) {
        return true;
    }
    let why = "tests/interop-prisma/node_modules or its generated clients are missing";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}, but CI=true: run npm ci --prefix tests/interop-prisma");
    }
    eprintln!("skipped: run npm ci in tests/interop-prisma ({why})");
    false
}
