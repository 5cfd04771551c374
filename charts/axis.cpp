#include "charts/axis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace herald::charts {
namespace {

double NiceStep(double span, int target) {
  double raw = span / std::max(1, target - 1);
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10 * magnitude;
}

std::string Trim(double v, const char* suffix) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s(buf);
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s + suffix;
}

}  // namespace

Axis NiceAxis(double lo, double hi, int target_ticks) {
  if (!std::isfinite(lo)) lo = 0;
  if (!std::isfinite(hi)) hi = 0;
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  if (hi - lo < 1e-9) hi = lo + 1;
  target_ticks = std::max(2, target_ticks);
  double step = NiceStep(hi - lo, target_ticks);
  Axis axis;
  axis.min = std::floor(lo / step) * step;
  axis.max = std::ceil(hi / step) * step;
  for (double v = axis.min; v <= axis.max + step / 2; v += step) {
    axis.ticks.push_back(std::abs(v) < step / 1e6 ? 0 : v);
  }
  return axis;
}

std::string FormatTickLabel(double v) {
  double a = std::abs(v);
  if (a >= 1e6) return Trim(v / 1e6, "M");
  if (a >= 1e3) return Trim(v / 1e3, "k");
  char buf[32];
  if (a == std::floor(a)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2g", v);
  }
  return buf;
}

}  // namespace herald::charts
