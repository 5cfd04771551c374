// Error: the failure half of Result<T>. Every interface in herald returns errors as values.
//
// An Error carries a canonical code (what the caller can do next), a message that is safe to
// show to a client or a model (never a token, SQL or stack), and a detail for the log only.
// Errors from the networks may carry a retry hint. Errors are plain values, copyable and
// thread-compatible.
#ifndef HERALD_BASE_ERROR_H_
#define HERALD_BASE_ERROR_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace herald::base {

// Canonical error codes, modelled on absl::StatusCode. Chosen by what the caller can do next.
enum class ErrorCode {
  kInvalidArgument,     // the request is wrong; the caller (or the model) can fix it
  kNotFound,            // no such object (or not visible to the caller's organization)
  kAlreadyExists,       // a unique object already exists
  kFailedPrecondition,  // state forbids it (e.g. the post is already published)
  kAborted,             // concurrency conflict; re-read and retry the whole operation
  kUnauthenticated,     // missing or invalid credentials (API key, or a network token)
  kPermissionDenied,    // authenticated but not allowed (role, or revoked network permission)
  kResourceExhausted,   // rate limited or over a quota or limit; see retry_after
  kUnavailable,         // transient failure (network, 5xx, database busy); safe to retry
  kDeadlineExceeded,    // timed out
  kCancelled,           // the caller cancelled
  kUnimplemented,       // the operation is not supported (e.g. a network cannot delete)
  kUnknown,             // the outcome is unknown (e.g. a timeout after the request was sent)
  kInternal,            // a bug or unexpected failure; the message is always generic
};

// Returns the stable snake_case name of `code` ("invalid_argument", ...), used on the wire.
std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message, std::string detail = {});

  ErrorCode code() const { return code_; }
  // Safe for clients and models: what went wrong and, where possible, how to fix it.
  const std::string& message() const { return message_; }
  // For the log only: driver messages, upstream bodies (already redacted of secrets).
  const std::string& detail() const { return detail_; }

  // When set, the earliest time the operation may succeed if retried (from Retry-After or a
  // rate-limit header). Takes precedence over computed backoff.
  std::optional<std::chrono::milliseconds> retry_after() const { return retry_after_; }
  Error& set_retry_after(std::chrono::milliseconds d) {
    retry_after_ = d;
    return *this;
  }
  // A posting quota or daily cap is spent (kResourceExhausted, with retry_after = when it frees
  // up). The publishing core then waits until retry_after without counting a failed attempt and
  // never gives up on the post; get_post shows the wait and this error's message as the reason.
  bool quota_wait() const { return quota_wait_; }
  Error& set_quota_wait() {
    quota_wait_ = true;
    return *this;
  }
  Error& set_detail(std::string detail) {
    detail_ = std::move(detail);
    return *this;
  }

  // "invalid_argument: message" (no detail), for logs and test failure output.
  std::string ToString() const;
  // ToString() plus " [detail]" when there is one: for server logs only, never for clients.
  std::string ToLogString() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::string detail_;
  std::optional<std::chrono::milliseconds> retry_after_;
  bool quota_wait_ = false;
};

// One factory per code (absl style). Internal() always uses a generic client message.
Error InvalidArgument(std::string message);
Error NotFound(std::string message);
Error AlreadyExists(std::string message);
Error FailedPrecondition(std::string message);
Error Aborted(std::string message);
Error Unauthenticated(std::string message);
Error PermissionDenied(std::string message);
Error ResourceExhausted(std::string message);
Error Unavailable(std::string message, std::string detail = {});
Error DeadlineExceeded(std::string message);
Error Cancelled(std::string message);
Error Unimplemented(std::string message);
Error Unknown(std::string message, std::string detail = {});
Error Internal(std::string detail);

}  // namespace herald::base

#endif  // HERALD_BASE_ERROR_H_
