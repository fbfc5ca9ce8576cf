#!/usr/bin/env bash
# Builds every ink! contract in contracts/ with `cargo contract build --release` and
# puts its artifacts in one fixed place: target/ink/<name>/<name>.{wasm,json,contract}.
# Tests, benchmarks and the CLI read them only from there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/target/ink"
mkdir -p "$out"

built=0
for manifest in contracts/*/Cargo.toml; do
  dir=$(dirname "$manifest")
  name=$(basename "$dir")
  # Shared libraries beside the contracts have no #[ink::contract] and are not deployable.
  grep -qs 'ink::contract' "$dir/lib.rs" || continue
  printf '[build-contracts] %s\n' "$name"
  if ! (cd contracts && cargo contract build --release --quiet --manifest-path "$name/Cargo.toml"); then
    printf '[build-contracts] FAILED: contract "%s" (%s) did not build\n' "$name" "$dir" >&2
    exit 1
  fi
  mkdir -p "$out/$name"
  for ext in wasm json contract; do
    src="contracts/target/ink/$name/$name.$ext"
    [ -f "$src" ] || { printf '[build-contracts] FAILED: %s produced no %s\n' "$name" "$src" >&2; exit 1; }
    cp "$src" "$out/$name/"
  done
  printf '[build-contracts] %s: %s bytes of wasm\n' "$name" "$(wc -c < "$out/$name/$name.wasm")"
  built=$((built + 1))
done
[ "$built" -gt 0 ] || { echo "[build-contracts] FAILED: no contract found in contracts/" >&2; exit 1; }
echo "[build-contracts] $built contract(s) in target/ink/"
