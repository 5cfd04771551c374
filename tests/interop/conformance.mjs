// The official MCP conformance suite against `herald serve --conformance-fixtures` on
// 127.0.0.1, port 0. Two pinned releases (package.json):
//   @modelcontextprotocol/conformance 0.1.16 (suites active, pending: 2025-06-18/2025-11-25)
//   conformance-next = @modelcontextprotocol/conformance 0.2.0-alpha.12 (--requirements
//   <revision>: exactly the scenarios a spec revision requires, including 2026-07-28)
//
//   node conformance.mjs <path to herald> <suite>
//
// suite:
//   active               0.1.16 active suite; every scenario must pass.
//   pending              0.1.16 pending suite; fails only if a check fails.
//   2025-11-25           0.2 --requirements 2025-11-25 against a stateful herald.
//   2026-07-28           0.2 --requirements 2026-07-28 against a stateful herald.
//   2026-07-28-stateless the same against `herald serve --stateless`.
// For the --requirements runs every scored scenario must pass; scenarios the suite lists as "Not
// scored" (extensions herald does not implement, pending drafts) are printed, not judged.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { check, runSteps, startServe } from './lib/herald.mjs';

const herald = process.argv[2];
const suite = process.argv[3] ?? 'active';
const suites = ['active', 'pending', '2025-11-25', '2026-07-28', '2026-07-28-stateless'];
if (!herald || !suites.includes(suite)) {
  console.error(`usage: node conformance.mjs <path to herald> [${suites.join('|')}]`);
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const legacySuite = suite === 'active' || suite === 'pending';
const cli = join(here, 'node_modules',
                 legacySuite ? '@modelcontextprotocol/conformance' : 'conformance-next',
                 'dist/index.js');
const results = mkdtempSync(join(tmpdir(), 'herald-conformance-'));

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 540000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

// The scenario lines of the summary ("✓ name: …" / "✗ name: …"), split into scored and not.
function scenarios(summary) {
  const notScoredAt = summary.indexOf('Not scored');
  const scored = (notScoredAt < 0 ? summary : summary.slice(0, notScoredAt))
    .split('\n').filter((l) => /^[✓✗]/.test(l.trim())).map((l) => l.trim());
  const notScored = notScoredAt < 0 ? [] : summary.slice(notScoredAt).split('\n')
    .filter((l) => /^[✓✗]/.test(l.trim())).map((l) => l.trim().split(' ')[1]);
  return { scored: scored.filter((l) => !notScored.includes(l.split(/[ :]/)[1])), notScored };
}

let server;
await runSteps([
  ['start herald serve --conformance-fixtures', async () => {
    const extra = suite.endsWith('-stateless') ? ['--stateless'] : [];
    server = await startServe(herald, ['--conformance-fixtures', ...extra]);
  }],
  [`conformance server suite: ${suite}`, async () => {
    // "localhost" as the suite's reference setup does (dns-rebinding-protection needs it).
    const args = ['server', '--url', `http://localhost:${server.port}/mcp`, '-o', results];
    if (suite === 'pending') args.push('--suite', 'pending');
    if (!legacySuite) args.push('--requirements', suite.replace('-stateless', ''));
    const { code, out } = await run(args);
    const summary = out.slice(out.indexOf('=== SUMMARY ==='));
    console.log(summary.trim());
    const total = out.match(/Total: (\d+) passed, (\d+) failed/);
    check(total, `the suite printed a total (exit ${code}):\n${out.slice(-3000)}`);
    if (legacySuite) {
      check(Number(total[2]) === 0, `${total[2]} check(s) failed:\n${summary}`);
      check(code === 0, `the suite exited ${code}`);
      if (suite === 'active') {
        const lines = summary.split('\n').filter((l) => /^[✓✗]/.test(l));
        check(lines.length >= 30, `ran every active scenario (${lines.length})`);
        check(lines.every((l) => l.startsWith('✓')), 'every scenario passed');
      }
      return;
    }
    const { scored } = scenarios(summary);
    check(scored.length >= 25, `ran the scored scenarios (${scored.length})`);
    const failed = scored.filter((l) => l.startsWith('✗'));
    check(failed.length === 0, `every scored scenario passed; failed:\n${failed.join('\n')}`);
  }],
], async () => {
  if (server) await server.stop();
  rmSync(results, { recursive: true, force: true });
});
