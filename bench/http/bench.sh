#!/usr/bin/env bash
# bench/http/bench.sh — the clinic server under load (issue 7), beside nginx as the ceiling.
# Starts `ketaclinic serve` on a fresh SQLite database and nginx on loopback, then drives both
# with wrk: authenticated reads of a patient, writes of one vital-sign observation, and nginx
# serving a static file the size of the patient response.  Prints requests/s, p99 latency and
# the ratio to nginx.  Not part of `make check` (no timed assertions in tests).
# Usage: bench/http/bench.sh [BIN] [DURATION_S] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/rel/ketaclinic}
dur=${2:-10}
conns=${3:-64}
for p in wrk nginx curl; do
    command -v "$p" >/dev/null || { echo "bench: installing $p"; apt-get install -y -qq "$p" >/dev/null; }
done
tmp=$(mktemp -d)
cleanup() { [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null; [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$bin" serve --listen 127.0.0.1:0 --db "$tmp/kc.db" --audit-key "$tmp/audit.key" \
    --ready-file "$tmp/ready" --threads ${KC_THREADS:-16} >"$tmp/out" 2>"$tmp/access.log" &
srv=$!
for _ in $(seq 100); do [ -f "$tmp/ready" ] && break; sleep 0.1; done
base="http://$(cat "$tmp/ready")"
pw=$(sed -n 's/.*one-time password: \(\S*\).*/\1/p' "$tmp/out")
jar="$tmp/jar"
csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' -d "{\"user\":\"admin\",\"password\":\"$pw\"}" "$base/api/login" | sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/')
post() { curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d "$2" "$base$1"; }
post /api/patients '{"mrn":"B-1","family_name":"Bench","given_name":"Mark","birth_date":"1980-01-01","sex":"female","phone":"555-0000"}' >/dev/null
post /api/patients/1/weights '{"weight_kg":70,"height_cm":170}' >/dev/null
token=$(post /api/tokens '{"name":"bench","role":"nurse"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
post /api/sessions '{"patient_id":1,"chair":"c1"}' >/dev/null
post /api/sessions/1/status '{"status":"started"}' >/dev/null
body=$(curl -s -H "Authorization: Bearer $token" "$base/api/patients/1")
size=${#body}

# nginx serving a static file of the same size
mkdir -p "$tmp/www"
printf '%s' "$body" >"$tmp/www/patient.json"
# nginx's workers run as an unprivileged user: they must be able to read the file (a 403 would be
# a cheaper response than the file and inflate the ceiling).
chmod 755 "$tmp" "$tmp/www"
chmod 644 "$tmp/www/patient.json"
cat >"$tmp/nginx.conf" <<CONF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:18089; root $tmp/www; } }
CONF
nginx -c "$tmp/nginx.conf"
sleep 0.3
got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' http://127.0.0.1:18089/patient.json)
[ "$got" = "200 $size" ] || { echo "bench: nginx answered '$got', expected '200 $size'" >&2; exit 1; }

cat >"$tmp/read.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
cat >"$tmp/write.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"observations":[{"code":"hr","value":72}]}'
LUA

run() { # name url script
    local out
    out=$(wrk -t"$([ "$conns" -lt 2 ] && echo 1 || echo 2)" -c"$conns" -d"${dur}s" --latency ${3:+-s "$3"} "$2")
    local rps p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    local non2xx
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    printf '%-28s %12s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}" >&2
    echo "$rps"
}
echo "payload ${size} bytes, ${conns} connections, ${dur} s each, 2 wrk threads" >&2
n=$(run "nginx static file" "http://127.0.0.1:18089/patient.json")
cpu0=$(awk "{print \$14+\$15}" /proc/$srv/stat)
r=$(run "ketaclinic read patient" "$base/api/patients/1" "$tmp/read.lua")
cpu1=$(awk "{print \$14+\$15}" /proc/$srv/stat)
echo "server CPU during the read run: $(( (cpu1 - cpu0) ))/100 s of ${dur} s" >&2
w=$(run "ketaclinic write vital" "$base/api/sessions/1/vitals" "$tmp/write.lua")
awk -v r="$r" -v n="$n" -v w="$w" 'BEGIN { printf "reads are %.1f%% of nginx (target >= 30%%); writes %.1f%% of nginx\n", 100*r/n, 100*w/n }'
