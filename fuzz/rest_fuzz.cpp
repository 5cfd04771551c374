// libFuzzer target: the REST surface (transport/rest/rest_api) behind herald's router: routing of
// method + path (path parameters, 405, no match), query parameters converted to tool arguments
// by the input schemas' declared types, JSON bodies, {id} mapping, argument validation against
// the real embedded tool schemas, and the mapping of tool results and errors to HTTP answers.
//
// Input: the first line is "METHOD TARGET" (e.g. "GET /api/v1/posts?limit=5&status=queued"),
// the rest is the request body. The request is built as the HTTP connection builds it
// (SplitTarget, PercentDecode, ParseQuery) and served by RestApi::Serve with fake tools that
// are registered under the production schemas (so validation is the real one) and answer in
// one of four ways (structured output, tool-level error, herald error, content only).
// Checked besides "no crash": every answer has a JSON body; errors are {"error":{"code",
// "message"}} with a 4xx/5xx status.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/log.h"
#include "http/request_target.h"
#include "http/router.h"
#include "transport/rest/rest_api.h"
#include "mcp/server/tool_registry.h"
#include "schemas/schemas.h"
#include "tools/tool.h"

namespace herald::transport {
namespace {

#define FUZZ_CHECK(cond)           \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

using ToolResult = base::Result<tools::ToolOutput>;

class FakeTool final : public tools::Tool {
 public:
  explicit FakeTool(std::string name) {
    spec_.name = std::move(name);
    spec_.description = "fake " + spec_.name;
    spec_.required_role = base::Role::kViewer;
  }
  const tools::ToolSpec& spec() const override { return spec_; }
  base::Task<ToolResult> Call(base::Json args, tools::ToolContext&) override {
    std::string dump = base::DumpJson(args);
    switch (dump.size() % 4) {
      case 0:
        co_return tools::ToolOutput{args};
      case 1: {
        tools::ToolOutput out;
        out.is_error = true;
        out.content = base::Json::array({{{"type", "text"}, {"text", "refused: " + dump}}});
        co_return out;
      }
      case 2:
        co_return base::NotFound("no post " + dump);
      default: {
        tools::ToolOutput out;
        out.content = base::Json::array({{{"type", "text"}, {"text", dump}}});
        co_return out;
      }
    }
  }

 private:
  tools::ToolSpec spec_;
};

struct Fixture {
  mcp::ToolRegistry tools;
  std::optional<RestApi> rest;
  http::Router router;

  Fixture() {
    tools.set_check_output(false);
    constexpr std::string_view kPrefix = "tools/";
    constexpr std::string_view kSuffix = ".input.json";
    for (const auto& file : schemas::All()) {
      std::string_view p = file.path;
      if (!p.starts_with(kPrefix) || !p.ends_with(kSuffix)) continue;
      std::string name(p.substr(kPrefix.size(), p.size() - kPrefix.size() - kSuffix.size()));
      // One tool stays unregistered, for the "not available" answer.
      if (name == "retry_post") continue;
      if (auto r = tools.Register(std::make_unique<FakeTool>(name)); !r.ok()) __builtin_trap();
    }
    rest.emplace(tools);
    for (const RestRoute& route : RestRoutes()) {
      const RestRoute* r = &route;
      router.Add(
          std::string(route.method), std::string(route.pattern),
          [this, r](http::Request req) -> base::Task<http::Response> {
            return rest->Serve(*r, std::move(req),
                               base::Caller{"org_fuzz", "key_fuzz", base::Role::kAdmin});
          },
          http::RouteOptions{.body_limit = route.body_limit});
    }
    // The OpenAPI document is generated from the same table and schemas.
    FUZZ_CHECK(rest->OpenApi("http://127.0.0.1:8080").contains("paths"));
  }
};

void CheckAnswer(const http::Response& resp) {
  FUZZ_CHECK(resp.status >= 200 && resp.status < 600);
  auto body = base::ParseJson(resp.body);
  FUZZ_CHECK(body.ok());
  if (resp.status >= 400) {
    const base::Json& j = *body;
    FUZZ_CHECK(j.is_object() && j.contains("error") && j["error"].is_object());
    FUZZ_CHECK(j["error"].contains("code") && j["error"]["code"].is_string());
    FUZZ_CHECK(j["error"].contains("message") && j["error"]["message"].is_string());
  }
}

}  // namespace
}  // namespace herald::transport

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)herald::base::InitLogging(herald::base::LogFormat::kText, "off");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace herald;  // NOLINT
  static transport::Fixture* fixture = new transport::Fixture();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view line = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return 0;

  http::Request req;
  req.method = std::string(line.substr(0, sp));
  req.target = std::string(line.substr(sp + 1));
  std::string_view raw_path, raw_query;
  if (!http::internal::SplitTarget(req.target, &raw_path, &raw_query)) return 0;
  req.path = http::PercentDecode(raw_path);
  req.query = std::string(raw_query);
  req.query_params = http::ParseQuery(raw_query);
  req.body = std::string(body);
  req.headers.Add("Content-Type", "application/json");

  // The query conversion for every declared type (the production GET routes only declare
  // strings and integers).
  static const base::Json* rich = new base::Json(base::Json::parse(R"json({
    "type": "object",
    "properties": {
      "n": {"type": "integer"}, "x": {"type": "number"}, "b": {"type": "boolean"},
      "s": {"type": ["null", "string"]}, "ids": {"type": "array", "items": {"type": "integer"}},
      "tags": {"type": "array"}, "grid": {"type": "array", "items": {"type": "array",
      "items": {"type": "number"}}}, "odd": {"type": 7}, "o": {"type": "object"}
    }})json"));
  if (auto args = transport::ArgumentsFromQuery(req.query_params, *rich); args.ok()) {
    FUZZ_CHECK(args->is_object());
  } else {
    FUZZ_CHECK(args.error().code() == base::ErrorCode::kInvalidArgument);
  }

  http::Router::Match match = fixture->router.Find(req.method, raw_path);
  if (match.route == nullptr) return 0;
  if (match.route->options.body_limit != 0 && req.body.size() > match.route->options.body_limit) {
    return 0;
  }
  req.route = match.route->pattern;
  req.path_params = std::move(match.params);

  boost::asio::io_context io;
  std::optional<http::Response> answer;
  boost::asio::co_spawn(
      io,
      [&]() -> base::Task<void> { answer = co_await match.route->handler(std::move(req)); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);  // a handler must not throw: let libFuzzer see it
      });
  io.run();
  FUZZ_CHECK(answer.has_value());
  transport::CheckAnswer(*answer);
  return 0;
}
