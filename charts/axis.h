// A value axis with "nice" ticks (1, 2, 2.5, 5 × 10^k) covering the data, starting at zero
// for non-negative data, and short tick labels ("1.5k", "2M").
#ifndef HERALD_CHARTS_AXIS_H_
#define HERALD_CHARTS_AXIS_H_

#include <string>
#include <vector>

namespace herald::charts {

struct Axis {
  double min = 0;
  double max = 1;
  std::vector<double> ticks;  // ascending, from min to max inclusive
};

// An axis covering [lo, hi] with about `target_ticks` ticks (at least 2). lo == hi (or no
// data) still gives a usable axis; zero is always included.
Axis NiceAxis(double lo, double hi, int target_ticks = 5);

// "0", "12", "2.5", "1.5k", "12k", "3.4M".
std::string FormatTickLabel(double v);

}  // namespace herald::charts

#endif  // HERALD_CHARTS_AXIS_H_
