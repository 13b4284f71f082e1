#!/usr/bin/env bash
# The test command: starts PostgreSQL and MariaDB (installing them from Debian packages if missing), then runs every
# test of the workspace against SQLite, PostgreSQL and MariaDB, and the doctests.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/test-databases.sh)"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast "$@"
else
  cargo test --workspace --no-fail-fast "$@"
fi
# nextest does not run doctests.
cargo test --workspace --doc
