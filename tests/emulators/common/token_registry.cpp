#include "tests/emulators/common/token_registry.h"

#include <strings.h>

namespace herald::emulators {

base::Result<std::string> TokenRegistry::Issue(std::string account, std::string token, Json extra,
                                               std::string_view prefix) {
  std::lock_guard lock(mu_);
  if (token.empty()) token = std::string(prefix) + "-" + std::to_string(next_++);
  auto it = tokens_.find(token);
  if (it == tokens_.end() && tokens_.size() >= kMaxTokens) {
    return base::ResourceExhausted("emulator token registry is full; reset it");
  }
  tokens_[token] = TokenInfo{token, std::move(account), false, std::move(extra)};
  return token;
}

std::optional<TokenInfo> TokenRegistry::Find(std::string_view token) const {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

base::Result<void> TokenRegistry::Revoke(std::string_view token) {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return base::NotFound("no such token");
  it->second.revoked = true;
  return base::Ok();
}

std::vector<TokenInfo> TokenRegistry::List() const {
  std::lock_guard lock(mu_);
  std::vector<TokenInfo> out;
  for (const auto& [k, v] : tokens_) out.push_back(v);
  return out;
}

void TokenRegistry::Clear() {
  std::lock_guard lock(mu_);
  tokens_.clear();
  next_ = 1;
}

std::string BearerToken(std::string_view authorization) {
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size() ||
      strncasecmp(authorization.data(), kBearer.data(), kBearer.size()) != 0) {
    return "";
  }
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  return std::string(token);
}

}  // namespace herald::emulators
