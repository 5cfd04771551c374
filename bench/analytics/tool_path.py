#!/usr/bin/env python3
"""analytics_report as a user calls it: MCP tools/call over Streamable HTTP with an API key, one
keep-alive connection, the real tool and its whole answer. Prints a Markdown row per report
shape with p50 and p99 of the round trip.

  tool_path.py URL API_KEY BACKEND REPS
"""
import datetime
import http.client
import json
import sys
import time
import urllib.parse

url, key, backend, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
herald_pid = sys.argv[5] if len(sys.argv) > 5 else ""


def peak_rss():
    """herald's peak resident memory so far (VmHWM), when its pid was given."""
    if not herald_pid:
        return ""
    with open(f"/proc/{herald_pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return f" | {int(line.split()[1]) // 1024} MiB"
    return ""


print(f"{backend}: herald peak RSS before the first report{peak_rss()}")
parsed = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
headers = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
    "Authorization": "Bearer " + key,
}
rpc_id = 0


def post(body, session=None):
    h = dict(headers)
    if session:
        h["Mcp-Session-Id"] = session
        h["MCP-Protocol-Version"] = "2025-11-25"
    conn.request("POST", "/mcp", json.dumps(body), h)
    resp = conn.getresponse()
    data = resp.read().decode()
    if resp.status >= 300:
        sys.exit(f"HTTP {resp.status}: {data[:300]}")
    if data.startswith("event:") or data.startswith("data:"):
        data = "".join(l[5:] for l in data.splitlines() if l.startswith("data:"))
    return resp, (json.loads(data) if data.strip() else None)


resp, _ = post({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                           "clientInfo": {"name": "bench", "version": "1"}}})
session = resp.getheader("Mcp-Session-Id")
post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session)

END = "2026-12-01T00:00:00Z"
END_TIME = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
cases = [("7 days, by account", 7, "account", False),
         ("30 days, by day", 30, "day", False),
         ("30 days, by account, PNG chart", 30, "account", True),
         ("90 days, by week", 90, "week", False),
         ("365 days, by account", 365, "account", False),
         ("365 days, by week", 365, "week", False),
         ("365 days, by account, PNG chart", 365, "account", True)]
print(f"| {backend}, MCP tools/call over HTTP | posts in range | answer bytes | p50 ms | p99 ms |"
      + (" herald peak RSS |" if herald_pid else ""))
print("|---|---:|---:|---:|---:|" + ("---:|" if herald_pid else ""))
for name, days, group_by, chart in cases:
    start_day = (END_TIME - datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    args = {"from": start_day, "to": END, "group_by": group_by, "timezone": "Europe/Paris",
            "top_posts": 5, "chart": chart}
    times, posts, size = [], 0, 0
    for i in range(reps + 2):  # two warm-ups
        rpc_id += 1
        t0 = time.perf_counter()
        conn.request("POST", "/mcp", json.dumps(
            {"jsonrpc": "2.0", "id": rpc_id, "method": "tools/call",
             "params": {"name": "analytics_report", "arguments": args}}),
            dict(headers, **{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}))
        resp = conn.getresponse()
        raw = resp.read()
        elapsed = (time.perf_counter() - t0) * 1000
        text = raw.decode()
        if text.startswith("event:") or text.startswith("data:"):
            text = "".join(l[5:] for l in text.splitlines() if l.startswith("data:"))
        answer = json.loads(text)
        result = answer.get("result")
        if not result or result.get("isError"):
            sys.exit(f"{name}: {text[:500]}")
        posts = result["structuredContent"]["totals"]["posts"]
        size = len(raw)
        if i >= 2:
            times.append(elapsed)
    times.sort()
    pct = lambda p: times[min(len(times) - 1, int(p * (len(times) - 1) + 0.5))]
    print(f"| {name} | {posts:,} | {size:,} | {pct(0.5):.1f} | {pct(0.99):.1f}{peak_rss()} |")
    sys.stdout.flush()
