#include "tests/emulators/common/oauth_grants.h"

#include <algorithm>

#include "base/crypto.h"

namespace herald::emulators {

void OAuthGrants::Clear() {
  grants_.clear();
  codes_.clear();
  access_.clear();
  refresh_.clear();
}

base::Result<std::string> OAuthGrants::AddGrant(Grant grant, std::string id) {
  if (grants_.size() >= kMaxGrants) return base::ResourceExhausted("too many grants");
  if (id.empty()) id = "g" + std::to_string(grants_.size() + 1);
  grants_[id] = std::move(grant);
  return id;
}

OAuthGrants::Grant* OAuthGrants::FindGrant(std::string_view id) {
  auto it = grants_.find(id);
  return it == grants_.end() ? nullptr : &it->second;
}

std::string OAuthGrants::AddCode(Code code, std::string_view prefix) {
  if (codes_.size() >= kMaxTokens) codes_.clear();  // codes live minutes: old ones are dead
  std::string value = std::string(prefix) + base::RandomToken();
  codes_[value] = std::move(code);
  return value;
}

std::optional<OAuthGrants::Code> OAuthGrants::TakeCode(std::string_view value, base::Time now) {
  auto it = codes_.find(value);
  if (it == codes_.end()) return std::nullopt;
  Code code = std::move(it->second);
  codes_.erase(it);
  if (now >= code.expires_at) return std::nullopt;
  return code;
}

bool OAuthGrants::VerifierMatches(const Code& code, std::string_view verifier) {
  if (code.challenge.empty()) return true;
  const std::string computed = code.method == "S256"
                                   ? base::Base64UrlEncode(base::Sha256(verifier))
                                   : std::string(verifier);
  return !verifier.empty() && computed == code.challenge;
}

std::string OAuthGrants::IssueAccess(const std::string& grant_id, std::chrono::seconds ttl,
                                     base::Time now, std::string_view prefix, std::string token) {
  if (token.empty()) token = std::string(prefix) + base::RandomToken();
  if (access_.size() >= kMaxTokens) {
    for (auto it = access_.begin(); it != access_.end();) {
      it = it->second.expires_at <= now ? access_.erase(it) : std::next(it);
    }
  }
  access_[token] = Access{grant_id, now + ttl};
  return token;
}

std::string OAuthGrants::IssueRefresh(const std::string& grant_id, std::string_view prefix,
                                      std::string token) {
  if (token.empty()) token = std::string(prefix) + base::RandomToken();
  refresh_[token] = grant_id;
  return token;
}

std::optional<std::string> OAuthGrants::AccessGrant(std::string_view token, base::Time now) {
  auto it = access_.find(token);
  if (token.empty() || it == access_.end() || now >= it->second.expires_at) return std::nullopt;
  const Grant* grant = FindGrant(it->second.grant);
  if (grant == nullptr || grant->revoked) return std::nullopt;
  return it->second.grant;
}

std::optional<std::string> OAuthGrants::RefreshGrant(std::string_view token) {
  auto it = refresh_.find(token);
  if (it == refresh_.end()) return std::nullopt;
  const Grant* grant = FindGrant(it->second);
  if (grant == nullptr || grant->revoked) return std::nullopt;
  return it->second;
}

base::Result<void> OAuthGrants::RevokeByToken(std::string_view token) {
  std::string grant;
  if (auto it = refresh_.find(token); it != refresh_.end()) {
    grant = it->second;
  } else if (auto a = access_.find(token); a != access_.end()) {
    grant = a->second.grant;
  } else {
    return base::NotFound("unknown token");
  }
  if (Grant* g = FindGrant(grant)) g->revoked = true;
  return base::Ok();
}

base::Result<void> OAuthGrants::ExpireAccess(std::string_view token, base::Time now) {
  if (token.empty()) {
    for (auto& [k, a] : access_) a.expires_at = now;
    return base::Ok();
  }
  auto it = access_.find(token);
  if (it == access_.end()) return base::NotFound("unknown access token");
  it->second.expires_at = now;
  return base::Ok();
}

void OAuthGrants::SetAccessExpiry(std::string_view token, base::Time expires_at) {
  if (auto it = access_.find(token); it != access_.end()) it->second.expires_at = expires_at;
}

bool RedirectUriAllowed(const base::Json& config, std::string_view uri) {
  if (uri.rfind("http://", 0) != 0 && uri.rfind("https://", 0) != 0) return false;
  const base::Json allowed = config.value("redirect_uris", base::Json::array());
  if (!allowed.is_array() || allowed.empty()) return true;
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const base::Json& u) { return u.is_string() && u.get<std::string>() == uri; });
}

bool ScopeListHas(std::string_view scopes, char separator, std::string_view scope) {
  size_t pos = 0;
  while (pos <= scopes.size()) {
    size_t end = scopes.find(separator, pos);
    if (end == std::string_view::npos) end = scopes.size();
    if (scopes.substr(pos, end - pos) == scope) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace herald::emulators
