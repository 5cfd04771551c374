#include "charts/bar_chart.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "charts/axis.h"
#include "charts/chart_frame.h"
#include "charts/svg_writer.h"

namespace herald::charts {

std::string RenderBarChart(const ChartSpec& spec) {
  SvgWriter svg(spec.width, spec.height, spec.title, spec.description);
  ChartFrame frame(svg, spec);
  const size_t n = spec.labels.size();
  const double band = n == 0 ? frame.width() : frame.width() / static_cast<double>(n);
  std::vector<double> centers;
  for (size_t i = 0; i < n; ++i) {
    centers.push_back(frame.left() + band * (static_cast<double>(i) + 0.5));
  }
  frame.XLabels(svg, centers);
  if (frame.empty()) return std::move(svg).Finish();

  const size_t k = std::max<size_t>(1, spec.series.size());
  const double cluster = band * 0.8;
  const double bar = cluster / static_cast<double>(k);
  const double zero = frame.Y(0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t s = 0; s < spec.series.size(); ++s) {
      const Series& series = spec.series[s];
      if (i >= series.values.size() || !std::isfinite(series.values[i])) continue;
      double v = series.values[i];
      double x = centers[i] - cluster / 2 + bar * static_cast<double>(s);
      double y = frame.Y(v);
      svg.BeginGroup(spec.labels[i] + " · " + series.name + ": " + FormatTickLabel(v));
      svg.Rect(x + 1, std::min(y, zero), std::max(1.0, bar - 2), std::abs(zero - y),
               SeriesColor(s));
      svg.EndGroup();
    }
  }
  return std::move(svg).Finish();
}

}  // namespace herald::charts
