// End to end, through the official MCP SDK client: an editor's post waits for approval, an
// approver approves it, it is published, and a webhook receiver on loopback gets every
// transition of that post, each verified with the `standardwebhooks` npm package (an
// implementation independent of herald's), exactly the events it subscribed to; the audit log
// shows who did what; an editor cannot approve and cannot manage keys.
//
//   node approvals_webhooks.mjs <path to herald> <path to herald-emulator>
//
// One Telegram emulator, one `herald serve` (fresh data directory, SQLite, API keys, workers,
// HERALD_ALLOW_PRIVATE_NETWORKS=1 so the webhook may point at 127.0.0.1).
import { createServer } from 'node:http';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Webhook } from 'standardwebhooks';

import { check, equal, eventually, runSteps, startEmulator, startServe } from './lib/herald.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node approvals_webhooks.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const SUBSCRIBED = ['post.approval_requested', 'post.approved', 'post.scheduled',
                    'target.published', 'post.published'];
let emulator;
let server;
let receiver;
const received = [];  // {type, data, id} of each verified delivery
const rejected = [];  // deliveries whose signature did not verify
let verifier;
const clients = {};  // role -> MCP client
const keys = {};  // role -> key
let accountId;
let postId;

async function connect(key) {
  const client = new Client({ name: 'herald-e2e-team', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(
      new URL(`${server.base}/mcp`),
      { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  return client;
}

async function call(role, name, args) {
  const r = await clients[role].callTool({ name, arguments: args });
  if (r.isError) throw new Error(`${role} ${name} failed: ${JSON.stringify(r.content)}`);
  return r.structuredContent;
}

async function refused(role, name, args, pattern) {
  const r = await clients[role].callTool({ name, arguments: args });
  check(r.isError === true, `${role} ${name} is refused: ${JSON.stringify(r)}`);
  const text = (r.content ?? []).map((c) => c.text ?? '').join(' ');
  check(pattern.test(text), `${role} ${name}: ${text}`);
}

const steps = [
  ['start a Telegram emulator and a webhook receiver on loopback', async () => {
    emulator = await startEmulator(emulatorBinary, 'telegram');
    receiver = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const event = verifier.verify(body, req.headers);
          received.push({ ...event, id: req.headers['webhook-id'] });
          res.writeHead(204).end();
        } catch (e) {
          rejected.push(`${e.message}: ${body}`);
          res.writeHead(400).end();
        }
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  }],

  ['start herald serve', async () => {
    server = await startServe(herald, [], {
      env: {
        HERALD_DB: '',
        HERALD_ALLOW_PRIVATE_NETWORKS: '1',
        HERALD_TELEGRAM_API_URL: emulator.base,
      },
    });
    check(server.key, 'the first start printed an admin API key');
    keys.admin = server.key;
    clients.admin = await connect(keys.admin);
  }],

  ['the admin creates an editor and an approver key, turns on require_approval', async () => {
    for (const role of ['editor', 'approver']) {
      const k = await call('admin', 'create_api_key', { name: `e2e ${role}`, role });
      equal(k.role, role, `${role} key role`);
      check(/^hk_/.test(k.key), `the key is shown once: ${JSON.stringify(k)}`);
      keys[role] = k.key;
      clients[role] = await connect(k.key);
    }
    const listed = await call('admin', 'list_api_keys', {});
    equal(listed.keys.length, 3, 'three keys');
    check(!JSON.stringify(listed).includes(keys.editor), 'list_api_keys never shows a key');
    const s = await call('admin', 'update_organization_settings', { require_approval: true });
    equal(s.require_approval, true, 'require_approval');
  }],

  ['the admin subscribes the receiver to the post events', async () => {
    const { port } = receiver.address();
    const hook = await call('admin', 'create_webhook',
                            { url: `http://127.0.0.1:${port}/herald`, events: SUBSCRIBED });
    check(/^whsec_/.test(hook.secret), `the secret: ${JSON.stringify(hook)}`);
    verifier = new Webhook(hook.secret);
    const listed = await call('admin', 'list_webhooks', {});
    check(!JSON.stringify(listed).includes(hook.secret), 'list_webhooks never shows the secret');
  }],

  ['roles: an editor cannot create keys or webhooks', async () => {
    await refused('editor', 'create_api_key', { name: 'x', role: 'admin' }, /admin/);
    await refused('editor', 'list_audit_events', {}, /admin/);
  }],

  ['the editor connects Telegram and publishes: the post waits for approval', async () => {
    const bot = await emulator.control('POST', '/tokens', { username: 'acme_team_bot' });
    const chatId = -1009000000077;
    await emulator.control('POST', '/telegram/chats', {
      id: chatId, type: 'channel', title: 'Acme Team', username: 'acme_team', member_count: 3,
      bot_id: bot.bot_id, bot_status: 'administrator', can_post_messages: true,
    });
    const acc = await call('editor', 'connect_account',
                           { platform: 'telegram', bot_token: bot.token, chat_id: String(chatId) });
    accountId = acc.account_id;
    const p = await call('editor', 'publish_post', { accounts: [accountId], text: 'Approved news' });
    postId = p.post_id;
    equal(p.status, 'pending_approval', 'an editor\'s post waits');
    const queue = await call('approver', 'list_posts', { status: 'pending_approval' });
    equal(queue.posts.map((x) => x.post_id), [postId], 'the review queue');
    await refused('editor', 'approve_post', { post_id: postId }, /approver/);
    equal((await emulator.posts()).length, 0, 'nothing sent yet');
  }],

  ['the approver approves it and it is published', async () => {
    const a = await call('approver', 'approve_post', { post_id: postId, comment: 'ship it' });
    equal(a.approval.state, 'approved', 'approval state');
    const post = await eventually(async () => {
      const p = await call('editor', 'get_post', { post_id: postId });
      return p.status === 'published' ? p : null;
    }, 30000, 'the post published', 250);
    check(post.targets[0].url, `a URL: ${JSON.stringify(post.targets[0])}`);
  }],

  ['the receiver got every transition, signed, exactly the subscribed events', async () => {
    await eventually(async () => (received.length >= SUBSCRIBED.length ? true : null), 30000,
                     `${SUBSCRIBED.length} deliveries (got ${received.map((e) => e.type)})`, 100);
    equal(rejected, [], 'every signature verified');
    equal(received.map((e) => e.type), SUBSCRIBED, 'the events, in order');
    check(received.every((e) => e.data.post_id === postId), 'all about the post');
    const published = received.find((e) => e.type === 'target.published');
    check(/^https?:\/\//.test(published.data.url), `target.published has the URL: ${JSON.stringify(published)}`);
    equal(new Set(received.map((e) => e.id)).size, received.length, 'one id per event');
    const d = await call('admin', 'list_webhook_deliveries', {});
    check(d.deliveries.every((x) => x.state === 'delivered' && x.last_status === 204),
          `deliveries: ${JSON.stringify(d.deliveries)}`);
  }],

  ['the audit log shows who did what', async () => {
    const { events } = await call('admin', 'list_audit_events', { object: postId });
    const actions = events.map((e) => e.action).reverse();
    equal(actions, ['post.approval_request', 'post.create', 'post.approve'], 'actions');
    const editorKeyId = events.find((e) => e.action === 'post.create').key;
    const approverKeyId = events.find((e) => e.action === 'post.approve').key;
    check(/^key_/.test(editorKeyId) && /^key_/.test(approverKeyId) && editorKeyId !== approverKeyId,
          `two different keys: ${JSON.stringify(events)}`);
    check(!JSON.stringify(events).includes(keys.editor), 'no key in the audit log');
  }],
];

await runSteps(steps, async () => {
  for (const c of Object.values(clients)) await c.close().catch(() => {});
  if (server) await server.stop();
  if (emulator) await emulator.stop();
  if (receiver) receiver.close();
});
