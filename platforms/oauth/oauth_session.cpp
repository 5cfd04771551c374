#include "platforms/oauth/oauth_session.h"

#include <spdlog/spdlog.h>

namespace herald::platforms::oauth {

OAuthSession::OAuthSession(OAuthClient& client, const OAuthProvider& provider,
                           const base::Clock& clock, AccountContext& account)
    : client_(client), provider_(provider), clock_(clock), account_(account) {}

Result<void> OAuthSession::Load() {
  if (loaded_) return base::Ok();
  auto tokens = TokenSetFromCredentials(account_.credentials);
  if (!tokens.ok()) {
    return base::Unauthenticated("the stored " + provider_.display_name +
                                 " credentials are unusable; the account must be reconnected");
  }
  tokens_ = std::move(*tokens);
  loaded_ = true;
  return base::Ok();
}

Task<Result<std::string>> OAuthSession::AccessToken() {
  HERALD_CO_RETURN_IF_ERROR(Load());
  if (!refreshed_ && tokens_.expires_at &&
      *tokens_.expires_at - provider_.refresh_margin <= clock_.Now()) {
    auto r = co_await Refresh();
    if (!r.ok()) {
      // A transient failure while the token is still valid: use it rather than fail the call.
      bool still_valid = *tokens_.expires_at > clock_.Now();
      if (!still_valid || r.error().code() == base::ErrorCode::kUnauthenticated) {
        co_return std::move(r).error();
      }
      spdlog::warn(
          "oauth: refreshing the {} token of account {} failed ({}); using the current "
          "token until it expires",
          provider_.platform, account_.account_id, r.error().ToString());
    }
  }
  co_return tokens_.access_token;
}

Task<Result<void>> OAuthSession::Refresh() {
  HERALD_CO_RETURN_IF_ERROR(Load());
  if (account_.refresh_credentials) {
    // The core refreshes (one refresh per account at a time) and stores the result.
    HERALD_CO_ASSIGN_OR_RETURN(Json fresh, co_await account_.refresh_credentials());
    auto tokens = TokenSetFromCredentials(fresh);
    if (!tokens.ok()) {
      co_return base::Unauthenticated("the renewed " + provider_.display_name +
                                      " credentials are unusable; the account must be "
                                      "reconnected");
    }
    tokens_ = std::move(*tokens);
    refreshed_ = true;
    account_.credentials = std::move(fresh);
    co_return base::Ok();
  }
  HERALD_CO_ASSIGN_OR_RETURN(TokenSet next, co_await client_.Refresh(provider_, tokens_));
  tokens_ = std::move(next);
  refreshed_ = true;
  // Keep any network-specific fields the adapter stored next to the tokens.
  if (!account_.credentials.is_object()) account_.credentials = Json::object();
  const Json fresh =
      TokenSetToCredentials(tokens_);  // named: a temporary would die before the loop
  for (const auto& [k, v] : fresh.items()) account_.credentials[k] = v;
  if (account_.save_credentials) {
    auto saved = account_.save_credentials(account_.credentials, tokens_.expires_at);
    if (!saved.ok()) {
      // The call can still go on with the new token; the next one may need a reconnect if the
      // network rotated the refresh token.
      spdlog::error("oauth: could not store the renewed {} token of account {}: {}",
                    provider_.platform, account_.account_id, saved.error().ToString());
    }
  }
  co_return base::Ok();
}

}  // namespace herald::platforms::oauth
