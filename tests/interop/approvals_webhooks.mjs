// End to end, through the official MCP SDK client: an editor's post waits for approval, an
// approver approves it, it is published, and a webhook receiver on loopback gets every
// transition of that post, each verified with the `standardwebhooks` npm package (an
// implementation independent of herald's), exactly the events it subscribed to; the audit log
// shows who did what; an editor cannot approve and cannot manage keys. Keys and an account's
// pacing are also managed over REST (/api/v1/keys, /api/v1/accounts/{id}/pacing).
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
let webhookId;

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

// A REST call with `key`: {status, body}.
async function rest(key, method, path, body) {
  const r = await fetch(`${server.base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
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
    const editor = await call('admin', 'create_api_key', { name: 'e2e editor', role: 'editor' });
    equal(editor.role, 'editor', 'editor key role');
    check(/^hk_/.test(editor.key), `the key is shown once: ${JSON.stringify(editor)}`);
    keys.editor = editor.key;
    clients.editor = await connect(editor.key);
    // The approver's key over REST.
    const approver = await rest(keys.admin, 'POST', '/keys', { name: 'e2e approver', role: 'approver' });
    equal(approver.status, 201, `POST /api/v1/keys: ${JSON.stringify(approver.body)}`);
    equal(approver.body.role, 'approver', 'approver key role');
    keys.approver = approver.body.key;
    clients.approver = await connect(keys.approver);
    const listed = await call('admin', 'list_api_keys', {});
    equal(listed.keys.length, 3, 'three keys');
    check(!JSON.stringify(listed).includes(keys.editor), 'list_api_keys never shows a key');
    const s = await call('admin', 'update_organization_settings', { require_approval: true });
    equal(s.require_approval, true, 'require_approval');
  }],

  ['keys over REST: list, change a role, revoke; a revoked key is refused', async () => {
    const made = await rest(keys.admin, 'POST', '/keys', { name: 'short-lived', role: 'viewer' });
    equal(made.status, 201, 'created');
    const listed = await rest(keys.admin, 'GET', '/keys');
    equal(listed.status, 200, 'GET /api/v1/keys');
    check(listed.body.keys.some((k) => k.key_id === made.body.key_id), 'the new key is listed');
    check(!JSON.stringify(listed.body).includes(made.body.key), 'never the key itself');
    equal((await rest(keys.editor, 'GET', '/keys')).status, 403, 'an editor may not list keys');
    const changed = await rest(keys.admin, 'PATCH', `/keys/${made.body.key_id}`, { role: 'editor' });
    equal(changed.status, 200, `PATCH: ${JSON.stringify(changed.body)}`);
    equal((await rest(made.body.key, 'GET', '/accounts')).status, 200, 'the key works');
    const revoked = await rest(keys.admin, 'DELETE', `/keys/${made.body.key_id}`);
    equal(revoked.status, 200, `DELETE: ${JSON.stringify(revoked.body)}`);
    equal((await rest(made.body.key, 'GET', '/accounts')).status, 401,
          'a revoked key is refused at once by the process that revoked it');
  }],

  ['the admin subscribes the receiver to the post events', async () => {
    const { port } = receiver.address();
    const hook = await call('admin', 'create_webhook',
                            { url: `http://127.0.0.1:${port}/herald`, events: SUBSCRIBED });
    check(/^whsec_/.test(hook.secret), `the secret: ${JSON.stringify(hook)}`);
    verifier = new Webhook(hook.secret);
    webhookId = hook.webhook_id;
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
    // The account's own pacing, over REST: admins only; get_account shows what holds.
    const path = `/accounts/${accountId}/pacing`;
    equal((await rest(keys.editor, 'PUT', path, { pacing: { max_per_day: 50 } })).status, 403,
          'an editor may not change pacing');
    const bad = await rest(keys.admin, 'PUT', path, { pacing: { max_per_day: -1 } });
    equal(bad.status, 400, `a bad pacing: ${JSON.stringify(bad.body)}`);
    const paced = await rest(keys.admin, 'PUT', path, { pacing: { max_per_day: 50 } });
    equal(paced.status, 200, `PUT pacing: ${JSON.stringify(paced.body)}`);
    equal(paced.body.pacing_override, { max_per_day: 50 }, 'the override');
    equal((await call('editor', 'get_account', { account_id: accountId })).pacing.max_per_day, 50,
          'get_account shows the pacing that holds');
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
    // Nothing else was queued for the receiver (the post's target.scheduled and the rest of
    // its transitions were not subscribed), and nothing else arrived.
    equal(d.deliveries.length, SUBSCRIBED.length, 'only the subscribed events were queued');
    equal(received.length, SUBSCRIBED.length, 'only the subscribed events arrived');
    const viaRest = await rest(keys.admin, 'GET', `/webhooks/${webhookId}/deliveries`);
    equal(viaRest.status, 200, 'GET /api/v1/webhooks/{id}/deliveries');
    equal(viaRest.body.deliveries.length, SUBSCRIBED.length, 'the same deliveries over REST');
    const hooks = await rest(keys.admin, 'GET', '/webhooks');
    equal(hooks.body.webhooks.map((w) => w.webhook_id), [webhookId], 'GET /api/v1/webhooks');
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
    const account = await rest(keys.admin, 'GET', `/audit?object=${accountId}`);
    equal(account.status, 200, 'GET /api/v1/audit');
    equal(account.body.events.map((e) => e.action).reverse(), ['account.connect', 'account.set_pacing'],
          'the account\'s audit');
  }],
];

await runSteps(steps, async () => {
  for (const c of Object.values(clients)) await c.close().catch(() => {});
  if (server) await server.stop();
  if (emulator) await emulator.stop();
  if (receiver) receiver.close();
});
