#!/usr/bin/env bash
# Starts the built app on the current X display, waits until its first screen has rendered,
# saves a screenshot of the whole screen, and stops the app.
# Usage: bash scripts/screenshot.sh OUT.png [APP ARGS...]   (RAPPORT_BIN overrides the binary)
set -euo pipefail

out=$1
shift
bin=${RAPPORT_BIN:-target/debug/rapport}
timeout_s=${RAPPORT_SCREENSHOT_TIMEOUT:-90}

mkdir -p "$(dirname "$out")"
rm -f "$out"
work=$(mktemp -d)

"$bin" "$@" &
pid=$!
stop() {
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

alive_or_fail() {
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" && code=0 || code=$?
    echo "screenshot: the app exited (status $code) before its window was shown" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "screenshot: no rendered window after ${timeout_s}s" >&2
    exit 1
  fi
}

deadline=$((SECONDS + timeout_s))
# 1. The window titled "Rapport" exists ("Rapport (2)" when reminders are due).
until xwininfo -root -tree 2>/dev/null | grep -q '"Rapport\( ([0-9]*)\)\?"'; do
  alive_or_fail
  sleep 0.5
done
# 2. The page has rendered: the screen has stopped changing (four identical shots over 1.5 s).
previous=""
same=0
while [ "$same" -lt 3 ]; do
  alive_or_fail
  sleep 0.5
  import -window root "$work/screen.png"
  signature=$(identify -format '%#' "$work/screen.png")
  if [ "$signature" = "$previous" ]; then same=$((same + 1)); else same=0; fi
  previous=$signature
done
cp "$work/screen.png" "$out"
echo "screenshot: saved $out"
