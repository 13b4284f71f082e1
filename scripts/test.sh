#!/usr/bin/env bash
# The test command: starts PostgreSQL and MariaDB (installing them from Debian packages if missing), then runs every
# test of the workspace against SQLite, PostgreSQL and MariaDB, and the doctests.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/test-databases.sh)"
# The Auth.js interop tests (tests/tests/interop.rs) run the real @auth/drizzle-adapter from tests/interop.
if [ ! -d tests/interop/node_modules ] && command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/interop >&2
fi
# The Prisma preset's interop tests (tests/tests/prisma.rs): @auth/prisma-adapter on Prisma Client 7, clients generated
# by the package's postinstall.
if [ ! -d tests/interop-prisma/node_modules ] && command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/interop-prisma >&2
fi
# nextest does not run doctests: run them first, so the suite's summary closes the output.
# authjs-core gets its axum and cache features from the adapter's (one feature set for the four crates; the Loco
# crate's guide is doctests too).
cargo test --doc -p authjs-core -p authjs-sea-orm-entity -p authjs-sea-orm -p authjs-sea-orm-loco --features authjs-sea-orm/axum,authjs-sea-orm/cache
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast "$@"
else
  cargo test --workspace --no-fail-fast "$@"
fi
