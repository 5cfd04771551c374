#include "core/metric_values.h"

#include <algorithm>
#include <optional>
#include <string_view>

namespace herald::core {
namespace {

std::optional<size_t> IndexOf(std::string_view name) {
  auto it = std::find(kNormalizedMetrics.begin(), kNormalizedMetrics.end(), name);
  if (it == kNormalizedMetrics.end()) return std::nullopt;
  return static_cast<size_t>(it - kNormalizedMetrics.begin());
}

// The positions of kEngagementMetrics in kNormalizedMetrics, as a bit mask.
uint16_t EngagementMask() {
  static const uint16_t mask = [] {
    uint16_t m = 0;
    for (std::string_view name : kEngagementMetrics) m |= uint16_t(1u << *IndexOf(name));
    return m;
  }();
  return mask;
}

}  // namespace

MetricValues MetricValues::FromNormalized(const base::Json& normalized) {
  MetricValues out;
  if (!normalized.is_object()) return out;
  for (size_t i = 0; i < kNormalizedMetrics.size(); ++i) {
    auto it = normalized.find(kNormalizedMetrics[i]);
    if (it == normalized.end() || !it->is_number()) continue;
    out.values[i] = it->get<double>();
    out.reported |= uint16_t(1u << i);
  }
  return out;
}

MetricValues MetricValues::FromMap(const std::map<std::string, double>& metrics) {
  MetricValues out;
  for (const auto& [name, value] : metrics) {
    if (auto i = IndexOf(name)) {
      out.values[*i] = value;
      out.reported |= uint16_t(1u << *i);
    }
  }
  return out;
}

std::map<std::string, double> MetricValues::ToMap() const {
  std::map<std::string, double> out;
  for (size_t i = 0; i < kNormalizedMetrics.size(); ++i) {
    if (reported & (1u << i)) out.emplace(kNormalizedMetrics[i], values[i]);
  }
  return out;
}

void MetricValues::Add(const MetricValues& other) {
  for (size_t i = 0; i < values.size(); ++i) values[i] += other.values[i];
  reported |= other.reported;
}

double MetricValues::Engagement() const {
  const uint16_t mask = EngagementMask();
  double sum = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (mask & (1u << i)) sum += values[i];
  }
  return sum;
}

}  // namespace herald::core
