#include "mcp/server/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <charconv>
#include <exception>

#include "base/crypto.h"
#include "mcp/apps/ui_apps.h"
#include "mcp/protocol/log_level.h"
#include "mcp/protocol/modern_protocol.h"
#include "mcp/server/call_context.h"
#include "mcp/server/dispatch_support.h"

namespace herald::mcp {
namespace {

namespace asio = base::asio;

const std::vector<std::string_view>& KnownMethods() {
  static const std::vector<std::string_view> kMethods{"initialize",
                                                      "ping",
                                                      "tools/list",
                                                      "tools/call",
                                                      "resources/list",
                                                      "resources/read",
                                                      "resources/templates/list",
                                                      "resources/subscribe",
                                                      "resources/unsubscribe",
                                                      "prompts/list",
                                                      "prompts/get",
                                                      "completion/complete",
                                                      "logging/setLevel"};
  return kMethods;
}

bool IsKnownMethod(std::string_view method) {
  const auto& methods = KnownMethods();
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

}  // namespace

const std::string& DefaultInstructions() {
  static const std::string kText =
      "herald publishes and schedules social media posts (Mastodon, Bluesky, Telegram, Discord, "
      "Slack and more) for one organization.\n"
      "How to use it well:\n"
      "1. Start with list_accounts. If the network you need is missing or an account says "
      "needs_reauth, call connect_account and give the user the link it returns; posting "
      "only works through connected accounts, addressed by their account id (acc_...).\n"
      "2. Call validate_post with the text, media and accounts before scheduling: it applies "
      "each network's rules (length, media count) and tells you what to fix, without posting.\n"
      "3. schedule_post publishes now (omit publish_at) or later. Times are RFC 3339 with an "
      "offset (\"2026-03-01T09:00:00+01:00\") or a local time (\"2026-03-01T09:00:00\") plus an "
      "IANA time_zone (\"Europe/Paris\"); never guess the user's zone, ask.\n"
      "4. Pass an idempotency_key (any unique string per intended post) to schedule_post, so a "
      "retry after a timeout or error cannot post twice.\n"
      "5. The post id (post_...) is a handle: keep it to get_post, edit_post, cancel_post or "
      "retry_post later. get_post shows the status of each target account (queued, "
      "publishing, published with its URL, failed with the reason, unknown).\n"
      "6. Tool errors are written for you: they name the argument and what was expected; fix "
      "the call and try again. Destructive tools (delete, cancel) cannot be undone.\n"
      "Resources: herald://accounts (connected accounts) and herald://posts/{id}. Prompts: "
      "plan_week, repurpose_article.";
  return kText;
}

Dispatcher::Dispatcher(DispatcherOptions options) : options_(std::move(options)) {
  if (options_.instructions.empty()) options_.instructions = DefaultInstructions();
  if (options_.page_size == 0) options_.page_size = 100;
  if (options_.request_state_secret.empty()) options_.request_state_secret = base::RandomBytes(32);
}

Dispatcher::~Dispatcher() = default;

void Dispatcher::Track(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mu_);
  std::erase_if(sessions_, [](const std::weak_ptr<Session>& s) { return s.expired(); });
  sessions_.push_back(session);
}

std::shared_ptr<Session> Dispatcher::NewSession(base::Caller caller, std::string transport) {
  auto session =
      std::make_shared<Session>(base::RandomToken(), std::move(caller), std::move(transport));
  Track(session);
  return session;
}

std::shared_ptr<Session> Dispatcher::NewStatelessSession(base::Caller caller, std::string transport,
                                                         std::string protocol_version) {
  auto session =
      std::make_shared<Session>(base::RandomToken(), std::move(caller), std::move(transport));
  session->MarkStateless(protocol_version.empty() ? std::string(kAssumedHttpProtocolVersion)
                                                  : NegotiateProtocolVersion(protocol_version));
  Track(session);
  return session;
}

void Dispatcher::CloseAllSessions() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& weak : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Close();
}

std::size_t Dispatcher::live_sessions() const {
  std::lock_guard lock(sessions_mu_);
  std::size_t n = 0;
  for (const auto& weak : sessions_) {
    auto s = weak.lock();
    if (s != nullptr && !s->closed()) ++n;
  }
  return n;
}

void Dispatcher::NotifyResourceUpdated(const std::string& uri) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& weak : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  Json message = MakeNotification("notifications/resources/updated", Json{{"uri", uri}});
  for (auto& s : live) {
    if (s->closed() || !s->IsSubscribed(uri)) continue;
    if (auto out = s->standing_outbound()) out->Send(message);
  }
}

Task<std::optional<std::string>> Dispatcher::HandleText(std::shared_ptr<Session> session,
                                                        std::string text,
                                                        std::shared_ptr<Outbound> outbound) {
  std::optional<Json> reply;
  if (text.size() > options_.max_message_bytes) {
    reply = MakeError(nullptr, kInvalidRequest,
                      "Invalid Request: the message is " + std::to_string(text.size()) +
                          " bytes; the limit is " + std::to_string(options_.max_message_bytes));
  } else {
    // Nesting deeper than base::kMaxJsonDepth is refused while parsing (-32700).
    auto parsed = base::ParseJson(text);
    if (!parsed.ok()) {
      reply = MakeError(nullptr, kParseError, "Parse error: " + parsed.error().message());
    } else {
      reply = co_await Handle(std::move(session), std::move(parsed).value(), std::move(outbound));
    }
  }
  if (!reply.has_value()) co_return std::nullopt;
  co_return base::DumpJson(*reply);
}

Task<std::optional<Json>> Dispatcher::Handle(std::shared_ptr<Session> session, Json message,
                                             std::shared_ptr<Outbound> outbound) {
  Json error_id = nullptr;
  try {
    if (session == nullptr) co_return MakeError(nullptr, kInternalError, "Internal error");
    if (!message.is_array()) {
      error_id = ResponseIdFor(message);
      co_return co_await HandleOne(std::move(session), std::move(message), std::move(outbound));
    }
    if (message.empty()) {
      co_return MakeError(nullptr, kInvalidRequest, "Invalid Request: empty batch");
    }
    std::string version = session->protocol_version();
    if (!session->initialized() || !ProtocolAllowsBatches(version)) {
      co_return MakeError(nullptr, kInvalidRequest,
                          "Invalid Request: JSON-RPC batches are only accepted in protocol "
                          "version 2025-03-26" +
                              (version.empty() ? std::string(" sessions, after initialize")
                                               : "; this session uses " + version) +
                              "; send one message at a time");
    }
    if (message.size() > options_.max_batch_size) {
      co_return MakeError(nullptr, kInvalidRequest,
                          "Invalid Request: a batch may hold at most " +
                              std::to_string(options_.max_batch_size) + " messages");
    }
    Json replies = Json::array();
    for (auto& element : message) {
      std::optional<Json> reply;
      if (element.is_array()) {
        reply = MakeError(nullptr, kInvalidRequest, "Invalid Request: nested batch");
      } else if (IsInitializeRequest(element)) {
        reply = MakeError(element["id"], kInvalidRequest,
                          "Invalid Request: initialize cannot be part of a batch");
      } else {
        reply = co_await HandleOne(session, std::move(element), outbound);
      }
      if (reply.has_value()) replies.push_back(std::move(*reply));
    }
    if (replies.empty()) co_return std::nullopt;
    co_return replies;
  } catch (const std::exception& e) {
    co_return InternalError(error_id, "Handle", e.what());
  } catch (...) {
    co_return InternalError(error_id, "Handle", "non-standard exception");
  }
}

Task<std::optional<Json>> Dispatcher::HandleOne(std::shared_ptr<Session> session, Json message,
                                                std::shared_ptr<Outbound> outbound) {
  if (auto invalid = ValidateEnvelope(message)) {
    co_return MakeError(ResponseIdFor(message), *invalid);
  }
  switch (ClassifyMessage(message)) {
    case MessageKind::kRequest:
      if (IsModernRequest(message)) {
        co_return co_await HandleModern(std::move(session), std::move(message),
                                        std::move(outbound));
      }
      co_return co_await HandleRequest(std::move(session), std::move(message), std::move(outbound));
    case MessageKind::kNotification:
      HandleNotification(*session, message);
      co_return std::nullopt;
    case MessageKind::kResponse:
      HandleClientResponse(*session, message);
      co_return std::nullopt;
    case MessageKind::kInvalid:
      break;
  }
  co_return MakeError(ResponseIdFor(message), kInvalidRequest, "Invalid Request");
}

void Dispatcher::HandleNotification(Session& session, const Json& message) {
  const std::string& method = message["method"].get_ref<const std::string&>();
  const Json params = message.value("params", Json::object());
  if (method == "notifications/initialized") {
    session.MarkClientReady();
  } else if (method == "notifications/cancelled") {
    auto it = params.find("requestId");
    if (it == params.end() || !IsValidRequestId(*it)) return;
    bool found = session.CancelRequest(it->dump());
    spdlog::debug("session {}: cancel request {} ({}){}", session.log_id(), it->dump(),
                  base::GetString(params, "reason"), found ? "" : ": not running");
  } else {
    spdlog::debug("session {}: ignoring notification {}", session.log_id(), method);
  }
}

void Dispatcher::HandleClientResponse(Session& session, const Json& message) {
  const Json& id = message["id"];
  if (id.is_null()) {
    spdlog::warn("session {}: the client sent an error without id: {}", session.log_id(),
                 base::DumpJson(message.value("error", Json())));
    return;
  }
  base::Result<Json> outcome = Json::object();
  if (message.contains("error")) {
    const Json& error = message["error"];
    int code = error.value("code", 0);
    std::string text = base::GetString(error, "message", "no message");
    std::string what = "the client answered with error " + std::to_string(code) + ": " + text;
    outcome = code == kInvalidParams ? base::InvalidArgument(what) : base::Unavailable(what);
  } else {
    outcome = message["result"];
  }
  if (!session.ResolvePending(id.dump(), std::move(outcome))) {
    spdlog::debug("session {}: response to unknown or expired request {}", session.log_id(),
                  id.dump());
  }
}

Task<std::optional<Json>> Dispatcher::HandleRequest(std::shared_ptr<Session> session, Json request,
                                                    std::shared_ptr<Outbound> outbound) {
  Json id = request["id"];
  std::string method = request["method"].get<std::string>();
  Json params = request.value("params", Json::object());
  spdlog::debug("session {}: request {} {}", session->log_id(), id.dump(), method);

  if (session->closed()) {
    co_return MakeError(id, kInvalidRequest, "Invalid Request: the session is closed");
  }
  if (method == "initialize") co_return Initialize(*session, id, params);
  if (method == "ping") co_return MakeResult(id, Json::object());
  if (!IsKnownMethod(method)) {
    co_return MakeError(id, kMethodNotFound, "Method not found: " + method);
  }
  if (!session->initialized()) {
    co_return MakeError(id, kInvalidRequest,
                        "Invalid Request: the session is not initialized; send initialize "
                        "first");
  }
  std::string key = id.dump();
  auto running = session->BeginRequest(key);
  if (running == nullptr) co_return RequestIdInUse(id, key);
  ScopeExit end_request([session, key] { session->EndRequest(key); });
  Json reply = co_await Route(session, running, key, id, std::move(method), std::move(params),
                              std::move(outbound), nullptr);
  // A request the client cancelled gets no response (and the session may be gone).
  if (running->cancelled.load()) {
    spdlog::debug("session {}: request {} was cancelled; not answering", session->log_id(), key);
    co_return std::nullopt;
  }
  co_return reply;
}

Task<Json> Dispatcher::Route(std::shared_ptr<Session> session,
                             std::shared_ptr<Session::Running> running, std::string key, Json id,
                             std::string method, Json params, std::shared_ptr<Outbound> outbound,
                             InputRound* input) {
  if (method == "tools/call") {
    co_return co_await CallTool(std::move(session), std::move(running), std::move(key), id,
                                std::move(params), std::move(outbound), input);
  }
  if (method == "tools/list") {
    Json reply = ListTools(id, params);
    // MCP Apps: views are linked only for clients that offered the extension.
    if (OffersUiExtension(session->client_capabilities()) && reply.contains("result")) {
      AttachToolViews(reply["result"], HeraldToolViews(), resources_);
    }
    co_return reply;
  }
  if (method == "resources/list") co_return ListResources(id, params);
  if (method == "resources/templates/list") co_return ListResourceTemplates(id, params);
  if (method == "resources/read") {
    co_return co_await ReadResource(std::move(session), id, std::move(params));
  }
  if (method == "resources/subscribe") co_return Subscribe(*session, id, params, true);
  if (method == "resources/unsubscribe") co_return Subscribe(*session, id, params, false);
  if (method == "prompts/list") co_return ListPrompts(id, params);
  if (method == "prompts/get") co_return GetPrompt(id, params, input);
  if (method == "completion/complete") co_return Complete(id, params);
  if (method == "logging/setLevel") co_return SetLevel(*session, id, params);
  co_return MakeError(id, kMethodNotFound, "Method not found: " + method);
}

Json Dispatcher::Capabilities() const {
  return Json{{"tools", {{"listChanged", true}}},
              {"resources", {{"subscribe", true}, {"listChanged", true}}},
              {"prompts", {{"listChanged", true}}},
              {"logging", Json::object()},
              {"completions", Json::object()}};
}

Json Dispatcher::Initialize(Session& session, const Json& id, const Json& params) {
  if (session.initialized() && !session.stateless()) {
    return MakeError(id, kInvalidRequest, "Invalid Request: the session is already initialized");
  }
  std::string requested = base::GetString(params, "protocolVersion");
  std::string version = NegotiateProtocolVersion(requested);
  Json capabilities = params.value("capabilities", Json::object());
  Json info = params.value("clientInfo", Json::object());
  if (!session.stateless()) session.MarkInitialized(version, capabilities, info);
  spdlog::info("session {} ({}): initialized with protocol {} (client asked {}), client {} {}",
               session.log_id(), session.transport(), version, requested,
               base::GetString(info, "name", "?"), base::GetString(info, "version", "?"));
  Json server_capabilities = Capabilities();
  if (OffersUiExtension(capabilities)) {
    server_capabilities["extensions"][std::string(kUiExtension)] = Json::object();
  }
  return MakeResult(id, Json{{"protocolVersion", version},
                             {"capabilities", std::move(server_capabilities)},
                             {"serverInfo", ServerInfo()},
                             {"instructions", options_.instructions}});
}

Task<Json> Dispatcher::CallTool(std::shared_ptr<Session> session,
                                std::shared_ptr<Session::Running> running, std::string key, Json id,
                                Json params, std::shared_ptr<Outbound> outbound,
                                InputRound* input) {
  auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    co_return InvalidParams(id, "tools/call needs a string \"name\"");
  }
  const RegisteredTool* tool = tools_.Find(name->get<std::string>());
  if (tool == nullptr) {
    co_return InvalidParams(id, "unknown tool \"" + name->get<std::string>() +
                                    "\"; call tools/list to see the tools herald offers");
  }
  Json progress_token;
  if (auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
    auto token = meta->find("progressToken");
    if (token != meta->end() && IsValidRequestId(*token)) progress_token = *token;
  }
  Json arguments = params.value("arguments", Json());
  auto executor = co_await asio::this_coro::executor;
  CallContext ctx(session, running, key, outbound, std::move(progress_token),
                  options_.max_client_request_timeout, executor);
  ctx.SetInputRound(input);
  auto result = co_await tools_.Invoke(*tool, std::move(arguments), ctx);
  ctx.Finish();
  if (result.ok()) co_return MakeResult(id, ToolOutputToCallResult(*result));

  const base::Error& e = result.error();
  std::string ref = NewCorrelationId();
  if (e.code() == base::ErrorCode::kInternal) {
    spdlog::error("tool {} failed [{}] (session {}, caller {}): {}", tool->spec().name, ref,
                  session->log_id(), session->caller().actor(), e.detail());
  } else {
    // The detail (what really failed, e.g. "connection refused") is for the log only.
    spdlog::info("tool {} returned {} (session {}): {}{}", tool->spec().name,
                 base::ErrorCodeName(e.code()), session->log_id(), e.message(),
                 e.detail().empty() ? std::string() : " [" + e.detail() + "]");
  }
  co_return MakeResult(id, ToolErrorResult(ClientErrorText(e, ref)));
}

}  // namespace herald::mcp
