// The Dispatcher's MCP 2026-07-28 era: requests carrying their protocol version and client
// capabilities in params._meta, served statelessly beside the initialize-based sessions.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "base/crypto.h"
#include "mcp/apps/ui_apps.h"
#include "mcp/protocol/log_level.h"
#include "mcp/protocol/modern_protocol.h"
#include "mcp/server/dispatch_support.h"
#include "mcp/server/dispatcher.h"

namespace herald::mcp {
namespace {

// Methods of 2026-07-28 served through the shared method tables.
constexpr std::array<std::string_view, 8> kModernMethods{
    "tools/list",     "tools/call",   "resources/list", "resources/templates/list",
    "resources/read", "prompts/list", "prompts/get",    "completion/complete"};

// Methods of the initialize-based revisions that 2026-07-28 removed.
constexpr std::array<std::string_view, 5> kLegacyOnlyMethods{
    "initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"};

bool Contains(std::span<const std::string_view> list, std::string_view method) {
  return std::find(list.begin(), list.end(), method) != list.end();
}

// Cache hints (SEP-2549) for the cacheable results: the lists and discover do not depend on
// who asks; a resource's contents do.
struct CacheHint {
  long long ttl_ms;
  std::string_view scope;
};

std::optional<CacheHint> CacheHintFor(std::string_view method) {
  if (method == "server/discover" || method == "tools/list" || method == "prompts/list" ||
      method == "resources/list" || method == "resources/templates/list") {
    return CacheHint{300000, "public"};
  }
  if (method == "resources/read") return CacheHint{0, "private"};
  return std::nullopt;
}

}  // namespace

Json Dispatcher::ServerInfo() const {
  return Json{{"name", "herald"}, {"title", "herald"}, {"version", options_.server_version}};
}

Json Dispatcher::ModernCapabilities() const {
  // No listChanged/subscribe: herald's lists are fixed while it runs, and resource updates
  // reach 2026-07-28 clients through get_post / resources/read.
  return Json{{"tools", Json::object()},
              {"resources", Json::object()},
              {"prompts", Json::object()},
              {"completions", Json::object()},
              {"logging", Json::object()},
              // MCP Apps: tools link ui:// resources (_meta.ui.resourceUri) that hosts render.
              {"extensions", {{std::string(kUiExtension), Json::object()}}}};
}

Task<std::optional<Json>> Dispatcher::HandleModern(std::shared_ptr<Session> session, Json request,
                                                   std::shared_ptr<Outbound> outbound) {
  Json id = request["id"];
  std::string method = request["method"].get<std::string>();
  Json params = request.value("params", Json::object());
  spdlog::debug("session {}: 2026-07-28 request {} {}", session->log_id(), id.dump(), method);
  if (session->closed()) {
    co_return MakeError(id, kInvalidRequest, "Invalid Request: the connection is closed");
  }
  if (auto bad = ValidateModernMeta(params)) co_return MakeError(id, *bad);
  const Json& meta = params["_meta"];
  std::string version = meta[std::string(kMetaProtocolVersion)].get<std::string>();

  if (method == "server/discover") {
    Json supported = Json::array();
    for (auto v : SupportedModernVersions()) supported.push_back(v);
    Json result{{"supportedVersions", std::move(supported)},
                {"capabilities", ModernCapabilities()},
                {"instructions", options_.instructions}};
    co_return FinishModern(method, MakeResult(id, std::move(result)), nullptr);
  }
  if (!Contains(kModernMethods, method)) {
    std::string text = "Method not found: " + method;
    if (Contains(kLegacyOnlyMethods, method)) {
      text += " (removed in " + version +
              "; it exists only after initialize, in 2025-11-25 and "
              "earlier)";
    }
    co_return MakeError(id, kMethodNotFound, std::move(text));
  }

  std::optional<LogLevel> level;
  if (auto it = meta.find(kMetaLogLevel); it != meta.end()) {
    level = it->is_string() ? ParseLogLevel(it->get<std::string>()) : std::nullopt;
    if (!level.has_value()) {
      co_return InvalidParams(id, "_meta[\"" + std::string(kMetaLogLevel) +
                                      "\"] must be one of debug, info, notice, warning, error, "
                                      "critical, alert, emergency");
    }
  }
  // The request's own session: its capabilities, client info and log level come with it.
  auto request_session =
      std::make_shared<Session>(base::RandomToken(), session->caller(), session->transport());
  request_session->MarkModern(version, meta[std::string(kMetaClientCapabilities)],
                              meta.value(std::string(kMetaClientInfo), Json::object()), level);

  std::optional<InputRound> input;
  if (method == "tools/call" || method == "prompts/get") {
    auto round = InputRound::FromParams(params, session->caller(), options_.request_state_secret);
    if (!round.ok()) co_return InvalidParams(id, round.error().message());
    input.emplace(*round);
  }

  // Registered on the connection's session, so notifications/cancelled sent there reaches it.
  std::string key = id.dump();
  auto running = session->BeginRequest(key);
  if (running == nullptr) co_return RequestIdInUse(id, key);
  ScopeExit end_request([session, key] { session->EndRequest(key); });
  Json reply = co_await Route(request_session, running, key, id, method, std::move(params),
                              std::move(outbound), input ? &*input : nullptr);
  request_session->Close();
  if (running->cancelled.load()) co_return std::nullopt;
  co_return FinishModern(method, std::move(reply), input ? &*input : nullptr);
}

Json Dispatcher::FinishModern(std::string_view method, Json reply, const InputRound* input) const {
  if (!reply.is_object()) return reply;
  if (auto error = reply.find("error"); error != reply.end()) {
    // SEP-2164: a resource that does not exist is invalid params now.
    if (error->value("code", 0) == kResourceNotFound) (*error)["code"] = kInvalidParams;
    return reply;
  }
  auto result_it = reply.find("result");
  if (result_it == reply.end() || !result_it->is_object()) return reply;
  Json& result = *result_it;
  if (input != nullptr) {
    Json required = input->required_capabilities();
    if (!required.empty()) {
      std::string names;
      for (const auto& [name, _] : required.items()) names += (names.empty() ? "" : ", ") + name;
      return MakeError(reply["id"], kMissingRequiredClientCapability,
                       "Missing required client capability: " + names + " (declare it in _meta[\"" +
                           std::string(kMetaClientCapabilities) + "\"])",
                       Json{{"requiredCapabilities", std::move(required)}});
    }
    if (input->needs_input()) result = input->InputRequiredResult();
  }
  if (!result.contains("resultType")) result["resultType"] = "complete";
  if (result["resultType"] == "complete") {
    if (auto hint = CacheHintFor(method)) {
      result["ttlMs"] = hint->ttl_ms;
      result["cacheScope"] = hint->scope;
    }
  }
  Json& meta = result["_meta"];
  if (!meta.is_object()) meta = Json::object();
  meta[std::string(kMetaServerInfo)] = ServerInfo();
  return reply;
}

}  // namespace herald::mcp
