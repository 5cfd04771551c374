// Pieces the console's pages share (console_pages.cpp, analytics_page.cpp): notices, account
// labels, times in the viewer's zone. Every function escapes what it puts into HTML. Pure;
// thread-safe.
#ifndef HERALD_TRANSPORT_CONSOLE_PAGE_PARTS_H_
#define HERALD_TRANSPORT_CONSOLE_PAGE_PARTS_H_

#include <string>
#include <string_view>

#include "base/json.h"
#include "transport/console/console_pages.h"

namespace herald::transport {

// The notice as a status (or, for an error, an alert) paragraph; "" when it has no text.
std::string NoticeHtml(const Notice& notice);

// A status badge: <span class="badge s-published">published</span>.
std::string Badge(std::string_view status);

// "Mon 7 Dec 2026, 09:00" in `zone` for an RFC 3339 string; "unscheduled" for a non-string;
// the raw text when it does not parse. Not escaped.
std::string When(const base::Json& value, std::string_view zone);

// `text` cut to at most `max` bytes on a UTF-8 boundary, with "…" when cut. Not escaped.
std::string Truncate(std::string_view text, size_t max);

// "Mastodon · @alice" for a list_accounts entry. Not escaped.
std::string AccountLabel(const base::Json& account);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_CONSOLE_PAGE_PARTS_H_
