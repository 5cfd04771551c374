#include "transport/mcp_http/legacy_sse.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "mcp/protocol/jsonrpc.h"
#include "transport/guard/http_guard.h"
#include "transport/mcp_http/streamable_http.h"

namespace herald::transport {
namespace {

namespace asio = boost::asio;

// The session's stream as an Outbound: every message is one "event: message".
class WriterOutbound final : public mcp::Outbound {
 public:
  explicit WriterOutbound(std::shared_ptr<http::SseWriter> writer) : writer_(std::move(writer)) {}
  bool Send(const base::Json& message) override {
    return writer_->Event(base::DumpJson(message), "message");
  }
  bool open() const override { return !writer_->closed(); }

 private:
  std::shared_ptr<http::SseWriter> writer_;
};

}  // namespace

LegacySseTransport::LegacySseTransport(mcp::Dispatcher& dispatcher, LegacySseOptions options,
                                       const base::Clock& clock,
                                       base::asio::any_io_executor executor)
    : dispatcher_(dispatcher),
      options_(std::move(options)),
      executor_(std::move(executor)),
      // Legacy sessions live exactly as long as their stream: no idle expiry.
      sessions_(std::make_shared<HttpSessionTable>(options_.limits, std::chrono::hours(24 * 365),
                                                   clock)) {}

base::Task<http::Response> LegacySseTransport::Get(http::Request req, base::Caller caller) {
  if (!AcceptAllows(req.Header("accept"), "text/event-stream")) {
    co_return JsonRpcErrorResponse(406, -32000, "Not Acceptable: Accept must allow text/event-stream");
  }
  auto session = dispatcher_.NewSession(caller, "sse");
  auto http_session = std::make_shared<HttpSession>(session, caller, EventStreamLimits{},
                                                    sessions_->clock().Now());
  auto writer = http::SseWriter::Create(options_.sse);
  // An evicted session (its key or organization at its cap) ends its stream.
  http_session->SetOnClose([writer] { writer->Close(); });
  // Adding may evict the least recently used idle stream of this key (see HttpSessionTable).
  if (auto added = sessions_->Add(http_session); !added.ok()) {
    session->Close();
    http::Response r = JsonRpcErrorFor(added.error());
    r.headers.Set("Retry-After", "30");
    co_return r;
  }
  writer->Event(options_.path_prefix + "/messages?sessionId=" + session->id(), "endpoint");
  session->SetStandingOutbound(std::make_shared<WriterOutbound>(writer));
  std::weak_ptr<HttpSessionTable> table = sessions_;
  std::string id = session->id();
  writer->OnFinished([table, id] {
    if (auto t = table.lock()) {
      if (auto s = t->Remove(id)) s->Close();
    }
  });
  co_return http::Response::Stream(writer);
}

base::Task<http::Response> LegacySseTransport::Post(http::Request req, base::Caller caller) {
  auto id = req.Query("sessionId");
  if (!id || id->empty()) {
    co_return JsonRpcErrorResponse(400, -32000, "Bad Request: the sessionId query parameter is required");
  }
  auto hs = sessions_->Find(*id);
  if (!hs || !hs->BelongsTo(caller) || hs->session()->closed()) {
    co_return JsonRpcErrorResponse(404, -32001, "Session not found");
  }
  // ParseJson stops at the first bracket nested deeper than base::kMaxJsonDepth.
  auto parsed = base::ParseJson(req.body);
  if (!parsed.ok()) {
    co_return http::Response::Json(
        400, base::DumpJson(mcp::MakeError(nullptr, mcp::kParseError,
                                           "Parse error: " + parsed.error().message())));
  }
  auto session = hs->session();
  base::Json message = std::move(parsed).value();
  const auto method = message.is_object() ? message.find("method") : message.end();
  const bool tool_call =
      message.is_object() && method != message.end() && method->is_string() && *method == "tools/call";
  auto inflight = inflight_tool_calls_;
  if (tool_call) inflight->fetch_add(1);
  asio::co_spawn(
      executor_,
      [this, session, message = std::move(message), tool_call, inflight]() mutable
      -> base::Task<void> {
        auto outbound = session->standing_outbound();
        std::optional<base::Json> reply;
        try {
          reply = co_await dispatcher_.Handle(session, std::move(message), outbound);
        } catch (const std::exception& e) {
          spdlog::error("mcp: dispatcher threw: {}", e.what());
          reply = mcp::MakeError(nullptr, mcp::kInternalError, "Internal error");
        }
        if (reply && outbound) outbound->Send(*reply);
        if (tool_call) inflight->fetch_sub(1);
      },
      asio::detached);
  co_return http::Response::Text(202, "Accepted");
}

}  // namespace herald::transport
