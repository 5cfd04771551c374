#include "charts/chart_frame.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace herald::charts {
namespace {

constexpr double kLeft = 72, kRight = 24, kTop = 56, kBottom = 64;
constexpr std::string_view kGrid = "#e3e3e3";
constexpr std::string_view kAxis = "#666666";

}  // namespace

std::string_view SeriesColor(size_t i) {
  static constexpr std::array<std::string_view, 7> kPalette = {
      "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"};
  return kPalette[i % kPalette.size()];
}

ChartFrame::ChartFrame(SvgWriter& svg, const ChartSpec& spec) : spec_(spec) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const Series& s : spec.series) {
    for (double v : s.values) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      empty_ = false;
    }
  }
  if (spec.labels.empty()) empty_ = true;
  axis_ = empty_ ? NiceAxis(0, 1) : NiceAxis(lo, hi);
  left_ = kLeft;
  top_ = kTop;
  width_ = std::max(10.0, spec.width - kLeft - kRight);
  height_ = std::max(10.0, spec.height - kTop - kBottom);

  svg.Rect(0, 0, spec.width, spec.height, "#ffffff");
  svg.Text(spec.width / 2.0, 28, spec.title, {.anchor = "middle", .size = 18, .bold = true});

  // Legend, right-aligned under the title, one swatch per series.
  double x = spec.width - kRight;
  for (size_t i = spec.series.size(); i-- > 0;) {
    const std::string& name = spec.series[i].name;
    // DejaVu Sans at 12 px averages ~7 px per character: enough to keep swatches apart.
    double text_w = 7.0 * static_cast<double>(name.size());
    svg.Text(x, 47, name, {.anchor = "end", .size = 12});
    x -= text_w + 6;
    svg.Rect(x - 12, 37, 12, 12, SeriesColor(i));
    x -= 12 + 16;
  }

  for (double t : axis_.ticks) {
    double y = Y(t);
    svg.Line(left_, y, left_ + width_, y, t == 0 ? kAxis : kGrid, 1);
    svg.Text(left_ - 8, y + 4, FormatTickLabel(t), {.anchor = "end", .size = 12});
  }
  svg.Line(left_, top_, left_, bottom(), kAxis, 1);
  if (!spec.y_label.empty()) {
    svg.Text(18, top_ + height_ / 2, spec.y_label,
             {.anchor = "middle", .size = 12, .rotate = -90});
  }
  if (empty_) {
    svg.Text(left_ + width_ / 2, top_ + height_ / 2, "No data for this period",
             {.anchor = "middle", .size = 14, .fill = "#888888"});
  }
}

double ChartFrame::Y(double v) const {
  return bottom() - (v - axis_.min) / (axis_.max - axis_.min) * height_;
}

void ChartFrame::XLabels(SvgWriter& svg, const std::vector<double>& xs) const {
  if (xs.empty()) return;
  size_t longest = 1;
  for (const std::string& l : spec_.labels) longest = std::max(longest, l.size());
  // Labels are written at 11 px, ~6.5 px per character, with a gap of 12 px.
  double label_w = 6.5 * static_cast<double>(longest) + 12;
  double room = xs.size() > 1 ? (xs.back() - xs.front()) / static_cast<double>(xs.size() - 1)
                              : width_;
  size_t every = static_cast<size_t>(std::max(1.0, std::ceil(label_w / std::max(room, 1.0))));
  for (size_t i = 0; i < xs.size() && i < spec_.labels.size(); i += every) {
    svg.Line(xs[i], bottom(), xs[i], bottom() + 4, kAxis, 1);
    svg.Text(xs[i], bottom() + 18, spec_.labels[i], {.anchor = "middle", .size = 11});
  }
}

}  // namespace herald::charts
