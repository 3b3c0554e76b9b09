#!/usr/bin/env bash
# The end-to-end suite on the real desktop binary: builds the UI and the app, then runs
# tests/e2e (a WebDriver client over tauri-driver and Debian's WebKitWebDriver) under Xvfb in a
# throwaway D-Bus session and home (scripts/with-keyring.sh). Each test opens its own book with
# --book in a temp dir, unlocked by RAPPORT_PASSPHRASE, so no keyring entry is needed.
# Screenshots of the main screens land in target/screenshots/.
# Usage: bash scripts/e2e.sh [TEST NAME FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."

npm --prefix ui run build
cargo build --bin rapport
export RAPPORT_BIN="$PWD/target/debug/rapport"
export RAPPORT_SCREENSHOTS="$PWD/target/screenshots"
export RAPPORT_AXE="$PWD/ui/node_modules/axe-core/axe.min.js"
# The e2e tests are #[ignore]d so a plain `cargo test` (no display, no driver) skips them.
xvfb-run -a -s "-screen 0 1280x800x24" \
  bash scripts/with-keyring.sh cargo test -p rapport --test e2e -- --ignored --test-threads=1 "$@"
