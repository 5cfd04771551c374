// The small helpers every network adapter needs, in one copy: naming a post part in messages,
// blank-text and loopback-host checks, case-insensitive comparison and header lookup, trimming
// a base URL, and keeping a secret out of text. Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_KIT_HELPERS_H_
#define HERALD_PLATFORMS_KIT_HELPERS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/error.h"
#include "platforms/http_client.h"
#include "platforms/platform.h"

namespace herald::platforms {

// The field a violation about Content part `part` names, as the caller wrote it: part 0 is the
// post ("text", "media[1]"), part i > 0 is the thread's entry i-1 ("thread[0].text").
std::string PartField(size_t part, std::string_view field);

// Prefixes "thread part i+1 of n: " to the message of an error about part `i` of an `n`-part
// post, keeping code, detail and retry_after; unchanged when n <= 1.
base::Error InPart(base::Error e, size_t i, size_t n);

// True if `s` is empty or only whitespace.
bool IsBlank(std::string_view s);

// True for "localhost" and loopback IP literals (127.0.0.0/8, ::1, bracketed or not): hosts
// that plain http:// may reach (tests, an instance on the same machine). "127.evil.example" is
// a name, not a loopback host.
bool IsLoopbackHost(std::string_view host);

// ASCII case-insensitive equality ("Retry-After" == "retry-after").
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// `url` without trailing slashes ("https://x/api/" -> "https://x/api").
std::string TrimSlash(std::string url);

// The first header named `name`, case-insensitively, or "".
std::string FindHeader(const HttpHeaders& headers, std::string_view name);

// Replaces every occurrence of `secret` in `text` with "<redacted>"; `text` unchanged when
// `secret` is empty. For tokens that travel in URLs or bodies (a Telegram bot token is part of
// every Bot API URL): whatever reaches a message or a log goes through this first.
std::string Redact(std::string text, std::string_view secret);

// The account's username without "@": settings.username, else the handle.
std::string AccountUsername(const AccountContext& account);

// Milliseconds since the Unix epoch, truncated: what JSON APIs and saved remote state carry.
int64_t UnixMillis(base::Time t);

// `e` with `secret` redacted from its message and its detail (code and retry_after kept).
base::Error RedactError(const base::Error& e, std::string_view secret);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_HELPERS_H_
