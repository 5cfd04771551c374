// HttpMetrics: what /metrics exposes, in the Prometheus text format (version 0.0.4).
//
//   herald_http_requests_total{method,route,status}       counter
//   herald_http_request_duration_seconds_sum{route}       counter (with _count: mean latency)
//   plus any gauge registered with AddGauge (active sessions, in-flight tool calls, queue
//   depths added by other parts of herald).
// Observe is called for every answered request (HttpServerOptions::on_response). Thread-safe.
#ifndef HERALD_TRANSPORT_REST_HTTP_METRICS_H_
#define HERALD_TRANSPORT_REST_HTTP_METRICS_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "http/http_server.h"

namespace herald::transport {

class HttpMetrics {
 public:
  void Observe(const http::AccessRecord& record);
  // Adds a gauge whose value `read` returns at scrape time (thread-safe callable). Register
  // before serving.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // The exposition text.
  std::string Render() const;

 private:
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  struct Latency {
    double seconds = 0;
    uint64_t count = 0;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Latency> latency_;
  std::vector<Gauge> gauges_;
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_REST_HTTP_METRICS_H_
