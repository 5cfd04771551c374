#include "platforms/kit/retry_after.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <string>

#include "base/json.h"
#include "base/time.h"
#include "platforms/kit/helpers.h"

namespace herald::platforms {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMinimum{1000};
constexpr double kEpochThreshold = 1e9;  // below: delta seconds; above: epoch seconds

// A non-negative decimal number written alone ("12", "1.25"), or nullopt.
std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty() || text.size() > 32) return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end == copy.c_str() || *end != '\0' || !std::isfinite(v) || v < 0) return std::nullopt;
  if (copy.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
  return v;
}

milliseconds AtLeastMinimum(double millis) {
  if (!(millis > 0)) return kMinimum;
  return std::max(kMinimum, milliseconds(static_cast<int64_t>(std::ceil(millis))));
}

milliseconds Until(base::Time at, base::Time now) {
  return AtLeastMinimum(static_cast<double>(std::chrono::duration_cast<milliseconds>(at - now).count()));
}

// A reset value: epoch seconds, delta seconds or an ISO 8601 time.
std::optional<milliseconds> ResetWait(std::string_view value, base::Time now) {
  if (value.empty()) return std::nullopt;
  if (auto n = ParseNumber(value)) {
    if (*n >= kEpochThreshold) {
      const auto at = base::FromUnixMicros(static_cast<int64_t>(*n * 1'000'000.0));
      return Until(at, now);
    }
    return AtLeastMinimum(*n * 1000.0);
  }
  auto at = base::ParseRfc3339(value);
  if (at.ok()) return Until(*at, now);
  return std::nullopt;
}

// The largest estimated_time_to_regain_access (minutes) anywhere in a Meta usage header.
std::optional<int64_t> RegainMinutes(const base::Json& j) {
  std::optional<int64_t> best;
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == "estimated_time_to_regain_access" && value.is_number()) {
        const auto minutes = static_cast<int64_t>(value.get<double>());
        best = std::max(best.value_or(0), minutes);
      } else if (auto inner = RegainMinutes(value)) {
        best = std::max(best.value_or(0), *inner);
      }
    }
  } else if (j.is_array()) {
    for (const base::Json& item : j) {
      if (auto inner = RegainMinutes(item)) best = std::max(best.value_or(0), *inner);
    }
  }
  return best;
}

}  // namespace

std::optional<base::Time> ParseHttpDate(std::string_view value) {
  const std::string text(value);
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const time_t t = timegm(&tm);
  return base::FromUnixMicros(static_cast<int64_t>(t) * 1'000'000);
}

std::optional<milliseconds> RetryAfter(const HttpHeaders& headers, base::Time now) {
  const std::string retry_after = FindHeader(headers, "Retry-After");
  if (!retry_after.empty()) {
    if (auto seconds = ParseNumber(retry_after)) return AtLeastMinimum(*seconds * 1000.0);
    if (auto at = ParseHttpDate(retry_after)) return Until(*at, now);
  }
  if (auto s = ParseNumber(FindHeader(headers, "X-RateLimit-Reset-After"))) {
    return AtLeastMinimum(*s * 1000.0);
  }
  std::optional<milliseconds> first;
  std::optional<milliseconds> exhausted;
  for (std::string_view prefix : {"x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour",
                                  "X-RateLimit", "RateLimit"}) {
    const std::string p(prefix);
    auto wait = ResetWait(FindHeader(headers, p + "-Reset"), now);
    if (!wait) continue;
    if (!first) first = wait;
    if (FindHeader(headers, p + "-Remaining") == "0") {
      exhausted = std::max(exhausted.value_or(milliseconds(0)), *wait);
    }
  }
  if (exhausted) return exhausted;
  if (first) return first;
  std::optional<int64_t> minutes;
  for (std::string_view name : {"X-Business-Use-Case-Usage", "X-App-Usage"}) {
    auto parsed = base::ParseJson(FindHeader(headers, name));
    if (!parsed.ok()) continue;
    if (auto m = RegainMinutes(*parsed)) minutes = std::max(minutes.value_or(0), *m);
  }
  if (minutes) return AtLeastMinimum(static_cast<double>(*minutes) * 60'000.0);
  return std::nullopt;
}

}  // namespace herald::platforms
