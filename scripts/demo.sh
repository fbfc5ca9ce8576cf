#!/usr/bin/env bash
# The main job: set up the machine, build the contracts, run the dev chain example.
# (The node and CLI replace the example as they land.)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build-contracts.sh
cargo run --release --locked --quiet -p carechain-host --example devchain -- target/devchain
