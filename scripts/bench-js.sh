#!/usr/bin/env bash
# Proofs verified per second, natively and in Node.js with the WASM package, on the
# same corpus; prints both and their ratio. Run after scripts/build-js.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/js-bench
native=$(cargo run --release --locked --quiet -p carechain-js --example proof_corpus -- target/js-bench/proofs.json | tee /dev/stderr | sed -n 's/^native: \([0-9]*\).*/\1/p')
node=$(node js/bench/proofs.mjs target/js-bench/proofs.json | tee /dev/stderr | sed -n 's/^node: *\([0-9]*\).*/\1/p')
awk -v n="$native" -v j="$node" 'BEGIN { printf "native/node = %.2fx\n", n / j }'
