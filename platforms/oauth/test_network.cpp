#include "platforms/oauth/test_network.h"

#include "platforms/kit/helpers.h"
#include "platforms/kit/media_validator.h"
#include "platforms/oauth/oauth_session.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::oauth {
namespace {

constexpr int kMaxLength = 500;

HttpErrorMapper::Options Errors() {
  HttpErrorMapper::Options o;
  o.network = "the OAuth test network";
  o.fixed_base_url = true;  // the operator's HERALD_OAUTH_TEST_PROVIDER
  o.read_body = [](const HttpResponse& r) {
    ErrorBody out;
    out.reason = r.body.substr(0, 200);
    return out;
  };
  return o;
}

}  // namespace

OAuthProvider OAuthTestProvider(std::string base_url) {
  base_url = TrimSlash(std::move(base_url));
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
    : OAuthNetworkBase(std::move(provider), http, clock, Errors()) {
  info_.id = std::string(kOAuthTestNetworkId);
  info_.name = "OAuth test network";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{kMaxLength, 0, "characters", 0};
  // Instagram-like media: JPEG only, fetched by the network from the URLs herald gives it.
  info_.media.max_items = 10;
  info_.media.max_image_bytes = 8 * 1024 * 1024;
  info_.media.mime_types = {"image/jpeg"};
  info_.media.max_width = 1080;
  info_.media.max_height = 1350;
  info_.media.min_aspect_ratio = 0.8;
  info_.media.max_aspect_ratio = 1.91;
  info_.media.fetch_by_url = true;
  info_.features.delete_posts = true;
  info_.features.idempotency = IdempotencyKind::kNone;
}

std::string OAuthTestNetwork::BaseUrl() const {
  std::string base = Provider().token_url;
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
  const text::LengthRule rule{"the OAuth test network", kMaxLength, text::LengthUnit::kCodePoints};
  if (text::IsValidUtf8(content.parts[0].text)) {
    report.length = text::CountLength(content.parts[0].text, rule);
  }
  for (size_t i = 0; i < content.parts.size(); ++i) {
    if (auto v = text::CheckLength(PartField(i, "text"), content.parts[i].text, rule)) {
      report.violations.push_back(*v);
    }
  }
  MediaValidator("the OAuth test network", info_.media)
      .CheckAll(content, report.violations, &report.conversions);
  if (content.parts.size() > 1) {
    report.violations.push_back({"thread", "the OAuth test network has no threads"});
  }
  return report;
}

Task<Result<HttpResponse>> OAuthTestNetwork::Call(std::string method, std::string path,
                                                  std::string token, std::string body,
                                                  std::string_view action, CallKind kind,
                                                  int ok_status) {
  HttpRequest req;
  req.method = std::move(method);
  req.url = BaseUrl() + path;
  req.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Send(std::move(req), kind));
  if ((r.status >= 200 && r.status <= 299) || r.status == ok_status) co_return r;
  co_return errors().FromResponse(r, action, clock().Now(), token);
}

Task<Result<ConnectedAccount>> OAuthTestNetwork::Identify(TokenSet tokens) {
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Call("GET", "/api/me", tokens.access_token, "", "the token", CallKind::kRead));
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

Task<Result<std::vector<ConnectedAccount>>> OAuthTestNetwork::DiscoverAccounts(TokenSet tokens) {
  HERALD_CO_ASSIGN_OR_RETURN(ConnectedAccount me, co_await Identify(tokens));
  std::vector<ConnectedAccount> out;
  out.push_back(std::move(me));
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Call("GET", "/api/pages", tokens.access_token, "", "the pages", CallKind::kRead));
  auto answer = base::ParseJson(r.body);
  if (!answer.ok() || !answer->contains("pages") || !(*answer)["pages"].is_array()) {
    co_return base::Unavailable("the OAuth test network answered /api/pages without pages");
  }
  for (const Json& page : (*answer)["pages"]) {
    std::string id = base::GetString(page, "id");
    if (id.empty()) continue;
    ConnectedAccount a;
    a.external_id = "page-" + id;
    a.display_name = base::GetString(page, "name");
    a.handle = a.display_name;
    a.base_url = BaseUrl();
    a.credentials = Json{{"page_id", id}};
    a.token_expires_at = tokens.expires_at;
    a.platform = base::GetString(page, "platform");
    out.push_back(std::move(a));
  }
  co_return out;
}

Task<Result<PublishReceipt>> OAuthTestNetwork::Publish(PublishRequest request) {
  if (request.content.parts.empty()) co_return base::InvalidArgument("the post is empty");
  Json media_urls = Json::array();
  for (const MediaItem& item : request.content.parts[0].media) {
    if (item.url.empty()) co_return base::Internal("a media item has no URL to fetch it from");
    media_urls.push_back(item.url);
  }
  Json post{{"text", request.content.parts[0].text}};
  std::string page_id = base::GetString(request.account.credentials, "page_id");
  if (!page_id.empty()) post["page_id"] = page_id;
  if (!media_urls.empty()) post["media_urls"] = std::move(media_urls);
  std::string body = base::DumpJson(post);
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse sent,
      co_await WithToken<HttpResponse>(
          request.account, [&](std::string token) -> Task<Result<HttpResponse>> {
            co_return co_await Call("POST", "/api/posts", std::move(token), body, "the post",
                                    CallKind::kWrite);
          }));
  auto j = base::ParseJson(sent.body);
  if (!j.ok() || base::GetString(*j, "id").empty()) {
    co_return base::Unknown("the OAuth test network answered without a post id");
  }
  PublishReceipt receipt;
  receipt.external_id = base::GetString(*j, "id");
  receipt.url = base::GetString(*j, "url");
  receipt.remote_state = Json{{"ids", Json::array({receipt.external_id})}};
  co_return receipt;
}

Task<Result<void>> OAuthTestNetwork::Delete(AccountContext account, PublishReceipt receipt) {
  const std::string path = "/api/posts/" + receipt.external_id;
  // 404: already gone.
  HERALD_CO_RETURN_IF_ERROR(co_await WithToken<HttpResponse>(
      account, [&](std::string token) -> Task<Result<HttpResponse>> {
        co_return co_await Call("DELETE", path, std::move(token), "", "deleting the post",
                                CallKind::kDelete, 404);
      }));
  co_return base::Ok();
}

std::unique_ptr<Platform> MakeOAuthTestNetwork(std::string base_url,
                                               const OAuthClientCredentials& client,
                                               HttpClient& http, const base::Clock& clock) {
  OAuthProvider provider = OAuthTestProvider(std::move(base_url));
  provider.SetClient(client);
  return std::make_unique<OAuthTestNetwork>(std::move(provider), http, clock);
}

}  // namespace herald::platforms::oauth
