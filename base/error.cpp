#include "base/error.h"

#include <utility>

namespace herald::base {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kAborted: return "aborted";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kDeadlineExceeded: return "deadline_exceeded";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kUnimplemented: return "unimplemented";
    case ErrorCode::kUnknown: return "unknown";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

Error::Error(ErrorCode code, std::string message, std::string detail)
    : code_(code), message_(std::move(message)), detail_(std::move(detail)) {}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

std::string Error::ToLogString() const {
  std::string out = ToString();
  if (!detail_.empty()) out += " [" + detail_ + "]";
  return out;
}

Error InvalidArgument(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}
Error NotFound(std::string message) { return Error(ErrorCode::kNotFound, std::move(message)); }
Error AlreadyExists(std::string message) {
  return Error(ErrorCode::kAlreadyExists, std::move(message));
}
Error FailedPrecondition(std::string message) {
  return Error(ErrorCode::kFailedPrecondition, std::move(message));
}
Error Aborted(std::string message) { return Error(ErrorCode::kAborted, std::move(message)); }
Error Unauthenticated(std::string message) {
  return Error(ErrorCode::kUnauthenticated, std::move(message));
}
Error PermissionDenied(std::string message) {
  return Error(ErrorCode::kPermissionDenied, std::move(message));
}
Error ResourceExhausted(std::string message) {
  return Error(ErrorCode::kResourceExhausted, std::move(message));
}
Error Unavailable(std::string message, std::string detail) {
  return Error(ErrorCode::kUnavailable, std::move(message), std::move(detail));
}
Error DeadlineExceeded(std::string message) {
  return Error(ErrorCode::kDeadlineExceeded, std::move(message));
}
Error Cancelled(std::string message) { return Error(ErrorCode::kCancelled, std::move(message)); }
Error Unimplemented(std::string message) {
  return Error(ErrorCode::kUnimplemented, std::move(message));
}
Error Unknown(std::string message, std::string detail) {
  return Error(ErrorCode::kUnknown, std::move(message), std::move(detail));
}
Error Internal(std::string detail) {
  return Error(ErrorCode::kInternal, "internal error", std::move(detail));
}

}  // namespace herald::base
