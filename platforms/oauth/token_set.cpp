#include "platforms/oauth/token_set.h"

#include <charconv>
#include <chrono>

#include "base/time.h"

namespace herald::platforms::oauth {
namespace {

using base::Json;

constexpr size_t kMaxReasonLength = 300;

// A number, or a string holding one (some networks send "3600").
std::optional<int64_t> Seconds(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::string Clip(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  if (s.size() > kMaxReasonLength) {
    s.resize(kMaxReasonLength);
    s += "...";
  }
  return s;
}

std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& r) {
  std::string v = r.Header("Retry-After");
  int64_t secs = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || secs < 0) return std::nullopt;
  return std::chrono::milliseconds(secs * 1000);
}

bool IsTokenKey(const std::string& key) { return key.find("token") != std::string::npos; }

}  // namespace

Json TokenSetToCredentials(const TokenSet& t) {
  Json out = {{"kind", "oauth2"},
              {"access_token", t.access_token},
              {"refresh_token", t.refresh_token},
              {"token_type", t.token_type},
              {"scope", t.scope},
              {"extra", t.extra.is_object() ? t.extra : Json::object()}};
  if (t.expires_at) out["expires_at"] = base::FormatRfc3339(*t.expires_at);
  if (t.refresh_expires_at) out["refresh_expires_at"] = base::FormatRfc3339(*t.refresh_expires_at);
  return out;
}

base::Result<TokenSet> TokenSetFromCredentials(const Json& c) {
  if (!c.is_object()) return base::InvalidArgument("OAuth credentials are not an object");
  TokenSet t;
  t.access_token = base::GetString(c, "access_token");
  if (t.access_token.empty())
    return base::InvalidArgument("OAuth credentials lack an access token");
  t.refresh_token = base::GetString(c, "refresh_token");
  t.token_type = base::GetString(c, "token_type", "Bearer");
  t.scope = base::GetString(c, "scope");
  if (auto it = c.find("extra"); it != c.end() && it->is_object()) t.extra = *it;
  for (const char* key : {"expires_at", "refresh_expires_at"}) {
    std::string text = base::GetString(c, key);
    if (text.empty()) continue;
    HERALD_ASSIGN_OR_RETURN(base::Time at, base::ParseRfc3339(text));
    (std::string_view(key) == "expires_at" ? t.expires_at : t.refresh_expires_at) = at;
  }
  return t;
}

std::string OAuthErrorCode(const HttpResponse& response) {
  auto body = base::ParseJson(response.body);
  if (!body.ok() || !body->is_object()) return {};
  return base::GetString(*body, "error");
}

base::Error ParseOAuthError(const HttpResponse& response, std::string_view network_in) {
  std::string network(network_in);
  std::string code, description;
  auto body = base::ParseJson(response.body);
  if (body.ok() && body->is_object()) {
    code = base::GetString(*body, "error");
    description = base::GetString(*body, "error_description");
    if (description.empty()) description = base::GetString(*body, "message");
  }
  std::string reason = code.empty() ? "HTTP " + std::to_string(response.status) : code;
  if (!description.empty()) reason += ": " + Clip(description);
  std::string detail = "oauth endpoint status " + std::to_string(response.status);
  int s = response.status;
  if (code == "invalid_grant") {
    return base::Unauthenticated(network + " refused the authorization (" + reason +
                                 "); the account must be reconnected")
        .set_detail(detail);
  }
  if (s == 429 || code == "slow_down") {
    base::Error e =
        base::ResourceExhausted(network + " is rate limiting token requests (" + reason + ")");
    e.set_detail(detail);
    if (auto ra = RetryAfter(response)) e.set_retry_after(*ra);
    return e;
  }
  if (s >= 500 || s == 408 || code == "temporarily_unavailable" || code == "server_error") {
    base::Error e = base::Unavailable(
        network + "'s token service failed (" + reason + "); herald will try again", detail);
    if (auto ra = RetryAfter(response)) e.set_retry_after(*ra);
    return e;
  }
  if (code == "invalid_client" || code == "unauthorized_client") {
    return base::FailedPrecondition(network + " rejected herald's OAuth client (" + reason +
                                    "); check the client id and secret the operator configured")
        .set_detail(detail);
  }
  return base::FailedPrecondition(network + " refused the token request (" + reason + ")")
      .set_detail(detail);
}

base::Result<TokenSet> ParseTokenResponse(const HttpResponse& response, base::Time now,
                                          std::string_view network) {
  if (response.status < 200 || response.status > 299) return ParseOAuthError(response, network);
  auto body = base::ParseJson(response.body);
  if (!body.ok() || !body->is_object()) {
    return base::Unavailable(std::string(network) +
                                 "'s token endpoint answered with something "
                                 "that is not JSON",
                             "status " + std::to_string(response.status));
  }
  const Json& j = *body;
  if (j.contains("error")) return ParseOAuthError(response, network);
  TokenSet t;
  t.access_token = base::GetString(j, "access_token");
  if (t.access_token.empty()) {
    return base::Unavailable(std::string(network) +
                             "'s token endpoint answered without an "
                             "access token");
  }
  t.refresh_token = base::GetString(j, "refresh_token");
  t.token_type = base::GetString(j, "token_type", "Bearer");
  t.scope = base::GetString(j, "scope");
  if (auto it = j.find("expires_in"); it != j.end()) {
    if (auto secs = Seconds(*it); secs && *secs > 0) {
      t.expires_at = now + std::chrono::seconds(*secs);
    }
  }
  for (const char* key : {"refresh_token_expires_in", "refresh_expires_in"}) {
    if (auto it = j.find(key); it != j.end()) {
      if (auto secs = Seconds(*it); secs && *secs > 0) {
        t.refresh_expires_at = now + std::chrono::seconds(*secs);
      }
    }
  }
  for (const auto& [key, value] : j.items()) {
    if (IsTokenKey(key) || key == "expires_in" || key == "scope" || key == "refresh_expires_in") {
      continue;
    }
    t.extra[key] = value;
  }
  return t;
}

}  // namespace herald::platforms::oauth
