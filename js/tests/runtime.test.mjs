// The runtime's own code in Node.js: proofs from a real chain verify and tampered ones
// do not; header chains; SS58 and dev keys as on the Rust side; a transaction built
// and signed here is accepted by the node and a one-byte change of it is not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { carechain, startChain } from './chain.mjs';

let chain;
before(async () => {
  chain = await startChain();
});
after(() => chain?.stop());

const flip = (hex, at) => {
  const i = 2 + at * 2;
  const byte = (parseInt(hex.slice(i, i + 2), 16) ^ 1).toString(16).padStart(2, '0');
  return hex.slice(0, i) + byte + hex.slice(i + 2);
};

test('a proof printed by the CLI verifies; a tampered value, key, root or node does not', () => {
  const view = JSON.parse(chain.cli('proof', chain.flipper, '--field', 'value', '-o', 'json'));
  const { stateRoot } = view.header;
  assert.equal(view.value, '0x01', 'flipper holds true after one flip');
  assert.equal(carechain.verifyProof(stateRoot, view.stateKey, view.value, view.proof), true);
  assert.equal(carechain.verifyProofView(view).verified, true);
  assert.equal(carechain.verifyProof(stateRoot, view.stateKey, '0x00', view.proof), false, 'value');
  assert.equal(carechain.verifyProof(stateRoot, flip(view.stateKey, 40), view.value, view.proof), false, 'key');
  assert.equal(carechain.verifyProof(flip(stateRoot, 0), view.stateKey, view.value, view.proof), false, 'root');
  assert.equal(carechain.verifyProof(stateRoot, view.stateKey, view.value, flip(view.proof, 3)), false, 'node');
  assert.equal(carechain.verifyProof(stateRoot, view.stateKey, null, view.proof), false, 'claimed absent');
  const forged = { ...view, header: { ...view.header, timestamp: view.header.timestamp + 1 } };
  const verdict = carechain.verifyProofView(forged);
  assert.equal(verdict.verified, false);
  assert.match(verdict.reason, /header hashes to/);
  assert.throws(() => carechain.verifyProof(stateRoot, view.stateKey, view.value, '0x01'), /does not decode/);
  assert.throws(() => carechain.verifyProof('0xzz', view.stateKey, null, view.proof), /stateRoot: not hex/);
  assert.throws(() => carechain.verifyProof(stateRoot.slice(0, 10), '0x', null, view.proof), /stateRoot: 4 bytes, not 32/);
});

test('a proof of absence from the RPC verifies, and only as absence', async () => {
  const { result: view } = await chain.rpc('carechain_proof', [{ contract: chain.flipper, key: '0xdeadbeef' }]);
  assert.equal(view.value, null);
  assert.equal(carechain.verifyProof(view.header.stateRoot, view.stateKey, null, view.proof), true);
  assert.equal(carechain.verifyProof(view.header.stateRoot, view.stateKey, '0x00', view.proof), false);
  assert.equal(carechain.verifyProofView(view, view.header.hash).present, false);
  assert.equal(carechain.verifyProofView(view, '0x' + '11'.repeat(32)).verified, false, 'untrusted block');
});

test('header chains: the real one links, a changed or missing header is found', async () => {
  const { result: info } = await chain.rpc('carechain_info');
  const headers = [];
  for (let n = 0; n <= info.head.number; n++) {
    headers.push((await chain.rpc('carechain_block', [n])).result.header);
  }
  assert.ok(headers.length >= 3);
  assert.equal(carechain.verifyHeaderChain(headers), undefined);
  for (const h of headers) assert.equal(carechain.headerHash(h), h.hash);
  const changed = headers.map((h) => ({ ...h }));
  changed[2].stateRoot = flip(changed[2].stateRoot, 5);
  assert.equal(carechain.verifyHeaderChain(changed), 2, 'its hash no longer matches');
  const unhashed = changed.map(({ hash, ...rest }) => rest);
  assert.equal(carechain.verifyHeaderChain(unhashed), 3, 'the next parent hash no longer matches');
  assert.equal(carechain.verifyHeaderChain([headers[0], headers[2]]), 1, 'a gap');
  assert.throws(() => carechain.verifyHeaderChain([{ number: 1 }]), /headers\[0\]: missing `parentHash`/);
});

test('SS58 and //Alice are the same as on the Rust side and in Substrate', () => {
  const alice = carechain.Keypair.fromUri('//Alice');
  assert.equal(alice.address, '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
  assert.equal(alice.publicKey, '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d');
  const rust = JSON.parse(chain.cli('account', '//Bob', '-o', 'json'));
  const bob = carechain.Keypair.fromUri('//Bob');
  assert.equal(bob.address, rust.address);
  assert.equal(bob.publicKey, rust.publicKey);
  assert.equal(carechain.ss58Decode(rust.address), rust.publicKey);
  assert.equal(carechain.ss58Encode(rust.publicKey), rust.address);
  const broken = rust.address.slice(0, -1) + (rust.address.endsWith('a') ? 'b' : 'a');
  assert.throws(() => carechain.ss58Decode(broken), Error);
  assert.throws(() => carechain.Keypair.fromUri('not a mnemonic at all'), /secret URI/);
  assert.throws(() => carechain.Keypair.fromUri('bad-char//Alice'), /secret URI/);
});

test('signatures verify for the signer and message only', () => {
  const alice = carechain.Keypair.fromUri('//Alice');
  const message = new TextEncoder().encode('consent 42 revoked');
  const signature = alice.sign(message);
  assert.equal(carechain.verifySignature(alice.address, message, signature), true);
  assert.equal(carechain.verifySignature(alice.publicKey, new TextEncoder().encode('consent 43 revoked'), signature), false);
  assert.equal(carechain.verifySignature(carechain.Keypair.fromUri('//Bob').address, message, signature), false);
  assert.throws(() => carechain.verifySignature(alice.address, message, '0x00'), /signature: not 64 bytes/);
});

test('a transaction signed in JS is accepted by the node; one byte changed, it is not', async () => {
  const { result: info } = await chain.rpc('carechain_info');
  const charlie = carechain.Keypair.fromUri('//Charlie');
  const { result: account } = await chain.rpc('carechain_account', [charlie.address]);
  const fields = {
    genesisHash: info.genesisHash,
    nonce: BigInt(account.nonce),
    gasLimit: { refTime: 1_000_000_000, proofSize: 10_000 },
    call: { kind: 'transfer', dest: carechain.Keypair.fromUri('//Dave').address, value: 10n ** 12n },
  };
  const tx = carechain.buildTransaction(charlie, fields);
  // A byte of the transfer's value: 6 bytes before the signature (its scheme byte,
  // then 64 bytes), so the SCALE still decodes and only the signature fails.
  const tampered = flip(tx.transaction, (tx.transaction.length - 2) / 2 - 71);
  const rejected = await chain.rpc('carechain_submit', [tampered]);
  assert.equal(rejected.error?.code, 1001, JSON.stringify(rejected));
  assert.match(rejected.error.message, /signature/);
  const { result: receipt, error } = await chain.rpc('carechain_submit', [tx.transaction]);
  assert.equal(error, undefined, JSON.stringify(error));
  assert.equal(receipt.txHash, tx.hash);
  assert.equal(receipt.outcome, 'success');
  const { result: block } = await chain.rpc('carechain_block', [receipt.blockNumber]);
  assert.ok(block.transactions.some((t) => t.receipt.txHash === tx.hash && t.signer === charlie.address));
  const replay = await chain.rpc('carechain_submit', [tx.transaction]);
  assert.equal(replay.error?.code, 1001, 'the nonce is used');
  assert.throws(() => carechain.buildTransaction(charlie, { ...fields, nonce: -1 }), /nonce: a negative/);
  assert.throws(() => carechain.buildTransaction(charlie, { ...fields, call: { kind: 'mint' } }), /call.kind/);
});

test('receipts decode from SCALE; content hashes are SHA-256', () => {
  // A receipt: tx hash, Success, gas used and weight (8 + 8 bytes each), a fee of 9, a refund of 3, empty output, one event, no address.
  const hex = (bytes) => Buffer.from(bytes).toString('hex');
  const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return hex(b); };
  const emitter = carechain.ss58Decode('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY').slice(2);
  const scale = '0x' + '07'.repeat(32) + '00' + u64(5n) + u64(6n) + u64(7n) + u64(8n) + '09' + '00'.repeat(15) + '00' + '03' + '00'.repeat(15) + '00' + '04' + emitter + '04' + 'aa'.repeat(32) + '08' + 'beef' + '00';
  const r = carechain.decodeReceipt(scale);
  assert.equal(r.outcome, 'success');
  assert.equal(r.gasUsed.refTime, 5n);
  assert.equal(r.weight.proofSize, 8n);
  assert.equal(r.storageDeposit, -3n);
  assert.equal(r.fee, 9n);
  assert.equal(r.events[0].contract, '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
  assert.deepEqual(r.events[0].topics, ['0x' + 'aa'.repeat(32)]);
  assert.equal(r.events[0].data, '0xbeef');
  assert.throws(() => carechain.decodeReceipt(scale + '00'), /not a SCALE receipt/);
  assert.equal(carechain.contentHash('abc'), '0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(carechain.contentHash(new TextEncoder().encode('abc')), carechain.contentHash('abc'));
});
