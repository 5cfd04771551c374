// Dispatcher::HandleText end to end (parse, route, validate, run a trivial tool, serialize) on a
// single-threaded io_context. Run: build/bench/mcp_dispatch_bench
#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "base/log.h"
#include "mcp/server/dispatcher.h"

namespace herald::mcp {
namespace {

class EchoTool final : public tools::Tool {
 public:
  explicit EchoTool(std::string name) {
    spec_.name = std::move(name);
    spec_.description = "Schedules nothing; benchmark tool.";
  }
  const tools::ToolSpec& spec() const override { return spec_; }
  base::Task<base::Result<tools::ToolOutput>> Call(Json, tools::ToolContext&) override {
    co_return tools::ToolOutput{
        Json{{"post_id", "post_01JD3Q8Z6X0000000000000000"}, {"status", "scheduled"}}};
  }

 private:
  tools::ToolSpec spec_;
};

Json PostSchema() {
  return Json::parse(R"json({
    "type": "object", "additionalProperties": false, "required": ["text", "accounts"],
    "properties": {
      "text": {"type": "string", "minLength": 1, "maxLength": 5000},
      "accounts": {"type": "array", "minItems": 1, "maxItems": 20,
                   "items": {"type": "string", "pattern": "^acc_[0-9A-Z]{26}$"}},
      "publish_at": {"type": "string", "format": "date-time"},
      "time_zone": {"type": "string"},
      "idempotency_key": {"type": "string", "maxLength": 200},
      "media": {"type": "array", "items": {"type": "string"}}
    }
  })json");
}

struct Fixture {
  Fixture() {
    (void)base::InitLogging(base::LogFormat::kText, "off");
    dispatcher.tools().set_check_output(false);
    for (int i = 0; i < 30; ++i) {
      (void)dispatcher.tools().RegisterWithSchemas(
          std::make_unique<EchoTool>(i == 0 ? "schedule_post" : "tool_" + std::to_string(i)),
          PostSchema(), nullptr);
    }
    session = dispatcher.NewSession(base::Caller{"org", "", base::Role::kAdmin}, "bench");
    Run(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
  }
  std::size_t Run(const std::string& text) {
    std::size_t size = 0;
    boost::asio::co_spawn(
        io,
        [&]() -> base::Task<void> {
          auto reply = co_await dispatcher.HandleText(session, text, nullptr);
          size = reply ? reply->size() : 0;
        },
        boost::asio::detached);
    io.restart();
    io.run();
    return size;
  }
  boost::asio::io_context io;
  Dispatcher dispatcher;
  std::shared_ptr<Session> session;
};

void Measure(benchmark::State& state, const std::string& text) {
  static Fixture fixture;
  std::size_t bytes = 0;
  for (auto _ : state) bytes += fixture.Run(text);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_Ping(benchmark::State& state) {
  Measure(state, R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
}
void BM_ToolsList30(benchmark::State& state) {
  Measure(state, R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
}
void BM_ToolsCallValid(benchmark::State& state) {
  Measure(
      state,
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"schedule_post","arguments":{"text":"Launch day! Our new release is out.","accounts":["acc_01JD3Q8Z6X0000000000000000","acc_01JD3Q8Z6X0000000000000001"],"publish_at":"2026-03-01T09:00:00+01:00","idempotency_key":"launch-1"}}})");
}
void BM_ToolsCallInvalid(benchmark::State& state) {
  Measure(
      state,
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"schedule_post","arguments":{"txt":"x","accounts":["acc_1",7],"publish_at":"tomorrow"}}})");
}

BENCHMARK(BM_Ping);
BENCHMARK(BM_ToolsList30);
BENCHMARK(BM_ToolsCallValid);
BENCHMARK(BM_ToolsCallInvalid);

}  // namespace
}  // namespace herald::mcp

BENCHMARK_MAIN();
