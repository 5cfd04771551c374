// The official MCP TypeScript SDK v2 client (@modelcontextprotocol/client) against the real
// herald binary, in both eras:
//   2026-07-28 (pinned and auto-negotiated) over Streamable HTTP (stateful and --stateless
//   servers) and over `herald stdio`; the initialize-based era (the client's default) over HTTP.
// Each connection lists tools and calls one; the 2026-07-28 ones also answer a multi-round-trip
// elicitation (herald serve --conformance-fixtures) and see an invalid stdio API key's error.
//
//   node sdk_v2_clients.mjs <path to herald>
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { check, equal, runSteps, startServe } from './lib/herald.mjs';

const herald = process.argv[2];
if (!herald) {
  console.error('usage: node sdk_v2_clients.mjs <path to herald>');
  process.exit(2);
}

const MODERN = '2026-07-28';
let fixtures;   // --conformance-fixtures, stateful
let stateless;  // --conformance-fixtures --stateless
let keyed;      // API keys (first start prints the admin key)

function newClient(mode) {
  const options = { capabilities: { elicitation: {} } };
  if (mode) options.versionNegotiation = { mode };
  return new Client({ name: 'herald-interop-v2', version: '1.0.0' }, options);
}

function http(server, headers = {}) {
  return new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: { headers } });
}

async function listAndCall(client, tool, args = {}) {
  const { tools } = await client.listTools();
  check(tools.some((t) => t.name === tool), `tools/list names ${tool}`);
  return client.callTool({ name: tool, arguments: args });
}

function text(result) {
  return result.content?.find((c) => c.type === 'text')?.text;
}

await runSteps([
  ['start herald serve (fixtures, stateful and stateless; and with API keys)', async () => {
    fixtures = await startServe(herald, ['--conformance-fixtures']);
    stateless = await startServe(herald, ['--conformance-fixtures', '--stateless']);
    keyed = await startServe(herald, ['--no-workers']);
    check(keyed.key, 'the first start printed an admin key');
  }],
  ['v2 client pinned to 2026-07-28 over HTTP: tools and a multi-round-trip elicitation', async () => {
    for (const server of [fixtures, stateless]) {
      const client = newClient({ pin: MODERN });
      client.setRequestHandler('elicitation/create', async () => ({
        action: 'accept', content: { name: 'Ada' },
      }));
      await client.connect(http(server));
      equal(client.getNegotiatedProtocolVersion(), MODERN, 'negotiated version');
      const simple = await listAndCall(client, 'test_simple_text');
      equal(text(simple), 'This is a simple text response for testing.', 'simple text');
      const asked = await client.callTool({ name: 'test_input_required_result_elicitation',
                                            arguments: {} });
      equal(text(asked), 'Hello, Ada!', 'the elicitation answer reached the tool');
      await client.close();
    }
  }],
  ['v2 client, auto negotiation, with an API key: picks 2026-07-28', async () => {
    const client = newClient('auto');
    await client.connect(http(keyed, { Authorization: `Bearer ${keyed.key}` }));
    equal(client.getNegotiatedProtocolVersion(), MODERN, 'negotiated version');
    const result = await listAndCall(client, 'list_platforms');
    check(!result.isError, `list_platforms succeeded: ${JSON.stringify(result).slice(0, 300)}`);
    await client.close();
  }],
  ['v2 client, default (initialize-based era), over HTTP', async () => {
    const client = newClient();
    await client.connect(http(keyed, { Authorization: `Bearer ${keyed.key}` }));
    equal(client.getNegotiatedProtocolVersion(), '2025-11-25', 'negotiated version');
    const result = await listAndCall(client, 'list_platforms');
    check(!result.isError, 'list_platforms succeeded');
    await client.close();
  }],
  ['v2 client pinned to 2026-07-28 over herald stdio', async () => {
    const client = newClient({ pin: MODERN });
    await client.connect(new StdioClientTransport({
      command: herald,
      args: ['--data', keyed.dataDir, '--log-level', 'warn', 'stdio', '--no-workers'],
      env: { ...process.env, HERALD_API_KEY: keyed.key },
      stderr: 'pipe',
    }));
    equal(client.getNegotiatedProtocolVersion(), MODERN, 'negotiated version');
    const result = await listAndCall(client, 'list_platforms');
    check(!result.isError, 'list_platforms succeeded');
    await client.close();
  }],
  ['herald stdio with an invalid HERALD_API_KEY: the client sees why', async () => {
    const client = newClient();
    let error;
    try {
      await client.connect(new StdioClientTransport({
        command: herald,
        args: ['--data', keyed.dataDir, '--log-level', 'warn', 'stdio', '--no-workers'],
        env: { ...process.env, HERALD_API_KEY: 'hk_not_a_real_key' },
        stderr: 'pipe',
      }));
    } catch (e) {
      error = e;
    }
    check(error, 'connect failed');
    check(/HERALD_API_KEY is not valid/.test(String(error?.message)),
          `the error names the key: ${error?.message}`);
    await client.close().catch(() => {});
  }],
], async () => {
  for (const s of [fixtures, stateless, keyed]) if (s) await s.stop();
});
