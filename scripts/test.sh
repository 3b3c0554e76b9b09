#!/usr/bin/env bash
# Runs all of Rapport's tests, installing what the machine lacks first:
#   0. the UI's build (ui/dist, which the desktop binary embeds, so it comes before any cargo
#      build) and its unit tests (Vitest);
#   1. every Rust test of the workspace (cargo nextest), inside a D-Bus session with a real,
#      unlocked, throwaway gnome-keyring, so the keyring tests run instead of skipping;
#   2. doc tests (nextest does not run them);
#   3. clippy with warnings as errors;
#   4. the dependency check: rapport-core depends on no tauri, wry or axum crate;
#   5. smoke runs of the store benchmark (small) and the sync benchmark (--quick: a real
#      rapport-server on SQLite and PostgreSQL);
#   6. the end-to-end suite on the real app under Xvfb (scripts/e2e.sh).
# Every step runs even when an earlier one failed; the exit status is non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

started=$SECONDS
failed=()
step() {
  local name=$1
  shift
  echo
  local t0=$SECONDS
  echo "==> $name"
  if "$@"; then
    echo "==> $name: ok ($((SECONDS - t0)) s)"
  else
    echo "==> $name: FAILED ($((SECONDS - t0)) s)"
    failed+=("$name")
  fi
}

check_core_dependencies() {
  local tree bad
  tree=$(cargo tree -p rapport-core -e normal,build --prefix none --offline 2>/dev/null ||
    cargo tree -p rapport-core -e normal,build --prefix none) || return 1
  bad=$(grep -E '^(tauri|wry|axum)' <<<"$tree" | sort -u || true)
  if [ -n "$bad" ]; then
    echo "rapport-core must not depend on tauri, wry or axum, but it depends on:"
    echo "$bad"
    return 1
  fi
  echo "rapport-core depends on no tauri, wry or axum crate ($(sort -u <<<"$tree" | wc -l) crates checked)"
}

lint() {
  if ! cargo clippy --version >/dev/null 2>&1; then
    echo "clippy is not installed with this toolchain: skipped"
    return 0
  fi
  cargo clippy --workspace --all-targets -- -D warnings
}

bench_sync_smoke() {
  cargo build --release -p rapport-server &&
    bash scripts/with-keyring.sh cargo run --release -p rapport-bench -- sync --quick --json
}

bench_smoke() {
  cargo run --release -p rapport-bench -- store --size small --json
}

step "UI build (npm run build)" npm --prefix ui run build
step "UI unit tests (vitest)" npm --prefix ui test
step "tests (cargo nextest, with a Secret Service keyring)" \
  env RAPPORT_REQUIRE_KEYRING=1 bash scripts/with-keyring.sh cargo nextest run --workspace --no-fail-fast
step "doc tests" cargo test --workspace --doc
step "lints (clippy, warnings are errors)" lint
step "dependency check" check_core_dependencies
step "bench smoke run (store, small)" bench_smoke
step "bench smoke run (sync, quick: SQLite and PostgreSQL)" bench_sync_smoke
step "end-to-end (the real app under Xvfb, WebDriver)" bash scripts/e2e.sh

echo
elapsed=$((SECONDS - started))
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED after ${elapsed}s: ${failed[*]}"
  exit 1
fi
echo "All tests passed in ${elapsed}s."
