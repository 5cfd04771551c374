// How HTTP transport failures (the request got no usable answer) become adapter errors, by kind
// of call, and what a failed reconciliation lookup means.
//
// "Could not connect" (refused, unreachable, DNS failure, connect or TLS failure) and "did not
// answer" (timeout, lost or oversized answer) read the same to the user, so an error never
// tells a closed port from one that accepts and stays silent; what really happened goes only to
// the detail (the log). A user-given URL may point anywhere (see HttpResponse::from_network).
// Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_KIT_TRANSPORT_ERRORS_H_
#define HERALD_PLATFORMS_KIT_TRANSPORT_ERRORS_H_

#include <string>
#include <string_view>

#include "base/error.h"

namespace herald::platforms {

// What a call is for; decides how a failure without an answer is classified.
enum class CallKind {
  kRead,    // GET and other calls that change nothing: any failure may be retried
  kWrite,   // creates a post: a failure after sending means the post may exist (kUnknown)
  kDelete,  // idempotent (deleting twice is fine): like kRead
};

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

// WriteTransportError for kWrite, else ReadTransportError; then `secret` redacted from message
// and detail (see Redact).
base::Error TransportError(base::Error e, CallKind kind, std::string_view network,
                           std::string_view secret = {});

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

#endif  // HERALD_PLATFORMS_KIT_TRANSPORT_ERRORS_H_
