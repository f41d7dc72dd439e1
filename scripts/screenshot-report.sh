#!/bin/sh
# Renders the HTML report of a sample with topocert and screenshots it with headless Chromium
# (Debian package `chromium`). Usage: scripts/screenshot-report.sh SAMPLE OUT.png [extra report args]
# Example: scripts/screenshot-report.sh enterprise-multisite /tmp/em.png
set -eu
sample=$1; png=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
cargo run --quiet -- report "sample-topologies/$sample/topology.xml" \
    --certs "sample-topologies/$sample/certs" --now 2026-12-01T00:00:00Z --out "$tmp/report.html" "$@" || true
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile" \
    --screenshot="$png" --window-size=${WINDOW:-1280,2000} "file://$tmp/report.html" 2>/dev/null
echo "wrote $png"
