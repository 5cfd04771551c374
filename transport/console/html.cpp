#include "transport/console/html.h"

#include <array>
#include <utility>

namespace herald::transport {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string CsrfField(std::string_view csrf_token) {
  return "<input type=\"hidden\" name=\"csrf_token\" value=\"" + HtmlEscape(csrf_token) + "\">";
}

std::string RenderPage(const PageFrame& frame, std::string_view body_html) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kNav{{
      {"calendar", "Calendar"},
      {"posts", "Queue &amp; history"},
      {"compose", "Compose"},
      {"accounts", "Accounts"},
      {"analytics", "Analytics"},
  }};
  std::string out;
  out.reserve(body_html.size() + 2048);
  out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>";
  out += HtmlEscape(frame.title);
  out += " · herald</title><link rel=\"stylesheet\" href=\"/console/assets/console.css\">"
         "<link rel=\"icon\" href=\"/console/assets/herald.svg\" type=\"image/svg+xml\">"
         "<script src=\"/console/assets/console.js\" defer></script>";
  if (!frame.csrf_token.empty()) {
    out += "<meta name=\"csrf-token\" content=\"" + HtmlEscape(frame.csrf_token) + "\">";
  }
  out += "</head><body>"
         "<a class=\"skip\" href=\"#main\">Skip to content</a>"
         "<header class=\"top\"><a class=\"brand\" href=\"/console/calendar\">"
         "<img src=\"/console/assets/herald.svg\" alt=\"\" width=\"24\" height=\"24\">herald</a>";
  if (!frame.csrf_token.empty()) {
    out += "<nav aria-label=\"Console\"><ul>";
    for (const auto& [id, label] : kNav) {
      out += "<li><a href=\"/console/";
      out += id;
      out += "\"";
      if (frame.active == id) out += " aria-current=\"page\"";
      out += ">";
      out += label;
      out += "</a></li>";
    }
    out += "</ul></nav><div class=\"who\">";
    if (!frame.time_zone.empty()) {
      out += "<span class=\"tz\" title=\"Times are shown in this time zone\">" +
             HtmlEscape(frame.time_zone) + "</span>";
    }
    out += "<form method=\"post\" action=\"/console/signout\">" + CsrfField(frame.csrf_token) +
           "<button type=\"submit\" class=\"link\">Sign out</button></form></div>";
  }
  out += "</header><main id=\"main\" tabindex=\"-1\">";
  out += body_html;
  out += "</main></body></html>\n";
  return out;
}

}  // namespace herald::transport
