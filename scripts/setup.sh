#!/usr/bin/env bash
# Installs what a fresh machine lacks: both Rust toolchains with their components and
# targets, cargo-contract 5.0.3, wasm-bindgen-cli at the version Cargo.lock pins, and
# Debian packages (Chromium for the browser test). Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_CONTRACT_VERSION=5.0.3
CONTRACTS_TOOLCHAIN=1.86.0
MAIN_TOOLCHAIN=1.95.0
APT_PACKAGES=(g++ pkg-config chromium)

say() { printf '[setup] %s\n' "$*"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# Node.js (the JS tests, npm for Binaryen): Debian's, unless the machine has one.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if ! command -v rustup >/dev/null; then
  say "installing rustup"
  curl -sSf https://sh.rustup.rs | sh -s -- -y --default-toolchain none --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

has_toolchain() { rustup toolchain list | grep -q "^$1-"; }
if ! has_toolchain "$MAIN_TOOLCHAIN"; then
  say "installing Rust $MAIN_TOOLCHAIN"
  rustup toolchain install "$MAIN_TOOLCHAIN" --profile minimal --component clippy,rustfmt
fi
rustup component add --toolchain "$MAIN_TOOLCHAIN" clippy rustfmt >/dev/null 2>&1 || true
rustup target add --toolchain "$MAIN_TOOLCHAIN" wasm32-unknown-unknown >/dev/null 2>&1
if ! has_toolchain "$CONTRACTS_TOOLCHAIN"; then
  say "installing Rust $CONTRACTS_TOOLCHAIN for contracts/"
  rustup toolchain install "$CONTRACTS_TOOLCHAIN" --profile minimal \
    --component rust-src,clippy,rustfmt --target wasm32-unknown-unknown
else
  rustup component add --toolchain "$CONTRACTS_TOOLCHAIN" rust-src clippy rustfmt >/dev/null 2>&1
  rustup target add --toolchain "$CONTRACTS_TOOLCHAIN" wasm32-unknown-unknown >/dev/null 2>&1
fi

if cargo "+$MAIN_TOOLCHAIN" contract --version 2>/dev/null | grep -q "cargo-contract-contract $CARGO_CONTRACT_VERSION\|contract $CARGO_CONTRACT_VERSION"; then
  :
else
  say "installing cargo-contract $CARGO_CONTRACT_VERSION (about 15 minutes on 2 cores)"
  cargo "+$MAIN_TOOLCHAIN" install cargo-contract --version "$CARGO_CONTRACT_VERSION" --locked --quiet
fi
# wasm-bindgen's CLI must be exactly the version of the wasm-bindgen crate in the lock
# file (the generated glue and the .wasm must agree).
WASM_BINDGEN_VERSION=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo "+$MAIN_TOOLCHAIN" install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force --quiet
fi
say "ready: $(cargo "+$MAIN_TOOLCHAIN" contract --version), $(wasm-bindgen --version), Rust $MAIN_TOOLCHAIN and $CONTRACTS_TOOLCHAIN"
