#!/usr/bin/env bash
# Installs what ketaclinic needs on a Debian 12 machine: the Debian packages listed in
# scripts/debian-packages.txt and the npm packages pinned in package-lock.json.
# Idempotent and silent when everything is already there; run by `make run` and `make check`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
while read -r pkg; do
    pkg=${pkg%%#*}; pkg=${pkg//[[:space:]]/}
    [ -n "$pkg" ] || continue
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
done < scripts/debian-packages.txt

if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing Debian packages: ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
            echo "deps: not root and no sudo; install these by hand: ${missing[*]}" >&2; exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp)
    if ! { $SUDO apt-get update -qq && \
           $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"
        echo "deps: apt-get failed for: ${missing[*]}" >&2; exit 1
    fi
    rm -f "$log"
fi

# npm packages (browser tests, protocol peers, front-end libraries), pinned in package-lock.json.
if [ -f package-lock.json ]; then
    stamp=node_modules/.package-lock.json
    if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
        echo "deps: installing npm packages from package-lock.json"
        npm ci --no-audit --no-fund --loglevel=error >/dev/null
    fi
fi

# The web UI's front-end libraries, copied from node_modules into web/vendor/.
bash scripts/web-vendor.sh
