#include "platforms/meta/graph_errors.h"

#include <cctype>
#include <utility>

#include "base/json.h"
#include "platforms/kit/retry_after.h"

namespace herald::platforms::meta {
namespace {

int64_t IntOf(const base::Json& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

std::string TokenReason(int64_t subcode) {
  switch (subcode) {
    case 458:
      return "the user removed herald's app from their account";
    case 459:
      return "the user must log in to Meta to pass a security checkpoint";
    case 460:
      return "the user changed their password";
    case 463:
      return "the access token expired";
    case 464:
      return "the user's account is not confirmed";
    case 467:
      return "the access token is no longer valid (the user logged out)";
    default:
      return "the access token is invalid or expired";
  }
}

bool IsLowerWordChar(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

}  // namespace

std::optional<GraphError> ParseGraphError(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) return std::nullopt;
  auto it = j->find("error");
  if (it == j->end() || !it->is_object()) return std::nullopt;
  const base::Json& e = *it;
  GraphError out;
  out.code = IntOf(e, "code");
  out.subcode = IntOf(e, "error_subcode");
  out.message = base::GetString(e, "message");
  out.type = base::GetString(e, "type");
  out.user_title = base::GetString(e, "error_user_title");
  out.user_message = base::GetString(e, "error_user_msg");
  out.fbtrace_id = base::GetString(e, "fbtrace_id");
  if (auto t = e.find("is_transient"); t != e.end() && t->is_boolean()) {
    out.is_transient = t->get<bool>();
  }
  return out;
}

GraphErrorKind Classify(const GraphError& e) {
  const int64_t c = e.code;
  if (c == 190 || c == 102) return GraphErrorKind::kToken;
  if (c == 506 || e.subcode == 1366051) return GraphErrorKind::kDuplicate;
  if (c == 4 || c == 17 || c == 32 || c == 613 || c == 341 || (c >= 80001 && c <= 80014) ||
      e.subcode == 2207042) {
    return GraphErrorKind::kThrottled;
  }
  if (c == 10 || (c >= 200 && c <= 299)) return GraphErrorKind::kPermission;
  if (c == 368) return GraphErrorKind::kPolicyBlock;
  if (c == 1 || c == 2 || e.is_transient) return GraphErrorKind::kTransient;
  return GraphErrorKind::kInvalidParameter;
}

std::string PermissionNamed(std::string_view message) {
  // The first snake_case word (two or more parts): Meta's permission names all have one "_".
  for (size_t i = 0; i < message.size();) {
    if (!IsLowerWordChar(message[i]) || (i > 0 && std::isalnum(static_cast<unsigned char>(
                                                      message[i - 1])))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < message.size() && IsLowerWordChar(message[j])) ++j;
    std::string_view word = message.substr(i, j - i);
    if (word.find('_') != std::string_view::npos && word.front() != '_' && word.back() != '_') {
      return std::string(word);
    }
    i = j;
  }
  return "";
}

std::string GraphReason(const GraphError& e) {
  const std::string& meta = e.user_message.empty() ? e.message : e.user_message;
  std::string words;
  switch (Classify(e)) {
    case GraphErrorKind::kToken:
      words = TokenReason(e.subcode) + "; the account must be reconnected";
      break;
    case GraphErrorKind::kPermission: {
      std::string permission = PermissionNamed(e.message);
      if (permission.empty()) permission = PermissionNamed(e.user_message);
      words = permission.empty()
                  ? "the account or app lacks a permission this needs; reconnect it and allow "
                    "every permission herald asks for"
                  : "the permission " + permission +
                        " was not granted; reconnect the account and allow it";
      break;
    }
    case GraphErrorKind::kThrottled:
      words = e.subcode == 2207042 ? "the account reached its publishing limit"
                                   : "Meta's rate limit was reached (code " +
                                         std::to_string(e.code) + ")";
      break;
    case GraphErrorKind::kTransient:
      words = "Meta had a temporary problem";
      break;
    case GraphErrorKind::kDuplicate:
      words = "Meta says this post already exists";
      break;
    case GraphErrorKind::kPolicyBlock:
      words = "Meta blocked the action for its policies (code 368)";
      break;
    case GraphErrorKind::kInvalidParameter:
      return meta.empty() ? "the request was rejected (code " + std::to_string(e.code) + ")"
                          : meta;
  }
  if (meta.empty()) return words;
  return words + " (Meta: " + meta + ")";
}

ErrorBody ReadGraphErrorBody(const HttpResponse& response) {
  ErrorBody out;
  std::optional<GraphError> e = ParseGraphError(response.body);
  if (!e) return out;
  out.reason = GraphReason(*e);
  switch (Classify(*e)) {
    case GraphErrorKind::kToken:
      out.code = base::ErrorCode::kUnauthenticated;
      break;
    case GraphErrorKind::kPermission:
      out.code = base::ErrorCode::kPermissionDenied;
      break;
    case GraphErrorKind::kThrottled:
      out.code = base::ErrorCode::kResourceExhausted;
      // The headers' wait (usage headers, Retry-After) is read by the mapper with the right
      // clock; only their absence is decided here.
      if (!RetryAfter(response.headers, base::Time{})) {
        out.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(
            kDefaultThrottleWait);
      }
      break;
    case GraphErrorKind::kTransient:
      out.code = base::ErrorCode::kUnavailable;
      break;
    case GraphErrorKind::kDuplicate:
      out.code = base::ErrorCode::kAlreadyExists;
      break;
    case GraphErrorKind::kPolicyBlock:
      out.code = base::ErrorCode::kFailedPrecondition;
      break;
    case GraphErrorKind::kInvalidParameter:
      // A 5xx with an error object stays transient.
      out.code = response.status >= 500 ? base::ErrorCode::kUnavailable
                                         : base::ErrorCode::kInvalidArgument;
      break;
  }
  return out;
}

HttpErrorMapper::Options GraphErrorOptions(std::string network) {
  return HttpErrorMapper::ForOAuthApi(
      std::move(network), ReadGraphErrorBody,
      "Meta does not allow this account or app to do that; reconnect it", "Meta");
}

bool IsDuplicatePost(const HttpResponse& response) {
  std::optional<GraphError> e = ParseGraphError(response.body);
  return e && Classify(*e) == GraphErrorKind::kDuplicate;
}

}  // namespace herald::platforms::meta
