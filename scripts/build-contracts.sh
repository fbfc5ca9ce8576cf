#!/usr/bin/env bash
# Builds every ink! contract in contracts/ with `cargo contract build --release` and
# puts its artifacts in one fixed place: target/ink/<name>/<name>.{wasm,json,contract}.
# Tests, benchmarks and the CLI read them only from there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/target/ink"
mkdir -p "$out"

# cargo-contract builds each contract from a temporary manifest in which path
# dependencies (health_types) become absolute paths, and that path enters the
# dependency's crate hash and so the linked bytes: built from two checkouts, the same
# source gave two code hashes. So the contracts are built from one fixed directory,
# whatever the checkout, and a contract's bytes depend on its source and Cargo.lock
# only. The directory keeps its target/ between builds; files are copied with fresh
# times (so cargo never takes one checkout's build for another's), and a lock
# serializes checkouts.
src=${CARECHAIN_CONTRACTS_BUILD_DIR:-/tmp/carechain-contracts}
mkdir -p "$src"
exec 9>"$src.lock"
flock 9
find "$src" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
tar -C contracts --exclude=./target -cf - . | tar -C "$src" -xmf -

# cargo-contract gives each contract of a workspace its own target directory
# (contracts/target/ink/<name>), so every contract would rebuild core, alloc and all of
# ink! for wasm. The compiled dependencies do not depend on the contract, so the
# per-contract build directories are links to one shared pair: the first contract
# builds them, the others reuse them (same compiler, flags and lock file, so the same
# bytes and code hashes as separate builds).
shared=$src/target/ink/.shared
mkdir -p "$shared/release" "$shared/wasm32-unknown-unknown"
share_build_dirs() {
  local dir=$src/target/ink/$1 sub
  mkdir -p "$dir"
  for sub in release wasm32-unknown-unknown; do
    if [ ! -L "$dir/$sub" ]; then
      rm -rf "${dir:?}/$sub"
      ln -s "../.shared/$sub" "$dir/$sub"
    fi
  done
}

built=0
for manifest in contracts/*/Cargo.toml; do
  dir=$(dirname "$manifest")
  name=$(basename "$dir")
  # Shared libraries beside the contracts have no #[ink::contract] and are not deployable.
  grep -qs 'ink::contract' "$dir/lib.rs" || continue
  printf '[build-contracts] %s\n' "$name"
  share_build_dirs "$name"
  if ! (cd "$src" && cargo contract build --release --quiet --manifest-path "$name/Cargo.toml"); then
    printf '[build-contracts] FAILED: contract "%s" (%s) did not build\n' "$name" "$dir" >&2
    exit 1
  fi
  mkdir -p "$out/$name"
  for ext in wasm json contract; do
    artifact="$src/target/ink/$name/$name.$ext"
    [ -f "$artifact" ] || { printf '[build-contracts] FAILED: %s produced no %s\n' "$name" "$artifact" >&2; exit 1; }
    cp "$artifact" "$out/$name/"
  done
  printf '[build-contracts] %s: %s bytes of wasm\n' "$name" "$(wc -c < "$out/$name/$name.wasm")"
  built=$((built + 1))
done
[ "$built" -gt 0 ] || { echo "[build-contracts] FAILED: no contract found in contracts/" >&2; exit 1; }
echo "[build-contracts] $built contract(s) in target/ink/"
