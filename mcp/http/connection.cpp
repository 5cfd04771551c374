#include "mcp/http/connection.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <limits>
#include <string_view>
#include <utility>
#include <variant>

#include "mcp/http/router.h"

namespace herald::http::internal {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using net::ip::tcp;
using base::kNoThrow;
using namespace net::experimental::awaitable_operators;  // NOLINT: the || operator on awaitables

constexpr size_t kFirstReadSize = 4096;
// After answering a request we refuse (413, 431), what the client still sends is read and
// discarded for a moment, so that closing does not reset the connection before it reads the
// answer; bounded in time and bytes.
constexpr std::chrono::milliseconds kLingerTime{1'000};
constexpr size_t kLingerBytes = 256 * 1024;
constexpr std::string_view kKeepAliveComment = ": keep-alive\n\n";

std::string FormatEndpoint(const tcp::endpoint& ep) {
  auto addr = ep.address();
  std::string host = addr.to_string();
  if (addr.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

// Splits an origin-form (or absolute-form) target into the raw path and query. Returns false
// for anything else (authority-form, asterisk-form, garbage).
bool SplitTarget(std::string_view target, std::string_view* path, std::string_view* query) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    size_t authority = target.find("//") + 2;
    size_t slash = target.find('/', authority);
    size_t qmark = target.find('?', authority);
    if (slash == std::string_view::npos || (qmark != std::string_view::npos && qmark < slash)) {
      target = "/";
      if (qmark != std::string_view::npos) target = std::string_view{};
    } else {
      target = target.substr(slash);
    }
  }
  if (target.empty() || target.front() != '/') return false;
  size_t q = target.find('?');
  *path = target.substr(0, q);
  *query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  return true;
}

bool ExpectsContinue(const bhttp::fields& h) {
  auto it = h.find(bhttp::field::expect);
  return it != h.end() && EqualsIgnoreCase(it->value(), "100-continue");
}

// Copies a handler's Response header fields onto a Beast message.
template <class Message>
void CopyHeaders(const Headers& from, Message& to) {
  for (const auto& [name, value] : from.fields()) to.insert(name, value);
}

bool HasNoBody(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

}  // namespace

Connection::Connection(HttpServer::Core& core, tcp::socket socket)
    : core_(core), stream_(std::move(socket)) {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = FormatEndpoint(ep);
}

Connection::~Connection() {
  std::lock_guard<std::mutex> lock(core_.mu);
  core_.connections.erase(this);
  core_.cv.notify_all();
}

base::Task<void> Connection::Run(std::shared_ptr<Connection> self) {
  try {
    co_await self->Loop();
  } catch (const std::exception& e) {
    // Cancellation at shutdown lands here; anything else is unexpected but must not escape.
    spdlog::debug("http: connection {} ended: {}", self->remote_, e.what());
  } catch (...) {
    spdlog::debug("http: connection {} ended by an unknown exception", self->remote_);
  }
  self->phase_ = Phase::kDone;
  self->CloseSocket();
}

void Connection::CloseSocket() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

void Connection::RequestClose(bool force) {
  net::post(stream_.get_executor(), [self = shared_from_this(), force] {
    if (self->phase_ == Phase::kDone) return;
    if (force) {
      if (self->sse_) self->sse_->End(SsePhase::kAborted, /*failure=*/false);
      self->cancel_.emit(net::cancellation_type::terminal);
      self->CloseSocket();
      return;
    }
    switch (self->phase_) {
      case Phase::kIdle:
        self->CloseSocket();
        break;
      case Phase::kStreaming:
        if (self->sse_) self->sse_->End(SsePhase::kClosing, /*failure=*/false);
        break;
      default:
        // Reading or handling: the loop notices `stopping` after this request.
        break;
    }
  });
}

void Connection::Record(std::string_view method, std::string_view route, std::string_view target,
                        int status, std::chrono::steady_clock::time_point start, bool streamed) {
  core_.requests.fetch_add(1, std::memory_order_relaxed);
  if (!core_.options.on_response) return;
  AccessRecord record;
  record.method = method;
  record.route = route;
  record.target = target;
  record.remote_address = remote_;
  record.status = status;
  record.duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  record.streamed = streamed;
  try {
    core_.options.on_response(record);
  } catch (...) {
    // An observer must not take the connection down.
  }
}

base::Task<void> Connection::RejectAndClose(Response resp, unsigned version) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), version};
  CopyHeaders(resp.headers, res);
  if (!core_.options.server_name.empty()) res.set(bhttp::field::server, core_.options.server_name);
  res.body() = std::move(resp.body);
  res.keep_alive(false);
  res.prepare_payload();
  stream_.expires_after(core_.options.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream_, res, kNoThrow);
  if (ec) co_return;
  // Half-close, then read and discard for a moment (see kLingerTime).
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);
  std::array<char, 8192> sink;
  size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [rec, got] = co_await stream_.async_read_some(net::buffer(sink), kNoThrow);
    if (rec) break;
    drained += got;
  }
}

base::Task<void> Connection::Loop() {
  const HttpServerOptions& opt = core_.options;
  bool first = true;
  for (;;) {
    if (core_.stopping.load()) co_return;
    phase_ = Phase::kIdle;

    // Wait for the first byte of the next request. A new connection gets the header timeout
    // (it must say something soon); a kept-alive one may idle longer.
    if (buffer_.size() == 0) {
      stream_.expires_after(first ? opt.header_timeout : opt.idle_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kFirstReadSize), kNoThrow);
      if (ec) co_return;  // closed by the client, idle timeout, or shutdown
      buffer_.commit(n);
    }
    first = false;
    phase_ = Phase::kReading;

    // The header, within the header timeout counted from the first byte: a client trickling
    // bytes is cut off.
    bhttp::request_parser<bhttp::empty_body> header_parser;
    header_parser.header_limit(static_cast<std::uint32_t>(opt.header_limit));
    // The body size is checked below, against the route's limit, once the header is known.
    header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(opt.header_timeout);
    {
      auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, header_parser, kNoThrow);
      if (ec == bhttp::error::header_limit) {
        co_await RejectAndClose(core_.MakeError(431, "request header too large"), 11);
        co_return;
      }
      if (ec == beast::error::timeout || ec == net::error::eof || ec == bhttp::error::end_of_stream ||
          ec == net::error::operation_aborted || ec == net::error::connection_reset) {
        co_return;
      }
      if (ec) {
        co_await RejectAndClose(core_.MakeError(400, "malformed HTTP request"), 11);
        co_return;
      }
    }
    const auto& head = header_parser.get();
    const unsigned version = head.version();

    Request req;
    req.method = std::string(head.method_string());
    req.target = std::string(head.target());
    req.version = static_cast<int>(version);
    req.remote_address = remote_;
    std::string_view raw_path, raw_query;
    if (!SplitTarget(req.target, &raw_path, &raw_query)) {
      co_await RejectAndClose(core_.MakeError(400, "malformed request target"), version);
      co_return;
    }
    req.path = PercentDecode(raw_path);
    req.query = std::string(raw_query);
    req.query_params = ParseQuery(raw_query);
    for (const auto& field : head) req.headers.Add(field.name_string(), field.value());

    Router::Match match = core_.router.Find(req.method, raw_path);
    size_t body_limit = opt.body_limit;
    if (match.route != nullptr && match.route->options.body_limit != 0) {
      body_limit = match.route->options.body_limit;
    }
    // Refuse an announced oversized body before reading any of it.
    if (auto length = header_parser.content_length(); length && *length > body_limit) {
      auto start = std::chrono::steady_clock::now();
      co_await RejectAndClose(
          core_.MakeError(413, "request body exceeds " + std::to_string(body_limit) + " bytes"),
          version);
      Record(req.method, match.route ? std::string_view(match.route->pattern) : "", req.target, 413,
             start, false);
      co_return;
    }

    bhttp::request_parser<bhttp::string_body> parser{std::move(header_parser)};
    parser.body_limit(body_limit);
    if (!parser.is_done()) {
      if (ExpectsContinue(parser.get().base())) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
        stream_.expires_after(opt.write_timeout);
        auto [ec, n] = co_await bhttp::async_write(stream_, cont, kNoThrow);
        if (ec) co_return;
      }
      stream_.expires_after(opt.read_timeout);
      auto [ec, n] = co_await bhttp::async_read(stream_, buffer_, parser, kNoThrow);
      if (ec == bhttp::error::body_limit) {
        auto start = std::chrono::steady_clock::now();
        co_await RejectAndClose(
            core_.MakeError(413, "request body exceeds " + std::to_string(body_limit) + " bytes"),
            version);
        Record(req.method, match.route ? std::string_view(match.route->pattern) : "", req.target,
               413, start, false);
        co_return;
      }
      if (ec == beast::error::timeout || ec == net::error::eof ||
          ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
          ec == net::error::operation_aborted || ec == net::error::connection_reset) {
        co_return;
      }
      if (ec) {
        co_await RejectAndClose(core_.MakeError(400, "malformed HTTP request body"), version);
        co_return;
      }
    }
    stream_.expires_never();
    bool keep_alive = parser.get().keep_alive();
    req.body = std::move(parser.get().body());

    // Route to the handler.
    phase_ = Phase::kHandling;
    const auto start = std::chrono::steady_clock::now();
    std::string method = req.method;
    std::string target = req.target;
    std::string_view route;
    const Handler* handler = nullptr;
    Response resp;
    if (match.route != nullptr) {
      route = match.route->pattern;
      req.route = match.route->pattern;
      req.path_params = std::move(match.params);
      handler = &match.route->handler;
    } else if (!match.allow.empty()) {
      resp = core_.MakeError(405, "method " + req.method + " not allowed here");
      resp.headers.Set("Allow", match.allow);
    } else if (core_.router.not_found()) {
      handler = &core_.router.not_found();
    } else {
      resp = core_.MakeError(404, "no such path: " + req.path);
    }
    if (handler != nullptr) {
      try {
        resp = co_await (*handler)(std::move(req));
      } catch (const std::exception& e) {
        if (core_.stopping.load()) throw;  // cancelled at shutdown
        spdlog::error("http: handler for {} {} threw: {}", method, target, e.what());
        resp = core_.MakeError(500, "internal error");
        resp.close = true;
      }
    }

    if (resp.drop) {
      Record(method, route, target, 0, start, false);
      co_return;
    }
    if (resp.sse) {
      bool reusable = co_await Stream(std::move(resp), keep_alive && !core_.stopping.load(), version);
      Record(method, route, target, 200, start, true);
      if (!reusable) co_return;
      continue;
    }

    const int status = resp.status;
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), version};
    if (auto reason = StatusReason(status); !reason.empty()) res.reason(reason);
    CopyHeaders(resp.headers, res);
    if (!opt.server_name.empty() && res.find(bhttp::field::server) == res.end()) {
      res.set(bhttp::field::server, opt.server_name);
    }
    keep_alive = keep_alive && !resp.close && !core_.stopping.load();
    res.keep_alive(keep_alive);
    if (HasNoBody(status)) {
      res.content_length(boost::none);
    } else {
      res.body() = std::move(resp.body);
      res.prepare_payload();
    }
    stream_.expires_after(opt.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream_, res, kNoThrow);
    stream_.expires_never();
    Record(method, route, target, status, start, false);
    if (ec || !keep_alive) co_return;
  }
}

base::Task<bool> Connection::Stream(Response resp, bool keep_alive, unsigned version) {
  const HttpServerOptions& opt = core_.options;
  std::shared_ptr<SseWriter> writer = std::move(resp.sse);
  sse_ = SseAccess::Attach(*writer, stream_.get_executor());
  std::shared_ptr<SseState> state = sse_;
  phase_ = Phase::kStreaming;
  core_.streams.fetch_add(1);
  bool failure = false;
  // However the stream ends (returning, an exception, the frame destroyed at shutdown), the
  // writer learns it is finished and the connection leaves the streaming phase.
  struct StreamEnd {
    Connection* self;
    bool* failure;
    ~StreamEnd() {
      if (self->sse_) SseAccess::Finish(*self->sse_, *failure);
      self->sse_.reset();
      self->core_.streams.fetch_sub(1);
      if (self->phase_ == Phase::kStreaming) self->phase_ = Phase::kHandling;
    }
  } stream_end{this, &failure};

  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(resp.status), version};
  CopyHeaders(resp.headers, res);
  if (res.find(bhttp::field::content_type) == res.end()) {
    res.set(bhttp::field::content_type, "text/event-stream");
  }
  if (res.find(bhttp::field::cache_control) == res.end()) {
    res.set(bhttp::field::cache_control, "no-cache");
  }
  if (res.find("X-Accel-Buffering") == res.end()) res.set("X-Accel-Buffering", "no");
  if (!opt.server_name.empty()) res.set(bhttp::field::server, opt.server_name);
  // HTTP/1.1 streams are chunked, so the connection can be reused after the stream ends;
  // HTTP/1.0 streams end with the connection.
  const bool chunked = version >= 11;
  if (chunked) {
    res.chunked(true);
  } else {
    keep_alive = false;
  }
  res.keep_alive(keep_alive);

  bool clean_end = false;
  // While streaming, any close is a cut-off (write timeout, overflow, abort, client gone): reset
  // the connection so the kernel drops what it still buffers for this client rather than
  // trickling it out. A clean end restores the normal close.
  beast::error_code linger_ec;
  stream_.socket().set_option(net::socket_base::linger(true, 0), linger_ec);
  bhttp::response_serializer<bhttp::empty_body> serializer{res};
  stream_.expires_after(opt.write_timeout);
  if (auto [ec, n] = co_await bhttp::async_write_header(stream_, serializer, kNoThrow); ec) {
    failure = true;
  }
  stream_.expires_never();

  auto write = [this, chunked](std::string_view bytes) -> base::Task<bool> {
    stream_.expires_after(core_.options.write_timeout);
    beast::error_code ec;
    if (chunked) {
      std::tie(ec, std::ignore) =
          co_await net::async_write(stream_, bhttp::make_chunk(net::buffer(bytes)), kNoThrow);
    } else {
      std::tie(ec, std::ignore) = co_await net::async_write(stream_, net::buffer(bytes), kNoThrow);
    }
    stream_.expires_never();
    co_return !ec;
  };

  const auto keepalive = state->options.keepalive.count() > 0 ? state->options.keepalive
                                                              : std::chrono::hours(24);
  net::steady_timer tick(stream_.get_executor());
  bool watch_reads = true;
  std::string batch;
  while (!failure) {
    SsePhase phase = SseAccess::Take(*state, batch);
    if (phase == SsePhase::kAborted) break;
    if (!batch.empty()) {
      if (!co_await write(batch)) failure = true;
      continue;
    }
    if (phase == SsePhase::kClosing) {
      if (chunked) {
        stream_.expires_after(opt.write_timeout);
        auto [ec, n] = co_await net::async_write(stream_, bhttp::make_chunk_last(), kNoThrow);
        stream_.expires_never();
        if (ec) {
          failure = true;
          break;
        }
      }
      clean_end = true;
      stream_.socket().set_option(net::socket_base::linger(false, 0), linger_ec);
      break;
    }
    // Wait for an event, the keep-alive tick or (while watching) the client going away.
    tick.expires_after(keepalive);
    if (watch_reads) {
      auto woke = co_await (state->signal->async_receive(kNoThrow) || tick.async_wait(kNoThrow) ||
                            stream_.socket().async_wait(tcp::socket::wait_read, kNoThrow));
      if (woke.index() == 1 && state->options.keepalive.count() > 0) {
        if (!co_await write(kKeepAliveComment)) failure = true;
      } else if (woke.index() == 2) {
        beast::error_code ec;
        if (stream_.socket().available(ec) == 0 || ec) {
          failure = true;  // the client closed its side: it is gone
        } else {
          watch_reads = false;  // unexpected bytes (pipelining): stop watching, keep streaming
        }
      }
    } else {
      auto woke = co_await (state->signal->async_receive(kNoThrow) || tick.async_wait(kNoThrow));
      if (woke.index() == 1 && state->options.keepalive.count() > 0) {
        if (!co_await write(kKeepAliveComment)) failure = true;
      }
    }
  }

  co_return clean_end && keep_alive && watch_reads && !core_.stopping.load();
}

}  // namespace herald::http::internal
