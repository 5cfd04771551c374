// An MCP SDK client that connects OAuth networks as a person would: it declares URL-mode
// elicitation, "opens" the sign-in link herald asks it to open (the emulator's authorize page
// redirects to herald's /oauth/callback/<platform>), and waits for
// notifications/elicitation/complete. Also: tool calls that throw on isError, and waiting for a
// post to be published.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, ElicitationCompleteNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

import { check, equal, eventually } from './herald.mjs';

// Connects to `server` (startServe's result) whose HERALD_PUBLIC_URL is `publicUrl`. Returns
// { client, call(name, args, options?), connect(platform) -> callback page text,
//   settled(postId, ms?) -> the published post, elicited, completed }.
export async function connectOAuthClient(server, publicUrl, name) {
  const elicited = [];
  const completed = [];
  const client = new Client({ name, version: '1.0.0' },
                            { capabilities: { elicitation: { url: {} } } });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    elicited.push(request.params);
    return { action: 'accept' };
  });
  client.setNotificationHandler(ElicitationCompleteNotificationSchema, async (n) => {
    completed.push(n.params);
  });
  await client.connect(new StreamableHTTPClientTransport(
      new URL(`${server.base}/mcp`),
      { requestInit: { headers: { Authorization: `Bearer ${server.key}` } } }));

  async function call(tool, args, options) {
    const r = await client.callTool({ name: tool, arguments: args }, undefined, options);
    if (r.isError) throw new Error(`${tool} failed: ${JSON.stringify(r.content)}`);
    return r.structuredContent;
  }

  // Follows a sign-in link as a browser would; the callback page's text.
  async function openInBrowser(url) {
    const authorize = await fetch(url, { redirect: 'manual' });
    equal(authorize.status, 302, `the sign-in page redirects (${url})`);
    const location = authorize.headers.get('location');
    check(location.startsWith(`${publicUrl}/oauth/callback/`), `back to herald: ${location}`);
    const page = await fetch(location);
    const text = await page.text();
    equal(page.status, 200, `the callback page: ${text.slice(0, 500)}`);
    return text;
  }

  async function connect(platform) {
    const before = elicited.length;
    const r = await call('connect_account', { platform });
    equal(r.status, 'pending_authorization', `${platform}: connect_account status`);
    check(elicited.length === before + 1, `${platform}: the client was asked to open the link`);
    const asked = elicited[elicited.length - 1];
    equal(asked.mode, 'url', `${platform}: URL-mode elicitation`);
    equal(asked.url, r.authorization_url, `${platform}: the elicited URL is the sign-in link`);
    const page = await openInBrowser(asked.url);
    await eventually(() => completed.some((c) => c.elicitationId === asked.elicitationId), 10000,
                     `notifications/elicitation/complete for ${platform}`);
    return page;
  }

  async function settled(postId, ms = 120000) {
    let last;
    return eventually(async () => {
      const p = last = await call('get_post', { post_id: postId });
      if (['failed', 'partially_published', 'cancelled'].includes(p.status)) {
        throw new Error(`the post ended ${p.status}: ${JSON.stringify(p.targets, null, 1)}`);
      }
      return p.status === 'published' ? p : null;
    }, ms, `post ${postId} published`, 200).catch((e) => {
      throw new Error(`${e.message}; last get_post: ${JSON.stringify(last, null, 1)}`);
    });
  }

  return { client, call, connect, settled, elicited, completed };
}
