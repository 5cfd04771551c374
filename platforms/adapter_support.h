// Small helpers every network adapter needs: the request-field name of a post part, blank-text
// and loopback-host checks, and how HTTP transport failures become adapter errors. Pure
// functions, thread-safe.
#ifndef HERALD_PLATFORMS_ADAPTER_SUPPORT_H_
#define HERALD_PLATFORMS_ADAPTER_SUPPORT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/error.h"

namespace herald::platforms {

// The field a violation about Content part `part` names, as the caller wrote it: part 0 is the
// post ("text", "media[1]"), part i > 0 is the thread's entry i-1 ("thread[0].text").
std::string PartField(size_t part, std::string_view field);

// True if `s` is empty or only whitespace.
bool IsBlank(std::string_view s);

// True for "localhost", "127.x.y.z" and "::1" (bracketed or not): hosts that plain http:// may
// reach (tests, an instance on the same machine).
bool IsLoopbackHost(std::string_view host);

// A transport failure of a call that may have changed something (POST, DELETE) on `network`
// ("Bluesky", "the Mastodon instance"): not connected in time is kUnavailable (nothing sent),
// an oversized answer is kUnknown (the post may exist); anything else unchanged.
base::Error WriteTransportError(base::Error e, std::string_view network);

// A transport failure of a read-only call (GET): nothing changed, so never kUnknown; a timeout,
// lost or oversized answer is kUnavailable.
base::Error ReadTransportError(base::Error e, std::string_view network);

// A lookup that was to tell whether an earlier attempt already published the post (the
// reconciliation after a lost answer) and could not be completed: never a verdict on the post,
// whatever the refusal that led to it. kResourceExhausted (rate limited, keeping retry_after)
// and kUnavailable stay as they are; kUnknown stays (the network cannot tell); kUnauthenticated
// and kPermissionDenied stay (the account must be reconnected first, and the retry after that
// looks again); anything else becomes kUnavailable, so the caller looks again later. The
// message says that `network` ("Bluesky") could not be asked and why; the detail keeps the
// lookup's.
base::Error LookupFailedError(base::Error lookup, std::string_view network);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_ADAPTER_SUPPORT_H_
