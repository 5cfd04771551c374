// Meta Graph API errors (Facebook Pages, Instagram, Threads): the error object
//   {"error": {"message", "type", "code", "error_subcode"?, "error_user_title"?,
//              "error_user_msg"?, "is_transient"?, "fbtrace_id"?}}
// read and mapped to herald's convention (platforms/platform.h) by code and subcode, as the
// ErrorBodyReader of the kit's HttpErrorMapper (GraphErrorOptions):
//
//   190 (+ subcodes 458/459/460/463/464/467), 102   -> kUnauthenticated naming the reason
//   10, 200-299                                       -> kPermissionDenied naming the permission
//                                                        when Meta's message names one
//   4, 17, 32, 613, 80001-80014, 9 / 2207042          -> kResourceExhausted; the wait comes from
//                                                        the usage headers (X-App-Usage,
//                                                        X-Business-Use-Case-Usage
//                                                        estimated_time_to_regain_access, via
//                                                        kit RetryAfter) or kDefaultThrottleWait
//   1, 2, is_transient, 5xx                           -> kUnavailable
//   506 (and subcode 1366051)                         -> kAlreadyExists: "it exists: find it"
//                                                        (IsDuplicatePost; adapters look the
//                                                        post up instead of failing)
//   368                                               -> kFailedPrecondition (blocked by Meta's
//                                                        policies: permanent) with the reason
//   100, 2207xxx media subcodes, other 4xx            -> kInvalidArgument with Meta's user
//                                                        message (error_user_msg) when given
//
// The reason quoted is Meta's own (error_user_msg, else message) after herald's words for the
// code. Pure functions, thread-safe. Unit-tested on recorded bodies
// (tests/platforms/data/meta/).
#ifndef HERALD_PLATFORMS_META_GRAPH_ERRORS_H_
#define HERALD_PLATFORMS_META_GRAPH_ERRORS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "platforms/http_client.h"
#include "platforms/kit/http_error_mapper.h"

namespace herald::platforms::meta {

// The wait for a throttling error whose answer carries no usable wait: Meta's platform limits
// are counted over a rolling hour.
inline constexpr std::chrono::minutes kDefaultThrottleWait{60};

// One Graph error object.
struct GraphError {
  int64_t code = 0;
  int64_t subcode = 0;  // error_subcode, 0 when absent
  std::string message;
  std::string type;          // "OAuthException", "GraphMethodException", ...
  std::string user_title;    // error_user_title
  std::string user_message;  // error_user_msg: meant for the end user
  std::string fbtrace_id;
  bool is_transient = false;
};

// What a Graph error means for herald, by code and subcode (see the header comment).
enum class GraphErrorKind {
  kToken,             // 190, 102: the token is dead
  kPermission,        // 10, 200-299
  kThrottled,         // 4, 17, 32, 613, 80001-80014, publishing limit (2207042)
  kTransient,         // 1, 2, is_transient
  kDuplicate,         // 506, subcode 1366051
  kPolicyBlock,       // 368
  kInvalidParameter,  // 100, 2207xxx and anything else
};

// The error object of `body`, or nullopt when the body is no Graph error (an HTML page, a
// proxy's answer). Accepts anything.
std::optional<GraphError> ParseGraphError(std::string_view body);

// The kind of `e` (see the header comment).
GraphErrorKind Classify(const GraphError& e);

// herald's words for `e` followed by Meta's own: "the access token expired (Meta: Error
// validating access token: Session has expired ...)". For kPermission, names the permission
// when Meta's message names one ("the permission threads_content_publish was not granted").
std::string GraphReason(const GraphError& e);

// The permission Meta's message names ("(#200) Requires pages_manage_posts permission" ->
// "pages_manage_posts"), or "".
std::string PermissionNamed(std::string_view message);

// The HttpErrorMapper body reader for Graph answers: code and reason from the error object,
// and for throttling kDefaultThrottleWait when the headers carry no wait (RetryAfter).
ErrorBody ReadGraphErrorBody(const HttpResponse& response);

// HttpErrorMapper::Options for a Meta network named `network` ("Threads") at herald's own
// base URL (fixed_base_url), reading Graph error bodies.
HttpErrorMapper::Options GraphErrorOptions(std::string network);

// True when `response` is Meta's "duplicate post" answer (code 506, or subcode 1366051 "these
// photos were already posted"): an earlier attempt made the post; find it, do not fail.
bool IsDuplicatePost(const HttpResponse& response);

}  // namespace herald::platforms::meta

#endif  // HERALD_PLATFORMS_META_GRAPH_ERRORS_H_
