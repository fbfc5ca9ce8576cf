// Verifies the corpus written by `cargo run --release -p carechain-js --example
// proof_corpus` with the WASM package in Node.js, best of five rounds of ten passes:
// the other half of `scripts/bench-js.sh`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('../../', import.meta.url).pathname;
const carechain = createRequire(import.meta.url)(`${root}target/js/node/carechain_js.js`);
const corpus = JSON.parse(readFileSync(process.argv[2] ?? `${root}target/js-bench/proofs.json`, 'utf8'));
const toBytes = (hex) => Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
const root32 = toBytes(corpus.root);
const proofs = corpus.proofs.map((p) => [toBytes(p.key), p.value && toBytes(p.value), toBytes(p.proof)]);
let best = Infinity;
for (let round = 0; round < 5; round++) {
  const start = process.hrtime.bigint();
  for (let pass = 0; pass < 10; pass++) {
    for (const [key, value, proof] of proofs) {
      if (!carechain.verifyProof(root32, key, value, proof)) throw new Error('a corpus proof failed');
    }
  }
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
}
console.log(`node:   ${Math.round((proofs.length * 10) / best)} proofs/s (Uint8Array inputs, best of 5)`);
