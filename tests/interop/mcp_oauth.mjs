// Issue 17 ("remote connectors"), done when: a client with no API key connects through herald's
// OAuth server end to end. The official MCP TypeScript SDK client (1.x) with an OAuthClientProvider
// against `herald serve` on loopback:
//
//   node mcp_oauth.mjs <path to herald>
//
// 1. Discovery from the 401's WWW-Authenticate (RFC 9728 -> RFC 8414), dynamic client
//    registration, the consent form posted with the admin key herald printed at first start (as
//    a browser would: CSRF cookie and hidden fields), the redirect carrying code, state and iss,
//    the code exchanged with PKCE, then tools/list and a tool call with no API key anywhere.
// 2. Refresh through the SDK (rotation: a new refresh token).
// 3. Revocation (RFC 7009): the access token gets 401 afterwards.
// 4. A client identified by a client ID metadata document the test serves on loopback
//    (HERALD_ALLOW_PRIVATE_NETWORKS lets herald fetch it over http://127.0.0.1), by hand,
//    because the SDK insists on https for such documents.
// 5. The MCP Inspector CLI's own OAuth support: it discovers, registers and prints the
//    authorization URL; the test plays the browser (consent, then the Inspector's loopback
//    callback), and the CLI lists the tools.
// 6. Refusals: a token bound to another resource, Deny -> access_denied, an unregistered
//    redirect URI answered with a page (never redirected), and API keys still working.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { check, equal, eventually, runSteps, startServe } from './lib/herald.mjs';

const herald = process.argv[2];
if (!herald) {
  console.error('usage: node mcp_oauth.mjs <path to herald>');
  process.exit(2);
}

const REDIRECT = 'http://127.0.0.1:45123/callback';
const inspector = join(dirname(fileURLToPath(import.meta.url)),
                       'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');
let server;
let docServer;
let inspectorDir;

// An in-memory OAuthClientProvider, as a desktop client would keep it.
class MemoryProvider {
  constructor(redirectUrl) {
    this.redirectUrl = redirectUrl;
    this.clientMetadata = {
      client_name: 'herald interop <client>',
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
    this.client = undefined;
    this.saved = undefined;
    this.verifier = undefined;
    this.authorizationUrl = undefined;
    this.discovery = undefined;
  }
  state() { return 'st-' + randomBytes(8).toString('hex'); }
  clientInformation() { return this.client; }
  saveClientInformation(info) { this.client = info; }
  tokens() { return this.saved; }
  saveTokens(tokens) { this.saved = tokens; }
  redirectToAuthorization(url) { this.authorizationUrl = new URL(url); }
  saveCodeVerifier(v) { this.verifier = v; }
  codeVerifier() { return this.verifier; }
  saveDiscoveryState(s) { this.discovery = s; }
  discoveryState() { return this.discovery; }
}

function cookiesOf(response) {
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

function hiddenFields(html) {
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]] = m[2].replaceAll('&quot;', '"').replaceAll('&#39;', "'")
        .replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  }
  return fields;
}

// What a person does in a browser: open the authorization URL, type the key, press a button.
// Returns the redirect's URL.
async function consent(authorizationUrl, { key, decision = 'allow', role = 'editor' }) {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  equal(page.status, 200, `the consent page (${html.slice(0, 300)})`);
  check(html.includes('&lt;client&gt;') || !html.includes('<client>'), 'client name escaped');
  const fields = hiddenFields(html);
  check(fields.csrf_token, 'a CSRF field');
  const body = new URLSearchParams({ ...fields, api_key: key ?? '', role, decision });
  const answer = await fetch(new URL('/oauth/authorize', authorizationUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(page),
               origin: new URL(authorizationUrl).origin },
    body,
  });
  equal(answer.status, 302, `the consent answer (${(await answer.text()).slice(0, 300)})`);
  return new URL(answer.headers.get('location'));
}

function transport(provider) {
  return new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { authProvider: provider });
}

async function listTools(client) {
  const tools = await client.listTools();
  check(tools.tools.some((t) => t.name === 'list_platforms'), 'tools/list has list_platforms');
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

async function tokenRequest(fields) {
  const r = await fetch(`${server.base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: r.status, body: await r.json(), cacheControl: r.headers.get('cache-control') };
}

async function mcpStatus(token) {
  const r = await fetch(`${server.base}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream',
               authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {
      protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
  });
  await r.text();
  return r.status;
}

const provider = new MemoryProvider(REDIRECT);
let firstRefresh;

await runSteps([
  ['herald serve (API keys on, first start prints the admin key)', async () => {
    server = await startServe(herald, [], { env: { HERALD_ALLOW_PRIVATE_NETWORKS: '1' } });
    check(server.key, 'the admin key was printed');
  }],
  ['metadata: protected resource names herald, RFC 8414 document', async () => {
    const unauth = await fetch(`${server.base}/mcp`, { method: 'POST' });
    equal(unauth.status, 401, 'no token');
    check(unauth.headers.get('www-authenticate').includes('resource_metadata='), 'challenge');
    const prm = await (await fetch(`${server.base}/.well-known/oauth-protected-resource/mcp`)).json();
    equal(prm.authorization_servers, [server.base], 'authorization_servers');
    equal(prm.resource, `${server.base}/mcp`, 'resource');
    const as = await (await fetch(`${server.base}/.well-known/oauth-authorization-server`)).json();
    equal(as.issuer, server.base, 'issuer');
    equal(as.code_challenge_methods_supported, ['S256'], 'PKCE S256');
    equal(as.client_id_metadata_document_supported, true, 'CIMD');
  }],
  ['SDK client: 401 -> discovery -> registration -> authorization URL', async () => {
    const client = new Client({ name: 'herald-oauth', version: '1.0.0' });
    let failed;
    try {
      await client.connect(transport(provider));
    } catch (e) {
      failed = e;
    }
    check(failed instanceof UnauthorizedError, `connect asks for authorization (${failed?.stack})`);
    check(provider.client?.client_id?.startsWith('hc_'), 'registered dynamically');
    const url = provider.authorizationUrl;
    check(url && url.pathname === '/oauth/authorize', 'authorization URL');
    equal(url.searchParams.get('code_challenge_method'), 'S256', 'PKCE');
    equal(url.searchParams.get('resource'), `${server.base}/mcp`, 'RFC 8707 resource');
  }],
  ['consent with the admin key; the code comes back with state and iss', async () => {
    const back = await consent(provider.authorizationUrl, { key: server.key });
    equal(`${back.origin}${back.pathname}`, REDIRECT, 'redirect URI');
    equal(back.searchParams.get('state'), provider.authorizationUrl.searchParams.get('state'), 'state');
    equal(back.searchParams.get('iss'), server.base, 'iss (RFC 9207)');
    const code = back.searchParams.get('code');
    check(code?.startsWith('hac_'), 'a code');
    await transport(provider).finishAuth(code);
    check(provider.saved?.access_token?.startsWith('hat_'), 'an access token');
    check(provider.saved?.refresh_token?.startsWith('hrt_'), 'a refresh token');
  }],
  ['no API key: tools/list and a tool call through the OAuth token', async () => {
    const client = new Client({ name: 'herald-oauth', version: '1.0.0' });
    await client.connect(transport(provider));
    await listTools(client);
    const r = await client.callTool({ name: 'list_platforms', arguments: {} });
    check(!r.isError, `list_platforms: ${JSON.stringify(r.content).slice(0, 200)}`);
    await client.close();
  }],
  ['refresh through the SDK rotates the refresh token', async () => {
    firstRefresh = provider.saved.refresh_token;
    const result = await auth(provider, { serverUrl: new URL(`${server.base}/mcp`) });
    equal(result, 'AUTHORIZED', 'refreshed');
    check(provider.saved.refresh_token !== firstRefresh, 'a new refresh token');
    const client = new Client({ name: 'herald-oauth', version: '1.0.0' });
    await client.connect(transport(provider));
    await listTools(client);
    await client.close();
  }],
  ['revocation: the access token gets 401 afterwards', async () => {
    equal(await mcpStatus(provider.saved.access_token), 200, 'works before');
    const r = await fetch(`${server.base}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: provider.saved.refresh_token,
                                  client_id: provider.client.client_id }),
    });
    equal(r.status, 200, 'revoke');
    await eventually(async () => (await mcpStatus(provider.saved.access_token)) === 401, 5000,
                     'the revoked token refused');
    const refreshed = await tokenRequest({ grant_type: 'refresh_token',
                                           refresh_token: provider.saved.refresh_token,
                                           client_id: provider.client.client_id });
    equal(refreshed.status, 400, 'refresh after revocation');
    equal(refreshed.body.error, 'invalid_grant', 'invalid_grant');
    equal(refreshed.cacheControl, 'no-store', 'no-store');
  }],
  ['client ID metadata document on loopback', async () => {
    docServer = createServer((req, res) => {
      const { port } = docServer.address();
      const id = `http://127.0.0.1:${port}/client.json`;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ client_id: id, client_name: 'Document client',
                               redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }));
    });
    await new Promise((resolve) => docServer.listen(0, '127.0.0.1', resolve));
    const clientId = `http://127.0.0.1:${docServer.address().port}/client.json`;
    const { verifier, challenge } = pkce();
    const url = new URL(`${server.base}/oauth/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId,
                                          redirect_uri: REDIRECT, code_challenge: challenge,
                                          code_challenge_method: 'S256', state: 'doc',
                                          resource: `${server.base}/mcp` })) {
      url.searchParams.set(k, v);
    }
    const back = await consent(url, { key: server.key, role: 'viewer' });
    const tokens = await tokenRequest({ grant_type: 'authorization_code',
                                        code: back.searchParams.get('code'),
                                        code_verifier: verifier, redirect_uri: REDIRECT,
                                        client_id: clientId, resource: `${server.base}/mcp` });
    equal(tokens.status, 200, `token (${JSON.stringify(tokens.body)})`);
    const client = new Client({ name: 'herald-doc', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${tokens.body.access_token}` } } }));
    await listTools(client);
    await client.close();
    // PKCE: the same flow with a wrong verifier is refused.
    const again = await consent(url, { key: server.key });
    const wrong = await tokenRequest({ grant_type: 'authorization_code',
                                       code: again.searchParams.get('code'),
                                       code_verifier: pkce().verifier, redirect_uri: REDIRECT,
                                       client_id: clientId });
    equal(wrong.body.error, 'invalid_grant', 'PKCE mismatch');
  }],
  ['MCP Inspector CLI: OAuth with a scripted browser, then tools/list', async () => {
    inspectorDir = mkdtempSync(join(tmpdir(), 'herald-inspector-oauth-'));
    // The "browser" the CLI starts does nothing: the test opens the URL itself.
    writeFileSync(join(inspectorDir, 'xdg-open'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(inspectorDir, 'xdg-open'), 0o755);
    const child = spawn(process.execPath, [inspector, '--cli', `${server.base}/mcp`,
                                           '--method', 'tools/list'], {
      env: { ...process.env, HOME: inspectorDir, MCP_CATALOG_PATH: join(inspectorDir, 'mcp.json'),
             MCP_AUTO_OPEN_ENABLED: 'true', MCP_INSPECTOR_SECRET_STORE: 'memory',
             PATH: `${inspectorDir}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60000);
    try {
      const url = await eventually(() => stderr.match(/Please navigate to: (\S+)/)?.[1], 30000,
                                   `the Inspector's authorization URL (stderr: ${stderr})`);
      const back = await consent(new URL(url), { key: server.key });
      const callback = await fetch(back);
      await callback.text();
      equal(callback.status, 200, 'the Inspector took the code');
      const code = await exited;
      equal(code, 0, `the Inspector's exit code (stderr: ${stderr})`);
      const tools = JSON.parse(stdout).tools;
      check(tools.some((t) => t.name === 'list_platforms'), 'tools/list through the Inspector');
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  }],
  ['refusals: other resource, deny, unregistered redirect URI; API keys still work', async () => {
    const p = new MemoryProvider(REDIRECT);
    const client = new Client({ name: 'herald-oauth-2', version: '1.0.0' });
    await client.connect(transport(p)).catch(() => {});
    const other = new URL(p.authorizationUrl);
    other.searchParams.set('resource', 'https://elsewhere.example/mcp');
    const page = await fetch(other, { redirect: 'manual' });
    equal(page.status, 302, 'sent back');
    equal(new URL(page.headers.get('location')).searchParams.get('error'), 'invalid_target',
          'invalid_target');
    const denied = await consent(p.authorizationUrl, { decision: 'deny' });
    equal(denied.searchParams.get('error'), 'access_denied', 'deny');
    const evil = new URL(p.authorizationUrl);
    evil.searchParams.set('redirect_uri', 'https://evil.example/cb');
    const refused = await fetch(evil, { redirect: 'manual' });
    equal(refused.status, 400, 'an unregistered redirect URI is not followed');
    check(!refused.headers.get('location'), 'no Location');
    equal(await mcpStatus(server.key), 200, 'the API key');
    equal(await mcpStatus('hat_' + randomBytes(32).toString('base64url')), 401, 'a made-up token');
  }],
], async () => {
  docServer?.close();
  if (inspectorDir) rmSync(inspectorDir, { recursive: true, force: true });
  await server?.stop();
});
