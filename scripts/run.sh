#!/usr/bin/env bash
# Runs Rapport on the local book (installing what the machine lacks first).
#   bash scripts/run.sh               your book, in the OS data directory
#   bash scripts/run.sh --demo        a fresh demo book in a temp dir, removed on exit
#   bash scripts/run.sh --book PATH   the book at PATH
# With no display (a server, CI), the app runs under Xvfb with a throwaway keyring and home,
# and a screenshot of its first screen is saved to target/screenshots/first-screen.png.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# The window's pages: the binary embeds ui/dist, so it is built first.
npm --prefix ui run build
cargo build --bin rapport

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec cargo run --bin rapport -- "$@"
fi

shot="$PWD/target/screenshots/first-screen.png"
cat <<MSG
There is no display here (DISPLAY and WAYLAND_DISPLAY are unset), so Rapport runs under Xvfb,
a virtual screen, with a throwaway keyring and home directory: nothing of yours is read or kept.
Once its first screen has rendered, a screenshot is saved and the app is stopped.
MSG
export RAPPORT_BIN="$PWD/target/debug/rapport"
xvfb-run -a -s "-screen 0 1280x800x24" \
  bash scripts/with-keyring.sh bash scripts/screenshot.sh "$shot" "$@"
echo
echo "Rapport started and rendered its first screen. Look at it here:"
echo "  $shot"
