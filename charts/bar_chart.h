// A grouped bar chart: one cluster per label (account, network, weekday), one bar per series.
#ifndef HERALD_CHARTS_BAR_CHART_H_
#define HERALD_CHARTS_BAR_CHART_H_

#include <string>

#include "charts/chart_spec.h"

namespace herald::charts {

// The SVG document of `spec` drawn as bars: for each label a cluster with one bar per series
// (each with a tooltip "Mastodon · likes: 12"), axes, legend, title and <desc>. Negative values
// hang below the zero line; non-finite values draw no bar. Deterministic: same spec, same bytes.
std::string RenderBarChart(const ChartSpec& spec);

}  // namespace herald::charts

#endif  // HERALD_CHARTS_BAR_CHART_H_
