#include "transport/mcp_http/streamable_http.h"

#include <spdlog/spdlog.h>

#include "http/sse_writer.h"
#include "mcp/protocol/jsonrpc.h"
#include "mcp/protocol/modern_protocol.h"
#include "mcp/protocol/protocol_version.h"
#include "transport/guard/http_guard.h"
#include "transport/mcp_http/post_exchange.h"

namespace herald::transport {

using base::Json;
using mcp::ClassifyMessage;
using mcp::Dispatcher;
using mcp::IsInitializeRequest;
using mcp::IsSupportedProtocolVersion;
using mcp::kInvalidRequest;
using mcp::kParseError;
using mcp::MakeError;
using mcp::MessageKind;
using mcp::Session;
using mcp::SupportedProtocolVersions;

namespace {


constexpr int kSessionNotFound = -32001;  // as the TS SDK answers an unknown session

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "type/subtype" equals `wanted` (lower case), ignoring ASCII case.
bool MediaIs(std::string_view media, std::string_view wanted) {
  return http::EqualsIgnoreCase(media, wanted);
}

http::Response JsonReply(int status, const Json& reply) {
  return http::Response::Json(status, base::DumpJson(reply));
}

std::string SupportedVersionsText() {
  std::string out;
  for (auto v : SupportedProtocolVersions()) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// 400 when the MCP-Protocol-Version header is present and unsupported.
std::optional<http::Response> CheckVersionHeader(const http::Request& req) {
  std::string_view version = req.Header("mcp-protocol-version");
  if (version.empty() || IsSupportedProtocolVersion(version)) return std::nullopt;
  return JsonRpcErrorResponse(400, -32000,
                              "Bad Request: Unsupported protocol version: " +
                                  std::string(version) +
                                  " (supported versions: " + SupportedVersionsText() + ")");
}

// The HTTP status of a 2026-07-28 reply: 404 for an unknown method, 400 for a request the
// server refuses as malformed, 200 otherwise (results, and errors of the work itself).
int ModernStatus(const Json& reply) {
  if (!reply.is_object() || !reply.contains("error")) return 200;
  int code = reply["error"].value("code", 0);
  if (code == mcp::kMethodNotFound) return 404;
  if (code == mcp::kInvalidParams || code == mcp::kInvalidRequest || code == kParseError ||
      code == mcp::kHeaderMismatch || code == mcp::kMissingRequiredClientCapability ||
      code == mcp::kUnsupportedProtocolVersion) {
    return 400;
  }
  return 200;
}

http::Response HeaderMismatch(const Json& id, std::string message) {
  return JsonReply(400, MakeError(id, mcp::kHeaderMismatch, "Header mismatch: " + message));
}

bool IsToolCall(const Json& message) {
  if (!message.is_object()) return false;
  auto it = message.find("method");
  return it != message.end() && it->is_string() && *it == "tools/call";
}

}  // namespace

bool AcceptAllows(std::string_view accept, std::string_view type) {
  accept = Trim(accept);
  if (accept.empty()) return true;
  std::string_view wanted = type;
  std::string_view wanted_major = wanted.substr(0, wanted.find('/'));
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view range = Trim(accept.substr(0, comma));
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    std::string_view media = Trim(range.substr(0, range.find(';')));
    // A range with q=0 explicitly refuses the type.
    bool refused = false;
    for (size_t semi = range.find(';'); semi != std::string_view::npos;
         semi = range.find(';', semi + 1)) {
      std::string_view param = Trim(range.substr(semi + 1, range.find(';', semi + 1) - semi - 1));
      if (param == "q=0" || param == "q=0.0" || param == "q=0.00" || param == "q=0.000" ||
          param == "Q=0") {
        refused = true;
      }
    }
    if (refused) continue;
    if (media == "*/*" || MediaIs(media, wanted)) return true;
    if (media.size() > 2 && media.ends_with("/*") &&
        MediaIs(media.substr(0, media.size() - 2), wanted_major)) {
      return true;
    }
  }
  return false;
}

StreamableHttpTransport::StreamableHttpTransport(Dispatcher& dispatcher,
                                                 StreamableHttpOptions options,
                                                 const base::Clock& clock,
                                                 base::asio::any_io_executor executor)
    : dispatcher_(dispatcher),
      options_(options),
      executor_(std::move(executor)),
      sessions_(options.limits, options.session_idle_timeout, clock) {}

StreamableHttpTransport::Lookup StreamableHttpTransport::FindSession(const http::Request& req,
                                                                     const base::Caller& caller) {
  Lookup out;
  std::string_view id = req.Header("mcp-session-id");
  if (id.empty()) {
    out.error = JsonRpcErrorResponse(400, -32000, "Bad Request: Mcp-Session-Id header is required");
    return out;
  }
  auto found = sessions_.Find(id);
  // A session made with another key is reported exactly like an unknown one.
  if (!found || !found->BelongsTo(caller) || found->session()->closed()) {
    out.error = JsonRpcErrorResponse(404, kSessionNotFound, "Session not found");
    return out;
  }
  out.session = std::move(found);
  return out;
}

base::Task<http::Response> StreamableHttpTransport::Post(http::Request req, base::Caller caller) {
  std::string_view accept = req.Header("accept");
  if (!AcceptAllows(accept, "application/json") && !AcceptAllows(accept, "text/event-stream")) {
    co_return JsonRpcErrorResponse(
        406, -32000, "Not Acceptable: Accept must allow application/json or text/event-stream");
  }
  std::string_view content_type = req.Header("content-type");
  if (!content_type.empty() &&
      !MediaIs(Trim(content_type.substr(0, content_type.find(';'))), "application/json")) {
    co_return JsonRpcErrorResponse(415,
                                   -32000, "Unsupported Media Type: Content-Type must be application/json");
  }
  // ParseJson stops at the first bracket nested deeper than base::kMaxJsonDepth.
  auto parsed = base::ParseJson(req.body);
  if (!parsed.ok()) {
    co_return JsonReply(400, MakeError(nullptr, kParseError, "Parse error: " + parsed.error().message()));
  }
  Json message = std::move(parsed).value();
  std::string_view header_version = req.Header("mcp-protocol-version");
  const bool modern_header = mcp::IsSupportedModernVersion(header_version);
  if (mcp::IsModernRequest(message) ||
      (modern_header && ClassifyMessage(message) == MessageKind::kRequest)) {
    co_return co_await ModernPost(std::move(req), std::move(message), std::move(caller));
  }
  if (modern_header && !message.is_array() && ClassifyMessage(message) != MessageKind::kInvalid) {
    // 2026-07-28 notifications (and stray responses) need no session; closing a stream is how
    // that era cancels.
    co_return http::Response::Empty(202);
  }
  if (auto bad = CheckVersionHeader(req)) co_return std::move(*bad);

  bool has_request = false;
  bool initialize = false;
  if (message.is_array()) {
    for (const auto& m : message) {
      if (ClassifyMessage(m) == MessageKind::kRequest) has_request = true;
      if (IsInitializeRequest(m)) initialize = true;
    }
    if (initialize) {
      co_return JsonReply(400, MakeError(nullptr, kInvalidRequest,
                                         "Invalid Request: initialize must not be part of a batch"));
    }
  } else {
    MessageKind kind = ClassifyMessage(message);
    has_request = kind == MessageKind::kRequest;
    // (IsInitializeRequest would classify the message again.)
    initialize = has_request && message["method"].get_ref<const std::string&>() == "initialize";
    if (kind == MessageKind::kInvalid) {
      // The dispatcher words the error (-32600 naming what is wrong); HTTP says 400.
      auto session = dispatcher_.NewStatelessSession(caller, "http", "");
      auto reply = co_await dispatcher_.Handle(session, std::move(message), nullptr);
      session->Close();
      co_return JsonReply(400, reply.value_or(MakeError(nullptr, kInvalidRequest, "Invalid Request")));
    }
  }
  if (initialize) co_return co_await Initialize(std::move(message), std::move(caller));

  std::shared_ptr<Session> session;
  std::shared_ptr<HttpSession> http_session;
  if (options_.stateless) {
    session = dispatcher_.NewStatelessSession(
        caller, "http", std::string(req.Header("mcp-protocol-version")));
  } else {
    Lookup lookup = FindSession(req, caller);
    if (lookup.error) co_return std::move(*lookup.error);
    http_session = std::move(lookup.session);
    session = http_session->session();
  }

  if (!has_request) {
    // Notifications and responses (e.g. an elicitation answer): handled now, answered 202.
    auto reply = co_await dispatcher_.Handle(session, std::move(message), nullptr);
    if (options_.stateless) session->Close();
    if (reply) co_return JsonReply(400, *reply);
    co_return http::Response::Empty(202);
  }
  bool tool_call = IsToolCall(message);
  co_return co_await Dispatch(std::move(session), std::move(http_session), std::move(message),
                              tool_call, std::move(req.streamer), req.seq);
}

base::Task<http::Response> StreamableHttpTransport::Initialize(Json message, base::Caller caller) {
  auto session = dispatcher_.NewSession(caller, "http");
  auto reply = co_await dispatcher_.Handle(session, std::move(message), nullptr);
  if (!reply) co_return http::Response::Empty(202);
  bool ok = reply->is_object() && reply->contains("result");
  if (!ok || options_.stateless) {
    // Stateless: the session served this one request and is thrown away.
    session->Close();
    co_return JsonReply(200, *reply);
  }
  auto http_session = std::make_shared<HttpSession>(session, caller, options_.stream_limits,
                                                    sessions_.clock().Now());
  session->SetStandingOutbound(std::make_shared<EventStreamOutbound>(http_session->standing()));
  if (auto added = sessions_.Add(http_session); !added.ok()) {
    // 429 when this key or organization has every session busy, 503 when the whole table has.
    session->Close();
    http::Response r = JsonRpcErrorFor(added.error());
    r.headers.Set("Retry-After", "30");
    co_return r;
  }
  http::Response r = JsonReply(200, *reply);
  r.headers.Set("Mcp-Session-Id", session->id());
  co_return r;
}

base::Task<http::Response> StreamableHttpTransport::ModernPost(http::Request req, Json message,
                                                               base::Caller caller) {
  const Json id = message["id"];
  const std::string method = message["method"].get<std::string>();
  const Json params = message.value("params", Json::object());
  if (!mcp::IsModernRequest(message)) {
    // The header names 2026-07-28 but the body has no _meta: say what is missing.
    auto bad = mcp::ValidateModernMeta(params);
    co_return JsonReply(
        400,
        MakeError(id, bad.value_or(mcp::RpcError{mcp::kInvalidParams, "Invalid params", nullptr})));
  }
  std::string meta_version = mcp::ModernMetaVersion(params);
  std::string_view header_version = req.Header("mcp-protocol-version");
  if (!meta_version.empty() && header_version != meta_version) {
    co_return HeaderMismatch(
        id, "the MCP-Protocol-Version header (\"" + std::string(header_version) +
                "\") must equal params._meta[\"" + std::string(mcp::kMetaProtocolVersion) +
                "\"] (\"" + meta_version + "\")");
  }
  auto header_method = mcp::DecodeMcpHeaderValue(req.Header("mcp-method"));
  if (!header_method || *header_method != method) {
    co_return HeaderMismatch(
        id, "the Mcp-Method header must equal the request's method (\"" + method + "\")");
  }
  if (auto expected = mcp::McpNameFor(method, params)) {
    auto header_name = mcp::DecodeMcpHeaderValue(req.Header("mcp-name"));
    if (!header_name || *header_name != *expected) {
      co_return HeaderMismatch(
          id, "the Mcp-Name header must equal the request's " +
                  std::string(method == "resources/read" ? "params.uri" : "params.name") + " (\"" +
                  *expected + "\"); non-ASCII values are written =?base64?...?=");
    }
  }
  auto session = dispatcher_.NewStatelessSession(caller, "http", "");
  bool tool_call = method == "tools/call";
  co_return co_await Dispatch(std::move(session), nullptr, std::move(message), tool_call,
                              std::move(req.streamer), req.seq, /*modern=*/true);
}

base::Task<http::Response> StreamableHttpTransport::Dispatch(
    std::shared_ptr<Session> session, std::shared_ptr<HttpSession> http_session, Json message,
    bool is_tool_call, std::shared_ptr<http::StreamStarter> streamer, uint64_t request_seq,
    bool modern) {
  const bool stateless = options_.stateless || modern;
  auto exchange = std::make_shared<PostExchange>(std::move(http_session), options_.stream_limits,
                                                 options_.sse, /*prime=*/!stateless,
                                                 std::move(streamer), request_seq);
  // The request runs inline; if it emits a message before its reply, the exchange starts the
  // SSE answer at once and this handler keeps running. A client that goes away does not cancel
  // it (nothing here watches the socket).
  if (is_tool_call) inflight_tool_calls_.fetch_add(1);
  std::optional<Json> reply;
  try {
    reply = co_await dispatcher_.Handle(session, std::move(message), exchange);
  } catch (...) {
    if (is_tool_call) inflight_tool_calls_.fetch_sub(1);
    throw;  // cancelled at shutdown (the dispatcher itself never throws)
  }
  if (is_tool_call) inflight_tool_calls_.fetch_sub(1);
  if (stateless) session->Close();

  PostExchange::Answer answer = exchange->Finish(std::move(reply));
  if (!answer.sse) {
    if (!answer.reply) co_return http::Response::Empty(202);
    co_return JsonReply(modern ? ModernStatus(*answer.reply) : 200, *answer.reply);
  }
  co_return http::Response::Stream(std::move(answer.writer));
}

base::Task<http::Response> StreamableHttpTransport::Get(http::Request req, base::Caller caller) {
  if (options_.stateless) {
    http::Response r = JsonRpcErrorResponse(
        405, -32000, "Method Not Allowed: this server is stateless; there is no GET stream");
    r.headers.Set("Allow", "POST");
    co_return r;
  }
  if (!AcceptAllows(req.Header("accept"), "text/event-stream")) {
    co_return JsonRpcErrorResponse(406, -32000, "Not Acceptable: Accept must allow text/event-stream");
  }
  if (auto bad = CheckVersionHeader(req)) co_return std::move(*bad);
  Lookup lookup = FindSession(req, caller);
  if (lookup.error) co_return std::move(*lookup.error);
  auto& hs = lookup.session;

  auto writer = http::SseWriter::Create(options_.sse);
  std::string_view last = req.Header("last-event-id");
  if (!last.empty()) {
    if (auto id = ParseEventId(last)) {
      if (auto stream = hs->FindStream(id->stream)) {
        stream->Attach(writer, id->seq, /*prime=*/false);
        co_return http::Response::Stream(writer);
      }
    }
    // An id we no longer know: open the standing stream without a replay.
  }
  hs->standing()->Attach(writer, std::nullopt, /*prime=*/true);
  co_return http::Response::Stream(writer);
}

base::Task<http::Response> StreamableHttpTransport::Delete(http::Request req, base::Caller caller) {
  if (options_.stateless) {
    http::Response r = JsonRpcErrorResponse(
        405, -32000, "Method Not Allowed: this server is stateless; there are no sessions");
    r.headers.Set("Allow", "POST");
    co_return r;
  }
  Lookup lookup = FindSession(req, caller);
  if (lookup.error) co_return std::move(*lookup.error);
  if (auto removed = sessions_.Remove(lookup.session->id())) removed->Close();
  co_return http::Response::Empty(200);
}

}  // namespace herald::transport
