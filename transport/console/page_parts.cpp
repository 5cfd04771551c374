#include "transport/console/page_parts.h"

namespace herald::transport {

using base::GetString;
using base::Json;

std::string NoticeHtml(const Notice& notice) {
  if (notice.text.empty()) return "";
  return std::string("<p class=\"notice") +
         (notice.error ? " error\" role=\"alert\">" : "\" role=\"status\">") +
         HtmlEscape(notice.text) + "</p>";
}

std::string Badge(std::string_view status) {
  return "<span class=\"badge s-" + HtmlEscape(status) + "\">" + HtmlEscape(status) + "</span>";
}

std::string When(const Json& value, std::string_view zone) {
  if (!value.is_string()) return "unscheduled";
  auto local = ToLocal(value.get<std::string>(), zone);
  return local.ok() ? local->label : value.get<std::string>();
}

std::string Truncate(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return std::string(text.substr(0, cut)) + "…";
}

std::string AccountLabel(const Json& a) {
  std::string handle = GetString(a, "handle");
  std::string name = GetString(a, "platform_name", GetString(a, "platform"));
  return name + (handle.empty() ? "" : " · " + handle);
}

}  // namespace herald::transport
