// Small HTML helpers for the web console: escaping and the page frame every console page
// shares (head, skip link, navigation, sign-out form). Pure functions; thread-safe.
#ifndef HERALD_TRANSPORT_CONSOLE_HTML_H_
#define HERALD_TRANSPORT_CONSOLE_HTML_H_

#include <string>
#include <string_view>

namespace herald::transport {

// `text` with & < > " ' replaced by entities: safe in element content and quoted attributes.
std::string HtmlEscape(std::string_view text);

// `text` percent-encoded for a query-string value.
std::string UrlEncode(std::string_view text);

// What the frame around a page needs.
struct PageFrame {
  std::string title;       // "Calendar" (the <title> gets " · herald")
  std::string active;      // the navigation entry to mark current: "calendar", "posts", ...
  std::string csrf_token;  // for the sign-out form; "" on the sign-in page (no navigation)
  std::string time_zone;   // shown in the header; "" = none
};

// A whole HTML document: `body_html` (already HTML) inside the console's frame.
std::string RenderPage(const PageFrame& frame, std::string_view body_html);

// A hidden input carrying the CSRF token.
std::string CsrfField(std::string_view csrf_token);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_CONSOLE_HTML_H_
