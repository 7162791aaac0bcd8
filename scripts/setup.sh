#!/usr/bin/env bash
# Idempotent set-up: installs whatever the project needs that is missing, quickly when all is present.
# Used by `npm run reel`, `npm test`, `npm run bench`, `npm start` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
export PATH="$HOME/.cargo/bin:$PATH"

log() { echo "[setup] $*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need_apt+=(ffmpeg)
# Fixture generation only (scripts/make_fixtures.sh): speech and sound effects.
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need_apt+=(sox)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >&2
fi

if ! command -v wasm-bindgen >/dev/null 2>&1 || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes a few minutes once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force >&2
fi

# Installed when the manifests' content changed, not their file times: a fresh checkout (a clone,
# a git worktree whose node_modules links to another copy) has new times and the same packages.
npm_stamp=$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-64)
if [ ! -d node_modules ] || [ "$(cat node_modules/.reelcut-manifests 2>/dev/null)" != "$npm_stamp" ]; then
  log "installing npm packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
  echo "$npm_stamp" > node_modules/.reelcut-manifests
fi
