// OAuthNetworkBase: what an OAuth 2.0 network (X, LinkedIn, Facebook, Instagram, Threads,
// YouTube, TikTok, the test network) derives from, so its folder holds only wire mapping and
// its flow.
//
// It is both sides of the network: the Platform the core publishes through and the OAuthNetwork
// the account service connects through. It owns the OAuthProvider (endpoints, scopes with the
// network's separator, PKCE, client credentials), builds the authorize URL, exchanges the code,
// and gives the flow `WithToken`: every call made with an account's access token goes through
// it, so an expired token is renewed before the call and a 401 is answered by one renewal and
// one repeat, by the core's one-refresh-per-account (AccountContext::refresh_credentials) when
// it provides it; the adapter never refreshes on its own then. Grants that yield several
// accounts (a Page list, organizations) override DiscoverAccounts. Answers of the network's
// API map through `errors()`, the kit's HttpErrorMapper for the network.
//
// Defaults a derived network may keep: Connect is kFailedPrecondition (OAuth networks connect
// through the authorize URL), Find and the metrics are kUnimplemented. Thread-safe like
// Platform; `http` and `clock` outlive it.
#ifndef HERALD_PLATFORMS_KIT_OAUTH_NETWORK_BASE_H_
#define HERALD_PLATFORMS_KIT_OAUTH_NETWORK_BASE_H_

#include <string>
#include <string_view>
#include <utility>

#include "base/async.h"
#include "base/clock.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/kit/http_error_mapper.h"
#include "platforms/oauth/oauth_client.h"
#include "platforms/oauth/oauth_network.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/oauth/oauth_session.h"
#include "platforms/platform.h"

namespace herald::platforms {

class OAuthNetworkBase : public Platform, public oauth::OAuthNetwork {
 public:
  // `errors` describes the network's API answers (its `network` names it in messages).
  OAuthNetworkBase(oauth::OAuthProvider provider, HttpClient& http, const base::Clock& clock,
                   HttpErrorMapper::Options errors);

  const oauth::OAuthProvider& Provider() const override { return provider_; }

  // The browser URL for `redirect_uri`, `state` and the PKCE S256 `code_challenge` (ignored
  // when the provider does not use PKCE), with the provider's scopes and extra parameters.
  std::string AuthorizeUrl(std::string_view redirect_uri, std::string_view state,
                           std::string_view code_challenge) const;

  // Exchanges an authorization code (with the PKCE verifier) for tokens. Errors as
  // OAuthClient::ExchangeCode.
  Task<Result<oauth::TokenSet>> ExchangeCode(std::string code, std::string redirect_uri,
                                             std::string code_verifier);

  // kFailedPrecondition: OAuth networks connect through the authorize URL.
  Task<Result<ConnectedAccount>> Connect(Json args) override;
  // kUnimplemented unless the network overrides them.
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;

 protected:
  // Runs `fn(access_token)` (returning Task<Result<T>>) with `account`'s token, renewed before
  // when it is about to expire and once more after a kUnauthenticated answer (see the header
  // comment). `account` outlives the call.
  template <class T, class F>
  Task<Result<T>> WithToken(AccountContext& account, F fn) {
    oauth::OAuthSession session(oauth_, provider_, clock_, account);
    co_return co_await session.Call<T>(std::move(fn));
  }

  // Sends `request` and maps a transport failure by `kind`; the answer whatever its status.
  Task<Result<HttpResponse>> Send(HttpRequest request, CallKind kind);

  const HttpErrorMapper& errors() const { return errors_; }
  HttpClient& http() { return http_; }
  const base::Clock& clock() const { return clock_; }

 private:
  oauth::OAuthProvider provider_;
  HttpClient& http_;
  const base::Clock& clock_;
  oauth::OAuthClient oauth_;
  HttpErrorMapper errors_;
};

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_OAUTH_NETWORK_BASE_H_
