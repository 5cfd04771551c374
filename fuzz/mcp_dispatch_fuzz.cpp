// libFuzzer target: the MCP parse-and-dispatch path (Dispatcher::HandleText) with fake tools.
//
// The input is a sequence of messages separated by '\n', handled in order on one session, so the
// fuzzer can reach states behind initialize (batches, tools/call with argument validation,
// cancellation, client responses). The first byte picks a prologue: 0 = none, 1..4 = initialize
// with one of the supported versions first (and client capabilities), so deep paths are reached
// without having to discover the handshake. Fake tools never wait for a client.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/log.h"
#include "mcp/protocol/protocol_version.h"
#include "mcp/server/dispatcher.h"
#include "tools/tool.h"

namespace herald::mcp {
namespace {

using ToolResult = base::Result<tools::ToolOutput>;

class NullOutbound final : public Outbound {
 public:
  bool Send(const Json& message) override {
    // Serialize like a transport would, to exercise the same paths.
    return !base::DumpJson(message).empty();
  }
  bool open() const override { return true; }
};

class FuzzTool final : public tools::Tool {
 public:
  FuzzTool(std::string name, base::Role role, int behaviour) : behaviour_(behaviour) {
    spec_.name = std::move(name);
    spec_.description = "fuzz tool";
    spec_.required_role = role;
  }
  const tools::ToolSpec& spec() const override { return spec_; }
  base::Task<ToolResult> Call(Json args, tools::ToolContext& ctx) override {
    switch (behaviour_) {
      case 0:
        ctx.Progress(1, 3, "one");
        ctx.Log(tools::LogLevel::kInfo, args);
        co_return tools::ToolOutput{Json{{"post_id", "post_1"}}};
      case 1:
        co_return base::InvalidArgument("bad thing");
      case 2:
        co_return base::Internal("secret detail");
      default: {
        // A client request the fuzzer can answer, cancel or ignore: with no sampling capability
        // it fails at once; otherwise it times out quickly.
        auto r = co_await ctx.Request("sampling/createMessage", Json::object(),
                                      std::chrono::milliseconds(1));
        co_return tools::ToolOutput{Json{{"post_id", r.ok() ? "ok" : "failed"}}};
      }
    }
  }

 private:
  tools::ToolSpec spec_;
  int behaviour_;
};

Dispatcher* MakeDispatcher() {
  auto* d = new Dispatcher();
  Json schema = Json::parse(R"json({
    "type": "object", "additionalProperties": false, "required": ["text"],
    "properties": {
      "text": {"type": "string", "minLength": 1, "maxLength": 50},
      "accounts": {"type": "array", "items": {"type": "string", "pattern": "^acc_[A-Z0-9]+$"}},
      "publish_at": {"type": "string", "format": "date-time"},
      "mode": {"enum": ["a", "b"]},
      "n": {"type": "integer", "minimum": 0, "maximum": 9},
      "media": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
      "thread": {"type": "array", "items": {"$ref": "#/$defs/part"}}
    },
    "$defs": {"part": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}}
  })json");
  Json output =
      Json::parse(R"json({"type":"object","properties":{"post_id":{"type":"string"}}})json");
  const char* names[] = {"schedule_post", "fails", "breaks", "asks"};
  for (int i = 0; i < 4; ++i) {
    (void)d->tools().RegisterWithSchemas(
        std::make_unique<FuzzTool>(names[i], i == 1 ? base::Role::kAdmin : base::Role::kViewer, i),
        schema, output);
  }
  (void)d->resources().Add({"x://a", "a", "", "d", "text/plain"},
                           [](std::string uri, base::Caller) -> base::Task<base::Result<Json>> {
                             co_return Json::array({{{"uri", uri}, {"text", "a"}}});
                           });
  (void)d->resources().AddTemplate({"x://t/{id}", "t", "", "d", ""},
                                   [](std::string uri, std::map<std::string, std::string> v,
                                      base::Caller) -> base::Task<base::Result<Json>> {
                                     co_return Json::array({{{"uri", uri}, {"text", v["id"]}}});
                                   });
  (void)d->prompts().Add(
      {"p", "", "d", {{"a", "", "", true}}},
      [](const std::map<std::string, std::string>& a) -> base::Result<Json> {
        return Json::array(
            {{{"role", "user"}, {"content", {{"type", "text"}, {"text", a.at("a")}}}}});
      });
  return d;
}

}  // namespace
}  // namespace herald::mcp

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)herald::base::InitLogging(herald::base::LogFormat::kText, "off");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace herald::mcp;  // NOLINT
  static Dispatcher* dispatcher = MakeDispatcher();
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  int prologue = static_cast<unsigned char>(input[0]) % 5;
  input.remove_prefix(1);

  boost::asio::io_context io;
  auto session = dispatcher->NewSession(
      herald::base::Caller{"org", "",
                           prologue % 2 ? herald::base::Role::kViewer : herald::base::Role::kAdmin},
      "fuzz");
  auto outbound = std::make_shared<NullOutbound>();
  auto run = [&](std::string text) {
    boost::asio::co_spawn(
        io,
        [&, text = std::move(text)]() mutable -> herald::base::Task<void> {
          auto reply = co_await dispatcher->HandleText(session, std::move(text), outbound);
          if (reply.has_value() && reply->find('\n') != std::string::npos) __builtin_trap();
        },
        boost::asio::detached);
  };
  if (prologue > 0) {
    auto version = SupportedProtocolVersions()[static_cast<size_t>(prologue - 1)];
    run(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")" +
        std::string(version) + R"(","capabilities":{"sampling":{}}}})");
  }
  while (!input.empty()) {
    size_t nl = input.find('\n');
    run(std::string(input.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  io.run();
  session->Close();
  return 0;
}
