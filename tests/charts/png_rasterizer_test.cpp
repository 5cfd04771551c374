// The PNG rasteriser: the PNG decodes, has the expected size (capped at 1568 px on the long
// edge), and the plot area holds drawn, non-white pixels in the series colours.
#include "charts/png_rasterizer.h"

#include <cairo.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "charts/bar_chart.h"
#include "charts/line_chart.h"
#include "tests/charts/chart_samples.h"
#include "tests/support/result_matchers.h"

namespace herald::charts {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;

struct Reader {
  const std::string* bytes;
  size_t offset = 0;
};

cairo_status_t ReadBytes(void* closure, unsigned char* data, unsigned int length) {
  auto* r = static_cast<Reader*>(closure);
  if (r->offset + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, r->bytes->data() + r->offset, length);
  r->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

struct Decoded {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface{
      nullptr, &cairo_surface_destroy};
  int width() const { return cairo_image_surface_get_width(surface.get()); }
  int height() const { return cairo_image_surface_get_height(surface.get()); }
  uint32_t Pixel(int x, int y) const {
    const unsigned char* row = cairo_image_surface_get_data(surface.get()) +
                               y * cairo_image_surface_get_stride(surface.get());
    uint32_t p;
    std::memcpy(&p, row + 4 * x, 4);
    return p & 0x00FFFFFF;  // RGB, alpha dropped
  }
};

Decoded Decode(const std::string& png) {
  Reader r{&png};
  Decoded d;
  d.surface.reset(cairo_image_surface_create_from_png_stream(&ReadBytes, &r));
  return d;
}

// Counts pixels in [x0, x1) × [y0, y1) that are neither white nor grey (drawn in a colour).
int ColouredPixels(const Decoded& d, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      uint32_t p = d.Pixel(x, y);
      int r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
      if (std::max({r, g, b}) - std::min({r, g, b}) > 40) ++n;
    }
  }
  return n;
}

TEST(PngRasterizerTest, BarChartDecodesWithBarsInThePlot) {
  auto png = RasterizeSvg(RenderBarChart(testing::SampleBarChart()));
  ASSERT_THAT(png, IsOk());
  EXPECT_EQ(png->width, 800);
  EXPECT_EQ(png->height, 400);
  ASSERT_GT(png->bytes.size(), 8u);
  EXPECT_EQ(png->bytes.substr(1, 3), "PNG");
  Decoded d = Decode(png->bytes);
  ASSERT_EQ(cairo_surface_status(d.surface.get()), CAIRO_STATUS_SUCCESS);
  EXPECT_EQ(d.width(), 800);
  EXPECT_EQ(d.height(), 400);
  // The plot area (inside the margins) is largely coloured by the first network's bars.
  EXPECT_GT(ColouredPixels(d, 72, 56, 776, 336), 5000);
  // Corners stay white background.
  EXPECT_EQ(d.Pixel(2, 397), 0xFFFFFFu);
}

TEST(PngRasterizerTest, TextIsDrawn) {
  auto png = RasterizeSvg(RenderLineChart(testing::SampleLineChart()));
  ASSERT_THAT(png, IsOk());
  Decoded d = Decode(png->bytes);
  ASSERT_EQ(cairo_surface_status(d.surface.get()), CAIRO_STATUS_SUCCESS);
  // The title band (y 8..36) has dark glyph pixels around the centre.
  int dark = 0;
  for (int y = 8; y < 36; ++y) {
    for (int x = 200; x < 600; ++x) {
      if ((d.Pixel(x, y) & 0xFF) < 0x80) ++dark;
    }
  }
  EXPECT_GT(dark, 200);
  EXPECT_GT(ColouredPixels(d, 72, 56, 776, 336), 500);  // the lines
}

TEST(PngRasterizerTest, LongEdgeIsCapped) {
  ChartSpec spec = testing::SampleLineChart();
  spec.width = 2400;
  spec.height = 1200;
  auto png = RasterizeSvg(RenderLineChart(spec));
  ASSERT_THAT(png, IsOk());
  EXPECT_EQ(png->width, 1568);
  EXPECT_EQ(png->height, 784);
  auto doubled = RasterizeSvg(RenderBarChart(testing::SampleBarChart()), {.scale = 3.0});
  ASSERT_THAT(doubled, IsOk());
  EXPECT_EQ(doubled->width, 1568);
  Decoded d = Decode(doubled->bytes);
  EXPECT_EQ(d.width(), 1568);
}

TEST(PngRasterizerTest, RefusesWhatIsNotSvg) {
  EXPECT_THAT(RasterizeSvg("not svg at all"), StatusIs(base::ErrorCode::kInvalidArgument));
  EXPECT_THAT(RasterizeSvg("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"),
              StatusIs(base::ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace herald::charts
