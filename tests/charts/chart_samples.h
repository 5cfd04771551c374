// Sample charts shared by the SVG golden tests and the PNG tests.
#ifndef HERALD_TESTS_CHARTS_CHART_SAMPLES_H_
#define HERALD_TESTS_CHARTS_CHART_SAMPLES_H_

#include "charts/chart_spec.h"

namespace herald::charts::testing {

// Two weeks of likes and reposts, one day per point, with a label that needs escaping.
inline ChartSpec SampleLineChart() {
  ChartSpec spec;
  spec.title = "Engagement <per day> & \"reach\"";
  spec.description = "Likes and reposts per day, 1 to 14 March 2026";
  spec.y_label = "interactions";
  for (int d = 1; d <= 14; ++d) {
    spec.labels.push_back("2026-03-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
  }
  spec.series = {{"likes", {3, 5, 8, 13, 12, 9, 40, 38, 22, 14, 10, 9, 11, 17}},
                 {"reposts", {1, 0, 2, 4, 3, 3, 12, 9, 6, 2, 2, 1, 3, 5}}};
  return spec;
}

// Engagement per network, a bar per metric, with non-ASCII labels (shaped by Pango).
inline ChartSpec SampleBarChart() {
  ChartSpec spec;
  spec.title = "Engagement by network";
  spec.description = "Likes and replies per network, March 2026";
  spec.y_label = "interactions";
  spec.labels = {"mastodon", "bluesky", "café <ü>"};
  spec.series = {{"likes", {1250, 830, 95}}, {"replies", {140, 210, 12}}};
  return spec;
}

}  // namespace herald::charts::testing

#endif  // HERALD_TESTS_CHARTS_CHART_SAMPLES_H_
