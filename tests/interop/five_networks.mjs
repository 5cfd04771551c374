// End to end, through the official MCP SDK client only: "first post on five networks".
//
//   node five_networks.mjs <path to herald> <path to herald-emulator>
//
// One herald-emulator process per network (Mastodon, Bluesky, Telegram, Discord, Slack) on
// 127.0.0.1 port 0, each given a fresh account/bot/webhook/channel through its control plane;
// one `herald serve` (port 0, fresh data directory, SQLite, API key auth, publishing workers on)
// pointed at the emulators. Over Streamable HTTP with the printed admin key:
//   - connect_account for each network returns account_id / platform / handle (active);
//   - connect_account with a wrong Mastodon token is a tool error carrying Mastodon's reason,
//     and stores nothing (list_accounts still five);
//   - schedule_post a few seconds ahead to all five accounts (text with a link and a hashtag);
//     the scheduler publishes it: get_post (polled, bounded) shows the post `published` with
//     five published targets, each with an external_id and a url;
//   - each emulator's post ledger holds the text exactly once, under the external id / url
//     herald reported.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { check, equal, eventually, runSteps, startEmulator, startServe } from './lib/herald.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node five_networks.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const NETWORKS = ['mastodon', 'bluesky', 'telegram', 'discord', 'slack'];
const emulators = {};  // network -> startEmulator() handle
const connectArgs = {};  // network -> connect_account arguments (credentials from the emulator)
const accounts = {};  // network -> connect_account result
let server;
let client;
let postId;
let publishAt;  // RFC 3339, as sent to schedule_post
let post;  // the final get_post result

// A unique marker, so a stray post from another run could never satisfy the ledger checks.
const runId = Math.random().toString(36).slice(2, 10);
const TEXT = `Our first post on five networks (run ${runId}): read the story at ` +
             'https://example.com/launch #heraldlaunch';

// Calls a tool and returns its structured result; throws with the tool's text when isError.
async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  if (r.isError) {
    throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
  }
  check(r.structuredContent && typeof r.structuredContent === 'object',
        `${name} returns structuredContent: ${JSON.stringify(r)}`);
  return r.structuredContent;
}

async function listAccounts() {
  return (await call('list_accounts', {})).accounts;
}

// RFC 3339 UTC, whole seconds, `seconds` from now.
function secondsFromNow(seconds) {
  const t = new Date(Date.now() + seconds * 1000);
  t.setUTCMilliseconds(0);
  return t.toISOString().replace('.000Z', 'Z');
}

const steps = [
  ['start five emulators', async () => {
    const started = await Promise.all(NETWORKS.map((n) => startEmulator(emulatorBinary, n)));
    for (const e of started) emulators[e.network] = e;
  }],

  ['create an account on each network (emulator control plane)', async () => {
    // Mastodon: a user with an access token.
    const masto = await emulators.mastodon.control('POST', '/tokens',
                                                   { username: 'acme_e2e', display_name: 'Acme' });
    connectArgs.mastodon = { instance_url: emulators.mastodon.base, access_token: masto.token };
    // Bluesky: an account with an app password.
    const bsky = await emulators.bluesky.control('POST', '/tokens', { handle: 'acme-e2e.test' });
    connectArgs.bluesky = { handle: bsky.handle, app_password: bsky.app_password,
                            service_url: emulators.bluesky.base };
    // Telegram: a bot, and a channel where it is an administrator that can post.
    const bot = await emulators.telegram.control('POST', '/tokens', { username: 'acme_e2e_bot' });
    const chatId = -1009000000001;
    await emulators.telegram.control('POST', '/telegram/chats', {
      id: chatId, type: 'channel', title: 'Acme E2E', username: 'acme_e2e', member_count: 10,
      bot_id: bot.bot_id, bot_status: 'administrator', can_post_messages: true,
    });
    connectArgs.telegram = { bot_token: bot.token, chat_id: String(chatId) };
    // Discord: an incoming webhook (its URL names discord.com; HERALD_DISCORD_API_URL sends the
    // requests to the emulator).
    const hook = await emulators.discord.control('POST', '/tokens', { name: 'Acme E2E' });
    connectArgs.discord = { webhook_url: hook.webhook_url };
    // Slack: a channel the seeded bot is a member of, and that bot's token.
    await emulators.slack.control('POST', '/slack/channels',
                                  { id: 'C0E2E000001', name: 'e2e-launch', member: true });
    const info = await emulators.slack.control('GET', '/info');
    const seededBot = info.bots.find((b) => b.tokens.length > 0 && b.scopes.includes('chat:write'));
    check(seededBot, `the Slack emulator has a bot with chat:write: ${JSON.stringify(info.bots)}`);
    connectArgs.slack = { bot_token: seededBot.tokens[0], channel: 'C0E2E000001' };
  }],

  ['start herald serve pointed at the emulators', async () => {
    server = await startServe(herald, [], {
      env: {
        HERALD_DB: '',  // SQLite in the fresh data directory
        // The Mastodon and Bluesky emulators stand in for networks on loopback: allowing private
        // networks is what makes herald quote their error text (the wrong-token step checks it).
        HERALD_ALLOW_PRIVATE_NETWORKS: '1',
        HERALD_TELEGRAM_API_URL: emulators.telegram.base,
        HERALD_DISCORD_API_URL: `${emulators.discord.base}/api`,
        HERALD_SLACK_API_URL: `${emulators.slack.base}/api`,
      },
    });
    check(server.key, 'the first start printed an admin API key');
  }],

  ['MCP client connects with the admin key', async () => {
    client = new Client({ name: 'herald-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(
        new URL(`${server.base}/mcp`),
        { requestInit: { headers: { Authorization: `Bearer ${server.key}` } } }));
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const t of ['connect_account', 'list_accounts', 'schedule_post', 'get_post']) {
      check(names.includes(t), `tools/list has ${t}: ${names}`);
    }
    equal(await listAccounts(), [], 'no account before connecting');
  }],

  ...NETWORKS.map((network) => [`connect_account ${network}`, async () => {
    const r = await call('connect_account', { platform: network, ...connectArgs[network] });
    check(/^acc_/.test(r.account_id ?? ''), `${network}: account_id: ${JSON.stringify(r)}`);
    equal(r.platform, network, `${network}: platform`);
    equal(r.status, 'active', `${network}: status`);
    check(typeof r.handle === 'string' && r.handle.length > 0,
          `${network}: handle: ${JSON.stringify(r)}`);
    // Never a credential back.
    const dumped = JSON.stringify(r);
    for (const secret of [connectArgs[network].access_token, connectArgs[network].app_password,
                          connectArgs[network].bot_token]) {
      if (secret) check(!dumped.includes(secret), `${network}: the result holds no credential`);
    }
    if (network === 'discord') {
      const token = connectArgs.discord.webhook_url.split('/').pop();
      check(!dumped.includes(token), 'discord: the result holds no webhook token');
    }
    accounts[network] = r;
  }]),

  ['list_accounts shows the five accounts', async () => {
    const list = await listAccounts();
    equal(list.map((a) => a.platform).sort(), [...NETWORKS].sort(), 'platforms');
    equal(list.map((a) => a.account_id).sort(),
          NETWORKS.map((n) => accounts[n].account_id).sort(), 'account ids');
    check(list.every((a) => a.status === 'active'), `all active: ${JSON.stringify(list)}`);
  }],

  ['connect_account with a wrong Mastodon token fails with the reason', async () => {
    const r = await client.callTool({
      name: 'connect_account',
      arguments: { platform: 'mastodon', instance_url: emulators.mastodon.base,
                   access_token: 'not-a-valid-token' },
    });
    check(r.isError === true, `isError: ${JSON.stringify(r)}`);
    const text = (r.content ?? []).map((c) => c.text ?? '').join(' ');
    // The Mastodon emulator answers 401 {"error":"The access token is invalid"}.
    check(/access token is invalid/i.test(text),
          `the error carries Mastodon's reason: ${JSON.stringify(text)}`);
    check(!text.includes('not-a-valid-token'), 'the error does not echo the token');
    equal((await listAccounts()).length, 5, 'still five accounts');
  }],

  ['schedule_post to the five accounts, a few seconds ahead', async () => {
    publishAt = secondsFromNow(3);
    const r = await call('schedule_post', {
      accounts: NETWORKS.map((n) => accounts[n].account_id),
      text: TEXT,
      publish_at: publishAt,
      idempotency_key: `e2e-${runId}`,
    });
    check(/^post_/.test(r.post_id ?? ''), `post_id: ${JSON.stringify(r)}`);
    postId = r.post_id;
    // Nothing is sent before publish_at.
    const got = await call('get_post', { post_id: postId });
    check(['scheduled', 'publishing', 'published'].includes(got.status),
          `status after scheduling: ${got.status}`);
    equal(got.targets.length, 5, 'five targets');
  }],

  ['get_post shows five published targets with their urls', async () => {
    let last;
    post = await eventually(async () => {
      const p = last = await call('get_post', { post_id: postId });
      if (['failed', 'partially_published', 'cancelled'].includes(p.status)) {
        throw new Error(`the post ended ${p.status}: ${JSON.stringify(p.targets, null, 1)}`);
      }
      return p.status === 'published' ? p : null;
    }, 30000, 'get_post status published', 250).catch((e) => {
      throw new Error(`${e.message}; last get_post: ${JSON.stringify(last, null, 1)}`);
    });
    equal(post.targets.length, 5, 'five targets');
    equal(post.targets.map((t) => t.platform).sort(), [...NETWORKS].sort(), 'one per network');
    for (const t of post.targets) {
      equal(t.status, 'published', `${t.platform} target status`);
      check(typeof t.external_id === 'string' && t.external_id.length > 0,
            `${t.platform}: external_id: ${JSON.stringify(t)}`);
      check(typeof t.url === 'string' && /^https?:\/\//.test(t.url),
            `${t.platform}: url: ${JSON.stringify(t)}`);
      check(t.attempts >= 1, `${t.platform}: attempts ${t.attempts}`);
      // The scheduler sent it when due, not before.
      check(Date.parse(t.published_at) >= Date.parse(publishAt),
            `${t.platform}: published_at ${t.published_at} is not before publish_at ${publishAt}`);
      console.log(`     ${t.platform.padEnd(8)} ${t.external_id}  ${t.url}`);
    }
    equal(post.content?.text, TEXT, 'the stored text');
  }],

  ['each emulator holds the text exactly once', async () => {
    for (const network of NETWORKS) {
      const posts = await emulators[network].posts();
      const target = post.targets.find((t) => t.platform === network);
      const live = posts.filter((p) => !p.deleted);
      equal(live.length, 1, `${network}: one post on the network (${JSON.stringify(posts)})`);
      const [p] = live;
      equal(p.text, TEXT, `${network}: the text as sent`);
      check(target.external_id.includes(p.id),
            `${network}: herald's external_id ${target.external_id} names the network's post ` +
            `${p.id}`);
      if (p.url) equal(target.url, p.url, `${network}: herald's url is the network's link`);
    }
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
    // Still running: a step failed. herald's log helps to see why.
    const log = server.stderr().trim();
    if (log) console.log(`herald serve stderr (last 4000 characters):\n${log.slice(-4000)}`);
    await server.stop();
  }
  await Promise.all(Object.values(emulators).map((e) => e.stop()));
});
