// Rasterises an SVG document to PNG with librsvg + cairo (text shaped by Pango), for MCP image
// content and anywhere an image is needed instead of SVG.
#ifndef HERALD_CHARTS_PNG_RASTERIZER_H_
#define HERALD_CHARTS_PNG_RASTERIZER_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace herald::charts {

// The long edge MCP hosts accept without downscaling (Claude: 1568 px).
inline constexpr int kMaxLongEdge = 1568;

struct RasterOptions {
  double scale = 1.0;               // 2.0 for a sharper image (then capped by max_long_edge)
  int max_long_edge = kMaxLongEdge; // the image is scaled down to fit
};

struct Png {
  std::string bytes;
  int width = 0;
  int height = 0;
};

// The PNG of `svg` on a white background. Errors: kInvalidArgument when librsvg cannot parse
// the document or it has no size; kInternal when cairo fails.
base::Result<Png> RasterizeSvg(std::string_view svg, const RasterOptions& options = {});

}  // namespace herald::charts

#endif  // HERALD_CHARTS_PNG_RASTERIZER_H_
