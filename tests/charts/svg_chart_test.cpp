// Golden tests of the chart SVG (HERALD_UPDATE_GOLDEN=1 rewrites the golden files when a change
// is on purpose; review them as text and as images), escaping, axis ticks and empty data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "charts/axis.h"
#include "charts/bar_chart.h"
#include "charts/line_chart.h"
#include "charts/svg_writer.h"
#include "tests/charts/chart_samples.h"

namespace herald::charts {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void ExpectMatchesGolden(const std::string& svg, const std::string& name) {
  const std::string path = std::string(HERALD_CHARTS_GOLDEN_DIR) + "/" + name;
  if (const char* update = std::getenv("HERALD_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path) << svg;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "missing " << path;
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(svg, golden.str()) << "regenerate with HERALD_UPDATE_GOLDEN=1 if on purpose";
}

TEST(SvgChartTest, LineChartMatchesTheGolden) {
  ExpectMatchesGolden(RenderLineChart(testing::SampleLineChart()), "line_chart.svg");
}

TEST(SvgChartTest, BarChartMatchesTheGolden) {
  ExpectMatchesGolden(RenderBarChart(testing::SampleBarChart()), "bar_chart.svg");
}

TEST(SvgChartTest, EveryLabelIsEscaped) {
  ChartSpec spec = testing::SampleBarChart();
  spec.title = "<script>alert('x')</script>";
  spec.series[0].name = "a\"b&c";
  spec.labels[0] = "</text><evil/>";
  for (const std::string& svg : {RenderBarChart(spec), RenderLineChart(spec)}) {
    EXPECT_THAT(svg, Not(HasSubstr("<script>")));
    EXPECT_THAT(svg, Not(HasSubstr("<evil/>")));
    EXPECT_THAT(svg, HasSubstr("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"));
    EXPECT_THAT(svg, HasSubstr("a&quot;b&amp;c"));
  }
}

TEST(SvgChartTest, AccessibleTitleAndDescription) {
  std::string svg = RenderLineChart(testing::SampleLineChart());
  EXPECT_THAT(svg, HasSubstr("role=\"img\""));
  EXPECT_THAT(svg, HasSubstr("<title id=\"chart-title\">Engagement &lt;per day&gt;"));
  EXPECT_THAT(svg, HasSubstr("<desc id=\"chart-desc\">Likes and reposts per day"));
  EXPECT_THAT(svg, HasSubstr("<title>2026-03-07 · likes: 40</title>"));
}

TEST(SvgChartTest, EmptyDataSaysSo) {
  ChartSpec spec;
  spec.title = "Nothing";
  EXPECT_THAT(RenderLineChart(spec), HasSubstr("No data for this period"));
  EXPECT_THAT(RenderBarChart(spec), HasSubstr("No data for this period"));
}

TEST(SvgChartTest, XmlEscapeDropsControlCharacters) {
  EXPECT_EQ(XmlEscape(std::string("a\x01z\tq", 5)), "az\tq");
}

TEST(AxisTest, NiceTicksCoverTheDataFromZero) {
  Axis a = NiceAxis(3, 40);
  EXPECT_EQ(a.min, 0);
  EXPECT_GE(a.max, 40);
  ASSERT_GE(a.ticks.size(), 3u);
  EXPECT_EQ(a.ticks.front(), 0);
  EXPECT_EQ(a.ticks.back(), a.max);
  Axis flat = NiceAxis(0, 0);
  EXPECT_GT(flat.max, flat.min);
  Axis negative = NiceAxis(-12, 30);
  EXPECT_LE(negative.min, -12);
}

TEST(AxisTest, TickLabelsAreShort) {
  EXPECT_EQ(FormatTickLabel(0), "0");
  EXPECT_EQ(FormatTickLabel(12), "12");
  EXPECT_EQ(FormatTickLabel(2.5), "2.5");
  EXPECT_EQ(FormatTickLabel(1500), "1.5k");
  EXPECT_EQ(FormatTickLabel(12000), "12k");
  EXPECT_EQ(FormatTickLabel(3400000), "3.4M");
}

TEST(SvgWriterTest, CoordinatesHaveAtMostTwoDecimals) {
  EXPECT_EQ(FormatCoordinate(12), "12");
  EXPECT_EQ(FormatCoordinate(12.5), "12.5");
  EXPECT_EQ(FormatCoordinate(1.0 / 3), "0.33");
  EXPECT_EQ(FormatCoordinate(-0.001), "0");
}

}  // namespace
}  // namespace herald::charts
