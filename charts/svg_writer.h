// SvgWriter: builds one SVG document as text, element by element, with every text escaped.
//
//   SvgWriter svg(800, 400, "Engagement", "Likes per day from 1 to 7 March");
//   svg.Rect(0, 0, 800, 400, "#ffffff");
//   svg.Text(400, 24, "Engagement", {.anchor = "middle", .size = 16, .bold = true});
//   std::string text = std::move(svg).Finish();
//
// Numbers are written with at most two decimals, so the same input always gives the same bytes
// (the chart golden test relies on it). The root carries role="img" with <title> and <desc>
// for screen readers.
#ifndef HERALD_CHARTS_SVG_WRITER_H_
#define HERALD_CHARTS_SVG_WRITER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::charts {

// The font every chart asks for: Debian's fonts-dejavu-core, then any sans-serif.
inline constexpr std::string_view kFontFamily = "DejaVu Sans, sans-serif";

// `text` with & < > " ' replaced by entities; bytes that XML 1.0 forbids (control characters
// other than tab, newline, carriage return) are dropped.
std::string XmlEscape(std::string_view text);

// `v` with at most two decimals and no trailing zeros: "12", "12.5", "-0.25".
std::string FormatCoordinate(double v);

struct TextStyle {
  std::string_view anchor = "start";  // start | middle | end
  double size = 12;
  bool bold = false;
  std::string_view fill = "#333333";
  double rotate = 0;  // degrees, around (x, y)
};

class SvgWriter {
 public:
  // Opens the document; `title` and `description` become <title> and <desc>.
  SvgWriter(int width, int height, std::string_view title, std::string_view description);

  void Rect(double x, double y, double w, double h, std::string_view fill);
  void Line(double x1, double y1, double x2, double y2, std::string_view stroke, double width,
            bool dashed = false);
  // An open path through `points`.
  void Polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke,
                double width);
  void Circle(double cx, double cy, double r, std::string_view fill);
  // Plain text, escaped; shaped by the renderer (Pango in librsvg, the browser's engine).
  void Text(double x, double y, std::string_view text, const TextStyle& style);
  // Opens / closes a <g> whose <title> is a tooltip and accessible name (e.g. "Monday: 12").
  void BeginGroup(std::string_view tooltip);
  void EndGroup();

  // Closes the document and returns it.
  std::string Finish() &&;

 private:
  std::string out_;
};

}  // namespace herald::charts

#endif  // HERALD_CHARTS_SVG_WRITER_H_
