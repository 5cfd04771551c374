// The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16) against
// `herald serve --conformance-fixtures` on 127.0.0.1, port 0.
//
//   node conformance.mjs <path to herald> [active|pending]
//
// active (default): the whole active server suite; every scenario must pass (exit code 0 and
// "failed" never counted). pending: the pending suite; its summary is printed, and the run fails
// only if a check fails (scenarios that do not apply report INFO and pass).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { check, runSteps, startServe } from './lib/herald.mjs';

const herald = process.argv[2];
const suite = process.argv[3] ?? 'active';
if (!herald || !['active', 'pending'].includes(suite)) {
  console.error('usage: node conformance.mjs <path to herald> [active|pending]');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const results = mkdtempSync(join(tmpdir(), 'herald-conformance-'));

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

let server;
await runSteps([
  ['start herald serve --conformance-fixtures', async () => {
    server = await startServe(herald, ['--conformance-fixtures']);
  }],
  [`conformance server suite: ${suite}`, async () => {
    // "localhost" as the suite's reference setup does (dns-rebinding-protection needs it).
    const args = ['server', '--url', `http://localhost:${server.port}/mcp`, '-o', results];
    if (suite === 'pending') args.push('--suite', 'pending');
    const { code, out } = await run(args);
    const summary = out.slice(out.indexOf('=== SUMMARY ==='));
    console.log(summary.trim());
    const total = out.match(/Total: (\d+) passed, (\d+) failed/);
    check(total, `the suite printed a total (exit ${code}):\n${out.slice(-3000)}`);
    check(Number(total[2]) === 0, `${total[2]} check(s) failed:\n${summary}`);
    check(code === 0, `the suite exited ${code}`);
    if (suite === 'active') {
      const scenarios = summary.split('\n').filter((l) => /^[✓✗]/.test(l));
      check(scenarios.length >= 30, `ran every active scenario (${scenarios.length})`);
      check(scenarios.every((l) => l.startsWith('✓')), 'every scenario passed');
    }
  }],
], async () => {
  if (server) await server.stop();
  rmSync(results, { recursive: true, force: true });
});
