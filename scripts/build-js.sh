#!/usr/bin/env bash
# Builds the JavaScript package of the runtime: carechain-js compiled to
# wasm32-unknown-unknown (profile `wasm`: size over speed), then wasm-bindgen (the CLI
# at the exact version of the wasm-bindgen crate in Cargo.lock, installed by
# setup.sh) for Node.js and for the web, then Binaryen's wasm-opt -Oz. Output: target/js/{node,web}/ with typed
# bindings (.d.ts) and one package.json. Build outputs only, never committed.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --quiet -p carechain-js --target wasm32-unknown-unknown --profile wasm
wasm=target/wasm32-unknown-unknown/wasm/carechain_js.wasm
out=target/js
rm -rf "$out"
mkdir -p "$out"
flags=(--remove-name-section --remove-producers-section)
wasm-bindgen "${flags[@]}" --target nodejs --out-dir "$out/node" "$wasm"
wasm-bindgen "${flags[@]}" --target web --out-dir "$out/web" "$wasm"
# Binaryen's optimizer, from the npm registry at a pinned version, shrinks the module
# by another tenth (size is what a browser downloads).
BINARYEN_VERSION=132.0.0
tools=target/js-tools
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ] ||
  ! grep -q "\"version\": \"$BINARYEN_VERSION\"" "$tools/node_modules/binaryen/package.json"; then
  npm install --silent --no-save --no-audit --no-fund --prefix "$tools" "binaryen@$BINARYEN_VERSION" >/dev/null
fi
features=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue)
for flavour in node web; do
  "$tools/node_modules/.bin/wasm-opt" -Oz "${features[@]}" \
    "$out/$flavour/carechain_js_bg.wasm" -o "$out/$flavour/carechain_js_bg.wasm"
done
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cat > "$out/package.json" <<JSON
{
  "name": "@carechain/runtime",
  "version": "$version",
  "description": "Carechain's runtime for browsers and Node.js: verify storage proofs and header chains, SS58, sr25519 signing, SCALE transactions.",
  "license": "Apache-2.0",
  "main": "./node/carechain_js.js",
  "types": "./node/carechain_js.d.ts",
  "exports": {
    ".": { "types": "./node/carechain_js.d.ts", "node": "./node/carechain_js.js", "default": "./web/carechain_js.js" },
    "./web": { "types": "./web/carechain_js.d.ts", "default": "./web/carechain_js.js" }
  },
  "files": ["node", "web"]
}
JSON
size=$(wc -c < "$out/web/carechain_js_bg.wasm")
printf '[build-js] %s: carechain_js_bg.wasm is %s bytes (%s KiB), gzip %s bytes\n' \
  "$out" "$size" "$((size / 1024))" "$(gzip -9 -c "$out/web/carechain_js_bg.wasm" | wc -c)"
