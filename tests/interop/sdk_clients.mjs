// The official MCP TypeScript SDK client (1.x) drives the real herald binary over all three
// transports: Streamable HTTP (/mcp), legacy HTTP+SSE (/sse) and stdio.
//
//   node sdk_clients.mjs <path to herald>
//
// Over HTTP (herald serve --conformance-fixtures, loopback, auth off): connect, list tools,
// call a tool, receive progress, answer an elicitation, cancel a call (the server's sampling
// request is never answered; the client aborts and the call must end on the server).
// With API keys (a second server, first start): the printed admin key works, no key gets 401,
// and `herald stdio` with HERALD_API_KEY serves the same tools.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import { check, equal, eventually, runSteps, startServe } from './lib/herald.mjs';

const herald = process.argv[2];
if (!herald) {
  console.error('usage: node sdk_clients.mjs <path to herald>');
  process.exit(2);
}

let fixtures;  // the --conformance-fixtures server
let keyed;     // the API-key server

function newClient() {
  const client = new Client({ name: 'herald-interop', version: '1.0.0' },
                            { capabilities: { elicitation: {}, sampling: {} } });
  client.setRequestHandler(ElicitRequestSchema, async () => ({
    action: 'accept',
    content: { username: 'ada', email: 'ada@example.com' },
  }));
  return client;
}

function transportFor(kind, base, headers = {}) {
  if (kind === 'streamable') {
    return new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } });
  }
  return new SSEClientTransport(new URL(`${base}/sse`), {
    requestInit: { headers },
    eventSourceInit: {
      fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers ?? {}), ...headers } }),
    },
  });
}

async function inFlightToolCalls(base) {
  const r = await fetch(`${base}/metrics`);
  const text = await r.text();
  const m = text.match(/^herald_tool_calls_in_flight (\d+)/m);
  return m ? Number(m[1]) : NaN;
}

// The full HTTP scenario over one transport kind.
function httpSteps(kind) {
  let client;
  return [
    [`${kind}: connect`, async () => {
      client = newClient();
      await client.connect(transportFor(kind, fixtures.base));
      const version = client.getServerVersion();
      equal(version?.name, 'herald', 'serverInfo.name');
    }],
    [`${kind}: list tools`, async () => {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      check(names.includes('test_simple_text'), `tools/list has test_simple_text: ${names}`);
      check(names.includes('test_tool_with_progress'), 'tools/list has test_tool_with_progress');
    }],
    [`${kind}: call a tool`, async () => {
      const r = await client.callTool({ name: 'test_simple_text', arguments: {} });
      equal(r.content?.[0]?.text, 'This is a simple text response for testing.', 'text content');
      check(!r.isError, 'not an error');
    }],
    [`${kind}: receive progress`, async () => {
      const seen = [];
      const r = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined,
                                      { onprogress: (p) => seen.push(p.progress) });
      check(!r.isError, 'progress tool succeeded');
      // herald sends 0, 50, 100 and then the result, in that order on the stream. SDK 1.x
      // handles notifications a microtask later than responses, so when the last progress and
      // the result arrive in one read, the client drops that progress (its handler is gone).
      const expected = [0, 50, 100];
      check(seen.length >= 2 && seen.every((v, i) => v === expected[i]),
            `progress values ${JSON.stringify(seen)} are 0, 50 (, 100)`);
    }],
    [`${kind}: answer an elicitation`, async () => {
      const r = await client.callTool({ name: 'test_elicitation',
                                        arguments: { message: 'Who are you?' } });
      check(!r.isError, `elicitation tool succeeded: ${JSON.stringify(r)}`);
      check(JSON.stringify(r.content).includes('ada@example.com'),
            `the answer reached the tool: ${JSON.stringify(r.content)}`);
    }],
    [`${kind}: cancel a call`, async () => {
      // test_sampling asks the client for an LLM completion; this client never answers, so the
      // call can only end by cancellation.
      let samplingAsked;
      const asked = new Promise((resolve) => { samplingAsked = resolve; });
      let serverCancelledItsRequest = false;
      client.setRequestHandler(CreateMessageRequestSchema, (_req, extra) => {
        samplingAsked();
        return new Promise((_resolve, reject) => {
          extra.signal.addEventListener('abort', () => {
            serverCancelledItsRequest = true;
            reject(new Error('cancelled'));
          });
        });
      });
      const abort = new AbortController();
      const call = client.callTool({ name: 'test_sampling', arguments: { prompt: 'hello' } },
                                   undefined, { signal: abort.signal, timeout: 30000 });
      await asked;
      abort.abort('test cancels the call');
      let rejected = false;
      try {
        await call;
      } catch {
        rejected = true;
      }
      check(rejected, 'the aborted call rejects on the client');
      // The server ended the call: nothing is running any more, and it still answers.
      if (kind === 'streamable') {
        await eventually(async () => (await inFlightToolCalls(fixtures.base)) === 0, 5000,
                         'no tool call in flight');
      }
      await client.ping();
      const again = await client.callTool({ name: 'test_simple_text', arguments: {} });
      check(!again.isError, 'the session still serves calls after a cancellation');
      // Should the server withdraw its own pending sampling request (notifications/cancelled)?
      // The spec says SHOULD; herald's dispatcher does it on timeout only (reported).
      if (!serverCancelledItsRequest) {
        console.log(`note: ${kind}: the server did not send notifications/cancelled for its ` +
                    'pending sampling request when the call was cancelled');
      }
    }],
    [`${kind}: close`, async () => {
      await client.close();
    }],
  ];
}

const steps = [
  ['start herald serve --conformance-fixtures', async () => {
    fixtures = await startServe(herald, ['--conformance-fixtures']);
  }],
  ...httpSteps('streamable'),
  ...httpSteps('sse'),
  ['fixtures server stops cleanly on SIGTERM', async () => {
    const status = await fixtures.stop();
    fixtures = undefined;
    equal(status.code, 0, 'exit code');
  }],

  ['start herald serve (API keys, first start)', async () => {
    keyed = await startServe(herald, []);
    check(keyed.key, 'the first start printed an admin key');
  }],
  ['streamable: no key is 401', async () => {
    const client = newClient();
    let error;
    try {
      await client.connect(transportFor('streamable', keyed.base));
    } catch (e) {
      error = e;
    }
    check(error, 'connecting without a key fails');
    const r = await fetch(`${keyed.base}/mcp`, { method: 'POST', body: '{}',
                                                 headers: { 'Content-Type': 'application/json' } });
    equal(r.status, 401, 'status');
    check((r.headers.get('www-authenticate') ?? '').includes('resource_metadata='),
          'WWW-Authenticate points at the resource metadata');
  }],
  ['streamable + sse: the admin key works', async () => {
    for (const kind of ['streamable', 'sse']) {
      const client = newClient();
      await client.connect(transportFor(kind, keyed.base, { Authorization: `Bearer ${keyed.key}` }));
      const { tools } = await client.listTools();
      check(Array.isArray(tools), `${kind}: tools/list answered`);
      check(!tools.some((t) => t.name.startsWith('test_')), `${kind}: no fixtures in production`);
      const { prompts } = await client.listPrompts();
      check(prompts.some((p) => p.name === 'plan_week'), `${kind}: herald's prompts are listed`);
      await client.close();
    }
  }],
  ['stdio: HERALD_API_KEY, list and call', async () => {
    const transport = new StdioClientTransport({
      command: herald,
      args: ['--data', keyed.dataDir, '--log-level', 'warn', 'stdio', '--no-workers'],
      env: { ...process.env, HERALD_API_KEY: keyed.key },
      stderr: 'pipe',
    });
    const client = newClient();
    await client.connect(transport);
    equal(client.getServerVersion()?.name, 'herald', 'serverInfo.name over stdio');
    const { tools } = await client.listTools();
    const prompt = await client.getPrompt({ name: 'plan_week', arguments: {} }).catch((e) => e);
    check(!(prompt instanceof Error) || /argument/i.test(String(prompt)),
          `prompts/get answered: ${prompt}`);
    // Call a cheap read-only production tool when one is registered; otherwise check that an
    // unknown tool is refused cleanly (the production tools land with the core/tools branches).
    const readOnly = tools.find((t) => ['list_platforms', 'list_accounts', 'list_posts'].includes(t.name));
    if (readOnly) {
      const r = await client.callTool({ name: readOnly.name, arguments: {} });
      check(!r.isError, `${readOnly.name} over stdio: ${JSON.stringify(r.content)}`);
    } else {
      console.log('note: no production read-only tool registered yet; checking the error path');
      let refused = false;
      try {
        const r = await client.callTool({ name: 'no_such_tool', arguments: {} });
        refused = r.isError === true;
      } catch {
        refused = true;
      }
      check(refused, 'an unknown tool is refused');
    }
    await client.close();
  }],
  ['keyed server stops cleanly on SIGTERM', async () => {
    const status = await keyed.stop();
    keyed = undefined;
    equal(status.code, 0, 'exit code');
  }],
];

await runSteps(steps, async () => {
  if (fixtures) await fixtures.stop();
  if (keyed) await keyed.stop();
});
