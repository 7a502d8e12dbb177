#!/usr/bin/env bash
# Runs bench_store on SQLite and, with a throw-away PostgreSQL server from
# tests/store/pg_server.sh (when one can run here), on PostgreSQL.  Used by `make bench-store`.
bin=${1:?usage: bench_store.sh BENCH_BINARY [ROWS [BATCH]]}; shift
cd "$(dirname "$0")/.."
. tests/store/pg_server.sh
if [ -z "${KC_BENCH_PG:-}" ] && pg_start; then export KC_BENCH_PG="$PG_URL"; fi
[ -n "$PG_SKIP$PG_FAIL" ] && echo "(PostgreSQL: $PG_SKIP$PG_FAIL)"
"$bin" "$@"
