// The data a chart draws: named series of values over labelled points (days, groups).
//
// Plain structs, filled by the caller (core's analytics report) and read by the renderers in
// line_chart.h and bar_chart.h. Labels are plain text: the renderers escape them.
#ifndef HERALD_CHARTS_CHART_SPEC_H_
#define HERALD_CHARTS_CHART_SPEC_H_

#include <string>
#include <vector>

namespace herald::charts {

// One named series; values.size() must equal the chart's point count.
struct Series {
  std::string name;
  std::vector<double> values;
};

// A chart: its title, an accessible description, one label per point (x axis for a line chart,
// one group per bar cluster for a bar chart), the series drawn over them, and the unit of the
// y axis ("engagement", "posts"). Width and height are the SVG's size in pixels.
struct ChartSpec {
  std::string title;
  std::string description;
  std::string y_label;
  std::vector<std::string> labels;
  std::vector<Series> series;
  int width = 800;
  int height = 400;
};

}  // namespace herald::charts

#endif  // HERALD_CHARTS_CHART_SPEC_H_
