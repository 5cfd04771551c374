// application/x-www-form-urlencoded encoding and decoding (WHATWG URL standard), and
// percent-encoding for query strings. Used for OAuth token requests, authorization URLs and the
// form-style APIs (Telegram, Slack). Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_HTTP_FORM_URLENCODED_H_
#define HERALD_PLATFORMS_HTTP_FORM_URLENCODED_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::platforms::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes every byte except ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986
// unreserved), so the result is safe in a query or form value. Space becomes "%20".
std::string PercentEncode(std::string_view s);

// "a=1&b=x%20y" (space as %20, which every form parser accepts); fields in order.
std::string FormUrlEncode(const FormFields& fields);

// Parses a form body or query string: '+' is a space, %XX decoded (a malformed escape is kept
// as written). Empty pieces are skipped; a piece without '=' has an empty value.
FormFields ParseFormUrlEncoded(std::string_view text);

// The first value of `name` in `fields`, or "".
std::string FormValue(const FormFields& fields, std::string_view name);

// Appends `fields` to `url` as a query ("?" or "&" as needed).
std::string AppendQuery(std::string url, const FormFields& fields);

}  // namespace herald::platforms::http

#endif  // HERALD_PLATFORMS_HTTP_FORM_URLENCODED_H_
