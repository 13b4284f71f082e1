#!/usr/bin/env bash
# Installs (from Debian packages, if missing) and starts PostgreSQL and MariaDB for the test suite, bound to
# 127.0.0.1 only, with a role that may create databases, and PgBouncer in transaction and in session pooling mode in
# front of that PostgreSQL. Prints the `export` lines the tests read:
#   eval "$(scripts/test-databases.sh)"
# Idempotent: servers already started by an earlier run are reused. State lives under $AUTHJS_DB_DIR.
# AUTHJS_DB_DURABLE=1 (the benchmark) starts servers that flush every commit to disk, with the servers' defaults:
# PostgreSQL fsync, synchronous_commit and full_page_writes on; MariaDB innodb_flush_log_at_trx_commit=1.
set -euo pipefail

DB_DIR=${AUTHJS_DB_DIR:-/var/tmp/authjs-sea-orm-db}
PG_PORT=${AUTHJS_PG_PORT:-55432}
MY_PORT=${AUTHJS_MY_PORT:-53306}
PGB_PORT=${AUTHJS_PGBOUNCER_PORT:-56432}
PGB_SESSION_PORT=${AUTHJS_PGBOUNCER_SESSION_PORT:-56433}
DURABLE=${AUTHJS_DB_DURABLE:-0}
log() { echo "test-databases: $*" >&2; }

need_apt=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server mariadb-client)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || need_apt+=(pgbouncer)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # Debian's maintainer scripts try to start the services; we start our own instances below.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
  rm -f /usr/sbin/policy-rc.d
fi
mkdir -p "$DB_DIR"
chmod 755 "$DB_DIR"

# --- PostgreSQL -----------------------------------------------------------------------------------------------
PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
PG_DATA=$DB_DIR/pg
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! as_pg "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >&2
  fi
  # Tests: commits are not flushed to disk; AUTHJS_DB_DURABLE=1 (the benchmark's own servers): they are.
  pg_flush="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "$DURABLE" = 1 ] && pg_flush="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c max_connections=300 $pg_flush \
        -c TimeZone=UTC" >&2
fi
as_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authjs') THEN
    CREATE ROLE authjs LOGIN PASSWORD 'authjs' CREATEDB;
  END IF;
END $$;
SQL
as_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tc \
  "SELECT 1 FROM pg_database WHERE datname = 'authjs'" | grep -q 1 ||
  as_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE authjs OWNER authjs" >&2

# --- MariaDB --------------------------------------------------------------------------------------------------
MY_DATA=$DB_DIR/mariadb
MY_SOCK=$MY_DATA/mariadb.sock
my_ping() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -u root ping >/dev/null 2>&1; }
if ! my_ping; then
  if [ ! -d "$MY_DATA/mysql" ]; then
    mkdir -p "$MY_DATA"
    [ "$(id -u)" = 0 ] && chown mysql:mysql "$MY_DATA"
    mariadb-install-db --user=mysql --datadir="$MY_DATA" --auth-root-authentication-method=normal \
      --skip-test-db >"$DB_DIR/mariadb-install.log" 2>&1
  fi
  # Tests: commits are not flushed to disk on every transaction; AUTHJS_DB_DURABLE=1: each commit is.
  my_flush=(--innodb-flush-log-at-trx-commit=0 --sync-binlog=0)
  [ "$DURABLE" = 1 ] && my_flush=(--innodb-flush-log-at-trx-commit=1)
  nohup mariadbd --user=mysql --datadir="$MY_DATA" --socket="$MY_SOCK" --pid-file="$MY_DATA/mariadb.pid" \
    --bind-address=127.0.0.1 --port="$MY_PORT" --skip-name-resolve --skip-log-bin --max-connections=500 \
    "${my_flush[@]}" --default-time-zone=+00:00 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    >"$DB_DIR/mariadb.log" 2>&1 &
  for _ in $(seq 1 120); do my_ping && break; sleep 0.5; done
  my_ping || { log "MariaDB did not start:"; tail -n 30 "$DB_DIR/mariadb.log" >&2; exit 1; }
fi
mariadb --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -u root >&2 <<'SQL'
CREATE USER IF NOT EXISTS 'authjs'@'127.0.0.1' IDENTIFIED BY 'authjs';
CREATE USER IF NOT EXISTS 'authjs'@'localhost' IDENTIFIED BY 'authjs';
GRANT ALL PRIVILEGES ON *.* TO 'authjs'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'authjs'@'localhost';
CREATE DATABASE IF NOT EXISTS authjs;
SQL

# --- PgBouncer ------------------------------------------------------------------------------------------------
# Two PgBouncers in front of the PostgreSQL above: one in transaction pooling mode, as hosted PostgreSQL poolers run
# it (a server connection is lent to a client for one transaction, or one exchange outside a transaction), one in
# session mode (a client keeps its server connection). Debian 12's package is 1.18, which does not track prepared
# statements in transaction mode (that came in 1.21). Every database name is forwarded (`*`), so the tests'
# `t_<random>` databases, created on PostgreSQL directly, are reachable through them too. Clients authenticate with
# md5 against a private userlist; PgBouncer connects to PostgreSQL as the same role (trust).
pgb_ready() { # port
  PGPASSWORD=authjs as_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$1" -U authjs -d authjs -tAc 'SELECT 1' >/dev/null 2>&1
}
start_pgbouncer() { # mode port
  local mode=$1 port=$2 dir=$DB_DIR/pgbouncer-$1
  pgb_ready "$port" && return 0
  mkdir -p "$dir"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = md5
auth_file = $dir/userlist.txt
pool_mode = $mode
max_client_conn = 1000
default_pool_size = 20
; sqlx sends extra_float_digits at start-up; PgBouncer only forwards the parameters it tracks.
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  echo '"authjs" "authjs"' >"$dir/userlist.txt"
  chmod 600 "$dir/userlist.txt"
  # PgBouncer refuses to run as root.
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  as_pg "$(command -v pgbouncer || echo /usr/sbin/pgbouncer)" -d "$dir/pgbouncer.ini" >&2
  for _ in $(seq 1 60); do pgb_ready "$port" && break; sleep 0.5; done
  pgb_ready "$port" || { log "PgBouncer ($mode) did not start:"; tail -n 30 "$dir/pgbouncer.log" >&2; exit 1; }
}
start_pgbouncer transaction "$PGB_PORT"
start_pgbouncer session "$PGB_SESSION_PORT"

log "PostgreSQL on 127.0.0.1:$PG_PORT, MariaDB on 127.0.0.1:$MY_PORT," \
  "PgBouncer $(pgbouncer --version | head -n 1 | cut -d' ' -f2) on 127.0.0.1:$PGB_PORT (transaction) and :$PGB_SESSION_PORT (session)"
echo "export AUTHJS_TEST_POSTGRES_URL=postgres://authjs:authjs@127.0.0.1:$PG_PORT/authjs"
echo "export AUTHJS_TEST_MYSQL_URL=mysql://authjs:authjs@127.0.0.1:$MY_PORT/authjs"
echo "export AUTHJS_TEST_PGBOUNCER_URL=postgres://authjs:authjs@127.0.0.1:$PGB_PORT/authjs"
echo "export AUTHJS_TEST_PGBOUNCER_SESSION_URL=postgres://authjs:authjs@127.0.0.1:$PGB_SESSION_PORT/authjs"
