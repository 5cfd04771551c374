#include "platforms/http/https_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "platforms/http/address_policy.h"
#include "platforms/http/proxy_config.h"
#include "platforms/http/url_policy.h"

namespace herald::platforms::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;
using base::kNoThrow;

constexpr size_t kHeaderLimit = 64 * 1024;
// The piece size handed to HttpRequest::on_body.
constexpr size_t kStreamChunk = 64 * 1024;

// ---- small helpers ----

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

std::string Seconds(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// ---- the request target ----

struct Target {
  bool tls = true;
  std::string host;  // lower-case name or IP literal without brackets
  uint16_t port = 443;
  std::string path_query;               // origin-form request target: "/path?query"
  std::string host_header;              // Host header value: "host[:port]", IPv6 in brackets
  std::optional<asio::ip::address> ip;  // set when the host is an IP literal

  std::string PoolKey() const {
    return std::string(tls ? "https://" : "http://") + host_header + "#" + std::to_string(port);
  }
};

base::Result<Target> ParseTarget(std::string_view url) {
  HERALD_ASSIGN_OR_RETURN(ParsedUrl u, ParseUrl(url, "the request URL"));
  Target t;
  if (u.scheme == "https") {
    t.tls = true;
  } else if (u.scheme == "http") {
    t.tls = false;
  } else {
    return base::InvalidArgument("the request URL must use https:// (got " + u.scheme + "://)");
  }
  if (u.has_userinfo) {
    return base::InvalidArgument("the request URL must not contain a user name or password");
  }
  t.host = std::move(u.host);
  t.ip = u.ip;
  t.port = u.PortOr(t.tls ? 443 : 80);
  t.path_query = std::move(u.path);
  if (t.path_query.empty()) t.path_query = "/";
  if (t.path_query.front() != '/') return base::InvalidArgument("the request URL has a bad path");
  if (u.query) t.path_query += "?" + *u.query;
  bool v6 = t.ip && t.ip->is_v6();
  t.host_header = v6 ? "[" + t.host + "]" : t.host;
  if (t.port != (t.tls ? 443 : 80)) t.host_header += ":" + std::to_string(t.port);
  return t;
}

// ---- DNS with a deadline ----
//
// The system resolver cannot be interrupted, so the lookup runs in a shared state that outlives
// the awaiting coroutine if the deadline passes first; whichever of (lookup, timer) finishes
// first completes the coroutine.

using ResolveSignature = void(error_code, tcp::resolver::results_type);

struct ResolveRace : std::enable_shared_from_this<ResolveRace> {
  explicit ResolveRace(const asio::any_io_executor& ex)
      : caller(ex), strand(asio::make_strand(ex)), resolver(strand), timer(strand) {}

  void Finish(error_code ec, tcp::resolver::results_type results) {
    std::optional<asio::any_completion_handler<ResolveSignature>> h;
    {
      std::lock_guard<std::mutex> lock(mu);
      h.swap(handler);
    }
    if (!h) return;
    // Resume the awaiting coroutine on its own executor, never inline on the strand.
    asio::post(caller, [h = std::move(*h), ec, results = std::move(results)]() mutable {
      std::move(h)(ec, std::move(results));
    });
  }

  asio::any_io_executor caller;
  asio::strand<asio::any_io_executor> strand;
  tcp::resolver resolver;
  asio::steady_timer timer;
  std::mutex mu;
  std::optional<asio::any_completion_handler<ResolveSignature>> handler;
};

base::Task<std::tuple<error_code, tcp::resolver::results_type>> ResolveBefore(
    asio::any_io_executor ex, std::string host, uint16_t port, SteadyTime deadline) {
  auto race = std::make_shared<ResolveRace>(ex);
  return asio::async_initiate<decltype(kNoThrow), ResolveSignature>(
      [race, host = std::move(host), port, deadline](auto handler) {
        {
          std::lock_guard<std::mutex> lock(race->mu);
          race->handler.emplace(std::move(handler));
        }
        asio::post(race->strand, [race, host, port, deadline] {
          race->timer.expires_at(deadline);
          race->timer.async_wait([race](error_code ec) {
            if (ec) return;  // cancelled: the lookup finished first
            race->resolver.cancel();
            race->Finish(asio::error::timed_out, {});
          });
          race->resolver.async_resolve(host, std::to_string(port),
                                       [race](error_code ec, tcp::resolver::results_type results) {
                                         race->timer.cancel();
                                         race->Finish(ec, std::move(results));
                                       });
        });
      },
      kNoThrow);
}

// ---- connections and the pool ----

const asio::execution_context* ContextOf(const asio::any_io_executor& ex) {
  return &asio::query(ex, asio::execution::context);
}

struct Connection {
  // The execution context (io_context) of the coroutine that opened it: its sockets belong to
  // it, so only coroutines running on the same context may reuse it (from any strand).
  const asio::execution_context* owner = nullptr;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  SteadyTime idle_since;
  // The host it reaches is on a loopback or private address (checked against the address
  // connected to, or, through a proxy, the addresses the host name resolved to).
  bool private_peer = false;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // True if the connection is open and silent: no EOF, reset or unexpected bytes. A server
  // that closed an idle keep-alive connection shows up here before we write anything.
  bool LooksAlive() {
    auto& socket = tcp().socket();
    if (!socket.is_open()) return false;
    if (tls && SSL_pending(tls->native_handle()) > 0) return false;
    if (buffer.size() > 0) return false;
    pollfd p{};
    p.fd = socket.native_handle();
    p.events = POLLIN | POLLRDHUP;
    int n = ::poll(&p, 1, 0);
    return n == 0;
  }
};

class Pool {
 public:
  Pool(size_t per_host, size_t total, std::chrono::seconds max_idle)
      : per_host_(per_host), total_(total), max_idle_(max_idle) {}

  // A live idle connection for `key` made on context `owner`, or nullptr. Dead or expired ones
  // met on the way are closed; `stale` counts them.
  std::unique_ptr<Connection> Take(const std::string& key, const asio::execution_context* owner,
                                   uint64_t& stale) {
    std::vector<std::unique_ptr<Connection>> dead;
    std::unique_ptr<Connection> found;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = idle_.find(key);
      if (it == idle_.end()) return nullptr;
      auto& list = it->second;
      SteadyTime now = std::chrono::steady_clock::now();
      for (auto c = list.end(); c != list.begin();) {
        --c;
        if ((*c)->owner != owner) continue;
        bool expired = now - (*c)->idle_since > max_idle_;
        if (expired || !(*c)->LooksAlive()) {
          if (!expired) ++stale;
          dead.push_back(std::move(*c));
          c = list.erase(c);
          --count_;
          continue;
        }
        found = std::move(*c);
        list.erase(c);
        --count_;
        break;
      }
      if (list.empty()) idle_.erase(it);
    }
    return found;  // `dead` closes outside the lock
  }

  void Put(const std::string& key, std::unique_ptr<Connection> c) {
    std::vector<std::unique_ptr<Connection>> evicted;
    c->idle_since = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    auto& list = idle_[key];
    list.push_back(std::move(c));
    ++count_;
    while (list.size() > per_host_) {
      evicted.push_back(std::move(list.front()));
      list.pop_front();
      --count_;
    }
    while (count_ > total_) {
      // Evict the connection idle the longest, whichever host it belongs to.
      auto oldest = idle_.end();
      for (auto it = idle_.begin(); it != idle_.end(); ++it) {
        if (it->second.empty()) continue;
        if (oldest == idle_.end() ||
            it->second.front()->idle_since < oldest->second.front()->idle_since) {
          oldest = it;
        }
      }
      if (oldest == idle_.end()) break;
      evicted.push_back(std::move(oldest->second.front()));
      oldest->second.pop_front();
      --count_;
      if (oldest->second.empty()) idle_.erase(oldest);
    }
  }

  void Clear() {
    std::map<std::string, std::deque<std::unique_ptr<Connection>>> gone;
    std::lock_guard<std::mutex> lock(mu_);
    gone.swap(idle_);
    count_ = 0;
  }

  // Closes every idle connection made on `owner` (which is shutting down: its sockets must go
  // before it does, and a later context at the same address must not find them).
  void DropOwner(const asio::execution_context* owner) {
    std::vector<std::unique_ptr<Connection>> gone;
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = idle_.begin(); it != idle_.end();) {
      auto& list = it->second;
      for (auto c = list.begin(); c != list.end();) {
        if ((*c)->owner == owner) {
          gone.push_back(std::move(*c));
          c = list.erase(c);
          --count_;
        } else {
          ++c;
        }
      }
      it = list.empty() ? idle_.erase(it) : std::next(it);
    }
  }

 private:
  const size_t per_host_;
  const size_t total_;
  const std::chrono::seconds max_idle_;
  std::mutex mu_;
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;
  size_t count_ = 0;
};

// A service living exactly as long as its execution context: when the context shuts down it
// drops that context's idle connections from every pool that pooled one, so a pooled socket
// never outlives its io_context (callers need not CloseIdle before destroying one).
class PoolWatch final : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;
  explicit PoolWatch(asio::execution_context& context) : service(context) {}

  // `pool` will have this context's connections dropped at shutdown.
  void Watch(const std::shared_ptr<Pool>& pool) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = pools_.begin(); it != pools_.end();) {
      std::shared_ptr<Pool> p = it->lock();
      if (p == pool) return;
      it = p ? std::next(it) : pools_.erase(it);
    }
    pools_.push_back(pool);
  }

 private:
  void shutdown() override {
    std::vector<std::weak_ptr<Pool>> pools;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pools.swap(pools_);
    }
    for (auto& w : pools) {
      if (auto p = w.lock()) p->DropOwner(&context());
    }
  }

  std::mutex mu_;
  std::vector<std::weak_ptr<Pool>> pools_;
};

asio::execution_context::id PoolWatch::id;

// The outcome of writing a request and reading its answer on one connection.
struct Exchange {
  std::optional<HttpResponse> response;
  std::optional<base::Error> error;
  bool got_response_bytes = false;
  bool timed_out = false;
  bool keep_alive = false;
};

std::string TlsFailureReason(const error_code& ec, SSL* ssl) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  std::string text = ec.message();
  return text.empty() ? "handshake failed" : text;
}

}  // namespace

// ---- the client ----

struct HttpsClient::Impl {
  Impl(HttpsClientOptions o, std::optional<ProxyConfig> p)
      : options(std::move(o)),
        proxy(std::move(p)),
        tls_context(ssl::context::tls_client),
        pool(std::make_shared<Pool>(options.max_idle_per_host, options.max_idle_total,
                                    options.max_idle_time)) {}

  base::Result<void> SetUpTls() {
    SSL_CTX* ctx = tls_context.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    tls_context.set_verify_mode(ssl::verify_peer);
    error_code ec;
    if (options.use_system_cas) {
      tls_context.set_default_verify_paths(ec);
      if (ec) {
        return base::FailedPrecondition("the system CA certificates could not be loaded: " +
                                        ec.message());
      }
    }
    if (!options.extra_ca_file.empty()) {
      tls_context.load_verify_file(options.extra_ca_file, ec);
      if (ec) {
        return base::FailedPrecondition(
            "HERALD_CA_FILE (" + options.extra_ca_file +
            ") could not be loaded as PEM CA certificates: " + ec.message());
      }
    }
    return base::Ok();
  }

  base::Task<base::Result<HttpResponse>> Send(HttpRequest request);
  base::Task<base::Result<HttpResponse>> SendOnce(const Target& t, const HttpRequest& request,
                                                  SteadyTime deadline);
  base::Task<base::Result<std::unique_ptr<Connection>>> Connect(asio::any_io_executor ex,
                                                                const Target& t,
                                                                const HttpRequest& request,
                                                                SteadyTime deadline);
  base::Task<base::Result<void>> OpenTunnel(beast::tcp_stream& stream, const Target& t);
  base::Task<Exchange> RunExchange(Connection& c, const Target& t, const HttpRequest& request,
                                   SteadyTime deadline);
  template <class Stream>
  base::Task<Exchange> RunExchangeOn(Stream& stream, Connection& c, const Target& t,
                                     const HttpRequest& request);

  // Resolves `t` (override, literal or DNS) before `deadline`.
  base::Task<base::Result<std::vector<tcp::endpoint>>> Resolve(asio::any_io_executor ex,
                                                               const Target& t, SteadyTime deadline,
                                                               std::chrono::milliseconds budget,
                                                               bool tolerate_failure);
  base::Result<void> CheckAddresses(const Target& t, const HttpRequest& request,
                                    const std::vector<tcp::endpoint>& eps);

  HttpsClientOptions options;
  std::optional<ProxyConfig> proxy;
  ssl::context tls_context;
  std::shared_ptr<Pool> pool;  // shared with the PoolWatch of every context it pooled for
  std::atomic<uint64_t> opened{0};
  std::atomic<uint64_t> reused{0};
  std::atomic<uint64_t> stale{0};
  std::atomic<uint64_t> retried{0};
};

base::Result<std::unique_ptr<HttpsClient>> HttpsClient::Create(HttpsClientOptions options) {
  HERALD_ASSIGN_OR_RETURN(std::optional<ProxyConfig> proxy,
                          ProxyConfig::Parse(options.https_proxy, options.no_proxy));
  if (options.max_idle_per_host == 0) options.max_idle_per_host = 1;
  if (options.max_idle_total == 0) options.max_idle_total = 1;
  for (const auto& [host, ip] : options.resolve) {
    if (!ParseIpLiteral(ip)) {
      return base::InvalidArgument("resolve override for " + host + " is not an IP address");
    }
  }
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(std::move(options), std::move(proxy));
  } catch (const std::exception& e) {
    return base::Internal(std::string("TLS context: ") + e.what());
  }
  HERALD_RETURN_IF_ERROR(impl->SetUpTls());
  return std::unique_ptr<HttpsClient>(new HttpsClient(std::move(impl)));
}

HttpsClient::HttpsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpsClient::~HttpsClient() = default;

HttpsClient::Stats HttpsClient::stats() const {
  Stats s;
  s.connections_opened = impl_->opened.load();
  s.connections_reused = impl_->reused.load();
  s.stale_discarded = impl_->stale.load();
  s.retried = impl_->retried.load();
  return s;
}

void HttpsClient::CloseIdle() { impl_->pool->Clear(); }

Task<Result<HttpResponse>> HttpsClient::Send(HttpRequest request) {
  std::string what;
  try {
    co_return co_await impl_->Send(std::move(request));
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  // Not expected; since it may have happened after the request was written, the outcome is
  // unknown rather than "not sent".
  co_return base::Unknown("the HTTP request failed unexpectedly; it may have been sent",
                          "https client exception: " + what);
}

base::Task<base::Result<HttpResponse>> HttpsClient::Impl::Send(HttpRequest request) {
  if (!IsToken(request.method)) {
    co_return base::InvalidArgument("the HTTP method is not a valid token");
  }
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name)) {
      co_return base::InvalidArgument("the HTTP header name '" + name + "' is not valid");
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      co_return base::InvalidArgument("the value of HTTP header '" + name +
                                      "' contains a line break or NUL");
    }
  }
  HERALD_CO_ASSIGN_OR_RETURN(Target target, ParseTarget(request.url));
  const SteadyTime deadline = std::chrono::steady_clock::now() + request.total_timeout;
  int redirects = 0;
  for (;;) {
    base::Result<HttpResponse> r = co_await SendOnce(target, request, deadline);
    if (!r.ok()) co_return r;
    int status = r->status;
    bool redirect =
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    std::string location = r->Header("Location");
    if (!redirect || redirects >= request.max_redirects || location.empty()) co_return r;
    // Resolve the Location against the current URL.
    const std::string current_url =
        std::string(target.tls ? "https://" : "http://") + target.host_header + target.path_query;
    auto current = boost::urls::parse_uri(current_url);
    auto ref = boost::urls::parse_uri_reference(location);
    if (!current || !ref) co_return r;  // an unusable Location: hand the 3xx to the caller
    boost::urls::url next;
    if (!boost::urls::resolve(*current, *ref, next)) co_return r;
    next.remove_fragment();
    auto next_target = ParseTarget(next.buffer());
    if (!next_target.ok()) co_return r;  // not somewhere we may go: hand the 3xx over
    if (status == 303 || ((status == 301 || status == 302) && request.method == "POST")) {
      request.method = "GET";
      request.body.clear();
      std::erase_if(request.headers, [](const auto& h) {
        std::string n = Lower(h.first);
        return n == "content-type" || n == "content-length";
      });
    }
    if (next_target->host != target.host || next_target->port != target.port ||
        next_target->tls != target.tls) {
      std::erase_if(request.headers, [](const auto& h) {
        std::string n = Lower(h.first);
        return n == "authorization" || n == "cookie" || n == "proxy-authorization";
      });
    }
    target = std::move(*next_target);
    ++redirects;
  }
}

base::Task<base::Result<std::vector<tcp::endpoint>>> HttpsClient::Impl::Resolve(
    asio::any_io_executor ex, const Target& t, SteadyTime deadline,
    std::chrono::milliseconds budget, bool tolerate_failure) {
  std::vector<tcp::endpoint> out;
  if (t.ip) {
    out.emplace_back(*t.ip, t.port);
    co_return out;
  }
  if (auto it = options.resolve.find(t.host); it != options.resolve.end()) {
    out.emplace_back(*ParseIpLiteral(it->second), t.port);
    co_return out;
  }
  auto [ec, results] = co_await ResolveBefore(ex, t.host, t.port, deadline);
  if (ec) {
    if (tolerate_failure) co_return out;  // empty: the proxy resolves the name
    if (ec == asio::error::timed_out) {
      co_return base::DeadlineExceeded("looking up " + t.host + " timed out after " +
                                       Seconds(budget));
    }
    co_return base::Unavailable("could not resolve host " + t.host, ec.message());
  }
  for (const auto& entry : results) out.push_back(entry.endpoint());
  if (out.empty() && !tolerate_failure) {
    co_return base::Unavailable("host " + t.host + " has no address");
  }
  co_return out;
}

base::Result<void> HttpsClient::Impl::CheckAddresses(const Target& t, const HttpRequest& request,
                                                     const std::vector<tcp::endpoint>& eps) {
  for (const tcp::endpoint& ep : eps) {
    asio::ip::address a = ep.address();
    if (request.public_addresses_only) {
      if (!IsPrivateAddress(a)) continue;
      const std::string endpoint =
          (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
      if (request.test_allowed_endpoints.contains(endpoint)) continue;
      return base::InvalidArgument(
          t.host + " resolves to a " + (IsLoopbackAddress(a) ? "loopback" : "private") +
          " address (" + a.to_string() + "); herald only fetches from public addresses");
    }
    if (!t.tls) {
      if (!IsLoopbackAddress(a)) {
        return base::InvalidArgument(
            "plain http:// is only allowed to loopback addresses; use https:// for " + t.host);
      }
      continue;
    }
    if (!options.allow_private_networks && IsPrivateAddress(a)) {
      return base::InvalidArgument(
          t.host + " resolves to a private address (" + a.to_string() +
          "); herald only connects to public addresses unless "
          "HERALD_ALLOW_PRIVATE_NETWORKS=1 is set (e.g. for a self-hosted instance on a LAN)");
    }
  }
  return base::Ok();
}

base::Task<base::Result<HttpResponse>> HttpsClient::Impl::SendOnce(const Target& t,
                                                                   const HttpRequest& request,
                                                                   SteadyTime deadline) {
  asio::any_io_executor ex = co_await asio::this_coro::executor;
  const std::string key = t.PoolKey();
  // A literal that breaks the address rules is refused before the pool is even consulted.
  if (t.ip) HERALD_CO_RETURN_IF_ERROR(CheckAddresses(t, request, {tcp::endpoint(*t.ip, t.port)}));
  // A public-only request never shares pooled connections: each one is checked when made.
  const bool pooled = !request.public_addresses_only;
  for (int attempt = 0;; ++attempt) {
    uint64_t stale_now = 0;
    std::unique_ptr<Connection> conn =
        pooled ? pool->Take(key, ContextOf(ex), stale_now) : nullptr;
    stale += stale_now;
    const bool was_reused = conn != nullptr;
    if (conn) {
      ++reused;
    } else {
      HERALD_CO_ASSIGN_OR_RETURN(conn, co_await Connect(ex, t, request, deadline));
      ++opened;
    }
    Exchange x = co_await RunExchange(*conn, t, request, deadline);
    if (x.response) {
      x.response->from_network = !conn->private_peer || options.allow_private_networks;
      if (x.keep_alive && pooled) {
        // Registered after the connection's sockets, so its shutdown runs before theirs.
        asio::use_service<PoolWatch>(asio::query(ex, asio::execution::context)).Watch(pool);
        pool->Put(key, std::move(conn));
      }
      co_return std::move(*x.response);
    }
    // A reused connection that failed before any answer most likely had been closed by the
    // server just as we wrote. Only a safe request can be sent again: anything else may have
    // been acted on.
    if (was_reused && attempt == 0 && !x.got_response_bytes && !x.timed_out &&
        IsSafeMethod(request.method) && std::chrono::steady_clock::now() < deadline) {
      ++retried;
      continue;
    }
    co_return std::move(*x.error);
  }
}

base::Task<base::Result<std::unique_ptr<Connection>>> HttpsClient::Impl::Connect(
    asio::any_io_executor ex, const Target& t, const HttpRequest& request, SteadyTime deadline) {
  const SteadyTime start = std::chrono::steady_clock::now();
  const SteadyTime connect_deadline = std::min(deadline, start + request.connect_timeout);
  const std::chrono::milliseconds budget =
      std::chrono::duration_cast<std::chrono::milliseconds>(connect_deadline - start);
  const bool proxied = t.tls && proxy && proxy->Applies(t.host);

  // Resolve and check the target's addresses, also when going through a proxy: the address
  // rules hold either way. A name the local resolver cannot find is left to the proxy (not
  // for a public-only request: its addresses must be known to be public).
  HERALD_CO_ASSIGN_OR_RETURN(
      std::vector<tcp::endpoint> endpoints,
      co_await Resolve(ex, t, connect_deadline, budget,
                       proxied && !request.public_addresses_only));
  HERALD_CO_RETURN_IF_ERROR(CheckAddresses(t, request, endpoints));

  auto conn = std::make_unique<Connection>();
  conn->owner = ContextOf(ex);
  beast::tcp_stream stream(asio::make_strand(ex));
  stream.expires_at(connect_deadline);
  auto timeout_error = [&](std::string_view what) {
    return base::DeadlineExceeded(std::string(what) + " timed out after " + Seconds(budget));
  };

  if (proxied) {
    conn->private_peer = std::any_of(endpoints.begin(), endpoints.end(), [](const auto& ep) {
      return IsPrivateAddress(ep.address());
    });
    Target proxy_target;
    proxy_target.host = Lower(proxy->host);
    proxy_target.port = proxy->port;
    proxy_target.ip = ParseIpLiteral(proxy->host);
    HERALD_CO_ASSIGN_OR_RETURN(std::vector<tcp::endpoint> proxy_eps,
                               co_await Resolve(ex, proxy_target, connect_deadline, budget,
                                                /*tolerate_failure=*/false));
    auto [ec, ep] = co_await stream.async_connect(proxy_eps, kNoThrow);
    if (ec == beast::error::timeout) co_return timeout_error("connecting to the HTTPS proxy");
    if (ec) {
      co_return base::Unavailable(
          "could not connect to the HTTPS proxy " + proxy->host + ":" + std::to_string(proxy->port),
          ec.message());
    }
    auto tunnel = co_await OpenTunnel(stream, t);
    if (!tunnel.ok()) {
      if (tunnel.error().code() == base::ErrorCode::kDeadlineExceeded) {
        co_return timeout_error("opening a tunnel through the HTTPS proxy");
      }
      co_return std::move(tunnel).error();
    }
  } else {
    auto [ec, ep] = co_await stream.async_connect(endpoints, kNoThrow);
    if (ec == beast::error::timeout) co_return timeout_error("connecting to " + t.host);
    if (ec) co_return base::Unavailable("could not connect to " + t.host, ec.message());
    conn->private_peer = IsPrivateAddress(ep.address());
  }

  if (!t.tls) {
    stream.expires_never();
    conn->plain = std::make_unique<beast::tcp_stream>(std::move(stream));
    co_return conn;
  }

  conn->tls =
      std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(stream), tls_context);
  SSL* ssl_handle = conn->tls->native_handle();
  if (t.ip) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), t.host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_handle, t.host.c_str());
    SSL_set_hostflags(ssl_handle, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set1_host(ssl_handle, t.host.c_str());
  }
  auto [ec] = co_await conn->tls->async_handshake(ssl::stream_base::client, kNoThrow);
  if (ec == beast::error::timeout) co_return timeout_error("the TLS handshake with " + t.host);
  if (ec) {
    co_return base::Unavailable(
        "TLS handshake with " + t.host + " failed: " + TlsFailureReason(ec, ssl_handle),
        ec.message());
  }
  beast::get_lowest_layer(*conn->tls).expires_never();
  co_return conn;
}

base::Task<base::Result<void>> HttpsClient::Impl::OpenTunnel(beast::tcp_stream& stream,
                                                             const Target& t) {
  bhttp::request<bhttp::empty_body> req;
  req.method(bhttp::verb::connect);
  std::string authority =
      (t.ip && t.ip->is_v6() ? "[" + t.host + "]" : t.host) + ":" + std::to_string(t.port);
  req.target(authority);
  req.version(11);
  req.set(bhttp::field::host, authority);
  req.set(bhttp::field::user_agent, options.user_agent);
  if (!proxy->authorization.empty()) {
    req.set(bhttp::field::proxy_authorization, proxy->authorization);
  }
  auto [wec, wn] = co_await bhttp::async_write(stream, req, kNoThrow);
  if (wec == beast::error::timeout) co_return base::DeadlineExceeded("proxy CONNECT");
  if (wec) co_return base::Unavailable("the HTTPS proxy closed the connection", wec.message());
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.skip(true);  // a 2xx answer to CONNECT has no body: the tunnel starts after the header
  parser.header_limit(kHeaderLimit);
  auto [rec, rn] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
  if (rec == beast::error::timeout) co_return base::DeadlineExceeded("proxy CONNECT");
  if (rec) {
    co_return base::Unavailable("the HTTPS proxy did not answer the tunnel request", rec.message());
  }
  unsigned status = parser.get().result_int();
  if (status < 200 || status > 299) {
    co_return base::Unavailable("the HTTPS proxy refused a tunnel to " + t.host + ": " +
                                std::to_string(status) + " " + std::string(parser.get().reason()));
  }
  if (buffer.size() != 0) {
    co_return base::Unavailable("the HTTPS proxy sent data before the tunnel was ready");
  }
  co_return base::Ok();
}

base::Task<Exchange> HttpsClient::Impl::RunExchange(Connection& c, const Target& t,
                                                    const HttpRequest& request,
                                                    SteadyTime deadline) {
  c.tcp().expires_at(deadline);
  Exchange x;
  if (c.tls) {
    x = co_await RunExchangeOn(*c.tls, c, t, request);
  } else {
    x = co_await RunExchangeOn(*c.plain, c, t, request);
  }
  if (x.response && x.keep_alive) {
    c.tcp().expires_never();
  } else if (x.response || x.error) {
    error_code ignored;
    c.tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    c.tcp().close();
    x.keep_alive = false;
  }
  if (x.error && x.timed_out) {
    x.error = base::Unknown(t.host + " did not answer within " + Seconds(request.total_timeout) +
                            " after the request was sent; it may have been applied");
  }
  co_return x;
}

template <class Stream>
base::Task<Exchange> HttpsClient::Impl::RunExchangeOn(Stream& stream, Connection& c,
                                                      const Target& t, const HttpRequest& request) {
  Exchange x;
  bhttp::request<bhttp::string_body> msg;
  bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) {
    msg.method_string(request.method);
  } else {
    msg.method(verb);
  }
  msg.target(t.path_query);
  msg.version(11);
  msg.set(bhttp::field::host, t.host_header);
  bool has_user_agent = false;
  bool close_requested = false;
  for (const auto& [name, value] : request.headers) {
    std::string n = Lower(name);
    if (n == "host" || n == "content-length" || n == "transfer-encoding") continue;
    if (n == "connection") {
      if (Lower(value).find("close") != std::string::npos) close_requested = true;
      continue;
    }
    if (n == "user-agent") has_user_agent = true;
    msg.insert(name, value);
  }
  if (!has_user_agent) msg.set(bhttp::field::user_agent, options.user_agent);
  if (close_requested) msg.set(bhttp::field::connection, "close");
  msg.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    msg.prepare_payload();
  }

  auto lost = [&](const error_code& ec, std::string_view when) {
    if (ec == beast::error::timeout) x.timed_out = true;
    x.error = base::Unknown("the connection to " + t.host + " was lost " + std::string(when) +
                                "; the request may have been applied",
                            ec.message());
  };

  // From here on the server may see the request: every failure is kUnknown.
  auto [wec, wn] = co_await bhttp::async_write(stream, msg, kNoThrow);
  if (wec) {
    lost(wec, "while sending the request");
    co_return x;
  }
  const bool head = request.method == "HEAD";
  auto too_large = [&] {
    x.got_response_bytes = true;
    x.error = base::ResourceExhausted("the response from " + t.host +
                                      " is larger than the limit of " +
                                      std::to_string(request.max_response_bytes) + " bytes");
  };
  // True (x.error set) when reading the body failed.
  auto body_failed = [&](const error_code& rec) {
    if (rec == bhttp::error::body_limit) {
      too_large();
      return true;
    }
    if (rec) lost(rec, "before the response was complete");
    return static_cast<bool>(rec);
  };
  for (;;) {
    // The header first (a Content-Length over the limit fails here), then the body: kept in
    // memory, or handed to request.on_body in pieces for a 2xx answer.
    bhttp::response_parser<bhttp::empty_body> header_parser;
    header_parser.header_limit(kHeaderLimit);
    header_parser.body_limit(request.max_response_bytes);
    if (head) header_parser.skip(true);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, c.buffer, header_parser, kNoThrow);
    if (header_parser.got_some() || hn > 0) x.got_response_bytes = true;
    if (hec == bhttp::error::body_limit || hec == bhttp::error::header_limit) {
      too_large();
      co_return x;
    }
    if (hec) {
      lost(hec, "before the response was complete");
      co_return x;
    }
    const unsigned status = header_parser.get().result_int();
    if (status >= 100 && status < 200 && status != 101) {
      if (!header_parser.is_done()) {
        lost(bhttp::error::unexpected_body, "before the response was complete");
        co_return x;
      }
      continue;  // interim (103 Early Hints)
    }
    HttpResponse out;
    out.status = static_cast<int>(status);
    bool keep_alive = false;
    auto copy_headers = [&out](const auto& message) {
      for (const auto& field : message) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
    };
    if (request.on_body && status >= 200 && status < 300 && !head) {
      bhttp::response_parser<bhttp::buffer_body> parser{std::move(header_parser)};
      parser.body_limit(request.max_response_bytes);
      std::string piece(kStreamChunk, '\0');
      while (!parser.is_done()) {
        parser.get().body().data = piece.data();
        parser.get().body().size = piece.size();
        auto [rec, rn] = co_await bhttp::async_read(stream, c.buffer, parser, kNoThrow);
        if (rec == bhttp::error::need_buffer) rec = {};
        if (body_failed(rec)) co_return x;
        const size_t got = piece.size() - parser.get().body().size;
        if (got == 0) continue;
        if (base::Result<void> taken = request.on_body(std::string_view(piece.data(), got));
            !taken.ok()) {
          x.error = std::move(taken).error();
          co_return x;
        }
      }
      copy_headers(parser.get());
      keep_alive = parser.get().keep_alive();
    } else {
      bhttp::response_parser<bhttp::string_body> parser{std::move(header_parser)};
      parser.body_limit(request.max_response_bytes);
      if (!parser.is_done()) {
        auto [rec, rn] = co_await bhttp::async_read(stream, c.buffer, parser, kNoThrow);
        if (body_failed(rec)) co_return x;
      }
      auto& res = parser.get();
      copy_headers(res);
      out.body = std::move(res.body());
      keep_alive = res.keep_alive();
    }
    x.keep_alive = keep_alive && !close_requested && status != 101;
    x.response = std::move(out);
    co_return x;
  }
}

}  // namespace herald::platforms::http
