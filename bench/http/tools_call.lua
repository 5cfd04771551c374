-- wrk script: POST /mcp tools/call in one MCP session over keep-alive connections.
-- Environment: MCP_SESSION (Mcp-Session-Id, empty for nginx), MCP_TOOL, HERALD_API_KEY (optional).
-- Every request gets a unique JSON-RPC id ("<thread>-<n>"): ids must be unique among a
-- session's requests in flight.
local threads = {}
local counter = 0
local thread_id = 0
local tool = os.getenv("MCP_TOOL") or "test_simple_text"

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
  wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
  local session = os.getenv("MCP_SESSION") or ""
  if session ~= "" then wrk.headers["Mcp-Session-Id"] = session end
  local key = os.getenv("HERALD_API_KEY") or ""
  if key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
end

function request()
  counter = counter + 1
  local body = '{"jsonrpc":"2.0","id":"' .. thread_id .. '-' .. counter ..
               '","method":"tools/call","params":{"name":"' .. tool .. '","arguments":{}}}'
  return wrk.format(nil, "/mcp", nil, body)
end

bad = 0
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"result"', 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, t in ipairs(threads) do wrong = wrong + (t:get("bad") or 0) end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d wrong=%d\n",
                         summary.requests / seconds, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, summary.requests,
                         summary.errors.status + summary.errors.connect + summary.errors.read +
                         summary.errors.write + summary.errors.timeout, wrong))
end
