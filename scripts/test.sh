#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test: Rust (native) and the browser tests
# in headless Chromium over ../shared/media and generated fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
echo "== cargo test" >&2
cargo test --all-targets 2>&1
echo "== build (wasm + bundles)" >&2
node scripts/build.mjs
echo "== fixtures" >&2
bash scripts/make_fixtures.sh drama bad edge
echo "== browser tests (headless Chromium)" >&2
node --test --test-concurrency=1 --test-timeout=600000 tests/e2e/
