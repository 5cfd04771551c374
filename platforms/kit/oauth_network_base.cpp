#include "platforms/kit/oauth_network_base.h"

namespace herald::platforms {

OAuthNetworkBase::OAuthNetworkBase(oauth::OAuthProvider provider, HttpClient& http,
                                   const base::Clock& clock, HttpErrorMapper::Options errors)
    : provider_(std::move(provider)),
      http_(http),
      clock_(clock),
      oauth_(http, clock),
      errors_(std::move(errors)) {}

std::string OAuthNetworkBase::AuthorizeUrl(std::string_view redirect_uri, std::string_view state,
                                           std::string_view code_challenge) const {
  return oauth::OAuthClient::AuthorizationUrl(provider_, redirect_uri, state,
                                              provider_.pkce ? code_challenge : "");
}

Task<Result<oauth::TokenSet>> OAuthNetworkBase::ExchangeCode(std::string code,
                                                             std::string redirect_uri,
                                                             std::string code_verifier) {
  co_return co_await oauth_.ExchangeCode(provider_, std::move(code), std::move(redirect_uri),
                                         std::move(code_verifier));
}

Task<Result<ConnectedAccount>> OAuthNetworkBase::Connect(Json) {
  co_return base::FailedPrecondition(
      Info().name + " connects through OAuth: connect_account returns a sign-in link");
}

Task<Result<std::optional<PublishReceipt>>> OAuthNetworkBase::Find(PublishRequest) {
  co_return base::Unimplemented(Info().name + " cannot look posts up");
}

Task<Result<Json>> OAuthNetworkBase::FetchPostMetrics(AccountContext, PublishReceipt) {
  co_return base::Unimplemented(Info().name + " has no metrics");
}

Task<Result<Json>> OAuthNetworkBase::FetchAccountMetrics(AccountContext) {
  co_return base::Unimplemented(Info().name + " has no metrics");
}

Task<Result<HttpResponse>> OAuthNetworkBase::Send(HttpRequest request, CallKind kind) {
  auto response = co_await http_.Send(std::move(request));
  if (!response.ok()) co_return errors_.FromTransport(std::move(response).error(), kind);
  co_return std::move(response).value();
}

}  // namespace herald::platforms
