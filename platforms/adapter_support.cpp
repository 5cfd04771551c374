#include "platforms/adapter_support.h"

#include <algorithm>
#include <cctype>

#include "platforms/http/address_policy.h"

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
  if (host == "localhost") return true;
  auto ip = http::ParseIpLiteral(host);
  return ip && http::IsLoopbackAddress(*ip);
}

std::string UnreachableMessage(std::string_view network) {
  return "could not reach " + std::string(network) +
         " (no connection, or no answer in time); try again later";
}

base::Error WriteTransportError(base::Error e, std::string_view network) {
  switch (e.code()) {
    case base::ErrorCode::kUnavailable:
    case base::ErrorCode::kDeadlineExceeded:
      return base::Unavailable(UnreachableMessage(network), e.ToLogString());
    case base::ErrorCode::kUnknown:
    case base::ErrorCode::kResourceExhausted:
      return base::Unknown(std::string(network) +
                               " gave no usable answer after the request was sent; the post "
                               "may exist",
                           e.ToLogString());
    default:
      return e;
  }
}

base::Error ReadTransportError(base::Error e, std::string_view network) {
  switch (e.code()) {
    case base::ErrorCode::kUnavailable:
    case base::ErrorCode::kUnknown:
    case base::ErrorCode::kDeadlineExceeded:
    case base::ErrorCode::kResourceExhausted:
      return base::Unavailable(UnreachableMessage(network), e.ToLogString());
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
