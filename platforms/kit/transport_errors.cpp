#include "platforms/kit/transport_errors.h"

#include "platforms/kit/helpers.h"

namespace herald::platforms {

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

base::Error TransportError(base::Error e, CallKind kind, std::string_view network,
                           std::string_view secret) {
  base::Error mapped = kind == CallKind::kWrite ? WriteTransportError(std::move(e), network)
                                                : ReadTransportError(std::move(e), network);
  return RedactError(mapped, secret);
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
