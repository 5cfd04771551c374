#include "platforms/oauth/oauth_client.h"

#include <algorithm>
#include <chrono>

#include "base/crypto.h"
#include "platforms/http/form_urlencoded.h"

namespace herald::platforms::oauth {
namespace {

std::string Name(const OAuthProvider& p) {
  return p.display_name.empty() ? p.platform : p.display_name;
}

std::string JoinScopes(const OAuthProvider& p) {
  std::string out;
  for (const auto& s : p.scopes) {
    if (!out.empty()) out += p.scope_separator;
    out += s;
  }
  return out;
}

// A Graph-style error object's numeric code ({"error": {"code": 190}}), or 0.
int64_t GraphErrorCode(const HttpResponse& response) {
  auto body = base::ParseJson(response.body);
  if (!body.ok() || !body->is_object()) return 0;
  auto e = body->find("error");
  if (e == body->end() || !e->is_object()) return 0;
  auto c = e->find("code");
  return c != e->end() && c->is_number_integer() ? c->get<int64_t>() : 0;
}

std::string GraphErrorMessage(const HttpResponse& response) {
  auto body = base::ParseJson(response.body);
  if (!body.ok() || !body->is_object()) return "";
  auto e = body->find("error");
  return e != body->end() && e->is_object() ? base::GetString(*e, "message") : "";
}

}  // namespace

OAuthClient::OAuthClient(HttpClient& http, const base::Clock& clock) : http_(http), clock_(clock) {}

std::string OAuthClient::AuthorizationUrl(const OAuthProvider& provider,
                                          std::string_view redirect_uri, std::string_view state,
                                          std::string_view code_challenge) {
  http::FormFields q = {{"response_type", "code"},
                        {provider.client_id_param, provider.client_id},
                        {"redirect_uri", std::string(redirect_uri)}};
  if (!provider.scopes.empty()) q.emplace_back("scope", JoinScopes(provider));
  q.emplace_back("state", std::string(state));
  if (provider.pkce && !code_challenge.empty()) {
    q.emplace_back("code_challenge", std::string(code_challenge));
    q.emplace_back("code_challenge_method", "S256");
  }
  for (const auto& kv : provider.extra_authorize_params) q.push_back(kv);
  return http::AppendQuery(provider.authorize_url, q);
}

base::Task<base::Result<HttpResponse>> OAuthClient::PostForm(
    const OAuthProvider& provider, std::string url,
    std::vector<std::pair<std::string, std::string>> fields, std::string_view what) {
  HttpRequest req;
  req.method = "POST";
  req.url = std::move(url);
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  if (provider.client_auth == ClientAuthMethod::kBasic && !provider.client_secret.empty()) {
    std::string pair =
        http::PercentEncode(provider.client_id) + ":" + http::PercentEncode(provider.client_secret);
    req.headers.emplace_back("Authorization", "Basic " + base::Base64Encode(pair));
  } else {
    fields.emplace_back(provider.client_id_param, provider.client_id);
    if (!provider.client_secret.empty())
      fields.emplace_back("client_secret", provider.client_secret);
  }
  req.body = http::FormUrlEncode(fields);
  req.connect_timeout = provider.connect_timeout;
  req.total_timeout = provider.request_timeout;
  req.max_response_bytes = 256 * 1024;
  auto r = co_await http_.Send(std::move(req));
  if (r.ok()) co_return r;
  const base::Error& e = r.error();
  std::string name = Name(provider);
  switch (e.code()) {
    case base::ErrorCode::kInvalidArgument:
      co_return base::FailedPrecondition(name + "'s " + std::string(what) +
                                         " endpoint cannot be used: " + e.message());
    default:
      // No connection, no answer in time, a lost or oversized answer: one message (what
      // happened goes to the detail, for the log), so a closed port reads like a silent one.
      co_return base::Unavailable("could not reach " + name + "'s " + std::string(what) +
                                      " endpoint (no connection, or no answer in time); try again "
                                      "later",
                                  e.ToLogString());
  }
}

base::Task<base::Result<TokenSet>> OAuthClient::ExchangeCode(OAuthProvider provider,
                                                             std::string code,
                                                             std::string redirect_uri,
                                                             std::string code_verifier) {
  HERALD_CO_RETURN_IF_ERROR(provider.CheckConfigured());
  http::FormFields f = {{"grant_type", "authorization_code"},
                        {"code", std::move(code)},
                        {"redirect_uri", std::move(redirect_uri)}};
  if (provider.pkce) f.emplace_back("code_verifier", std::move(code_verifier));
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse response, co_await PostForm(provider, provider.token_url,
                                                                      std::move(f), "token"));
  HERALD_CO_ASSIGN_OR_RETURN(TokenSet short_lived,
                             ParseTokenResponse(response, clock_.Now(), Name(provider)));
  if (!provider.long_lived_exchange) co_return short_lived;
  HERALD_CO_ASSIGN_OR_RETURN(
      TokenSet long_lived, co_await Exchange(provider, *provider.long_lived_exchange,
                                             short_lived.access_token, "long-lived token"));
  for (const auto& [k, v] : short_lived.extra.items()) {
    if (!long_lived.extra.contains(k)) long_lived.extra[k] = v;
  }
  if (long_lived.scope.empty()) long_lived.scope = short_lived.scope;
  co_return long_lived;
}

base::Task<base::Result<TokenSet>> OAuthClient::Exchange(const OAuthProvider& provider,
                                                         const AccessTokenExchange& exchange,
                                                         std::string token,
                                                         std::string_view what) {
  http::FormFields q = {{"grant_type", exchange.grant_type}, {exchange.token_param, token}};
  if (exchange.send_client_id) q.emplace_back("client_id", provider.client_id);
  if (exchange.send_client_secret) q.emplace_back("client_secret", provider.client_secret);
  HttpRequest req;
  req.method = "GET";
  req.url = http::AppendQuery(exchange.url, q);
  req.headers = {{"Accept", "application/json"}};
  req.connect_timeout = provider.connect_timeout;
  req.total_timeout = provider.request_timeout;
  req.max_response_bytes = 256 * 1024;
  const std::string name = Name(provider);
  auto r = co_await http_.Send(std::move(req));
  if (!r.ok()) {
    if (r.error().code() == base::ErrorCode::kInvalidArgument) {
      co_return base::FailedPrecondition(name + "'s " + std::string(what) +
                                         " endpoint cannot be used: " +
                                         exchange.url);
    }
    co_return base::Unavailable("could not reach " + name + "'s " + std::string(what) +
                                " endpoint (no connection, or no answer in time); try again "
                                "later");
  }
  const HttpResponse& response = *r;
  if (response.status >= 400 && response.status <= 499) {
    const int64_t graph = GraphErrorCode(response);
    const bool dead = graph == 190 || graph == 102 ||
                      std::find(provider.dead_grant_errors.begin(),
                                provider.dead_grant_errors.end(),
                                OAuthErrorCode(response)) != provider.dead_grant_errors.end();
    if (dead) {
      co_return base::Unauthenticated(name + " no longer accepts the account's token (" +
                                      GraphErrorMessage(response) +
                                      "); the account must be reconnected");
    }
    if (graph != 0) {
      const std::string message = GraphErrorMessage(response);
      if (graph == 4 || graph == 17 || graph == 32 || graph == 613) {
        co_return base::ResourceExhausted(name + " refused the " + std::string(what) +
                                          " request for now: " + message);
      }
      if (graph == 1 || graph == 2) {
        co_return base::Unavailable(name + " could not give a " + std::string(what) +
                                    " now: " + message);
      }
      co_return base::FailedPrecondition(name + " refused the " + std::string(what) +
                                         " request: " + message);
    }
  }
  co_return ParseTokenResponse(response, clock_.Now(), name);
}

base::Task<base::Result<TokenSet>> OAuthClient::Refresh(OAuthProvider provider, TokenSet current) {
  HERALD_CO_RETURN_IF_ERROR(provider.CheckConfigured());
  if (provider.access_token_renewal) {
    HERALD_CO_ASSIGN_OR_RETURN(
        TokenSet renewed, co_await Exchange(provider, *provider.access_token_renewal,
                                            current.access_token, "token renewal"));
    if (renewed.scope.empty()) renewed.scope = current.scope;
    for (const auto& [k, v] : current.extra.items()) {
      if (!renewed.extra.contains(k)) renewed.extra[k] = v;
    }
    co_return renewed;
  }
  if (current.refresh_token.empty()) {
    co_return base::Unauthenticated("the " + Name(provider) + " access token expired and " +
                                    Name(provider) +
                                    " gave no refresh token; the account must be reconnected");
  }
  http::FormFields f = {{"grant_type", "refresh_token"}, {"refresh_token", current.refresh_token}};
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse response, co_await PostForm(provider, provider.token_url,
                                                                      std::move(f), "token"));
  if (response.status >= 400 && response.status <= 499 &&
      std::find(provider.dead_grant_errors.begin(), provider.dead_grant_errors.end(),
                OAuthErrorCode(response)) != provider.dead_grant_errors.end()) {
    base::Error refused = ParseOAuthError(response, Name(provider));
    co_return base::Unauthenticated(Name(provider) + " no longer accepts the account's refresh " +
                                    "token (" + OAuthErrorCode(response) +
                                    "); the account must be reconnected")
        .set_detail(refused.detail());
  }
  HERALD_CO_ASSIGN_OR_RETURN(TokenSet next,
                             ParseTokenResponse(response, clock_.Now(), Name(provider)));
  if (next.refresh_token.empty()) {
    next.refresh_token = current.refresh_token;
    if (!next.refresh_expires_at) next.refresh_expires_at = current.refresh_expires_at;
  }
  if (next.scope.empty()) next.scope = current.scope;
  for (const auto& [k, v] : current.extra.items()) {
    if (!next.extra.contains(k)) next.extra[k] = v;
  }
  co_return next;
}

base::Task<base::Result<void>> OAuthClient::Revoke(OAuthProvider provider, std::string token,
                                                   std::string token_type_hint) {
  if (provider.revoke_url.empty()) {
    co_return base::Unimplemented(Name(provider) + " has no token revocation endpoint");
  }
  HERALD_CO_RETURN_IF_ERROR(provider.CheckConfigured());
  http::FormFields f = {{"token", std::move(token)}};
  if (!token_type_hint.empty()) f.emplace_back("token_type_hint", std::move(token_type_hint));
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse response, co_await PostForm(provider, provider.revoke_url,
                                                                      std::move(f), "revocation"));
  if (response.status >= 200 && response.status <= 299) co_return base::Ok();
  co_return ParseOAuthError(response, Name(provider));
}

}  // namespace herald::platforms::oauth
