// OAuthSession: keeps one account's OAuth access token fresh for the duration of an adapter
// call. Before the call it refreshes a token that expires within provider.refresh_margin; if
// the network still answers 401 (the adapter maps it to kUnauthenticated) it refreshes once and
// repeats the call. A refresh goes through account.refresh_credentials when the core provides
// it (the core's one-refresh-per-account), else through OAuthClient, with the renewed tokens
// persisted through account.save_credentials before the call goes on, so a rotated refresh
// token is never lost.
//
// A transient refresh failure is kUnavailable (retry later; the account stays connected);
// only invalid_grant (or an expired token without a refresh token) is kUnauthenticated, which
// the core turns into needs_reauth. One session per call; not thread-safe (a call is one
// coroutine). Sessions of one account do not race: the core's refresh is single-flight per
// account across threads and processes (core/account_service.h).
#ifndef HERALD_PLATFORMS_OAUTH_OAUTH_SESSION_H_
#define HERALD_PLATFORMS_OAUTH_OAUTH_SESSION_H_

#include <string>
#include <utility>

#include "base/async.h"
#include "base/clock.h"
#include "base/result.h"
#include "platforms/oauth/oauth_client.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/oauth/token_set.h"
#include "platforms/platform.h"

namespace herald::platforms::oauth {

class OAuthSession {
 public:
  // All references outlive the session. `account.credentials` holds TokenSetToCredentials.
  OAuthSession(OAuthClient& client, const OAuthProvider& provider, const base::Clock& clock,
               AccountContext& account);

  // The access token, refreshed first when it is about to expire. Errors: kInvalidArgument
  // when the stored credentials are unreadable (reported as kUnauthenticated), refresh errors.
  Task<Result<std::string>> AccessToken();

  // Refreshes now and persists the result.
  Task<Result<void>> Refresh();

  // Runs `fn(access_token)` (a callable returning Task<Result<T>>), refreshing before it when
  // needed and once more after a kUnauthenticated answer.
  template <class T, class F>
  Task<Result<T>> Call(F fn) {
    HERALD_CO_ASSIGN_OR_RETURN(std::string token, co_await AccessToken());
    Result<T> first = co_await fn(token);
    if (first.ok() || first.error().code() != base::ErrorCode::kUnauthenticated || refreshed_ ||
        tokens_.refresh_token.empty()) {
      co_return first;
    }
    HERALD_CO_RETURN_IF_ERROR(co_await Refresh());
    co_return co_await fn(tokens_.access_token);
  }

  bool refreshed() const { return refreshed_; }
  const TokenSet& tokens() const { return tokens_; }

 private:
  Result<void> Load();

  OAuthClient& client_;
  const OAuthProvider& provider_;
  const base::Clock& clock_;
  AccountContext& account_;
  TokenSet tokens_;
  bool loaded_ = false;
  bool refreshed_ = false;
};

}  // namespace herald::platforms::oauth

#endif  // HERALD_PLATFORMS_OAUTH_OAUTH_SESSION_H_
