// A line chart of one or more series over labelled points (typically days), as SVG text.
#ifndef HERALD_CHARTS_LINE_CHART_H_
#define HERALD_CHARTS_LINE_CHART_H_

#include <string>

#include "charts/chart_spec.h"

namespace herald::charts {

// The SVG document of `spec` drawn as lines: one polyline per series across spec.labels, a dot
// on each point with a tooltip ("2026-03-01 · likes: 12"), axes, legend, title and <desc>.
// A non-finite value breaks the line there. Deterministic: same spec, same bytes.
std::string RenderLineChart(const ChartSpec& spec);

}  // namespace herald::charts

#endif  // HERALD_CHARTS_LINE_CHART_H_
