#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, run and test Rapport: the WebKitGTK
# and build packages Tauri needs, Xvfb and a Secret Service keyring for headless runs and tests,
# ImageMagick for screenshots, Chromium (the UI's screenshots and accessibility runs), the UI's
# npm packages, cargo-nextest and tauri-driver (the end-to-end tests' WebDriver server).
# Idempotent: when everything is present it only checks, in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # Tauri 2 on Linux (WebKitGTK 4.1) and the C toolchain
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev libssl-dev pkg-config build-essential
  # Running without a display, WebDriver, D-Bus and the Secret Service keyring, notifications
  xvfb xauth webkit2gtk-driver dbus dbus-x11 keyutils gnome-keyring libdbus-1-dev dunst
  # The headless run: finding the window (xwininfo) and taking its screenshot
  x11-utils imagemagick
  # The UI's screenshots and accessibility runs
  chromium
)
# Python 3 reads the compiler's JSON in the lint step (scripts/test.sh); any python3 will do.
if ! command -v python3 >/dev/null 2>&1; then
  packages+=(python3)
fi
# Node 20+ and npm build and test the UI; a machine with Node from elsewhere keeps it.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Rust: machines of this kind have it; a bare one gets a minimal stable toolchain.
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing the Rust toolchain (rustup, minimal profile)"
  if ! command -v curl >/dev/null 2>&1; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl ca-certificates
  fi
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked
fi

# The UI's packages, exactly as locked (skipped when node_modules is newer than the lock file).
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules ]; then
  echo "setup: installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund)
fi
