# pg_server.sh — sourced by store tests: starts a throw-away PostgreSQL server (Debian's
# `postgresql` package: initdb/pg_ctl on a temp dir, a free loopback port, as a non-root user)
# and stops it on exit.  After pg_start: PG_URL (database kc) and PG_BASE_URL (without db name);
# pg_createdb NAME makes another database.  pg_start returns 1 with PG_SKIP set when the server
# is not installed (callers print "skip - ... (reason)"), or with PG_FAIL set when it is installed
# but would not start (callers print "not ok": that is a failure, not a reason to skip).

PG_DIR=""; PG_URL=""; PG_BASE_URL=""; PG_SKIP=""; PG_FAIL=""; PG_BIN=""

pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_stop() {
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
    fi
    [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
}

pg_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pg_start() {
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
        PG_SKIP="PostgreSQL server not installed (Debian package postgresql)"; return 1
    fi
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        PG_SKIP="running as root and no 'postgres' user to run the server"; return 1
    fi
    PG_DIR=$(mktemp -d /tmp/kc-pg-XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
    local port log="$PG_DIR/server.log"
    port=$(pg_free_port)
    if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U kc -E UTF8 --locale=C.UTF-8 \
            >"$PG_DIR/initdb.log" 2>&1; then
        PG_FAIL="initdb failed: $(tail -1 "$PG_DIR/initdb.log")"; pg_stop; return 1
    fi
    if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$log" -w -t 60 \
            -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null 2>&1; then
        PG_FAIL="pg_ctl start failed: $(tail -1 "$log" 2>/dev/null)"; pg_stop; return 1
    fi
    PG_BASE_URL="postgresql://kc@127.0.0.1:$port"
    PG_PORT=$port
    pg_createdb kc || { PG_FAIL="createdb failed"; pg_stop; return 1; }
    PG_URL="$PG_BASE_URL/kc"
    trap 'pg_stop; rm -rf "${TMP:-/nonexistent}"' EXIT
    return 0
}

pg_createdb() {
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U kc "$1" >/dev/null 2>&1
}

# For callers: after a failed pg_start, print the skip or the failure.
pg_report() {
    if [ -n "$PG_FAIL" ]; then notok "$1: PostgreSQL is installed but did not start: $PG_FAIL"
    else skip "$1 ($PG_SKIP)"; fi
}

pg_psql() {
    "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}
