#!/usr/bin/env bash
# Runs all of Rapport's tests, installing what the machine lacks first:
#   0. the UI's build (ui/dist, which the desktop binary embeds, so it comes before any cargo
#      build) and its unit tests (Vitest);
#   1. every Rust test of the workspace (cargo nextest), inside a D-Bus session with a real,
#      unlocked, throwaway gnome-keyring, so the keyring tests run instead of skipping;
#      They include smoke runs of the benchmarks (crates/bench/tests/smoke.rs: store, import,
#      and sync --quick with a real rapport-server on SQLite and PostgreSQL);
#   2. doc tests (nextest does not run them);
#   3. clippy with warnings as errors, over every target of the workspace;
#   4. the dependency check: rapport-core depends on no tauri, wry or axum crate;
#   5. the end-to-end suite on the real app under Xvfb (scripts/e2e.sh).
# Every step runs even when an earlier one failed; the exit status is non-zero if any failed.
#
# One build serves every step. Clippy is the compiler of the workspace's own crates in it
# (RUSTC_WORKSPACE_WRAPPER=clippy-driver, as `cargo clippy` does it; dependencies are compiled by
# rustc as usual), so the lint step replays the test build's diagnostics instead of building the
# dependency tree a second time for `cargo clippy`; the doc tests and the e2e suite reuse the
# same build too (the same packages, features and wrapper).
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

clippy_driver="$(rustc --print sysroot)/bin/clippy-driver"
if [ -x "$clippy_driver" ]; then
  export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
fi

# Fails on any warning or error the compiler (clippy included) gave for the workspace's own
# code in the test build: `cargo test --no-run` finds every unit fresh and replays, as JSON, what
# was said when it was compiled.
lint() {
  if [ -z "${RUSTC_WORKSPACE_WRAPPER:-}" ]; then
    echo "clippy is not installed with this toolchain: skipped"
    return 0
  fi
  cargo test --workspace --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
said = []
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    msg = m.get("message") or {}
    if m.get("reason") == "compiler-message" and msg.get("level") in ("warning", "error"):
        if msg.get("rendered") not in said:
            said.append(msg.get("rendered"))
    if m.get("reason") == "build-finished" and not m.get("success"):
        said.append("the build failed (see the test step)")
for r in said:
    print(r)
if said:
    sys.exit(f"clippy: {len(said)} warnings or errors (warnings are errors here)")
print("clippy: no warnings in any target of the workspace")
'
}

# `cargo test --doc` would resolve the dependencies' features differently from the test build
# (it rebuilt tokio, serde, syn and the rest: minutes) and nextest does not run doc tests; so the
# doc tests run through the test build's `cargo test --workspace`, filtered to them (a doc test's
# name ends in "(line N)", which no other test's name contains).
doc_tests() {
  cargo test --workspace --no-fail-fast -- " (line "
}

step "UI build (npm run build)" npm --prefix ui run build
step "UI unit tests (vitest)" npm --prefix ui test
step "tests (cargo nextest, with a Secret Service keyring)" \
  env RAPPORT_REQUIRE_KEYRING=1 bash scripts/with-keyring.sh cargo nextest run --workspace --no-fail-fast
step "doc tests" doc_tests
step "lints (clippy, warnings are errors)" lint
step "dependency check" check_core_dependencies
step "end-to-end (the real app under Xvfb, WebDriver)" bash scripts/e2e.sh

echo
elapsed=$((SECONDS - started))
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED after ${elapsed}s: ${failed[*]}"
  exit 1
fi
echo "All tests passed in ${elapsed}s."
