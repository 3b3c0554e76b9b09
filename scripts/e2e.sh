#!/usr/bin/env bash
# The end-to-end suite on the real desktop binary: builds the UI and the app, then runs
# tests/e2e (a WebDriver client over tauri-driver and Debian's WebKitWebDriver) under Xvfb in a
# throwaway D-Bus session and home (scripts/with-keyring.sh). Each test opens its own book with
# --book in a temp dir, unlocked by RAPPORT_PASSPHRASE, so no keyring entry is needed.
# Screenshots of the main screens land in target/screenshots/.
# Usage: bash scripts/e2e.sh [TEST NAME FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."

# The UI is built again only when its sources are newer than the last build: a rebuild rewrites
# ui/dist, which the app embeds, and the app would then be compiled again.
if [ ! -f ui/dist/index.html ] ||
  [ -n "$(find ui/src ui/index.html ui/package.json ui/package-lock.json ui/vite.config.* ui/svelte.config.js ui/tsconfig.json -newer ui/dist/index.html -print -quit 2>/dev/null)" ]; then
  npm --prefix ui run build
fi
# The app binary is the one cargo builds for the workspace's tests (with the same packages and
# features as `cargo nextest run --workspace`), so after the tests nothing is compiled again; a
# separate `cargo build --bin rapport` would resolve features without the dev-dependencies and
# rebuild much of the GTK stack.
cargo test --workspace --test e2e --no-run
export RAPPORT_BIN="$PWD/target/debug/rapport"
export RAPPORT_SCREENSHOTS="$PWD/target/screenshots"
export RAPPORT_AXE="$PWD/ui/node_modules/axe-core/axe.min.js"
# The e2e tests are #[ignore]d so a plain `cargo test` (no display, no driver) skips them.
xvfb-run -a -s "-screen 0 1280x800x24" \
  bash scripts/with-keyring.sh cargo test --workspace --test e2e -- --ignored --test-threads=1 "$@"
