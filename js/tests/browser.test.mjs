// The web build in headless Chromium (Debian's `chromium`): examples/js/verify.html,
// served on loopback with the package and a proof from a real chain, verifies the
// proof in the page; the same page rejects a tampered copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { root, startChain } from './chain.mjs';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
let chain;
let server;
const files = new Map();

before(async () => {
  if (!chromium) return;
  chain = await startChain();
  const proof = chain.cli('proof', chain.flipper, '--field', 'value', '-o', 'json');
  const tampered = JSON.parse(proof);
  tampered.value = '0x00';
  files.set('/proof.json', ['application/json', proof]);
  files.set('/tampered.json', ['application/json', JSON.stringify(tampered)]);
  server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let body = files.get(path);
    if (!body) {
      const [type, file] =
        path === '/' || path === '/verify.html' ? ['text/html', `${root}examples/js/verify.html`]
        : path.startsWith('/pkg/') ? [path.endsWith('.wasm') ? 'application/wasm' : 'text/javascript', `${root}target/js/web/${path.slice(5)}`]
        : [null, null];
      if (file && existsSync(file)) body = [type, await readFile(file)];
    }
    if (!body) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': body[0] }).end(body[1]);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
});

after(() => {
  chain?.stop();
  server?.close();
});

const page = async (query) => {
  const { port } = server.address();
  const { stdout } = await promisify(execFile)(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--virtual-time-budget=20000', '--dump-dom', `http://127.0.0.1:${port}/verify.html${query}`,
  ], { timeout: 90_000 });
  return stdout.match(/id="verdict">([^<]*)</)?.[1];
};

test('headless Chromium verifies a proof in the page, and rejects a tampered one', { skip: !chromium && 'chromium is not installed (scripts/setup.sh installs it)' }, async () => {
  assert.equal(await page(''), 'verified');
  assert.equal(await page('?proof=tampered.json'), 'rejected');
});
