// End to end, through the official MCP SDK client only: analytics on Mastodon and Bluesky.
//
//   node analytics.mjs <path to herald> <path to herald-emulator>
//
// Two herald-emulator processes (Mastodon, Bluesky), each with a fresh account whose history is
// seeded through the control plane (POST /__emulator/<network>/history, the format of
// tests/emulators/common/history_seed.h: posts over the past weeks with an engagement peak on
// Tuesdays at 14:00 UTC); one `herald serve` (SQLite, workers on) pointed at them:
//   - connect both accounts; refresh_analytics {account_id} imports each history (every seeded
//     post, reposts left out) and the follower count; get_account_analytics shows them;
//   - publish a post to both; the emulators are given engagement numbers for it;
//     refresh_analytics {post_id} reads them, and get_post_analytics shows exactly those numbers
//     per target (normalised, with each network's own names in raw) and their totals;
//   - the herald://analytics/{account_id} resource reads like get_account_analytics;
//   - best_time_to_post finds the seeded peak (Tuesday 14:00 UTC) in the imported history,
//     analytics_report returns totals and a PNG chart as image content, and schedule_post with
//     publish_at "best" lands on the next Tuesday 14:00 UTC;
//   - bad input: another post id, `from` after `to`, a range over two years: tool errors.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { callTool, check, equal, publishedPost, runSteps, startEmulator, startServe }
  from './lib/herald.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node analytics.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const NETWORKS = ['mastodon', 'bluesky'];
const SEEDED = { mastodon: 84, bluesky: 30 };
// What each emulator will report for the published post.
const ENGAGEMENT = {
  mastodon: { likes: 7, reposts: 3, replies: 2, quotes: 1 },
  bluesky: { likes: 11, reposts: 4, replies: 5, quotes: 2 },
};
const RAW_LIKES = { mastodon: 'favourites_count', bluesky: 'likeCount' };

const emulators = {};
const connectArgs = {};
const accounts = {};
let server;
let client;
let postId;

const runId = Math.random().toString(36).slice(2, 10);
const TEXT = `How did this one do? (analytics run ${runId})`;

const call = (name, args) => callTool(client, name, args);

// A tool call that must fail; returns the error text.
async function callFails(name, args) {
  const r = await client.callTool({ name, arguments: args });
  check(r.isError === true, `${name} ${JSON.stringify(args)} is an error: ${JSON.stringify(r)}`);
  return (r.content ?? []).map((c) => c.text ?? '').join(' ');
}

const steps = [
  ['start the Mastodon and Bluesky emulators', async () => {
    const started = await Promise.all(NETWORKS.map((n) => startEmulator(emulatorBinary, n)));
    for (const e of started) emulators[e.network] = e;
  }],

  ['create accounts with a seeded history', async () => {
    const masto = await emulators.mastodon.control('POST', '/tokens',
                                                   { username: 'acme_stats', display_name: 'Acme' });
    await emulators.mastodon.control('POST', '/mastodon/accounts',
                                     { username: 'acme_stats', followers_count: 321 });
    connectArgs.mastodon = { instance_url: emulators.mastodon.base, access_token: masto.token };
    const bsky = await emulators.bluesky.control('POST', '/tokens', { handle: 'acme-stats.test' });
    await emulators.bluesky.control('POST', '/bluesky/accounts',
                                    { handle: 'acme-stats.test', followers_count: 654 });
    connectArgs.bluesky = { handle: bsky.handle, app_password: bsky.app_password,
                            service_url: emulators.bluesky.base };
    const seed = { days: 29, hours: [9, 14, 19], base: { likes: 2, reposts: 1, replies: 1 },
                   peak: { weekday: 2, hour: 14, factor: 10 } };
    const m = await emulators.mastodon.control('POST', '/mastodon/history',
                                               { ...seed, account: 'acme_stats',
                                                 count: SEEDED.mastodon });
    equal(m.created, SEEDED.mastodon, 'Mastodon history seeded');
    const b = await emulators.bluesky.control('POST', '/bluesky/history',
                                              { ...seed, account: 'acme-stats.test',
                                                count: SEEDED.bluesky });
    equal(b.created, SEEDED.bluesky, 'Bluesky history seeded');
  }],

  ['start herald serve pointed at the emulators', async () => {
    server = await startServe(herald, [], {
      env: { HERALD_DB: '', HERALD_ALLOW_PRIVATE_NETWORKS: '1' },
    });
    check(server.key, 'the first start printed an admin API key');
  }],

  ['MCP client connects; the analytics tools are listed', async () => {
    client = new Client({ name: 'herald-e2e-analytics', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(
        new URL(`${server.base}/mcp`),
        { requestInit: { headers: { Authorization: `Bearer ${server.key}` } } }));
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const t of ['get_post_analytics', 'get_account_analytics', 'refresh_analytics',
                     'best_time_to_post', 'analytics_report']) {
      check(names.includes(t), `tools/list has ${t}: ${names}`);
    }
  }],

  ...NETWORKS.map((network) => [`connect_account ${network}`, async () => {
    accounts[network] = await call('connect_account', { platform: network, ...connectArgs[network] });
    equal(accounts[network].status, 'active', `${network}: status`);
  }]),

  ...NETWORKS.map((network) => [`refresh_analytics imports the ${network} history`, async () => {
    const accountId = accounts[network].account_id;
    const r = await call('refresh_analytics', { account_id: accountId });
    const history = r.updated.find((u) => u.kind === 'history');
    check(history, `a history entry: ${JSON.stringify(r)}`);
    equal(history.status, 'updated', `${network}: history status (${JSON.stringify(history)})`);
    equal(history.imported, SEEDED[network], `${network}: every seeded post imported`);
    const numbers = r.updated.find((u) => u.kind === 'account');
    equal(numbers?.status, 'updated', `${network}: followers read (${JSON.stringify(numbers)})`);

    const a = await call('get_account_analytics', { account_id: accountId });
    equal(a.totals.posts, SEEDED[network], `${network}: posts over the last 30 days`);
    equal(a.followers, network === 'mastodon' ? 321 : 654, `${network}: followers`);
    check(a.daily.length === 30 || a.daily.length === 31, `${network}: one row per day: ${a.daily.length}`);
    check(a.totals.engagement > 0, `${network}: engagement counted: ${JSON.stringify(a.totals)}`);
  }]),

  ['publish a post to both accounts', async () => {
    const r = await call('publish_post', {
      accounts: NETWORKS.map((n) => accounts[n].account_id),
      text: TEXT,
      idempotency_key: `e2e-analytics-${runId}`,
    });
    postId = r.post_id;
    check(/^post_/.test(postId ?? ''), `post_id: ${JSON.stringify(r)}`);
    await publishedPost(client, postId, 30000);
  }],

  ['the networks report engagement; refresh_analytics {post_id} reads it', async () => {
    for (const network of NETWORKS) {
      const live = (await emulators[network].posts()).filter((p) => p.text === TEXT);
      equal(live.length, 1, `${network}: the post is on the network once`);
      await emulators[network].control(
          'POST', `/posts/${encodeURIComponent(live[0].id)}/metrics`, ENGAGEMENT[network]);
    }
    const r = await call('refresh_analytics', { post_id: postId });
    equal(r.updated.length, 2, `two targets measured: ${JSON.stringify(r)}`);
    for (const u of r.updated) {
      equal(u.status, 'updated', `${u.platform}: ${JSON.stringify(u)}`);
      equal(u.metrics, ENGAGEMENT[u.platform], `${u.platform}: the numbers read`);
    }
  }],

  ['get_post_analytics shows exactly what the emulators report', async () => {
    const a = await call('get_post_analytics', { post_id: postId });
    equal(a.post_id, postId, 'post_id');
    equal(a.targets.length, 2, 'two targets');
    for (const t of a.targets) {
      equal(t.metrics, ENGAGEMENT[t.platform], `${t.platform}: latest metrics`);
      equal(t.raw[RAW_LIKES[t.platform]], ENGAGEMENT[t.platform].likes,
            `${t.platform}: the network's own name for likes`);
      check(!('views' in t.metrics), `${t.platform}: views are not reported, so absent`);
      check(typeof t.collected_at === 'string', `${t.platform}: collected_at`);
      equal(t.history.length, 1, `${t.platform}: one measurement so far`);
      equal(t.history[0].metrics, ENGAGEMENT[t.platform], `${t.platform}: history`);
      console.log(`     ${t.platform.padEnd(8)} ${JSON.stringify(t.metrics)}`);
    }
    equal(a.totals, { likes: 18, quotes: 3, replies: 7, reposts: 7 }, 'totals across targets');
  }],

  ['herald://analytics/{account_id} reads like get_account_analytics', async () => {
    const accountId = accounts.mastodon.account_id;
    const r = await client.readResource({ uri: `herald://analytics/${accountId}` });
    const body = JSON.parse(r.contents[0].text);
    equal(body.account_id, accountId, 'the account');
    equal(body.totals.posts, SEEDED.mastodon + 1, 'the seeded history and the new post');
  }],

  ['best_time_to_post finds the seeded peak', async () => {
    const b = await call('best_time_to_post',
                         { account_id: accounts.mastodon.account_id, timezone: 'UTC' });
    equal(b.source, 'history', `from the imported history: ${JSON.stringify(b).slice(0, 400)}`);
    equal([b.slots[0].weekday, b.slots[0].hour], ['Tuesday', 14], 'the best slot');
    check(b.based_on_posts >= SEEDED.mastodon, `based_on_posts: ${b.based_on_posts}`);
    console.log(`     best: ${b.slots[0].weekday} ${b.slots[0].hour}:00 UTC, ` +
                `confidence ${b.confidence}, ${b.based_on_posts} posts`);
  }],

  ['analytics_report returns totals and a PNG chart', async () => {
    const to = new Date(Date.now() + 3600 * 1000);
    const from = new Date(to.getTime() - 31 * 24 * 3600 * 1000);
    const r = await client.callTool({ name: 'analytics_report', arguments: {
      from: from.toISOString(), to: to.toISOString(), group_by: 'account', chart: true } });
    check(!r.isError, `analytics_report: ${JSON.stringify(r.content).slice(0, 400)}`);
    const report = r.structuredContent;
    equal(report.totals.posts, SEEDED.mastodon + SEEDED.bluesky + 2,
          'the imported history and the published post');
    equal(report.rows.length, 2, 'one row per account');
    const image = (r.content ?? []).find((c) => c.type === 'image');
    check(image, `image content: ${JSON.stringify(r.content.map((c) => c.type))}`);
    equal(image.mimeType, 'image/png', 'a PNG');
    equal(Buffer.from(image.data, 'base64').subarray(1, 4).toString(), 'PNG', 'PNG bytes');
  }],

  ['schedule_post with publish_at "best" lands in the peak', async () => {
    const r = await call('schedule_post', {
      accounts: [accounts.mastodon.account_id], text: `At the best time (${runId})`,
      publish_at: 'best', timezone: 'UTC', idempotency_key: `e2e-analytics-best-${runId}` });
    const at = new Date(r.publish_at);
    equal([at.getUTCDay(), at.getUTCHours(), at.getUTCMinutes()], [2, 14, 0],
          `a Tuesday at 14:00 UTC: ${r.publish_at}`);
    equal([r.best_time.slot.weekday, r.best_time.rank], ['Tuesday', 1], 'the best slot, rank 1');
    check(typeof r.best_time.reason === 'string', `says why: ${JSON.stringify(r.best_time)}`);
    await call('cancel_post', { post_id: r.post_id });
  }],

  ['bad input is a clear error', async () => {
    const unknown = await callFails('get_post_analytics', { post_id: 'post_00000000000000000000000000' });
    check(/no post/.test(unknown), `unknown post: ${unknown}`);
    const after = await callFails('get_account_analytics', {
      account_id: accounts.bluesky.account_id, from: '2026-03-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z' });
    check(/is after to/.test(after), `from after to: ${after}`);
    const long = await callFails('get_account_analytics', {
      account_id: accounts.bluesky.account_id, from: '2020-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z' });
    check(/two years/.test(long), `a range over two years: ${long}`);
    const both = await callFails('refresh_analytics',
                                 { post_id: postId, account_id: accounts.bluesky.account_id });
    check(/not both/.test(both), `both ids: ${both}`);
    const zone = await callFails('best_time_to_post',
                                 { account_id: accounts.bluesky.account_id, timezone: 'Mars/Olympus' });
    check(/timezone/.test(zone), `an unknown time zone: ${zone}`);
    const group = await callFails('analytics_report', {
      from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', group_by: 'hour' });
    check(/group_by/.test(group), `an unknown group_by: ${group}`);
  }],

  ['close the client and stop herald', async () => {
    await client.close();
    client = undefined;
    const status = await server.stop();
    server = undefined;
    equal(status, { code: 0, signal: null }, 'herald exits 0 on SIGTERM');
  }],
];

runSteps(steps, async () => {
  if (client) await client.close().catch(() => {});
  if (server) {
    const log = server.stderr().trim();
    if (log) console.log(`herald serve stderr (last 4000 characters):\n${log.slice(-4000)}`);
    await server.stop();
  }
  await Promise.all(Object.values(emulators).map((e) => e.stop()));
});
