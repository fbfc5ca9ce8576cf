// A real Carechain node for the JS tests: the `carechain` binary of this checkout on a
// throwaway chain and a free loopback port, with the flipper contract deployed
// through the CLI, and helpers for the CLI and raw JSON-RPC.
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

export const root = new URL('../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);
/** The package built by scripts/build-js.sh, Node.js flavour. */
export const carechain = require(`${root}target/js/node/carechain_js.js`);

const profile = process.env.CARECHAIN_PROFILE ?? 'debug';
const bin = `${root}target/${profile}/carechain`;

export async function startChain() {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the workspace first`);
  const node = spawn(bin, ['node', '--tmp', '--rpc-addr', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const addr = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: node.stdout });
    lines.on('line', (line) => {
      const m = line.match(/rpc +ws:\/\/(\S+)/);
      if (m) resolve(m[1]);
    });
    node.on('exit', (code) => reject(new Error(`the node exited with ${code}`)));
  });
  const cli = (...args) =>
    execFileSync(bin, args, {
      env: { ...process.env, CARECHAIN_URL: `ws://${addr}`, CARECHAIN_BUNDLES: `${root}target/ink` },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const rpc = async (method, params = []) => {
    const response = await fetch(`http://${addr}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return response.json();
  };
  const deployed = JSON.parse(
    cli('instantiate', `${root}target/ink/flipper/flipper.contract`, '--args', 'false', '-x', '-o', 'json'),
  );
  cli('call', deployed.contract, '--message', 'flip', '-x');
  return { addr, cli, rpc, flipper: deployed.contract, stop: () => node.kill('SIGINT') };
}
