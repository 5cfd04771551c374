// Issue 18's "done when" for guardrails and backups, on the real binary:
//  - a burst of 50 due posts to one account is paced (the account's own pacing, set over REST
//    while the server's is off: one second apart), none dropped, get_post saying why each waits;
//  - `herald backup` taken while herald serve is under write load restores into an empty data
//    directory with nothing missing: every post acknowledged before the backup began is there,
//    with its targets, and the restored herald answers the same API key.
//
//   node paced_burst_backup.mjs <path to herald> <path to herald-emulator>
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { check, equal, eventually, runSteps, startEmulator, startServe, tempDataDir } from './lib/herald.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node paced_burst_backup.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const BURST = 50;
let emulator;
let server;
let restored;
let accountId;
const burst = [];  // post ids of the paced burst
const work = tempDataDir();

async function rest(base, key, method, path, body) {
  const r = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30000),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
const api = (method, path, body) => rest(server.base, server.key, method, path, body);

// Runs `herald ...args`; resolves {code, stdout, stderr}.
function run(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(herald, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function schedule(text, publishAt) {
  const r = await api('POST', '/posts', { accounts: [accountId], text, publish_at: publishAt });
  if (r.status !== 201) throw new Error(`POST /api/v1/posts: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.post_id;
}

const steps = [
  ['start a Telegram emulator and herald serve (server pacing off)', async () => {
    emulator = await startEmulator(emulatorBinary, 'telegram');
    // Telegram's own limit (20 messages a minute in a chat, 429 retry_after) would hide the
    // pacing under test: lift it for this chat.
    await emulator.control('POST', '/config', { chat_messages_per_minute: 1000 });
    server = await startServe(herald, [], {
      dataDir: join(work, 'live'),
      env: { HERALD_DB: '', HERALD_TELEGRAM_API_URL: emulator.base, HERALD_ACCOUNT_PACING: 'off' },
    });
    check(server.key, 'the first start printed an admin API key');
    const bot = await emulator.control('POST', '/tokens', { username: 'acme_burst_bot' });
    const chatId = -1009000000099;
    await emulator.control('POST', '/telegram/chats', {
      id: chatId, type: 'channel', title: 'Acme Burst', username: 'acme_burst', member_count: 3,
      bot_id: bot.bot_id, bot_status: 'administrator', can_post_messages: true,
    });
    const acc = await api('POST', '/accounts',
                          { platform: 'telegram', bot_token: bot.token, chat_id: String(chatId) });
    equal(acc.status, 201, `connect: ${JSON.stringify(acc.body)}`);
    accountId = acc.body.account_id;
  }],

  ['the account gets its own pacing over REST: one post a second', async () => {
    const r = await api('PUT', `/accounts/${accountId}/pacing`, { pacing: { min_spacing_seconds: 1 } });
    equal(r.status, 200, JSON.stringify(r.body));
    equal(r.body.pacing, { min_spacing_seconds: 1, max_per_hour: 0, max_per_day: 0 }, 'what holds');
  }],

  ['a burst of 50 posts due at the same moment', async () => {
    const due = new Date(Date.now() + 3000).toISOString();
    const ids = await Promise.all(Array.from({ length: BURST }, (_, i) => schedule(`burst ${i}`, due)));
    burst.push(...ids);
  }],

  ['herald backup under write load, while the burst is paced', async () => {
    const acked = new Set();
    let stop = false;
    const far = new Date(Date.now() + 30 * 86400e3).toISOString();
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; ++i) acked.add(await schedule(`load ${w}-${i}`, far));
    });
    await eventually(async () => acked.size >= 200, 30000, '200 posts written', 10);
    const before = new Set(acked);
    const out = join(work, 'under-load.jsonl');
    const b = await run(['--data', server.dataDir, 'backup', '--out', out]);
    equal(b.code, 0, `herald backup: ${b.stderr}`);
    check(/written and verified/.test(b.stderr), b.stderr);
    const during = acked.size - before.size;
    stop = true;
    await Promise.all(writers);
    console.log(`     ${before.size} posts acknowledged before the backup, ${during} during it`);
    check(during > 0, 'writes went on while the backup ran');
    globalThis.backup = { out, before, key: readFileSync(join(server.dataDir, 'secret.key'), 'utf8').trim() };
  }],

  ['every post of the burst went out, one second apart at least, none dropped', async () => {
    let sawWaiting = false;
    const published = await eventually(async () => {
      const times = [];
      for (const id of burst) {
        const p = (await api('GET', `/posts/${id}`)).body;
        const t = p.targets[0];
        if (p.status === 'published') {
          times.push(Date.parse(t.published_at));
        } else if (t.waiting) {
          check(/paced/.test(t.waiting.reason) && t.waiting.until, JSON.stringify(t.waiting));
          sawWaiting = true;
        } else {
          check(!['failed', 'partially_published', 'cancelled'].includes(p.status),
                `post ${id}: ${JSON.stringify(p)}`);
        }
      }
      return times.length === BURST ? times : null;
    }, 150000, 'the 50 posts published', 500);
    check(sawWaiting, 'get_post showed why a post waited');
    published.sort((a, b) => a - b);
    for (let i = 1; i < published.length; ++i) {
      check(published[i] - published[i - 1] >= 999, `posts ${i - 1} and ${i} were ` +
            `${published[i] - published[i - 1]} ms apart`);
    }
    const gaps = published.slice(1).map((t, i) => t - published[i]).sort((a, b) => a - b);
    console.log(`     50 posts over ${((published.at(-1) - published[0]) / 1000).toFixed(1)} s; ` +
                `gaps min ${gaps[0]} ms, median ${gaps[24]} ms, max ${gaps.at(-1)} ms`);
    equal((await emulator.posts()).length, BURST, 'the channel got each post once');
  }],

  ['the backup restores into an empty data directory with nothing missing', async () => {
    const { out, before, key } = globalThis.backup;
    const data = join(work, 'restored');
    const r = await run(['--data', data, 'restore', out], { HERALD_SECRET_KEY: key });
    equal(r.code, 0, `herald restore: ${r.stderr}`);
    const again = await run(['--data', data, 'restore', out], { HERALD_SECRET_KEY: key });
    equal(again.code, 2, 'a second restore into it is refused');
    restored = await startServe(herald, [], {
      dataDir: data,
      env: { HERALD_DB: '', HERALD_SECRET_KEY: key, HERALD_TELEGRAM_API_URL: emulator.base,
             HERALD_ACCOUNT_PACING: 'off' },
    });
    const ids = new Set();
    let cursor;
    do {
      const page = await rest(restored.base, server.key, 'GET',
                              `/posts?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      equal(page.status, 200, `the old admin key works on the restored herald: ${JSON.stringify(page.body)}`);
      for (const p of page.body.posts) ids.add(p.post_id);
      cursor = page.body.next_cursor;
    } while (cursor);
    const missing = [...before].filter((id) => !ids.has(id));
    equal(missing, [], 'every post acknowledged before the backup is restored');
    const one = await rest(restored.base, server.key, 'GET', `/posts/${[...before][0]}`);
    equal(one.body.targets.length, 1, 'with its target');
    const acc = await rest(restored.base, server.key, 'GET', `/accounts/${accountId}`);
    equal(acc.body.pacing.min_spacing_seconds, 1, 'the account\'s pacing came back too');
  }],
];

await runSteps(steps, async () => {
  if (restored) await restored.stop();
  if (server) await server.stop();
  if (emulator) await emulator.stop();
  rmSync(work, { recursive: true, force: true });
});
