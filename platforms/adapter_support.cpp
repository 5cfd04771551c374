#include "platforms/adapter_support.h"

#include <algorithm>
#include <cctype>

namespace herald::platforms {

std::string PartField(size_t part, std::string_view field) {
  if (part == 0) return std::string(field);
  return "thread[" + std::to_string(part - 1) + "]." + std::string(field);
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host == "::1" || host.rfind("127.", 0) == 0;
}

base::Error WriteTransportError(base::Error e, std::string_view network) {
  switch (e.code()) {
    case base::ErrorCode::kDeadlineExceeded:
      return base::Unavailable("could not connect to " + std::string(network) + " in time",
                               e.detail());
    case base::ErrorCode::kResourceExhausted:
      return base::Unknown(std::string(network) + " sent an oversized answer; the post may exist",
                           e.detail());
    default:
      return e;
  }
}

base::Error ReadTransportError(base::Error e, std::string_view network) {
  switch (e.code()) {
    case base::ErrorCode::kUnknown:
    case base::ErrorCode::kDeadlineExceeded:
    case base::ErrorCode::kResourceExhausted:
      return base::Unavailable(std::string(network) + " did not answer in time", e.detail());
    default:
      return e;
  }
}

base::Error LookupFailedError(base::Error lookup, std::string_view network) {
  base::ErrorCode code = lookup.code();
  switch (code) {
    case base::ErrorCode::kUnauthenticated:
    case base::ErrorCode::kPermissionDenied:
      return lookup;  // says how to reconnect the account
    case base::ErrorCode::kResourceExhausted:
    case base::ErrorCode::kUnavailable:
    case base::ErrorCode::kUnknown:
      break;
    default:
      code = base::ErrorCode::kUnavailable;
      break;
  }
  base::Error out(code,
                  "could not check with " + std::string(network) +
                      " whether an earlier attempt already published this post (" +
                      lookup.message() + "); it will be checked again",
                  lookup.detail());
  if (auto after = lookup.retry_after()) out.set_retry_after(*after);
  return out;
}

}  // namespace herald::platforms
