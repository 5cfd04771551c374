#include "transport/rest/http_metrics.h"

#include <cstdio>

namespace herald::transport {
namespace {

// Escapes a label value (backslash, quote, newline).
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void HttpMetrics::Observe(const http::AccessRecord& record) {
  // Unknown paths share one label so a scan of random URLs cannot blow up the series count.
  std::string route = record.route.empty() ? "(unmatched)" : std::string(record.route);
  double seconds = std::chrono::duration<double>(record.duration).count();
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(record.method.size() <= 10 ? record.method : "OTHER"), route,
               record.status}];
  if (!record.streamed) {
    auto& l = latency_[route];
    l.seconds += seconds;
    ++l.count;
  }
}

void HttpMetrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string HttpMetrics::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  out += "# HELP herald_http_requests_total HTTP requests answered, by method, route and status.\n";
  out += "# TYPE herald_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "herald_http_requests_total{method=\"" + Label(method) + "\",route=\"" + Label(route) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP herald_http_request_duration_seconds Time to answer non-streaming requests.\n";
  out += "# TYPE herald_http_request_duration_seconds summary\n";
  for (const auto& [route, l] : latency_) {
    out += "herald_http_request_duration_seconds_sum{route=\"" + Label(route) + "\"} " +
           Number(l.seconds) + "\n";
    out += "herald_http_request_duration_seconds_count{route=\"" + Label(route) + "\"} " +
           std::to_string(l.count) + "\n";
  }
  for (const auto& g : gauges_) {
    out += "# HELP " + g.name + " " + g.help + "\n";
    out += "# TYPE " + g.name + " gauge\n";
    out += g.name + " " + Number(g.read()) + "\n";
  }
  return out;
}

}  // namespace herald::transport
