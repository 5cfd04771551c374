// mcp_load: drives `schedule_post` over MCP Streamable HTTP (POST /mcp, JSON-RPC tools/call)
// from N keep-alive connections and reports durable posts per second and latency percentiles.
//
//   mcp_load --url http://127.0.0.1:8080 --key hk_... --accounts acc_1,acc_2,...
//            [--connections 32] [--seconds 10] [--warmup 2] [--stateless]
//            [--publish-in-s 2592000] [--publish-at-spread-s 0]
//
// Each connection initializes its own MCP session (unless --stateless), then calls
// schedule_post in a loop with unique text, accounts round robin. A call counts when the
// response is a JSON-RPC result without isError (the post is committed before the server
// answers). Answers may be JSON or an SSE stream (the last `data:` event is the response).
// Prints one JSON line. With --publish-at-spread-s the publish_at values are spread uniformly
// over [now + publish-in, now + publish-in + spread] and every created post id with its
// publish_at is written to --record FILE (for the scheduling-precision measurement).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/async.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/time.h"

namespace herald::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using base::Json;

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string key;
  std::vector<std::string> accounts;
  int connections = 32;
  int seconds = 10;
  int warmup = 2;
  bool stateless = false;
  int64_t publish_in_s = 30LL * 24 * 3600;
  int64_t spread_s = 0;
  std::string record;
  std::string publish_at;  // a fixed publish_at for every post (RFC 3339); "" = relative
  int64_t max_calls = 0;  // stop after this many successful calls (0 = time only)
};

struct Shared {
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> started{0};
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::vector<std::string> records;  // "post_id<TAB>text<TAB>publish_at"
  std::string first_error;
};

// The JSON-RPC response in `body`: plain JSON, or the last `data:` line of an SSE stream.
Json ParseAnswer(const std::string& body) {
  if (!body.empty() && (body[0] == '{' || body[0] == '[')) return Json::parse(body, nullptr, false);
  Json last;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    std::string_view line(body.data() + pos, end - pos);
    if (line.rfind("data:", 0) == 0) {
      auto j = Json::parse(line.substr(5), nullptr, false);
      if (!j.is_discarded() && j.contains("id")) last = j;
    }
    pos = end + 1;
  }
  return last;
}

// JSON built outside the coroutine: GCC 12 miscompiles initializer lists in coroutine bodies
// ("array used as initializer").
Json InitializeMessage(int64_t id) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "initialize"},
          {"params",
           {{"protocolVersion", "2025-06-18"},
            {"capabilities", Json::object()},
            {"clientInfo", {{"name", "mcp_load"}, {"version", "1"}}}}}};
}

Json InitializedNotification() { return {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}; }

Json ScheduleCall(int64_t id, const std::string& account, const std::string& text,
                  base::Time at) {
  Json args = {{"accounts", Json::array({account})},
               {"text", text},
               {"publish_at", base::FormatRfc3339(at)}};
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params", {{"name", "schedule_post"}, {"arguments", std::move(args)}}}};
}

base::Task<void> Client(int index, Options o, Shared& shared) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  beast::tcp_stream stream(ex);
  auto resolved = co_await resolver.async_resolve(o.host, o.port, base::kNoThrow);
  if (std::get<0>(resolved)) co_return;
  auto connected = co_await stream.async_connect(std::get<1>(resolved), base::kNoThrow);
  beast::error_code ec_c = std::get<0>(connected);
  if (ec_c) {
    std::lock_guard lock(shared.mu);
    if (shared.first_error.empty()) shared.first_error = "connect: " + ec_c.message();
    co_return;
  }
  std::string session_id;
  int64_t next_id = 1;
  beast::flat_buffer buffer;
  auto call = [&](const Json& message, http::response<http::string_body>& res)
      -> base::Task<beast::error_code> {
    http::request<http::string_body> req{http::verb::post, "/mcp", 11};
    req.set(http::field::host, o.host + ":" + o.port);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json, text/event-stream");
    req.set(http::field::authorization, "Bearer " + o.key);
    req.set("MCP-Protocol-Version", "2025-06-18");
    if (!session_id.empty()) req.set("Mcp-Session-Id", session_id);
    req.keep_alive(true);
    req.body() = message.dump();
    req.prepare_payload();
    stream.expires_after(std::chrono::seconds(30));
    auto written = co_await http::async_write(stream, req, base::kNoThrow);
    if (std::get<0>(written)) co_return std::get<0>(written);
    auto read = co_await http::async_read(stream, buffer, res, base::kNoThrow);
    co_return std::get<0>(read);
  };
  if (!o.stateless) {
    Json init = InitializeMessage(next_id++);
    http::response<http::string_body> res;
    if (auto ec = co_await call(init, res); ec || res.result_int() != 200) {
      std::lock_guard lock(shared.mu);
      if (shared.first_error.empty()) {
        shared.first_error = "initialize: " + (ec ? ec.message() : std::to_string(res.result_int()) + " " + res.body());
      }
      co_return;
    }
    session_id = std::string(res["Mcp-Session-Id"]);
    http::response<http::string_body> res2;
    (void)co_await call(InitializedNotification(), res2);
  }
  std::mt19937_64 rng(static_cast<uint64_t>(index) * 7919 + 1);
  int64_t n = 0;
  while (!shared.stop) {
    if (o.max_calls > 0 && shared.started.fetch_add(1) >= o.max_calls) break;
    const std::string& account = o.accounts[static_cast<size_t>(index + n) % o.accounts.size()];
    base::Time at = base::SystemClock::Instance().Now() + std::chrono::seconds(o.publish_in_s);
    if (o.spread_s > 0) {
      at += std::chrono::microseconds(static_cast<int64_t>(
          std::uniform_int_distribution<int64_t>(0, o.spread_s * 1'000'000)(rng)));
    }
    if (!o.publish_at.empty()) at = *base::ParseRfc3339(o.publish_at);
    std::string text = "load " + std::to_string(index) + "-" + std::to_string(n++);
    Json msg = ScheduleCall(next_id++, account, text, at);
    http::response<http::string_body> res;
    auto t0 = std::chrono::steady_clock::now();
    auto ec = co_await call(msg, res);
    auto t1 = std::chrono::steady_clock::now();
    if (ec) {
      shared.errors++;
      std::lock_guard lock(shared.mu);
      if (shared.first_error.empty()) shared.first_error = ec.message();
      break;
    }
    Json answer = ParseAnswer(res.body());
    bool good = res.result_int() == 200 && answer.contains("result") &&
                !answer["result"].value("isError", false);
    if (!good) {
      shared.errors++;
      std::lock_guard lock(shared.mu);
      if (shared.first_error.empty()) shared.first_error = res.body().substr(0, 500);
      continue;
    }
    if (shared.measuring) {
      shared.ok++;
      std::lock_guard lock(shared.mu);
      shared.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      if (!o.record.empty()) {
        const Json& sc = answer["result"]["structuredContent"];
        shared.records.push_back(sc.value("post_id", std::string()) + "\t" + text + "\t" +
                                 sc.value("publish_at", std::string()));
      }
    }
  }
}

int Run(Options o) {
  asio::io_context io;
  Shared shared;
  for (int i = 0; i < o.connections; ++i) {
    asio::co_spawn(io, Client(i, o, shared), asio::detached);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&] { io.run(); });
  std::this_thread::sleep_for(std::chrono::seconds(o.warmup));
  shared.measuring = true;
  auto start = std::chrono::steady_clock::now();
  if (o.max_calls > 0) {
    while (!io.stopped() && shared.ok + shared.errors < o.max_calls &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(o.seconds)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } else {
    std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  }
  shared.measuring = false;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  shared.stop = true;
  for (auto& t : threads) t.join();
  std::vector<double> l = shared.latencies_ms;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) {
    return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<size_t>(p * l.size()))];
  };
  Json out = {{"bench", "schedule_post over Streamable HTTP"},
              {"connections", o.connections},
              {"stateless", o.stateless},
              {"ok", shared.ok.load()},
              {"errors", shared.errors.load()},
              {"seconds", elapsed},
              {"per_second", static_cast<double>(shared.ok.load()) / elapsed},
              {"p50_ms", pct(0.5)},
              {"p99_ms", pct(0.99)},
              {"max_ms", l.empty() ? 0.0 : l.back()}};
  if (!shared.first_error.empty()) out["first_error"] = shared.first_error;
  std::printf("%s\n", out.dump().c_str());
  if (!o.record.empty()) {
    std::ofstream f(o.record);
    for (const auto& line : shared.records) f << line << '\n';
  }
  return shared.ok > 0 ? 0 : 1;
}

}  // namespace
}  // namespace herald::bench

int main(int argc, char** argv) {
  herald::bench::Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--url") {
      std::string url = next();
      auto rest = url.substr(url.find("://") + 3);
      auto colon = rest.find(':');
      o.host = rest.substr(0, colon);
      o.port = rest.substr(colon + 1);
      if (auto slash = o.port.find('/'); slash != std::string::npos) o.port.resize(slash);
    } else if (a == "--key") {
      o.key = next();
    } else if (a == "--accounts") {
      std::string list = next();
      size_t pos = 0;
      while (pos <= list.size()) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        if (comma > pos) o.accounts.push_back(list.substr(pos, comma - pos));
        pos = comma + 1;
      }
    } else if (a == "--connections") {
      o.connections = std::stoi(next());
    } else if (a == "--seconds") {
      o.seconds = std::stoi(next());
    } else if (a == "--warmup") {
      o.warmup = std::stoi(next());
    } else if (a == "--stateless") {
      o.stateless = true;
    } else if (a == "--publish-in-s") {
      o.publish_in_s = std::stoll(next());
    } else if (a == "--publish-at-spread-s") {
      o.spread_s = std::stoll(next());
    } else if (a == "--record") {
      o.record = next();
    } else if (a == "--publish-at") {
      o.publish_at = next();
      if (!herald::base::ParseRfc3339(o.publish_at).ok()) {
        std::fprintf(stderr, "mcp_load: --publish-at must be RFC 3339\n");
        return 2;
      }
    } else if (a == "--max-calls") {
      o.max_calls = std::stoll(next());
    } else {
      std::fprintf(stderr, "mcp_load: unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  if (o.accounts.empty() || o.key.empty()) {
    std::fprintf(stderr, "mcp_load: --key and --accounts are required\n");
    return 2;
  }
  return herald::bench::Run(o);
}
