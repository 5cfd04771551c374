#include "charts/svg_writer.h"

#include <cmath>
#include <cstdio>

namespace herald::charts {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string FormatCoordinate(double v) {
  if (!std::isfinite(v)) return "0";
  double rounded = std::round(v * 100) / 100;
  if (rounded == 0) rounded = 0;  // no "-0"
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", rounded);
  std::string s(buf);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

namespace {
using F = std::string (*)(double);
constexpr F N = FormatCoordinate;
}  // namespace

SvgWriter::SvgWriter(int width, int height, std::string_view title, std::string_view description) {
  out_ += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
          "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) +
          " " + std::to_string(height) +
          "\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" font-family=\"" +
          std::string(kFontFamily) + "\">\n";
  out_ += "<title id=\"chart-title\">" + XmlEscape(title) + "</title>\n";
  out_ += "<desc id=\"chart-desc\">" + XmlEscape(description) + "</desc>\n";
}

void SvgWriter::Rect(double x, double y, double w, double h, std::string_view fill) {
  out_ += "<rect x=\"" + N(x) + "\" y=\"" + N(y) + "\" width=\"" + N(w) + "\" height=\"" + N(h) +
          "\" fill=\"" + XmlEscape(fill) + "\"/>\n";
}

void SvgWriter::Line(double x1, double y1, double x2, double y2, std::string_view stroke,
                     double width, bool dashed) {
  out_ += "<line x1=\"" + N(x1) + "\" y1=\"" + N(y1) + "\" x2=\"" + N(x2) + "\" y2=\"" + N(y2) +
          "\" stroke=\"" + XmlEscape(stroke) + "\" stroke-width=\"" + N(width) + "\"" +
          (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>\n";
}

void SvgWriter::Polyline(const std::vector<std::pair<double, double>>& points,
                         std::string_view stroke, double width) {
  out_ += "<polyline fill=\"none\" stroke=\"" + XmlEscape(stroke) + "\" stroke-width=\"" +
          N(width) + "\" stroke-linejoin=\"round\" points=\"";
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0) out_ += ' ';
    out_ += N(points[i].first) + "," + N(points[i].second);
  }
  out_ += "\"/>\n";
}

void SvgWriter::Circle(double cx, double cy, double r, std::string_view fill) {
  out_ += "<circle cx=\"" + N(cx) + "\" cy=\"" + N(cy) + "\" r=\"" + N(r) + "\" fill=\"" +
          XmlEscape(fill) + "\"/>\n";
}

void SvgWriter::Text(double x, double y, std::string_view text, const TextStyle& style) {
  out_ += "<text x=\"" + N(x) + "\" y=\"" + N(y) + "\" font-size=\"" + N(style.size) +
          "\" fill=\"" + XmlEscape(style.fill) + "\"";
  if (style.anchor != "start") out_ += " text-anchor=\"" + XmlEscape(style.anchor) + "\"";
  if (style.bold) out_ += " font-weight=\"bold\"";
  if (style.rotate != 0) {
    out_ += " transform=\"rotate(" + N(style.rotate) + " " + N(x) + " " + N(y) + ")\"";
  }
  out_ += ">" + XmlEscape(text) + "</text>\n";
}

void SvgWriter::BeginGroup(std::string_view tooltip) {
  out_ += "<g><title>" + XmlEscape(tooltip) + "</title>\n";
}

void SvgWriter::EndGroup() { out_ += "</g>\n"; }

std::string SvgWriter::Finish() && {
  out_ += "</svg>\n";
  return std::move(out_);
}

}  // namespace herald::charts
