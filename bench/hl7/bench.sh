#!/usr/bin/env bash
# bench.sh REL_DIR — the HL7 benchmarks (make bench-hl7): parse throughput of src/hl7 and of the
# npm parsers on the same messages, then end-to-end ingest over loopback into a real server on a
# fresh SQLite database (group commit, synchronous=FULL).  Prints the figures for
# docs/performance.md.  KC_BENCH_SECONDS (default 10), KC_BENCH_CONNECTIONS (default 32).
set -euo pipefail
rel=${1:?usage: bench.sh REL_DIR}
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$tmp"' EXIT
srv=
echo "== parse (best of 5; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
"$rel/bench/hl7_parse" "$tmp/messages.txt"
node bench/hl7/bench_parse.mjs "$tmp/messages.txt"
echo "== end to end: ACKed messages over loopback into ketaclinic serve --hl7-listen"
conns=${KC_BENCH_CONNECTIONS:-32}
"$rel/bench/hl7_e2e" setup "$tmp/kc.db" "$tmp/audit.key" "$conns"
"$rel/ketaclinic" serve --listen 127.0.0.1:0 --db "$tmp/kc.db" --audit-key "$tmp/audit.key" \
    --hl7-listen 127.0.0.1:0 --ready-file "$tmp/ready" >"$tmp/out" 2>"$tmp/err" &
srv=$!
for _ in $(seq 100); do [ -f "$tmp/ready" ] && break; sleep 0.1; done
port=$(sed -n 's/.*HL7 MLLP listening on [0-9.]*:\([0-9]*\)/\1/p' "$tmp/out")
"$rel/bench/hl7_e2e" run "127.0.0.1:$port" "$conns" "${KC_BENCH_SECONDS:-10}"
kill -TERM $srv; wait $srv || true
"$rel/bench/hl7_e2e" verify "$tmp/kc.db" "$tmp/audit.key"
