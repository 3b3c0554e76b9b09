#!/usr/bin/env bash
# Runs a command in its own D-Bus session with an unlocked, throwaway gnome-keyring (the Secret
# Service), so keyring code works on a headless machine and the developer's real keyring and
# data are never touched: HOME, the XDG directories and TMPDIR point into a temp dir that is
# removed afterwards. Usage: bash scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

# Keep the real Rust toolchain when HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/rapport-session.XXXXXX")
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/cache" "$scratch/run" "$scratch/tmp"
chmod 700 "$scratch/run"

# The keyring's password is "pw": it guards only this throwaway keyring.
HOME="$scratch/home" \
XDG_DATA_HOME="$scratch/data" \
XDG_CONFIG_HOME="$scratch/config" \
XDG_CACHE_HOME="$scratch/cache" \
XDG_RUNTIME_DIR="$scratch/run" \
TMPDIR="$scratch/tmp" \
  dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
