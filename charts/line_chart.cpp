#include "charts/line_chart.h"

#include <cmath>
#include <utility>
#include <vector>

#include "charts/axis.h"
#include "charts/chart_frame.h"
#include "charts/svg_writer.h"

namespace herald::charts {

std::string RenderLineChart(const ChartSpec& spec) {
  SvgWriter svg(spec.width, spec.height, spec.title, spec.description);
  ChartFrame frame(svg, spec);
  const size_t n = spec.labels.size();
  std::vector<double> xs;
  for (size_t i = 0; i < n; ++i) {
    xs.push_back(n == 1 ? frame.left() + frame.width() / 2
                        : frame.left() + frame.width() * static_cast<double>(i) /
                                             static_cast<double>(n - 1));
  }
  frame.XLabels(svg, xs);
  if (frame.empty()) return std::move(svg).Finish();

  // Dots only while they stay apart; their tooltips carry the exact values.
  const bool dots = n <= 62;
  for (size_t s = 0; s < spec.series.size(); ++s) {
    const Series& series = spec.series[s];
    std::vector<std::pair<double, double>> run;
    auto flush = [&] {
      if (run.size() > 1) svg.Polyline(run, SeriesColor(s), 2);
      run.clear();
    };
    for (size_t i = 0; i < n && i < series.values.size(); ++i) {
      if (!std::isfinite(series.values[i])) {
        flush();
        continue;
      }
      run.emplace_back(xs[i], frame.Y(series.values[i]));
    }
    flush();
    if (!dots) continue;
    for (size_t i = 0; i < n && i < series.values.size(); ++i) {
      double v = series.values[i];
      if (!std::isfinite(v)) continue;
      svg.BeginGroup(spec.labels[i] + " · " + series.name + ": " + FormatTickLabel(v));
      svg.Circle(xs[i], frame.Y(v), 3, SeriesColor(s));
      svg.EndGroup();
    }
  }
  return std::move(svg).Finish();
}

}  // namespace herald::charts
