// HttpErrorMapper: how one network's HTTP answers and transport failures become the Error codes
// of the convention in platforms/platform.h, in one place for every network.
//
// Status codes: 400, 413, 422 and other 4xx -> kInvalidArgument; 401 -> kUnauthenticated;
// 403 -> kPermissionDenied; 404, 410 -> kNotFound; 429 -> kResourceExhausted with retry_after
// (the body's value when the network puts one there, else the headers: see RetryAfter);
// 5xx -> kUnavailable. A network whose error body says more (a Bluesky "ExpiredToken" under
// 400, Telegram's and Slack's `ok:false` under 200, Discord's `retry_after` in the body) says so
// through its ErrorBodyReader, which pulls the network's own reason out of the body and may
// override the code and the wait. Transport failures are classified by kind of call (see
// transport_errors.h). A secret given to a call (a token in the URL or the body) never reaches
// a message or a detail.
//
// Messages read "<Network> refused <action> (HTTP <status>): <reason>", with the network's own
// reason when the answer came from the network (HttpResponse::from_network, or the base URL is
// herald's own: Options::fixed_base_url) and a fallback
// reason for the code otherwise; the body (first 512 bytes) goes only to the detail.
// Immutable once built; thread-safe.
#ifndef HERALD_PLATFORMS_KIT_HTTP_ERROR_MAPPER_H_
#define HERALD_PLATFORMS_KIT_HTTP_ERROR_MAPPER_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/error.h"
#include "platforms/http_client.h"
#include "platforms/kit/transport_errors.h"

namespace herald::platforms {

// What a network's error body says, as its ErrorBodyReader reads it.
struct ErrorBody {
  std::string reason;                    // the network's own words ("" when it gave none)
  std::optional<base::ErrorCode> code;   // overrides the code the status implies
  std::optional<std::chrono::milliseconds> retry_after;  // the body's wait, before the headers'
};

// Reads a network's error body. Must accept anything (an HTML page from a proxy).
using ErrorBodyReader = std::function<ErrorBody(const HttpResponse& response)>;

class HttpErrorMapper {
 public:
  struct Options {
    std::string network;         // "Mastodon", as messages name it
    std::string transport_name;  // "the Mastodon instance" in transport messages ("" = network)
    ErrorBodyReader read_body;   // may be empty: no reason from the body
    // The reason when the body gives none, per code; codes not listed use generic words.
    std::map<base::ErrorCode, std::string> fallback_reasons;
    // The base URL is herald's own (the network's fixed host or the operator's override), not a
    // user's: its answers may be quoted whatever HttpResponse::from_network says, and a URL the
    // HTTP client refuses is a configuration fault (kInternal), not the user's kInvalidArgument.
    bool fixed_base_url = false;
  };

  explicit HttpErrorMapper(Options options);

  // A mapper for a network at herald's own base URL (fixed_base_url), without a body reader:
  // the bot APIs, whose error bodies their wire mapping reads itself.
  static HttpErrorMapper ForFixedHost(std::string network);

  // Options for an OAuth network's API at herald's own base URL (fixed_base_url) whose error
  // bodies `read_body` reads, with the reasons used when a body gives none: an invalid or
  // expired access token (kUnauthenticated), `permission_reason` (kPermissionDenied) and
  // "too many requests; <limiter> asks to wait" (kResourceExhausted; `limiter` "" = `network`).
  static Options ForOAuthApi(std::string network, ErrorBodyReader read_body,
                             std::string permission_reason, std::string limiter = "");

  // The code a bare HTTP status implies (see the header comment); kUnavailable for anything not
  // 4xx (also 1xx/3xx, which herald does not expect).
  static base::ErrorCode CodeForStatus(int status);

  // The error for a non-2xx `response` (or a 2xx one the reader says is a failure) to the call
  // that attempted `action` ("publishing", "uploading a.png"), as of `now` (for reset times).
  base::Error FromResponse(const HttpResponse& response, std::string_view action,
                           base::Time now, std::string_view secret = {}) const;

  // The error for a call of `kind` that got no usable answer (HttpClient::Send failed).
  base::Error FromTransport(base::Error e, CallKind kind, std::string_view secret = {}) const;

  const std::string& network() const { return options_.network; }

 private:
  std::string FallbackReason(base::ErrorCode code) const;

  Options options_;
};

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_HTTP_ERROR_MAPPER_H_
