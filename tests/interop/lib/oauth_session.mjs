// An MCP SDK client session for tests of networks that connect through OAuth in a browser: the
// client declares URL-mode elicitation, records the sign-in links it is asked to open and the
// notifications/elicitation/complete it hears, and follows a link as a browser would (the
// emulator's authorize page redirects to herald's /oauth/callback/<platform>).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, ElicitationCompleteNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

import { check, equal, eventually } from './herald.mjs';

export class OAuthSession {
  constructor() {
    this.client = null;
    this.publicUrl = '';     // herald's HERALD_PUBLIC_URL: callbacks must lead back there
    this.elicited = [];      // elicitation/create params the client received
    this.completed = [];     // notifications/elicitation/complete params
    this.callbackPages = []; // the text of each callback page
  }

  // Connects to `serverBase`/mcp with the admin `key`.
  async open(serverBase, key, name) {
    this.client = new Client({ name, version: '1.0.0' },
                             { capabilities: { elicitation: { url: {} } } });
    this.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      this.elicited.push(request.params);
      return { action: 'accept' };
    });
    this.client.setNotificationHandler(ElicitationCompleteNotificationSchema, async (n) => {
      this.completed.push(n.params);
    });
    await this.client.connect(new StreamableHTTPClientTransport(
        new URL(`${serverBase}/mcp`),
        { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  }

  async close() {
    if (this.client) await this.client.close();
  }

  // Calls tool `name`; its structured content, or throws with the tool's error.
  async call(name, args) {
    const r = await this.client.callTool({ name, arguments: args });
    if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
    return r.structuredContent;
  }

  // Follows a sign-in link: the authorize page answers 302 to herald's callback, whose page
  // says what happened.
  async openInBrowser(url) {
    const authorize = await fetch(url, { redirect: 'manual' });
    equal(authorize.status, 302, `the authorize page redirects (${url})`);
    const location = authorize.headers.get('location');
    check(location.startsWith(`${this.publicUrl}/oauth/callback/`), `back to herald: ${location}`);
    const page = await fetch(location);
    const text = await page.text();
    this.callbackPages.push(text);
    equal(page.status, 200, `the callback page: ${text.slice(0, 500)}`);
  }

  // connect_account {platform}: the client is asked to open the link (URL mode), opens it, and
  // hears the elicitation complete.
  async connect(platform) {
    const before = this.elicited.length;
    const r = await this.call('connect_account', { platform });
    equal(r.status, 'pending_authorization', `${platform}: connect_account status`);
    check(this.elicited.length === before + 1,
          `${platform}: the client was asked to open the link`);
    const asked = this.elicited[this.elicited.length - 1];
    equal(asked.mode, 'url', `${platform}: URL-mode elicitation`);
    equal(asked.url, r.authorization_url, `${platform}: the elicited URL is the sign-in link`);
    await this.openInBrowser(asked.url);
    await eventually(() => this.completed.some((c) => c.elicitationId === asked.elicitationId),
                     10000, `notifications/elicitation/complete for ${platform}`);
  }

  // get_post until `postId` is published (throws when it ends otherwise).
  async settled(postId) {
    let last;
    return eventually(async () => {
      const p = last = await this.call('get_post', { post_id: postId });
      if (['failed', 'partially_published', 'cancelled'].includes(p.status)) {
        throw new Error(`the post ended ${p.status}: ${JSON.stringify(p.targets, null, 1)}`);
      }
      return p.status === 'published' ? p : null;
    }, 60000, `post ${postId} published`, 100).catch((e) => {
      throw new Error(`${e.message}; last get_post: ${JSON.stringify(last, null, 1)}`);
    });
  }
}
