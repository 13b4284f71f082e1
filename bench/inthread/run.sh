#!/bin/sh
# Builds both implementations and alternates them round by round (N users, ROUNDS rounds); prints one line per
# phase: implementation, phase, ops/s, p50 µs. Usage: bench/inthread/run.sh [N] [ROUNDS]
set -eu
cd "$(dirname "$0")"
N=${1:-1000}; ROUNDS=${2:-3}
cargo build --release --features sqlx --target-dir target/sqlx
cargo build --release --features proxy --target-dir target/proxy
i=0
while [ "$i" -lt "$ROUNDS" ]; do
  if [ $((i % 2)) -eq 0 ]; then order="sqlx proxy"; else order="proxy sqlx"; fi
  for k in $order; do target/$k/release/bench-inthread "$N" "$i"; done
  i=$((i + 1))
done
