// ChartFrame: what line and bar charts share: background, title, y axis with grid lines and
// labels, the y axis's unit, the legend, and the plot rectangle the chart draws into.
#ifndef HERALD_CHARTS_CHART_FRAME_H_
#define HERALD_CHARTS_CHART_FRAME_H_

#include <string_view>

#include "charts/axis.h"
#include "charts/chart_spec.h"
#include "charts/svg_writer.h"

namespace herald::charts {

// The colour of series `i` (Okabe–Ito palette: distinguishable with colour-vision deficiency).
std::string_view SeriesColor(size_t i);

class ChartFrame {
 public:
  // Draws the frame of `spec` into `svg`, with a y axis covering every value of every series.
  ChartFrame(SvgWriter& svg, const ChartSpec& spec);

  double left() const { return left_; }
  double top() const { return top_; }
  double width() const { return width_; }
  double height() const { return height_; }
  double bottom() const { return top_ + height_; }
  // The y coordinate of value `v`.
  double Y(double v) const;
  // True when no series has a point: the frame has written "No data" in the plot.
  bool empty() const { return empty_; }
  // Writes x labels under the plot, centred at the given x; thins them so they do not overlap.
  void XLabels(SvgWriter& svg, const std::vector<double>& xs) const;

 private:
  const ChartSpec& spec_;
  Axis axis_;
  double left_ = 0, top_ = 0, width_ = 0, height_ = 0;
  bool empty_ = true;
};

}  // namespace herald::charts

#endif  // HERALD_CHARTS_CHART_FRAME_H_
