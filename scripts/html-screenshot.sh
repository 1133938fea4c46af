#!/usr/bin/env bash
# Renders a tvcheck HTML report to a PNG with headless Chromium, to look at the layout as a
# person sees it. Not part of CI.
#
#   scripts/html-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# Needs Debian's chromium (apt-get install -y chromium). The page loads nothing from
# elsewhere; networking features of the browser are switched off all the same.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 REPORT.html [OUT.png] [WIDTHxHEIGHT]" >&2
    exit 2
fi
html=$1
out=${2:-${html%.html}.png}
size=${3:-1280x2000}
[ -f "$html" ] || { echo "error: $html: no such file" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "error: chromium not found (apt-get install -y chromium)" >&2; exit 2; }

abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
case "$out" in /*) ;; *) out=$PWD/$out ;; esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run \
    --user-data-dir="$profile" --hide-scrollbars \
    --screenshot="$out" --window-size="${size/x/,}" "file://$abs" >/dev/null 2>&1
[ -s "$out" ] || { echo "error: no screenshot written" >&2; exit 1; }
echo "$out"
