// https_client_bench: what the keep-alive pool buys. Sends GETs over TLS (P-256 test CA) to a
// loopback TestHttpServer, sequentially with pooled connections, sequentially with a new
// connection (full TLS handshake) per request, and from concurrent coroutines on one
// io_context; prints requests/s and latency percentiles. Not a ctest: run it by hand,
//   build/tests/https_client_bench [requests=2000] [concurrency=16]
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "platforms/http/https_client.h"
#include "tests/platforms/support/test_http_server.h"
#include "tests/platforms/support/test_pki.h"

namespace {

namespace asio = boost::asio;
using herald::platforms::HttpRequest;
using herald::platforms::http::HttpsClient;
using herald::platforms::http::HttpsClientOptions;
using Clock = std::chrono::steady_clock;

struct Figures {
  double seconds = 0;
  std::vector<double> latencies_ms;
  int failures = 0;
};

herald::base::Task<void> Worker(HttpsClient& client, std::string url, int n, bool close,
                                Figures& f) {
  for (int i = 0; i < n; ++i) {
    HttpRequest req;
    req.url = url;
    if (close) req.headers.emplace_back("Connection", "close");
    auto start = Clock::now();
    auto r = co_await client.Send(req);
    f.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!r.ok() || r->status != 200) ++f.failures;
  }
}

void Report(const char* name, Figures f, int requests, const HttpsClient::Stats& stats) {
  std::sort(f.latencies_ms.begin(), f.latencies_ms.end());
  auto pct = [&](double p) {
    return f.latencies_ms.empty()
               ? 0.0
               : f.latencies_ms[std::min(f.latencies_ms.size() - 1,
                                         static_cast<size_t>(p * f.latencies_ms.size()))];
  };
  std::printf(
      "%-34s %7d req  %9.0f req/s  p50 %6.3f ms  p99 %6.3f ms  opened %4llu  reused %5llu"
      "  failed %d\n",
      name, requests, requests / f.seconds, pct(0.50), pct(0.99),
      static_cast<unsigned long long>(stats.connections_opened),
      static_cast<unsigned long long>(stats.connections_reused), f.failures);
}

void Run(const char* name, const std::string& ca_file, const std::string& url, int requests,
         int concurrency, bool close) {
  asio::io_context io;
  HttpsClientOptions o;
  o.extra_ca_file = ca_file;
  o.allow_private_networks = true;
  o.resolve = {{"bench.test", "127.0.0.1"}};
  o.max_idle_per_host = static_cast<size_t>(concurrency);
  auto client = std::move(*HttpsClient::Create(o));
  std::vector<Figures> per(static_cast<size_t>(concurrency));
  auto start = Clock::now();
  for (int c = 0; c < concurrency; ++c) {
    asio::co_spawn(io, Worker(*client, url, requests / concurrency, close, per[c]), asio::detached);
  }
  io.run();
  Figures all;
  all.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& f : per) {
    all.latencies_ms.insert(all.latencies_ms.end(), f.latencies_ms.begin(), f.latencies_ms.end());
    all.failures += f.failures;
  }
  Report(name, all, requests / concurrency * concurrency, client->stats());
  client.reset();
}

}  // namespace

int main(int argc, char** argv) {
  int requests = argc > 1 ? std::atoi(argv[1]) : 2000;
  int concurrency = argc > 2 ? std::atoi(argv[2]) : 16;
  herald::testing::TestPki pki;
  herald::testing::TestCert cert = pki.Issue({{"bench.test"}, {}});
  std::string ca_file = herald::testing::WriteTempFile("bench-ca", pki.ca_pem());
  herald::testing::TestHttpServer server(
      [](const herald::testing::ServerRequest&) {
        return herald::testing::ServerResponse::Json(200, R"({"ok":true})");
      },
      &cert);
  std::string url = server.BaseUrl("bench.test") + "/api/v1/statuses";
  Run("sequential, pooled keep-alive", ca_file, url, requests, 1, false);
  Run("sequential, new TLS conn each", ca_file, url, requests / 4, 1, true);
  Run("concurrent coroutines, pooled", ca_file, url, requests, concurrency, false);
  std::filesystem::remove(ca_file);
  return 0;
}
