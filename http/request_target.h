// Request-target splitting for the HTTP/1.1 connection (connection.cpp), kept apart from the
// socket code so it can be tested and fuzzed on its own (fuzz/http_request_fuzz.cpp). Pure,
// thread-safe.
#ifndef HERALD_HTTP_REQUEST_TARGET_H_
#define HERALD_HTTP_REQUEST_TARGET_H_

#include <string_view>

namespace herald::http::internal {

// Splits an origin-form (or absolute-form) target into the raw path and query (views into
// `target`). Returns false for anything else (authority-form, asterisk-form, garbage).
bool SplitTarget(std::string_view target, std::string_view* path, std::string_view* query);

}  // namespace herald::http::internal

#endif  // HERALD_HTTP_REQUEST_TARGET_H_
