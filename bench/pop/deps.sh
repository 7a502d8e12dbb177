#!/usr/bin/env bash
# deps.sh — installs the benchmark's peers (Debian packages) when missing.  Only `make bench`
# needs them; `make check` does not.
set -euo pipefail
need=()
for p in r-cran-desolve python3-scipy python3-numpy libsundials-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "bench: installing ${need[*]}"
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y "${need[@]}" >/dev/null
    else sudo apt-get install -y "${need[@]}" >/dev/null; fi
fi
