// The calendar MCP App (ui://herald/calendar) in chromium: a harness page hosts the view in a
// sandboxed iframe under the extension's default CSP and plays the host side of the protocol
// (ui/initialize, the list_posts tool result, tools/call proxied to herald's /mcp). Checks the
// negotiation (the extension and _meta.ui.resourceUri only for a client that offers it), that
// the view renders the posts (a <script> text as text), opens one (get_post) and moves it
// (reschedule_post) through the host, and that nothing is fetched or logged as an error.
// The analytics view (ui://herald/analytics) the same way: linked from analytics_report, hosted
// with a real analytics_report result (a Mastodon history imported from herald-emulator and a
// post herald published and measured), it renders the totals, the change, its own chart and
// the top posts, and opens the top post through the host (get_post).
//
//   node mcp_app.mjs <herald> <artifacts dir> <herald_oauth_emulator> <herald-emulator>
import { rmSync } from 'node:fs';

import { check, equal, freePort, openSignInLink, runSteps, startServe, tempDataDir }
  from '../interop/lib/herald.mjs';
import { dayIn, launch, oauthEnv, rest, seedAnalytics, shot, startOAuthEmulator } from './lib.mjs';

const [herald, artifacts, emulatorBinary, networkEmulatorBinary] = process.argv.slice(2);
if (!herald || !artifacts || !emulatorBinary || !networkEmulatorBinary) {
  console.error('usage: node mcp_app.mjs <herald> <artifacts dir> <herald_oauth_emulator> <herald-emulator>');
  process.exit(2);
}

const UI = 'io.modelcontextprotocol/ui';
const MIME = 'text/html;profile=mcp-app';
const zone = 'Europe/Paris';
const dataDir = tempDataDir();
const tomorrow = dayIn(new Date(Date.now() + 24 * 3600 * 1000), zone);
const text = `App calendar post ${Math.random().toString(36).slice(2, 8)}`;
let emulator;
let mastodon;
let seeded;
let server;
let base;
let session;
let listResult;
let html;
let postId;
const { browser, errors, watch } = await launch();

// A minimal Streamable HTTP MCP client over fetch (JSON or SSE answers).
class McpClient {
  constructor(url, key) { this.url = url; this.key = key; this.id = 0; this.sessionId = null; }
  async send(method, params, notification = false) {
    const headers = { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json',
                      Accept: 'application/json, text/event-stream' };
    if (this.sessionId) headers['Mcp-Session-Id'] = this.sessionId;
    if (this.version) headers['MCP-Protocol-Version'] = this.version;
    const body = notification ? { jsonrpc: '2.0', method, params }
                              : { jsonrpc: '2.0', id: ++this.id, method, params };
    const r = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify(body),
                                      signal: AbortSignal.timeout(20000) });
    if (r.headers.get('mcp-session-id')) this.sessionId = r.headers.get('mcp-session-id');
    if (notification) return null;
    const raw = await r.text();
    let message;
    if ((r.headers.get('content-type') || '').includes('text/event-stream')) {
      for (const line of raw.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const m = JSON.parse(line.slice(5));
        if (m.id === body.id) message = m;
      }
    } else {
      message = JSON.parse(raw);
    }
    if (!message) throw new Error(`${method}: no answer in ${raw.slice(0, 300)}`);
    if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
    return message.result;
  }
  async initialize(capabilities) {
    const result = await this.send('initialize', {
      protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'harness', version: '1' } });
    this.version = result.protocolVersion;
    await this.send('notifications/initialized', {}, true);
    return result;
  }
}

// The host: the view in a sandboxed iframe (srcdoc, scripts only) under the extension's default
// CSP; JSON-RPC over postMessage; tools/call goes to window.hostCallTool (Node, then /mcp).
const HARNESS = `<!doctype html><html><head><meta charset="utf-8"><title>MCP App harness</title>
<style>body{margin:0;font-family:sans-serif} iframe{width:100%;height:640px;border:1px solid #ccc}</style>
</head><body><h1 style="font-size:14px;margin:6px">Harness host</h1><iframe id="view" sandbox="allow-scripts"
title="herald view"></iframe><script>
window.__log = [];
const frame = document.getElementById('view');
function reply(id, result) { frame.contentWindow.postMessage({ jsonrpc: '2.0', id, result }, '*'); }
function fail(id, message) { frame.contentWindow.postMessage({ jsonrpc: '2.0', id, error: { code: -32000, message } }, '*'); }
function notify(method, params) { frame.contentWindow.postMessage({ jsonrpc: '2.0', method, params }, '*'); }
window.addEventListener('message', async (ev) => {
  if (ev.source !== frame.contentWindow) return;
  const m = ev.data;
  window.__log.push(m.method || ('answer ' + m.id));
  if (m.method === 'ui/initialize') {
    reply(m.id, { protocolVersion: '2026-01-26', hostInfo: { name: 'harness', version: '1' },
                  hostCapabilities: { serverTools: {} },
                  hostContext: { theme: 'light', timeZone: ${JSON.stringify(zone)}, locale: 'en-GB' } });
  } else if (m.method === 'ui/notifications/initialized') {
    notify('ui/notifications/tool-input', { arguments: {} });
    notify('ui/notifications/tool-result', window.__toolResult);
  } else if (m.method === 'ui/notifications/size-changed') {
    frame.style.height = Math.min(Math.max(Number(m.params?.height) || 0, 300) + 8, 3000) + 'px';
  } else if (m.method === 'tools/call') {
    try { reply(m.id, JSON.parse(await window.hostCallTool(JSON.stringify(m.params)))); }
    catch (e) { fail(m.id, String(e)); }
  } else if (m.id !== undefined && m.method) {
    reply(m.id, {});
  }
});
window.startView = (doc, toolResult) => { window.__toolResult = toolResult; frame.srcdoc = doc; };
</script></body></html>`;

// A screenshot of the whole harness: the viewport grows to the page first (chromium does not
// paint an iframe's content below the viewport in a full-page shot).
async function tallShot(page, name) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: page.viewportSize().width, height: Math.min(height, 4000) });
  await page.waitForTimeout(100);
  await shot(page, artifacts, name);
}

const DEFAULT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; " +
                    "img-src 'self' data:; media-src 'self' data:; connect-src 'none'";

const steps = [
  ['start the OAuth test network and herald serve; connect an account; schedule two posts', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    emulator = await startOAuthEmulator(emulatorBinary, base);
    server = await startServe(herald, [], {
      port, dataDir, env: { ...oauthEnv(emulator.url, base), HERALD_ALLOW_PRIVATE_NETWORKS: '1' } });
    const started = await rest(base, server.key, 'connect_account', { platform: 'oauthtest' });
    await openSignInLink(started.authorization_url, base);
    const account = (await rest(base, server.key, 'list_accounts', {})).accounts[0].account_id;
    const post = await rest(base, server.key, 'schedule_post', {
      accounts: [account], text, publish_at: `${tomorrow}T09:00:00`, timezone: zone });
    postId = post.post_id;
    await rest(base, server.key, 'schedule_post', {
      accounts: [account], text: '<script>parent.__xss = 1</script> as text',
      publish_at: `${tomorrow}T12:00:00`, timezone: zone });
  }],

  ['a client without the extension gets no extension and no _meta', async () => {
    const plain = new McpClient(`${base}/mcp`, server.key);
    const init = await plain.initialize({});
    check(!init.capabilities.extensions?.[UI], 'no extension declared');
    const tools = await plain.send('tools/list', {});
    const listPosts = tools.tools.find((t) => t.name === 'list_posts');
    check(!listPosts._meta?.ui, 'no view linked');
  }],

  ['a client offering the extension: declared, linked, the view served', async () => {
    session = new McpClient(`${base}/mcp`, server.key);
    const init = await session.initialize({ extensions: { [UI]: { mimeTypes: [MIME] } } });
    check(init.capabilities.extensions?.[UI], `extension declared: ${JSON.stringify(init.capabilities)}`);
    const tools = await session.send('tools/list', {});
    const listPosts = tools.tools.find((t) => t.name === 'list_posts');
    equal(listPosts._meta?.ui?.resourceUri, 'ui://herald/calendar', 'list_posts links the view');
    const read = await session.send('resources/read', { uri: 'ui://herald/calendar' });
    equal(read.contents[0].mimeType, MIME, 'the view type');
    html = read.contents[0].text;
    check(html.startsWith('<!doctype html>'), 'a whole HTML document');
    check(!/\bsrc=["']https?:|href=["']https?:/.test(html), 'no external resource');
    listResult = await session.send('tools/call', { name: 'list_posts', arguments: {} });
    check(listResult.content?.[0]?.text, 'list_posts still returns text');
    check(listResult.structuredContent.posts.length === 2, 'two posts');
  }],

  ['the harness hosts the view: it renders the posts, opens one and reschedules it', async () => {
    const ctx = await browser.newContext({ timezoneId: zone, viewport: { width: 900, height: 760 } });
    const page = watch(await ctx.newPage());
    const calls = [];
    await page.exposeFunction('hostCallTool', async (paramsJson) => {
      const params = JSON.parse(paramsJson);
      calls.push(params.name);
      return JSON.stringify(await session.send('tools/call', params));
    });
    await page.setContent(HARNESS);
    const doc = html.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${DEFAULT_CSP}">`);
    await page.evaluate(([d, r]) => window.startView(d, r), [doc, listResult]);
    const view = page.frameLocator('#view');
    await view.getByText(text).waitFor();
    await view.getByText('<script>parent.__xss = 1</script> as text').waitFor();
    equal(await page.evaluate(() => window.__xss), undefined, 'no script from post text ran');
    await shot(page, artifacts, '10-mcp-app-calendar');
    await view.getByRole('button', { name: new RegExp(text) }).click();
    await view.getByText(`Post ${postId}`).waitFor();
    await view.getByLabel(/New time/).fill(`${tomorrow}T18:45`);
    await view.getByRole('button', { name: 'Reschedule' }).click();
    await view.getByText(`Rescheduled ${postId}.`).waitFor();
    await shot(page, artifacts, '11-mcp-app-rescheduled');
    const post = await rest(base, server.key, 'get_post', { post_id: postId });
    check(post.publish_at_local.startsWith(`${tomorrow}T18:45`), `moved: ${post.publish_at_local}`);
    check(calls.includes('get_post') && calls.includes('reschedule_post'), `calls: ${calls}`);
    const log = await page.evaluate(() => window.__log);
    check(log[0] === 'ui/initialize' && log.includes('ui/notifications/initialized'), `handshake: ${log}`);
    await ctx.close();
  }],

  ['the analytics view: linked from analytics_report, served, fed a real report', async () => {
    seeded = await seedAnalytics(base, server.key, networkEmulatorBinary,
                                 { text: 'Top post for the app <i>as text</i>' });
    mastodon = seeded.emulator;
    const tools = await session.send('tools/list', {});
    const report = tools.tools.find((t) => t.name === 'analytics_report');
    equal(report._meta?.ui?.resourceUri, 'ui://herald/analytics', 'analytics_report links the view');
    const listed = await session.send('resources/list', {});
    const entry = listed.resources.find((r) => r.uri === 'ui://herald/analytics');
    equal(entry?.mimeType, MIME, 'the view is listed with the app type');
    const read = await session.send('resources/read', { uri: 'ui://herald/analytics' });
    equal(read.contents[0].mimeType, MIME, 'the view type');
    html = read.contents[0].text;
    check(html.startsWith('<!doctype html>'), 'a whole HTML document');
    check(!/\bsrc=["']https?:|href=["']https?:/.test(html), 'no external resource');
    const to = new Date(Date.now() + 3600 * 1000);
    const from = new Date(to.getTime() - 30 * 24 * 3600 * 1000);
    listResult = await session.send('tools/call', { name: 'analytics_report', arguments: {
      from: from.toISOString(), to: to.toISOString(), group_by: 'day', timezone: zone, chart: true } });
    check(!listResult.isError, `analytics_report: ${JSON.stringify(listResult.content).slice(0, 300)}`);
    check(listResult.content?.[0]?.text?.includes('"totals"'), 'the tool still returns text');
    equal(listResult.structuredContent.top_posts[0].post_id, seeded.postId, 'the measured post is on top');
  }],

  ['the harness hosts the analytics view: totals, change, chart, top posts; get_post opens one', async () => {
    const ctx = await browser.newContext({ timezoneId: zone, viewport: { width: 900, height: 760 } });
    const page = watch(await ctx.newPage());
    const calls = [];
    await page.exposeFunction('hostCallTool', async (paramsJson) => {
      const params = JSON.parse(paramsJson);
      calls.push(params.name);
      return JSON.stringify(await session.send('tools/call', params));
    });
    await page.setContent(HARNESS);
    const doc = html.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${DEFAULT_CSP}">`);
    await page.evaluate(([d, r]) => window.startView(d, r), [doc, listResult]);
    const view = page.frameLocator('#view');
    await view.getByRole('heading', { name: /^Analytics, / }).waitFor();
    const report = listResult.structuredContent;
    const tiles = await view.locator('.tile').allInnerTexts();
    check(tiles[0].includes('Posts') && tiles[0].includes(String(report.totals.posts)), `posts tile: ${tiles[0]}`);
    check(/[+-]\d+\.\d% vs previous period/.test(tiles[1]), `the change: ${tiles[1]}`);
    const chart = view.locator('svg[role="img"]');
    await chart.waitFor();
    check((await chart.getAttribute('aria-label')).startsWith('Engagement by day'), 'the chart is labelled');
    equal(await chart.locator('circle').count(), report.rows.length, 'one point per day');
    const first = view.locator('ol.top li').first();
    check((await first.innerText()).includes(seeded.text), `the top post: ${await first.innerText()}`);
    await tallShot(page, '12-mcp-app-analytics');
    await first.getByRole('button').click();
    await view.getByText(`Post ${seeded.postId} (published)`).waitFor();
    await view.locator('#detail').getByText(seeded.text).waitFor();
    await tallShot(page, '13-mcp-app-analytics-post');
    check(calls.includes('get_post'), `calls: ${calls}`);
    await ctx.close();
  }],

  ['no console errors (no CSP violation, no script error)', async () => {
    equal(errors, [], 'console errors');
  }],
];

await runSteps(steps, async () => {
  await browser.close().catch(() => {});
  if (server) await server.stop({ keepData: true });
  emulator?.child.kill('SIGTERM');
  await mastodon?.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});
