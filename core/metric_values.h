// MetricValues: the normalised metrics of one post, or of a sum of posts, as a fixed array by
// position in kNormalizedMetrics plus which of them were reported. The compact form the
// analytics report aggregates over (a map of names per post is ten times larger and slower).
#ifndef HERALD_CORE_METRIC_VALUES_H_
#define HERALD_CORE_METRIC_VALUES_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "base/json.h"
#include "core/metric_names.h"

namespace herald::core {

struct MetricValues {
  std::array<double, kNormalizedMetrics.size()> values{};
  uint16_t reported = 0;  // bit i set: kNormalizedMetrics[i] was reported

  // From a stored sample's "normalized" object: numbers under normalised names; anything else
  // is ignored.
  static MetricValues FromNormalized(const base::Json& normalized);
  // From a name -> value map; names outside kNormalizedMetrics are ignored.
  static MetricValues FromMap(const std::map<std::string, double>& metrics);
  // The reported metrics by name.
  std::map<std::string, double> ToMap() const;
  // Adds `other` metric by metric; a metric is reported when either reported it.
  void Add(const MetricValues& other);
  // The sum of the kEngagementMetrics (unreported ones count as nothing).
  double Engagement() const;
};

}  // namespace herald::core

#endif  // HERALD_CORE_METRIC_VALUES_H_
