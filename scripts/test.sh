#!/usr/bin/env bash
# Sets up the machine, builds the contracts, then runs every test: the contracts' ink!
# unit tests and the main workspace's unit, property, integration and doc tests, with
# formatting and clippy as gates, and finally the demo scenario end to end.
set -euo pipefail
cd "$(dirname "$0")/.."

# A CI machine starts from nothing and keeps nothing: there, incremental caches and
# build directories that no later step reads only cost disk (one CI run ran out).
ci=${CI:-false}
if [ "$ci" = true ]; then export CARGO_INCREMENTAL=0; fi

./scripts/setup.sh
./scripts/build-contracts.sh
if [ "$ci" = true ]; then rm -rf "${CARECHAIN_CONTRACTS_BUILD_DIR:-/tmp/carechain-contracts}/target"; fi

echo "[test] contracts: ink! unit tests"
(cd contracts && cargo fmt --all -- --check && cargo test --locked --quiet)
if [ "$ci" = true ]; then rm -rf contracts/target; fi

echo "[test] workspace: fmt, clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked --quiet -- -D warnings

echo "[test] workspace: tests"
# The healthcare test records its calls' gas; the figures must equal the committed
# snapshot (a change in gas is a change to review: rerun scripts/gas-table.sh).
records="$(pwd)/target/gas-records.jsonl"
rm -f "$records"
CARECHAIN_GAS_RECORDS="$records" cargo test --workspace --locked

echo "[test] gas: the healthcare contracts' figures against contracts/gas-snapshot.json"
./target/debug/carechain gas-report --records "$records" \
  --snapshot contracts/gas-snapshot.json --check >/dev/null

echo "[test] JavaScript: the runtime for Node.js and the web, tested in Node and headless Chromium"
./scripts/build-js.sh
node --test js/tests/

echo "[test] the main job: scripts/demo.sh on the debug build"
CARECHAIN_PROFILE=debug CARECHAIN_SKIP_SETUP=1 CARECHAIN_SKIP_BUILD=1 ./scripts/demo.sh
echo "[test] all green"
