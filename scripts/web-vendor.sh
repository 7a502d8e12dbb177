#!/usr/bin/env bash
# Copies the web UI's front-end libraries from node_modules (pinned in package-lock.json) into
# web/vendor/, which the server serves as plain files (no build step).  Run by scripts/deps.sh.
#   uplot (MIT, Leon Sorokin): dist/uPlot.esm.js, dist/uPlot.min.css
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p web/vendor
for f in uPlot.esm.js uPlot.min.css; do
    src=node_modules/uplot/dist/$f
    [ -f "$src" ] || { echo "web-vendor: $src missing (run npm ci)" >&2; exit 1; }
    cmp -s "$src" "web/vendor/$f" || cp "$src" "web/vendor/$f"
done
cp -f node_modules/uplot/LICENSE web/vendor/uPlot.LICENSE 2>/dev/null || true
