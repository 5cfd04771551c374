#!/usr/bin/env bash
# A tour of herald's HTTP interfaces with nothing but curl:
#   1. MCP over Streamable HTTP (POST /mcp): initialize, notifications/initialized, tools/list,
#      tools/call, then DELETE the session;
#   2. the same tool through REST (POST /api/v1/tools/{name}) and the OpenAPI document.
#
#   HERALD_URL=http://127.0.0.1:8080 HERALD_API_KEY=hk_... ./curl-walkthrough.sh [tool] [json args]
#
# The default tool is list_platforms with {} (read-only). Needs curl; prints every answer.
set -euo pipefail

URL="${HERALD_URL:-http://127.0.0.1:8080}"
KEY="${HERALD_API_KEY:?set HERALD_API_KEY to an API key (herald keys create --name me)}"
TOOL="${1:-list_platforms}"
ARGS="${2:-{\}}"
AUTH="Authorization: Bearer $KEY"
JSON="Content-Type: application/json"
ACCEPT="Accept: application/json, text/event-stream"
headers=$(mktemp)
trap 'rm -f "$headers"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "initialize (POST /mcp)"
curl -sS --fail-with-body -D "$headers" "$URL/mcp" -H "$AUTH" -H "$JSON" -H "$ACCEPT" -d '{
  "jsonrpc": "2.0", "id": 1, "method": "initialize",
  "params": {"protocolVersion": "2025-11-25", "capabilities": {},
             "clientInfo": {"name": "curl-walkthrough", "version": "1.0"}}}'
echo
SESSION=$(tr -d '\r' < "$headers" | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}')
[ -n "$SESSION" ] || { echo "no Mcp-Session-Id in the answer" >&2; exit 1; }
echo "session: $SESSION"
MCP=(-H "$AUTH" -H "$JSON" -H "$ACCEPT" -H "Mcp-Session-Id: $SESSION" -H "MCP-Protocol-Version: 2025-11-25")

step "notifications/initialized (answered 202, no body)"
curl -sS --fail-with-body -o /dev/null -w '%{http_code}\n' "$URL/mcp" "${MCP[@]}" \
  -d '{"jsonrpc": "2.0", "method": "notifications/initialized"}'

step "tools/list"
curl -sS --fail-with-body "$URL/mcp" "${MCP[@]}" -d '{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}'
echo

step "tools/call $TOOL $ARGS"
# A plain call answers with JSON; a call that reports progress answers with an event stream.
curl -sS --fail-with-body "$URL/mcp" "${MCP[@]}" \
  -d "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"tools/call\",
       \"params\": {\"name\": \"$TOOL\", \"arguments\": $ARGS}}"
echo

step "end the session (DELETE /mcp)"
curl -sS --fail-with-body -o /dev/null -w '%{http_code}\n' -X DELETE "$URL/mcp" "${MCP[@]}"

step "REST: POST /api/v1/tools/$TOOL"
# Errors come back as {"error":{"code","message"}} with 400/401/403/404/409/429/503.
curl -sS -w '\nHTTP %{http_code}\n' "$URL/api/v1/tools/$TOOL" -H "$AUTH" -H "$JSON" -d "$ARGS"

step "REST: the OpenAPI document (GET /api/v1/openapi.json)"
curl -sS --fail-with-body -o "$headers" "$URL/api/v1/openapi.json" -H "$AUTH"
echo "$(wc -c < "$headers") bytes; $(grep -o '"openapi":"[^"]*"' "$headers")"

step "REST: posts (GET /api/v1/posts: newest first, paginated)"
curl -sS --fail-with-body "$URL/api/v1/posts?limit=5" -H "$AUTH"
echo

step "REST: bad input names the field (POST /api/v1/posts/validate, 400)"
# Bad input names the field; nothing is stored.
curl -sS -w '\nHTTP %{http_code}\n' "$URL/api/v1/posts/validate" -H "$AUTH" -H "$JSON" \
  -d '{"accounts": ["acc_doesnotexist0000000000"], "text": "hello"}'
