#include "platforms/oauth/test_network.h"

#include "platforms/oauth/oauth_session.h"

namespace herald::platforms::oauth {
namespace {

constexpr int kMaxLength = 500;

int CountCodePoints(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Maps an emulator API answer to the Platform error convention.
Result<void> CheckApiStatus(const HttpResponse& r) {
  if (r.status >= 200 && r.status <= 299) return base::Ok();
  std::string reason = r.body.substr(0, 200);
  if (r.status == 401)
    return base::Unauthenticated("the OAuth test network refused the token: " + reason);
  if (r.status == 403) return base::PermissionDenied("the OAuth test network refused: " + reason);
  if (r.status == 404) return base::NotFound("the OAuth test network has no such object");
  if (r.status == 429) return base::ResourceExhausted("the OAuth test network is rate limiting");
  if (r.status >= 500) return base::Unavailable("the OAuth test network failed: " + reason);
  return base::InvalidArgument("the OAuth test network refused the request: " + reason);
}

}  // namespace

OAuthProvider OAuthTestProvider(std::string base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  OAuthProvider p;
  p.platform = std::string(kOAuthTestNetworkId);
  p.display_name = "OAuth test network";
  p.authorize_url = base_url + "/oauth/authorize";
  p.token_url = base_url + "/oauth/token";
  p.revoke_url = base_url + "/oauth/revoke";
  p.scopes = {"post.write", "profile.read", "offline.access"};
  p.client_auth = ClientAuthMethod::kBasic;
  p.pkce = true;
  return p;
}

OAuthTestNetwork::OAuthTestNetwork(OAuthProvider provider, HttpClient& http,
                                   const base::Clock& clock)
    : provider_(std::move(provider)), http_(http), clock_(clock), oauth_(http, clock) {
  info_.id = std::string(kOAuthTestNetworkId);
  info_.name = "OAuth test network";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{kMaxLength, 0, "characters", 0};
  info_.media = MediaRules{};
  info_.features.delete_posts = true;
  info_.features.idempotency = IdempotencyKind::kNone;
}

std::string OAuthTestNetwork::BaseUrl() const {
  std::string base = provider_.token_url;
  return base.substr(0, base.size() - std::string_view("/oauth/token").size());
}

ValidationReport OAuthTestNetwork::Validate(const Content& content) const {
  ValidationReport report;
  report.limit = kMaxLength;
  report.unit = "characters";
  if (content.parts.empty()) {
    report.violations.push_back({"text", "the post is empty"});
    return report;
  }
  report.length = CountCodePoints(content.parts[0].text);
  for (size_t i = 0; i < content.parts.size(); ++i) {
    std::string field = i == 0 ? "text" : "thread[" + std::to_string(i - 1) + "].text";
    int length = CountCodePoints(content.parts[i].text);
    if (length > kMaxLength) {
      report.violations.push_back(
          {field, field + " is " + std::to_string(length) + " characters, " +
                      std::to_string(length - kMaxLength) +
                      " over the OAuth test network's limit of " + std::to_string(kMaxLength)});
    }
    if (!content.parts[i].media.empty()) {
      report.violations.push_back({i == 0 ? "media" : "thread[" + std::to_string(i - 1) + "].media",
                                   "the OAuth test network takes no media"});
    }
  }
  if (content.parts.size() > 1) {
    report.violations.push_back({"thread", "the OAuth test network has no threads"});
  }
  return report;
}

Task<Result<ConnectedAccount>> OAuthTestNetwork::Connect(Json) {
  co_return base::FailedPrecondition(
      "the OAuth test network connects through OAuth: connect_account returns a sign-in link");
}

Task<Result<HttpResponse>> OAuthTestNetwork::Call(std::string method, std::string path,
                                                  std::string token, std::string body) {
  HttpRequest req;
  req.method = std::move(method);
  req.url = BaseUrl() + path;
  req.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  co_return co_await http_.Send(std::move(req));
}

Task<Result<ConnectedAccount>> OAuthTestNetwork::Identify(TokenSet tokens) {
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                             co_await Call("GET", "/api/me", tokens.access_token, ""));
  HERALD_CO_RETURN_IF_ERROR(CheckApiStatus(r));
  auto me = base::ParseJson(r.body);
  if (!me.ok() || base::GetString(*me, "id").empty()) {
    co_return base::Unavailable("the OAuth test network answered /api/me without an id");
  }
  ConnectedAccount out;
  out.external_id = base::GetString(*me, "id");
  out.handle = "@" + base::GetString(*me, "username");
  out.display_name = base::GetString(*me, "name");
  out.base_url = BaseUrl();
  out.token_expires_at = tokens.expires_at;
  co_return out;
}

Task<Result<PublishReceipt>> OAuthTestNetwork::Publish(PublishRequest request) {
  if (request.content.parts.empty()) co_return base::InvalidArgument("the post is empty");
  OAuthSession session(oauth_, provider_, clock_, request.account);
  std::string body = base::DumpJson(Json{{"text", request.content.parts[0].text}});
  auto sent =
      co_await session.Call<HttpResponse>([&](std::string token) -> Task<Result<HttpResponse>> {
        HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                                   co_await Call("POST", "/api/posts", token, body));
        HERALD_CO_RETURN_IF_ERROR(CheckApiStatus(r));
        co_return r;
      });
  if (!sent.ok()) co_return std::move(sent).error();
  auto j = base::ParseJson(sent->body);
  if (!j.ok() || base::GetString(*j, "id").empty()) {
    co_return base::Unknown("the OAuth test network answered without a post id");
  }
  PublishReceipt receipt;
  receipt.external_id = base::GetString(*j, "id");
  receipt.url = base::GetString(*j, "url");
  receipt.remote_state = Json{{"ids", Json::array({receipt.external_id})}};
  co_return receipt;
}

Task<Result<std::optional<PublishReceipt>>> OAuthTestNetwork::Find(PublishRequest) {
  co_return base::Unimplemented("the OAuth test network cannot look posts up");
}

Task<Result<void>> OAuthTestNetwork::Delete(AccountContext account, PublishReceipt receipt) {
  OAuthSession session(oauth_, provider_, clock_, account);
  auto r =
      co_await session.Call<HttpResponse>([&](std::string token) -> Task<Result<HttpResponse>> {
        HERALD_CO_ASSIGN_OR_RETURN(
            HttpResponse resp,
            co_await Call("DELETE", "/api/posts/" + receipt.external_id, token, ""));
        if (resp.status == 404) co_return resp;  // already gone
        HERALD_CO_RETURN_IF_ERROR(CheckApiStatus(resp));
        co_return resp;
      });
  if (!r.ok()) co_return std::move(r).error();
  co_return base::Ok();
}

Task<Result<Json>> OAuthTestNetwork::FetchPostMetrics(AccountContext, PublishReceipt) {
  co_return base::Unimplemented("the OAuth test network has no metrics");
}

Task<Result<Json>> OAuthTestNetwork::FetchAccountMetrics(AccountContext) {
  co_return base::Unimplemented("the OAuth test network has no metrics");
}

std::unique_ptr<Platform> MakeOAuthTestNetwork(std::string base_url,
                                               const OAuthClientCredentials& client,
                                               HttpClient& http, const base::Clock& clock) {
  OAuthProvider provider = OAuthTestProvider(std::move(base_url));
  provider.SetClient(client);
  return std::make_unique<OAuthTestNetwork>(std::move(provider), http, clock);
}

}  // namespace herald::platforms::oauth
