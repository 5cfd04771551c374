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

// True for "localhost" and loopback IP literals (127.0.0.0/8, ::1, bracketed or not): hosts
// that plain http:// may reach (tests, an instance on the same machine). "127.evil.example" is
// a name, not a loopback host.
bool IsLoopbackHost(std::string_view host);

// Transport failures and what they reveal. "Could not connect" (refused, unreachable, DNS
// failure, connect or TLS failure) and "did not answer" (timeout, lost or oversized answer)
// read the same to the user, so an error never tells a closed port from one that accepts and
// stays silent; what really happened goes only to the detail (the log). A user-given URL may
// point anywhere (see HttpResponse::from_network).

// "could not reach <network> (no connection, or no answer in time); try again later".
std::string UnreachableMessage(std::string_view network);

// A transport failure of a call that may have changed something (POST, DELETE) on `network`
// ("Bluesky", "the Mastodon instance"): nothing sent (kUnavailable, kDeadlineExceeded) is
// kUnavailable with UnreachableMessage; sent but no usable answer (kUnknown, kResourceExhausted)
// is kUnknown ("... the post may exist"); anything else (kInvalidArgument: a URL the address
// rules refuse) unchanged.
base::Error WriteTransportError(base::Error e, std::string_view network);

// A transport failure of a read-only call (GET) or one that is safe to repeat: nothing changed,
// so never kUnknown: every transport failure is kUnavailable with UnreachableMessage; anything
// else unchanged.
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
