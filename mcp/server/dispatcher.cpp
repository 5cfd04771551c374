#include "mcp/server/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <charconv>
#include <exception>

#include "base/crypto.h"
#include "mcp/apps/ui_apps.h"
#include "mcp/protocol/log_level.h"
#include "mcp/server/call_context.h"

namespace herald::mcp {
namespace {

namespace asio = base::asio;

constexpr std::size_t kMaxCompletionValues = 100;

// A short random reference that ties a generic client message to a log line.
std::string NewCorrelationId() { return "ref_" + base::HexEncode(base::RandomBytes(6)); }

Json InvalidParams(const Json& id, std::string message) {
  return MakeError(id, kInvalidParams, "Invalid params: " + std::move(message));
}

Json InternalError(const Json& id, std::string_view where, std::string_view detail) {
  std::string ref = NewCorrelationId();
  spdlog::error("internal error [{}] in {}: {}", ref, where, detail);
  return MakeError(id, kInternalError, "Internal error (reference " + ref + ")");
}

// Cursors are opaque to clients: base64url("<list>:<offset>").
std::string EncodeCursor(std::string_view list, std::size_t offset) {
  return base::Base64UrlEncode(std::string(list) + ":" + std::to_string(offset));
}

// The offset a request's cursor points at (0 without a cursor); nullopt when it is not one of
// ours for `list` or points past `size`.
std::optional<std::size_t> DecodeCursor(const Json& params, std::string_view list,
                                        std::size_t size) {
  auto it = params.find("cursor");
  if (it == params.end() || it->is_null()) return 0;
  if (!it->is_string()) return std::nullopt;
  auto decoded = base::Base64UrlDecode(it->get<std::string>());
  if (!decoded.ok()) return std::nullopt;
  std::string_view text = *decoded;
  if (text.size() <= list.size() + 1 || text.substr(0, list.size()) != list ||
      text[list.size()] != ':') {
    return std::nullopt;
  }
  std::string_view digits = text.substr(list.size() + 1);
  std::size_t offset = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
  if (ec != std::errc() || end != digits.data() + digits.size() || offset > size) {
    return std::nullopt;
  }
  return offset;
}

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

// Runs a callable when the scope ends, however it ends.
template <class F>
class ScopeExit {
 public:
  explicit ScopeExit(F f) : f_(std::move(f)) {}
  ~ScopeExit() { f_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  F f_;
};

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
  if (running == nullptr) {
    co_return MakeError(id, kInvalidRequest,
                        "Invalid Request: request id " + key +
                            " is already in use by a "
                            "running request");
  }
  ScopeExit end_request([session, key] { session->EndRequest(key); });
  Json reply = co_await Route(session, running, key, id, std::move(method), std::move(params),
                              std::move(outbound));
  // A request the client cancelled gets no response (and the session may be gone).
  if (running->cancelled.load()) {
    spdlog::debug("session {}: request {} was cancelled; not answering", session->log_id(), key);
    co_return std::nullopt;
  }
  co_return reply;
}

Task<Json> Dispatcher::Route(std::shared_ptr<Session> session,
                             std::shared_ptr<Session::Running> running, std::string key, Json id,
                             std::string method, Json params, std::shared_ptr<Outbound> outbound) {
  if (method == "tools/call") {
    co_return co_await CallTool(std::move(session), std::move(running), std::move(key), id,
                                std::move(params), std::move(outbound));
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
  if (method == "prompts/get") co_return GetPrompt(id, params);
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
  Json server_info{{"name", "herald"}, {"title", "herald"}, {"version", options_.server_version}};
  Json server_capabilities = Capabilities();
  if (OffersUiExtension(capabilities)) {
    server_capabilities["extensions"][std::string(kUiExtension)] = Json::object();
  }
  return MakeResult(id, Json{{"protocolVersion", version},
                             {"capabilities", std::move(server_capabilities)},
                             {"serverInfo", std::move(server_info)},
                             {"instructions", options_.instructions}});
}

Json Dispatcher::ListTools(const Json& id, const Json& params) const {
  const auto& all = tools_.all();
  auto offset = DecodeCursor(params, "tools", all.size());
  if (!offset.has_value()) return InvalidParams(id, "invalid cursor");
  Json list = Json::array();
  std::size_t end = std::min(all.size(), *offset + options_.page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(all[i]->Describe());
  Json result{{"tools", std::move(list)}};
  if (end < all.size()) result["nextCursor"] = EncodeCursor("tools", end);
  return MakeResult(id, std::move(result));
}

Json Dispatcher::ListResources(const Json& id, const Json& params) const {
  std::size_t size = resources_.resource_count();
  auto offset = DecodeCursor(params, "resources", size);
  if (!offset.has_value()) return InvalidParams(id, "invalid cursor");
  Json list = Json::array();
  std::size_t end = std::min(size, *offset + options_.page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(resources_.DescribeResource(i));
  Json result{{"resources", std::move(list)}};
  if (end < size) result["nextCursor"] = EncodeCursor("resources", end);
  return MakeResult(id, std::move(result));
}

Json Dispatcher::ListResourceTemplates(const Json& id, const Json& params) const {
  std::size_t size = resources_.template_count();
  auto offset = DecodeCursor(params, "templates", size);
  if (!offset.has_value()) return InvalidParams(id, "invalid cursor");
  Json list = Json::array();
  std::size_t end = std::min(size, *offset + options_.page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(resources_.DescribeTemplate(i));
  Json result{{"resourceTemplates", std::move(list)}};
  if (end < size) result["nextCursor"] = EncodeCursor("templates", end);
  return MakeResult(id, std::move(result));
}

Json Dispatcher::ListPrompts(const Json& id, const Json& params) const {
  std::size_t size = prompts_.size();
  auto offset = DecodeCursor(params, "prompts", size);
  if (!offset.has_value()) return InvalidParams(id, "invalid cursor");
  Json list = Json::array();
  std::size_t end = std::min(size, *offset + options_.page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(prompts_.Describe(i));
  Json result{{"prompts", std::move(list)}};
  if (end < size) result["nextCursor"] = EncodeCursor("prompts", end);
  return MakeResult(id, std::move(result));
}

Json Dispatcher::GetPrompt(const Json& id, const Json& params) const {
  auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    return InvalidParams(id, "prompts/get needs a string \"name\"");
  }
  auto result = prompts_.Get(name->get<std::string>(), params.value("arguments", Json()));
  if (!result.ok()) {
    if (result.error().code() == base::ErrorCode::kInternal) {
      return InternalError(id, "prompts/get", result.error().detail());
    }
    return InvalidParams(id, result.error().message());
  }
  return MakeResult(id, std::move(result).value());
}

Json Dispatcher::Complete(const Json& id, const Json& params) const {
  auto ref = params.find("ref");
  auto argument = params.find("argument");
  if (ref == params.end() || !ref->is_object()) {
    return InvalidParams(id, "completion/complete needs a \"ref\" object");
  }
  // (No operator[] on a const Json: a missing key would be undefined behaviour.)
  const Json* arg_name = nullptr;
  if (argument != params.end() && argument->is_object()) {
    auto it = argument->find("name");
    if (it != argument->end() && it->is_string()) arg_name = &*it;
  }
  if (arg_name == nullptr) {
    return InvalidParams(id, "completion/complete needs an \"argument\" object with a \"name\"");
  }
  std::string name = arg_name->get<std::string>();
  std::string value = base::GetString(*argument, "value");
  Json context = Json::object();
  if (auto c = params.find("context"); c != params.end() && c->is_object()) {
    context = c->value("arguments", Json::object());
    if (!context.is_object()) context = Json::object();
  }
  std::string type = base::GetString(*ref, "type");
  std::optional<std::vector<std::string>> values;
  if (type == "ref/prompt") {
    std::string prompt = base::GetString(*ref, "name");
    values = prompts_.Complete(prompt, name, value, context);
    if (!values.has_value()) return InvalidParams(id, "unknown prompt \"" + prompt + "\"");
  } else if (type == "ref/resource") {
    std::string uri = base::GetString(*ref, "uri");
    values = resources_.Complete(uri, name, value, context);
    if (!values.has_value()) {
      return InvalidParams(id, "unknown resource template \"" + uri + "\"");
    }
  } else {
    return InvalidParams(id, "ref.type must be \"ref/prompt\" or \"ref/resource\"");
  }
  std::size_t total = values->size();
  if (values->size() > kMaxCompletionValues) values->resize(kMaxCompletionValues);
  return MakeResult(
      id,
      Json{{"completion",
            {{"values", *values}, {"total", total}, {"hasMore", total > kMaxCompletionValues}}}});
}

Json Dispatcher::Subscribe(Session& session, const Json& id, const Json& params, bool subscribe) {
  auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) {
    return InvalidParams(id, "a string \"uri\" is required");
  }
  std::string u = uri->get<std::string>();
  if (subscribe) {
    if (!resources_.Knows(u)) {
      return MakeError(id, kResourceNotFound, "Resource not found", Json{{"uri", u}});
    }
    session.Subscribe(u);
  } else {
    session.Unsubscribe(u);
  }
  return MakeResult(id, Json::object());
}

Json Dispatcher::SetLevel(Session& session, const Json& id, const Json& params) {
  std::string name = base::GetString(params, "level");
  auto level = ParseLogLevel(name);
  if (!level.has_value()) {
    return InvalidParams(id,
                         "level must be one of debug, info, notice, warning, error, critical, "
                         "alert, emergency");
  }
  session.SetLogLevel(*level);
  return MakeResult(id, Json::object());
}

Task<Json> Dispatcher::ReadResource(std::shared_ptr<Session> session, Json id, Json params) {
  auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) {
    co_return InvalidParams(id, "resources/read needs a string \"uri\"");
  }
  std::string u = uri->get<std::string>();
  auto contents = co_await resources_.Read(u, session->caller());
  if (contents.ok()) co_return MakeResult(id, Json{{"contents", std::move(contents).value()}});
  const base::Error& e = contents.error();
  switch (e.code()) {
    case base::ErrorCode::kNotFound:
      co_return MakeError(id, kResourceNotFound, "Resource not found: " + u, Json{{"uri", u}});
    case base::ErrorCode::kInvalidArgument:
      co_return InvalidParams(id, e.message());
    case base::ErrorCode::kInternal:
      co_return InternalError(id, "resources/read " + u, e.detail());
    default:
      co_return MakeError(id, kInternalError, e.message());
  }
}

Task<Json> Dispatcher::CallTool(std::shared_ptr<Session> session,
                                std::shared_ptr<Session::Running> running, std::string key, Json id,
                                Json params, std::shared_ptr<Outbound> outbound) {
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
