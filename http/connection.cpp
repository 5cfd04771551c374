#include "http/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <charconv>
#include <exception>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include "http/request_target.h"
#include "http/router.h"

namespace herald::http::internal {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using net::ip::tcp;
using base::kNoThrow;
using error_code = boost::system::error_code;
using namespace net::experimental::awaitable_operators;  // NOLINT: the || operator on awaitables

constexpr size_t kReadSize = 16 * 1024;
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

bool ExpectsContinue(const bhttp::fields& h) {
  auto it = h.find(bhttp::field::expect);
  return it != h.end() && EqualsIgnoreCase(it->value(), "100-continue");
}

bool HasNoBody(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

// Appends `s` without CR and LF, so a header value can never end the header early.
void AppendClean(std::string& out, std::string_view s) {
  for (;;) {
    size_t bad = s.find_first_of("\r\n");
    out.append(s.substr(0, bad));
    if (bad == std::string_view::npos) return;
    s.remove_prefix(bad + 1);
  }
}

void AppendNumber(std::string& out, uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// The status line and header block of a response. Content-Length, Transfer-Encoding and
// Connection come from the arguments, never from `headers`.
void FormatHead(std::string& out, int status, unsigned version, const Headers& headers,
                std::string_view server_name, std::optional<uint64_t> content_length,
                bool chunked, bool keep_alive) {
  out.clear();
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  AppendNumber(out, static_cast<uint64_t>(status));
  out += ' ';
  std::string_view reason = StatusReason(status);
  out += reason.empty() ? std::string_view("Unknown") : reason;
  out += "\r\n";
  bool has_server = false;
  headers.ForEach([&](std::string_view name, std::string_view value) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
        EqualsIgnoreCase(name, "Connection")) {
      return;
    }
    if (EqualsIgnoreCase(name, "Server")) has_server = true;
    AppendClean(out, name);
    out += ": ";
    AppendClean(out, value);
    out += "\r\n";
  });
  if (!has_server && !server_name.empty()) {
    out += "Server: ";
    out += server_name;
    out += "\r\n";
  }
  if (content_length) {
    out += "Content-Length: ";
    AppendNumber(out, *content_length);
    out += "\r\n";
  }
  if (chunked) out += "Transfer-Encoding: chunked\r\n";
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (version == 10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

// True for the errors that mean the peer or the server ended the connection (nothing to answer).
bool IsConnectionGone(const error_code& ec) {
  return ec == net::error::eof || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message || ec == net::error::operation_aborted ||
         ec == net::error::connection_reset || ec == net::error::bad_descriptor ||
         ec == net::error::broken_pipe;
}

}  // namespace

// Hands StartStream calls (any thread) to the connection's strand; holds the connection weakly.
class Connection::Starter final : public StreamStarter {
 public:
  explicit Starter(std::weak_ptr<Connection> connection) : connection_(std::move(connection)) {}
  void Start(uint64_t request_seq, Response response) override {
    auto c = connection_.lock();
    if (!c || !response.sse) return;
    net::post(c->executor(), [c, request_seq, response = std::move(response)]() mutable {
      c->StartEarly(request_seq, std::move(response));
    });
  }

 private:
  std::weak_ptr<Connection> connection_;
};

Connection::Connection(HttpServer::Core& core, tcp::socket socket)
    : core_(core), socket_(std::move(socket)), early_done_(socket_.get_executor()) {
  error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_ = FormatEndpoint(ep);
    remote_ip_ = ep.address();
  }
  SetWaiting(true);  // waits for its first request from the start
}

Connection::~Connection() {
  std::lock_guard<std::mutex> lock(core_.mu);
  Unmark();
  if (core_.connections.erase(this) > 0) core_.open.fetch_sub(1, std::memory_order_relaxed);
  core_.cv.notify_all();
}

void Connection::Unmark() {
  if (evicting_.exchange(false)) core_.evicting.fetch_sub(1);
}

void Connection::Kill(bool failure) {
  if (sse_) sse_->End(SsePhase::kAborted, failure);
  cancel_.emit(net::cancellation_type::terminal);
  CloseSocket();
}

void Connection::Evict() {
  if (evicting_.exchange(true)) return;
  core_.evicting.fetch_add(1);
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    // Checked again on the strand: a request may have arrived since it was chosen.
    if (self->phase_ == Phase::kDone) return;
    if (self->waiting_since() == kNoDeadline) {
      self->Unmark();
      return;
    }
    spdlog::debug("http: connection {} evicted to make room", self->remote_);
    self->core_.evicted.fetch_add(1);
    self->Kill(/*failure=*/false);
  });
}

base::Task<void> Connection::Run(std::shared_ptr<Connection> self) {
  self->starter_ = std::make_shared<Starter>(self);
  try {
    co_await self->Loop();
  } catch (const std::exception& e) {
    // Cancellation at shutdown lands here; anything else is unexpected but must not escape.
    spdlog::debug("http: connection {} ended: {}", self->remote_, e.what());
  } catch (...) {
    spdlog::debug("http: connection {} ended by an unknown exception", self->remote_);
  }
  self->phase_ = Phase::kDone;
  self->ClearDeadline();
  self->SetWaiting(false);
  self->CloseSocket();
}

void Connection::CloseSocket() {
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::RequestClose(bool force) {
  net::post(socket_.get_executor(), [self = shared_from_this(), force] {
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

void Connection::ExpireIfDue(int64_t now, int64_t waiting_cutoff) {
  net::post(socket_.get_executor(), [self = shared_from_this(), now, waiting_cutoff] {
    // Checked again here, on the strand: the step may have finished since the reaper looked.
    if (self->phase_ == Phase::kDone) return;
    bool waited_too_long = !self->trusted() && self->waiting_since() <= waiting_cutoff;
    if (self->deadline() > now && !waited_too_long) return;
    spdlog::debug("http: connection {} timed out", self->remote_);
    self->Kill(/*failure=*/true);
  });
}

void Connection::StartEarly(uint64_t seq, Response resp) {
  // Only while the handler of request `seq` still runs: once it returned, its answer is being
  // written (and the client may already have read it), so a late start must not touch the
  // connection.
  if (!handler_running_ || seq != request_seq_ || early_started_) return;
  early_started_ = true;
  early_finished_ = false;
  early_writer_ = resp.sse;
  net::co_spawn(
      socket_.get_executor(),
      [self = shared_from_this(), resp = std::move(resp)]() mutable -> base::Task<void> {
        bool reusable = false;
        try {
          reusable = co_await self->Stream(std::move(resp), self->cur_keep_alive_,
                                           self->cur_version_);
        } catch (const std::exception& e) {
          spdlog::debug("http: stream on {} ended: {}", self->remote_, e.what());
        }
        self->early_reusable_ = reusable;
        self->early_finished_ = true;
        self->early_done_.cancel();
      },
      net::detached);
}

void Connection::Record(std::string_view method, std::string_view route, std::string_view target,
                        int status, Clock::time_point start, bool streamed) {
  core_.requests.fetch_add(1, std::memory_order_relaxed);
  if (!core_.options.on_response) return;
  AccessRecord record;
  record.method = method;
  record.route = route;
  record.target = target;
  record.remote_address = remote_;
  record.status = status;
  record.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  record.streamed = streamed;
  try {
    core_.options.on_response(record);
  } catch (...) {
    // An observer must not take the connection down.
  }
}

template <class Parser>
base::Task<error_code> Connection::Parse(Parser& parser, bool whole) {
  for (;;) {
    if (buffer_.size() > 0) {
      error_code ec;
      size_t used = parser.put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec && ec != bhttp::error::need_more) co_return ec;
      if (whole ? parser.is_done() : parser.is_header_done()) co_return error_code{};
      if (!ec && used > 0 && buffer_.size() > 0) continue;
    }
    auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(kReadSize), kNoThrow);
    if (ec == net::error::eof) {
      if (!parser.got_some()) co_return bhttp::error::end_of_stream;
      error_code eof_ec;
      parser.put_eof(eof_ec);
      if (!eof_ec && (whole ? parser.is_done() : parser.is_header_done())) co_return error_code{};
      co_return bhttp::error::partial_message;
    }
    if (ec) co_return ec;
    buffer_.commit(n);
  }
}

base::Task<bool> Connection::WriteResponse(Response& resp, unsigned version, bool keep_alive) {
  const bool no_body = HasNoBody(resp.status);
  // A HEAD answer keeps its Content-Length (the size the content would have) but not the bytes.
  const bool send_body = !no_body && !head_request_;
  FormatHead(head_, resp.status, version, resp.headers, core_.options.server_name,
             no_body ? std::nullopt : std::optional<uint64_t>(resp.body.size()),
             /*chunked=*/false, keep_alive);
  std::array<net::const_buffer, 2> buffers{net::buffer(head_),
                                           net::buffer(send_body ? resp.body : std::string_view{})};
  SetDeadline(core_.options.write_timeout);
  auto [ec, n] = co_await net::async_write(socket_, buffers, kNoThrow);
  ClearDeadline();
  co_return !ec;
}

base::Task<bool> Connection::WriteStreamed(Response& resp, unsigned version, bool keep_alive) {
  FormatHead(head_, resp.status, version, resp.headers, core_.options.server_name,
             resp.content_length, /*chunked=*/false, keep_alive);
  SetDeadline(core_.options.write_timeout);
  auto [hec, hn] = co_await net::async_write(socket_, net::buffer(head_), kNoThrow);
  ClearDeadline();
  if (hec) co_return false;
  if (head_request_) co_return keep_alive;
  uint64_t left = resp.content_length;
  while (left > 0) {
    base::Result<std::string> piece = co_await resp.body_stream->Read();
    if (!piece.ok() || piece->empty()) {
      spdlog::debug("http: streamed answer to {} ended early: {}", remote_,
                    piece.ok() ? "end of source" : piece.error().ToString());
      co_return false;  // the client sees a short body and a closed connection
    }
    std::string_view bytes(*piece);
    if (bytes.size() > left) bytes = bytes.substr(0, left);
    SetDeadline(core_.options.write_timeout);
    auto [ec, n] = co_await net::async_write(socket_, net::buffer(bytes), kNoThrow);
    ClearDeadline();
    if (ec) co_return false;
    left -= bytes.size();
  }
  co_return keep_alive;
}

base::Task<void> Connection::RejectAndClose(Response resp, unsigned version) {
  if (!co_await WriteResponse(resp, version, /*keep_alive=*/false)) co_return;
  // Half-close, then read and discard for a moment (see kLingerTime).
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  SetDeadline(kLingerTime);
  std::array<char, 8192> sink;
  size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [ec, got] = co_await socket_.async_read_some(net::buffer(sink), kNoThrow);
    if (ec) break;
    drained += got;
  }
  ClearDeadline();
}

// One request from its header to its answer: what the steps of the loop hand each other.
struct Connection::Exchange {
  Request req;                    // moved into the handler
  Router::Match match;            // the route (or 404/405) for req.method + path
  std::string_view route_pattern; // the matched pattern ("" when none), for the access record
  size_t body_limit = 0;          // the route's body limit, or the server's
  unsigned version = 11;
  bool keep_alive = false;        // what the client asked for
  bool untrusted_under_pressure = false;
  std::shared_ptr<StreamedBody> streamed;  // the body reader of a stream_body route
  // Kept for the access record once req has gone to the handler.
  std::string method;
  std::string target;
  Clock::time_point start;
};

// Reads a request body piece by piece from the connection's buffer and socket, on the
// connection's strand, while the handler runs (the handler is awaited by the connection's loop,
// so nothing else reads the socket meanwhile).
class Connection::StreamedBody final : public BodyStream {
 public:
  StreamedBody(Connection& c, bhttp::request_parser<bhttp::empty_body>&& header_parser,
               size_t limit, size_t chunk)
      : conn_(&c),
        parser_(std::move(header_parser)),
        limit_(limit),
        chunk_(chunk == 0 ? 64 * 1024 : chunk) {
    parser_.body_limit(limit);
    parser_.eager(true);
  }

  base::Task<base::Result<std::string>> Read() override {
    if (failure_) co_return *failure_;
    if (conn_ == nullptr) co_return base::FailedPrecondition("the request was already answered");
    if (parser_.is_done()) co_return std::string();
    Connection& c = *conn_;
    std::string out(chunk_, '\0');
    c.SetDeadline(c.core_.options.read_timeout);
    for (;;) {
      if (c.buffer_.size() > 0) {
        parser_.get().body().data = out.data();
        parser_.get().body().size = out.size();
        error_code ec;
        size_t used = parser_.put(c.buffer_.data(), ec);
        c.buffer_.consume(used);
        if (ec == bhttp::error::need_buffer) ec = {};
        const size_t got = out.size() - parser_.get().body().size;
        if (ec && ec != bhttp::error::need_more) {
          c.ClearDeadline();
          co_return Fail(ec == bhttp::error::body_limit
                             ? base::ResourceExhausted("the request body exceeds " +
                                                       std::to_string(limit_) + " bytes")
                             : base::InvalidArgument("malformed HTTP request body"));
        }
        if (got > 0 || parser_.is_done()) {
          c.ClearDeadline();
          out.resize(got);
          if (got == 0) co_return std::string();
          co_return out;
        }
        if (!ec && used > 0 && c.buffer_.size() > 0) continue;
      }
      auto [ec, n] = co_await c.socket_.async_read_some(c.buffer_.prepare(kReadSize), kNoThrow);
      if (ec) {
        c.ClearDeadline();
        co_return Fail(base::Unavailable(
            "the client closed the connection before the request body was complete",
            ec.message()));
      }
      c.buffer_.commit(n);
    }
  }

  bool done() const { return parser_.is_done(); }
  bool keep_alive() const { return parser_.get().keep_alive(); }
  // The handler returned: reading is over.
  void Detach() { conn_ = nullptr; }

 private:
  base::Error Fail(base::Error e) {
    failure_ = e;
    return e;
  }

  Connection* conn_;
  bhttp::request_parser<bhttp::buffer_body> parser_;
  const size_t limit_;
  const size_t chunk_;
  std::optional<base::Error> failure_;
};

namespace {

// Fills `req` from the parsed header (method, target, path, query, headers) and `raw_path` with
// the undecoded path (a view into req->target). False when the target is malformed.
bool BuildRequest(const bhttp::request_header<>& head, const std::string& remote, Request* req,
                  std::string_view* raw_path) {
  req->method = std::string(head.method_string());
  req->target = std::string(head.target());
  req->version = static_cast<int>(head.version());
  req->remote_address = remote;
  std::string_view raw_query;
  if (!SplitTarget(req->target, raw_path, &raw_query)) return false;
  req->path = PercentDecode(*raw_path);
  req->query = std::string(raw_query);
  req->query_params = ParseQuery(raw_query);
  size_t count = 0, bytes = 0;
  for (const auto& field : head) {
    ++count;
    bytes += field.name_string().size() + field.value().size();
  }
  req->headers.Reserve(count, bytes);
  for (const auto& field : head) req->headers.Add(field.name_string(), field.value());
  return true;
}

}  // namespace

// The loop: wait for a request, read it (header, admission, body), handle it, answer it, and
// go round again while the connection is kept alive. Each step that ends the connection has
// already answered (or found the client gone).
base::Task<void> Connection::Loop() {
  bool first = true;
  for (;;) {
    if (core_.stopping.load()) co_return;
    if (!co_await AwaitRequest(first)) co_return;
    first = false;
    std::optional<Exchange> exchange = co_await ReadRequest();
    if (!exchange) co_return;
    Response resp = co_await Handle(*exchange);
    if (!co_await Answer(*exchange, std::move(resp))) co_return;
  }
}

base::Task<bool> Connection::AwaitRequest(bool first) {
  phase_ = Phase::kIdle;
  head_request_ = false;
  SetWaiting(true);
  // Wait for the first byte of the next request. A new connection gets the header timeout
  // (it must say something soon); a kept-alive one may idle longer.
  if (buffer_.size() == 0) {
    SetDeadline(first ? core_.options.header_timeout : core_.options.idle_timeout);
    auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(kReadSize), kNoThrow);
    if (ec) co_return false;  // closed by the client, idle timeout, or shutdown
    buffer_.commit(n);
    SetWaiting(true);  // now for the rest of the header
  }
  phase_ = Phase::kReading;
  co_return true;
}

base::Task<std::optional<Connection::Exchange>> Connection::ReadRequest() {
  const HttpServerOptions& opt = core_.options;
  // The header, within the header timeout counted from the first byte: a client trickling
  // bytes is cut off.
  bhttp::request_parser<bhttp::empty_body> header_parser;
  header_parser.header_limit(static_cast<std::uint32_t>(opt.header_limit));
  // The body size is checked in ReadBody, against the route's limit, once the header is known.
  header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  SetDeadline(opt.header_timeout);
  if (error_code ec = co_await Parse(header_parser, /*whole=*/false); ec) {
    ClearDeadline();
    if (ec == bhttp::error::header_limit) {
      co_await RejectAndClose(core_.MakeError(431, "request header too large"), 11);
    } else if (!IsConnectionGone(ec)) {
      co_await RejectAndClose(core_.MakeError(400, "malformed HTTP request"), 11);
    }
    co_return std::nullopt;
  }
  SetWaiting(false);

  Exchange ex;
  const auto& head = header_parser.get();
  ex.version = head.version();
  // A HEAD request is answered without content whatever the answer (RFC 9110 9.3.2), or a
  // keep-alive client would read the body as the start of the next response. No route
  // serves HEAD, so it gets 404 or 405 + Allow with the body left out.
  head_request_ = head.method() == bhttp::verb::head;
  std::string_view raw_path;
  if (!BuildRequest(head, remote_, &ex.req, &raw_path)) {
    ClearDeadline();
    co_await RejectAndClose(core_.MakeError(400, "malformed request target"), ex.version);
    co_return std::nullopt;
  }
  ex.match = core_.router.Find(ex.req.method, raw_path);
  ex.body_limit = opt.body_limit;
  if (ex.match.route != nullptr && ex.match.route->options.body_limit != 0) {
    ex.body_limit = ex.match.route->options.body_limit;
  }
  ex.route_pattern = ex.match.route ? std::string_view(ex.match.route->pattern) : "";

  // Under pressure, or on a reserve connection: is this a known client? Asked before the body
  // is read; a reserve connection serves only known clients.
  if (!trusted() && opt.trust && (reserve_ || core_.UnderPressure())) {
    const Admission admission = co_await Admit(ex.req, ex.version);
    if (admission == Admission::kRefused) co_return std::nullopt;
    ex.untrusted_under_pressure = admission == Admission::kUntrustedUnderPressure;
  }
  if (!co_await ReadBody(header_parser, ex)) co_return std::nullopt;
  co_return std::optional<Exchange>(std::move(ex));
}

base::Task<Connection::Admission> Connection::Admit(const Request& req, unsigned version) {
  SetDeadline(core_.options.header_timeout);
  const bool known = co_await core_.options.trust(req);
  ClearDeadline();
  if (known) {
    trusted_.store(true, std::memory_order_relaxed);
    co_return Admission::kTrusted;
  }
  if (!reserve_) co_return Admission::kUntrustedUnderPressure;
  core_.refused_untrusted.fetch_add(1);
  Response busy = core_.MakeError(503, "server busy: only requests with valid credentials "
                                       "are served right now; retry later");
  busy.headers.Set("Retry-After", "1");
  co_await RejectAndClose(std::move(busy), version);
  co_return Admission::kRefused;
}

template <class HeaderParser>
base::Task<bool> Connection::ReadBody(HeaderParser& header_parser, Exchange& ex) {
  const HttpServerOptions& opt = core_.options;
  auto too_large = [&]() -> base::Task<void> {
    auto start = Clock::now();
    co_await RejectAndClose(
        core_.MakeError(413, "request body exceeds " + std::to_string(ex.body_limit) + " bytes"),
        ex.version);
    Record(ex.req.method, ex.route_pattern, ex.req.target, 413, start, false);
  };
  // Refuse an announced oversized body before reading any of it.
  if (auto length = header_parser.content_length(); length && *length > ex.body_limit) {
    ClearDeadline();
    co_await too_large();
    co_return false;
  }
  if (ex.match.route != nullptr && ex.match.route->options.stream_body) {
    // The handler reads the body itself (Request::body_reader); only 100-continue is answered
    // here, so a client waiting for it starts sending.
    if (!header_parser.is_done() && ExpectsContinue(header_parser.get().base()) &&
        buffer_.size() == 0) {
      constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      SetDeadline(opt.write_timeout);
      auto [ec, n] = co_await net::async_write(socket_, net::buffer(kContinue), kNoThrow);
      ClearDeadline();
      if (ec) co_return false;
    }
    ClearDeadline();
    ex.streamed = std::make_shared<StreamedBody>(*this, std::move(header_parser), ex.body_limit,
                                                 ex.match.route->options.stream_chunk);
    ex.keep_alive = ex.streamed->keep_alive();
    ex.req.body_reader = ex.streamed;
    co_return true;
  }
  bhttp::request_parser<bhttp::string_body> parser{std::move(header_parser)};
  parser.body_limit(ex.body_limit);
  parser.eager(true);
  if (!parser.is_done()) {
    if (ExpectsContinue(parser.get().base()) && buffer_.size() == 0) {
      constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      SetDeadline(opt.write_timeout);
      auto [ec, n] = co_await net::async_write(socket_, net::buffer(kContinue), kNoThrow);
      if (ec) co_return false;
    }
    SetDeadline(ex.untrusted_under_pressure ? std::min(opt.read_timeout, opt.pressure_timeout)
                                            : opt.read_timeout);
    error_code ec = co_await Parse(parser, /*whole=*/true);
    ClearDeadline();
    if (ec == bhttp::error::body_limit) {
      co_await too_large();
      co_return false;
    }
    if (ec) {
      if (!IsConnectionGone(ec)) {
        co_await RejectAndClose(core_.MakeError(400, "malformed HTTP request body"), ex.version);
      }
      co_return false;
    }
  }
  ClearDeadline();
  ex.keep_alive = parser.get().keep_alive();
  ex.req.body = std::move(parser.get().body());
  co_return true;
}

const Handler* Connection::Resolve(Exchange& ex, Response& resp) {
  if (ex.match.route != nullptr) {
    ex.req.route = ex.match.route->pattern;
    ex.req.path_params = std::move(ex.match.params);
    return &ex.match.route->handler;
  }
  if (!ex.match.allow.empty()) {
    resp = core_.MakeError(405, "method " + ex.req.method + " not allowed here");
    resp.headers.Set("Allow", ex.match.allow);
    return nullptr;
  }
  if (core_.router.not_found()) return &core_.router.not_found();
  resp = core_.MakeError(404, "no such path: " + ex.req.path);
  return nullptr;
}

base::Task<Response> Connection::Handle(Exchange& ex) {
  phase_ = Phase::kHandling;
  ++request_seq_;
  cur_version_ = ex.version;
  cur_keep_alive_ = ex.keep_alive && !core_.stopping.load();
  ex.req.streamer = starter_;
  ex.req.seq = request_seq_;
  ex.start = Clock::now();
  ex.method = ex.req.method;
  ex.target = ex.req.target;
  Response resp;
  const Handler* handler = Resolve(ex, resp);
  if (handler == nullptr) co_return resp;
  handler_running_ = true;
  // A streamed body the handler left unread cannot be skipped: the connection closes after
  // the answer.
  auto end_stream = [&] {
    if (!ex.streamed) return;
    ex.streamed->Detach();
    if (!ex.streamed->done()) {
      ex.keep_alive = false;
      cur_keep_alive_ = false;
    }
  };
  try {
    resp = co_await (*handler)(std::move(ex.req));
    handler_running_ = false;
    end_stream();
  } catch (const std::exception& e) {
    handler_running_ = false;
    end_stream();
    if (early_writer_) early_writer_->Abort();
    if (core_.stopping.load()) throw;  // cancelled at shutdown
    spdlog::error("http: handler for {} {} threw: {}", ex.method, ex.target, e.what());
    resp = core_.MakeError(500, "internal error");
    resp.close = true;
  }
  co_return resp;
}

base::Task<bool> Connection::Answer(Exchange& ex, Response resp) {
  if (early_started_) {
    // The handler started its stream early (StartStream): the answer is that stream.
    if (!early_finished_) {
      early_done_.expires_at(Clock::time_point::max());
      co_await early_done_.async_wait(kNoThrow);
    }
    early_started_ = false;
    early_writer_.reset();
    Record(ex.method, ex.route_pattern, ex.target, 200, ex.start, true);
    co_return early_reusable_;
  }
  if (resp.drop) {
    Record(ex.method, ex.route_pattern, ex.target, 0, ex.start, false);
    co_return false;
  }
  if (resp.sse) {
    bool reusable = co_await Stream(std::move(resp), KeepAlive(ex.keep_alive), ex.version);
    Record(ex.method, ex.route_pattern, ex.target, 200, ex.start, true);
    co_return reusable;
  }
  const bool keep_alive = KeepAlive(ex.keep_alive && !resp.close);
  if (resp.body_stream) {
    bool reusable = co_await WriteStreamed(resp, ex.version, keep_alive);
    Record(ex.method, ex.route_pattern, ex.target, resp.status, ex.start, false);
    co_return reusable;
  }
  bool written = co_await WriteResponse(resp, ex.version, keep_alive);
  Record(ex.method, ex.route_pattern, ex.target, resp.status, ex.start, false);
  co_return written && keep_alive;
}

base::Task<bool> Connection::Stream(Response resp, bool keep_alive, unsigned version) {
  const HttpServerOptions& opt = core_.options;
  std::shared_ptr<SseWriter> writer = std::move(resp.sse);
  sse_ = SseAccess::Attach(*writer, socket_.get_executor());
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
      self->ClearDeadline();
    }
  } stream_end{this, &failure};

  Headers& headers = resp.headers;
  if (!headers.Has("Content-Type")) headers.Set("Content-Type", "text/event-stream");
  if (!headers.Has("Cache-Control")) headers.Set("Cache-Control", "no-cache");
  if (!headers.Has("X-Accel-Buffering")) headers.Set("X-Accel-Buffering", "no");
  // HTTP/1.1 streams are chunked, so the connection can be reused after the stream ends;
  // HTTP/1.0 streams end with the connection.
  const bool chunked = version >= 11;
  if (!chunked) keep_alive = false;
  FormatHead(head_, resp.status, version, headers, opt.server_name, std::nullopt, chunked,
             keep_alive);

  bool clean_end = false;
  // While streaming, any close is a cut-off (write timeout, overflow, abort, client gone): reset
  // the connection so the kernel drops what it still buffers for this client rather than
  // trickling it out. A clean end restores the normal close.
  error_code linger_ec;
  socket_.set_option(net::socket_base::linger(true, 0), linger_ec);
  SetDeadline(opt.write_timeout);
  if (auto [ec, n] = co_await net::async_write(socket_, net::buffer(head_), kNoThrow); ec) {
    failure = true;
  }
  ClearDeadline();

  std::string chunk_size;
  auto write = [this, chunked, &chunk_size](std::string_view bytes) -> base::Task<bool> {
    error_code ec;
    SetDeadline(core_.options.write_timeout);
    if (chunked) {
      chunk_size.clear();
      char buf[20];
      auto [end, conv] = std::to_chars(buf, buf + sizeof buf, bytes.size(), 16);
      chunk_size.append(buf, end);
      chunk_size += "\r\n";
      std::array<net::const_buffer, 3> buffers{net::buffer(chunk_size), net::buffer(bytes),
                                               net::buffer(std::string_view("\r\n"))};
      std::tie(ec, std::ignore) = co_await net::async_write(socket_, buffers, kNoThrow);
    } else {
      std::tie(ec, std::ignore) = co_await net::async_write(socket_, net::buffer(bytes), kNoThrow);
    }
    ClearDeadline();
    co_return !ec;
  };

  const auto keepalive = state->options.keepalive.count() > 0 ? state->options.keepalive
                                                              : std::chrono::hours(24);
  net::steady_timer tick(socket_.get_executor());
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
        SetDeadline(opt.write_timeout);
        auto [ec, n] =
            co_await net::async_write(socket_, net::buffer(std::string_view("0\r\n\r\n")), kNoThrow);
        ClearDeadline();
        if (ec) {
          failure = true;
          break;
        }
      }
      clean_end = true;
      socket_.set_option(net::socket_base::linger(false, 0), linger_ec);
      break;
    }
    // Wait for an event, the keep-alive tick or (while watching) the client going away.
    tick.expires_after(keepalive);
    if (watch_reads) {
      auto woke = co_await (state->signal->async_receive(kNoThrow) || tick.async_wait(kNoThrow) ||
                            socket_.async_wait(tcp::socket::wait_read, kNoThrow));
      if (woke.index() == 1 && state->options.keepalive.count() > 0) {
        if (!co_await write(kKeepAliveComment)) failure = true;
      } else if (woke.index() == 2) {
        error_code ec;
        if (socket_.available(ec) == 0 || ec) {
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
