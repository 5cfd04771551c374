// Starting and stopping the real herald binary (and the herald-emulator network emulators) for
// interop tests. Every child started here is killed (SIGKILL) when the test process exits,
// whatever the path (a failed step, an uncaught exception, SIGINT/SIGTERM from ctest).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    console.log(`FAIL interrupted by ${sig}`);
    process.exit(1);  // runs the 'exit' handler above
  });
}

export function tempDataDir() {
  return mkdtempSync(join(tmpdir(), 'herald-interop-'));
}

// Waits for `pattern` on a child's stream; rejects after `ms` or when the child exits first.
function waitFor(child, stream, pattern, ms, label) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(new Error(`${label}: no match for ${pattern} within ${ms} ms; got:\n${seen}`));
    }, ms);
    const onData = (chunk) => {
      seen += chunk.toString();
      const m = seen.match(pattern);
      if (m) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve({ match: m, text: seen });
      }
    };
    stream.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label}: exited (${code}) before printing its address:\n${seen}`));
    });
  });
}

// Starts `herald serve --listen 127.0.0.1:0 ...extraArgs` on a fresh data directory and waits
// for "herald: listening on http://HOST:PORT" on stdout. Returns { base, port, key, stop() };
// `key` is the admin key printed on the first start (absent when auth is off). `port` fixes
// the port (for a HERALD_PUBLIC_URL known in advance: see freePort).
export async function startServe(binary, extraArgs = [], { env = {}, dataDir, port = 0 } = {}) {
  const data = dataDir ?? tempDataDir();
  const child = track(spawn(binary, ['--data', data, '--log-level', 'warn', 'serve', '--listen',
                                     `127.0.0.1:${port}`, ...extraArgs],
                            { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c.toString(); });
  const { match, text } = await waitFor(child, child.stdout,
                                        /herald: listening on http:\/\/([^\s]+):(\d+)/, 30000,
                                        'herald serve').catch((e) => {
    throw new Error(`${e.message}\nstderr:\n${stderr}`);
  });
  const keyMatch = text.match(/\b(hk_[A-Za-z0-9_-]{43})\b/);
  const listening = Number(match[2]);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  return {
    base: `http://127.0.0.1:${listening}`,
    port: listening,
    key: keyMatch ? keyMatch[1] : undefined,
    dataDir: data,
    stderr: () => stderr,
    // SIGTERM, then the exit status (SIGKILL after 15 s).
    async stop({ keepData = false } = {}) {
      if (!exited) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15000);
      const status = await exitPromise;
      clearTimeout(killer);
      if (!keepData && !dataDir) rmSync(data, { recursive: true, force: true });
      return status;
    },
  };
}

// A TCP port free on 127.0.0.1 right now (the OS chooses it).
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Starts `herald-emulator <network> --port 0` and waits for "listening on 127.0.0.1:PORT".
// Returns { network, base, port, control(method, path, body?), posts(), stop() }; control calls
// the emulator's /__emulator/ plane (tests/emulators/common/network_emulator.h) and throws on a
// non-200 answer with the emulator's {"error"} text.
export async function startEmulator(binary, network) {
  const child = track(spawn(binary, [network, '--host', '127.0.0.1', '--port', '0'],
                            { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c.toString(); });
  const { match } = await waitFor(child, child.stdout, /listening on 127\.0\.0\.1:(\d+)/, 15000,
                                  `herald-emulator ${network}`).catch((e) => {
    throw new Error(`${e.message}\nstderr:\n${stderr}`);
  });
  const port = Number(match[1]);
  const base = `http://127.0.0.1:${port}`;
  let exited = null;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  async function control(method, path, body) {
    const r = await fetch(`${base}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10000),
    });
    const text = await r.text();
    if (r.status !== 200) {
      throw new Error(`${network} emulator ${method} /__emulator${path}: ${r.status} ${text}`);
    }
    return text ? JSON.parse(text) : {};
  }
  return {
    network,
    base,
    port,
    stderr: () => stderr,
    control,
    // The emulator's post ledger: every post it created, in order (post_ledger.h).
    async posts() { return (await control('GET', '/posts')).posts; },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const status = await exitPromise;
      clearTimeout(killer);
      return status;
    },
  };
}

// Minimal assertion helpers with readable failures.
export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}
// Deep equality in which an object's key order does not matter (JSON objects are unordered).
export function equal(actual, expected, message) {
  if (!isDeepStrictEqual(actual, expected)) {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    throw new Error(`check failed: ${message}: expected ${e}, got ${a}`);
  }
}

// Runs named async steps, printing each; exits 1 on the first failure.
export async function runSteps(steps, cleanup = async () => {}) {
  let failed = false;
  for (const [name, fn] of steps) {
    const started = Date.now();
    try {
      await fn();
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      console.log(`FAIL ${name}: ${e?.stack ?? e}`);
      failed = true;
      break;
    }
  }
  try {
    await cleanup();
  } catch (e) {
    console.log(`FAIL cleanup: ${e?.stack ?? e}`);
    failed = true;
  }
  process.exit(failed ? 1 : 0);
}

// Polls `fn` every `intervalMs` until it returns truthy or `ms` pass.
export async function eventually(fn, ms, what, intervalMs = 25) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// Calls tool `name` of an MCP SDK `client`; its structuredContent, or throws on isError.
export async function callTool(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
  return r.structuredContent;
}

// Follows a sign-in link as a browser would: the authorize page answers 302 to herald's
// callback under `publicUrl`, whose page (returned) says what happened.
export async function openSignInLink(url, publicUrl) {
  const authorize = await fetch(url, { redirect: 'manual' });
  equal(authorize.status, 302, `the authorize page redirects (${url})`);
  const location = authorize.headers.get('location');
  check(location.startsWith(`${publicUrl}/oauth/callback/`), `back to herald: ${location}`);
  const page = await fetch(location);
  const text = await page.text();
  equal(page.status, 200, `the callback page: ${text.slice(0, 500)}`);
  return text;
}

// Polls get_post until post `postId` is published (throws if it ends otherwise or `ms` pass).
export async function publishedPost(client, postId, ms = 60000) {
  let last;
  return eventually(async () => {
    const p = last = await callTool(client, 'get_post', { post_id: postId });
    if (['failed', 'partially_published', 'cancelled'].includes(p.status)) {
      throw new Error(`the post ended ${p.status}: ${JSON.stringify(p.targets, null, 1)}`);
    }
    return p.status === 'published' ? p : null;
  }, ms, `post ${postId} published`, 100).catch((e) => {
    throw new Error(`${e.message}; last get_post: ${JSON.stringify(last, null, 1)}`);
  });
}

// An MCP SDK client of `server` (startServe) declaring URL-mode elicitation: it accepts every
// elicitation/create, pushing its params to `elicited`, and pushes the params of
// notifications/elicitation/complete to `completed`.
export async function connectElicitingClient(server, name, elicited, completed) {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport } =
      await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const { ElicitRequestSchema, ElicitationCompleteNotificationSchema } =
      await import('@modelcontextprotocol/sdk/types.js');
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
  return client;
}
