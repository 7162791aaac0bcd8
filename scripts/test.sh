#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test: Rust (native) and the browser tests
# in headless Chromium over ../shared/media and generated fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
echo "== cargo fmt --all --check" >&2
cargo fmt --all --check
echo "== cargo clippy (warnings are errors)" >&2
cargo clippy --workspace --all-targets -- -D warnings 2>&1
# src/web/ compiles only for wasm32, so it is linted there too.
cargo clippy --workspace --lib --target wasm32-unknown-unknown -- -D warnings 2>&1
echo "== cargo test" >&2
cargo test --workspace --all-targets 2>&1
echo "== build (wasm + bundles)" >&2
node scripts/build.mjs
# After the build: the package's types import the wasm-bindgen declarations it generates.
echo "== tsc --noEmit" >&2
node node_modules/typescript/bin/tsc --noEmit -p tsconfig.json
echo "== fixtures" >&2
bash scripts/make_fixtures.sh drama bad edge
echo "== browser tests (headless Chromium)" >&2
node --test --test-concurrency=1 --test-timeout=600000 tests/e2e/
