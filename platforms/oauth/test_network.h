// OAuthTestNetwork ("oauthtest"): a minimal OAuth 2.0 network used to exercise the OAuth
// machinery end to end against the loopback emulator in tests/emulators/oauth. Registered ONLY
// when HERALD_OAUTH_TEST_PROVIDER names the emulator's base URL (never by default).
//
// Emulator contract (base URL B): B/oauth/authorize, B/oauth/token, B/oauth/revoke (RFC 6749 /
// 7636 / 7009), GET B/api/me -> {"id","username","name"}, POST B/api/posts {"text",
// "media_urls"?, "page_id"?} -> 201 {"id","url"} (the network GETs each media URL: Instagram-like media
// rules, JPEG up to 1080x1350, aspect 0.8..1.91, 10 items, 8 MiB, fetch_by_url), DELETE B/api/posts/{id} -> 204; a bad or expired token -> 401.
// GET B/api/pages -> {"pages":[{"id","name","platform"?}]}: one grant yields the user and each
// page as accounts (a page's external id is "page-<id>"; its own credentials carry page_id,
// which its posts send).
// Client credentials: HERALD_OAUTHTEST_CLIENT_ID / _CLIENT_SECRET. Thread-safe.
#ifndef HERALD_PLATFORMS_OAUTH_TEST_NETWORK_H_
#define HERALD_PLATFORMS_OAUTH_TEST_NETWORK_H_

#include <memory>
#include <string>

#include "base/clock.h"
#include "platforms/http_client.h"
#include "platforms/kit/oauth_network_base.h"
#include "platforms/oauth/oauth_client.h"
#include "platforms/oauth/oauth_network.h"
#include "platforms/platform.h"

namespace herald::platforms::oauth {

inline constexpr std::string_view kOAuthTestNetworkId = "oauthtest";

// The provider description for an emulator at `base_url` (no client credentials).
OAuthProvider OAuthTestProvider(std::string base_url);

// Built on the kit's OAuthNetworkBase: authorize URL, code exchange, token renewal (WithToken)
// and the defaults (Connect, Find, metrics) come from there; this class is the emulator's API.
class OAuthTestNetwork final : public OAuthNetworkBase {
 public:
  // `provider` from OAuthTestProvider (+ client credentials); `http` and `clock` outlive it.
  OAuthTestNetwork(OAuthProvider provider, HttpClient& http, const base::Clock& clock);

  const PlatformInfo& Info() const override { return info_; }
  ValidationReport Validate(const Content& content) const override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  Task<Result<ConnectedAccount>> Identify(TokenSet tokens) override;
  // The user (Identify) and every page GET /api/pages lists.
  Task<Result<std::vector<ConnectedAccount>>> DiscoverAccounts(TokenSet tokens) override;

 private:
  std::string BaseUrl() const;
  // `method` `path` with `token`; a non-2xx answer (but `ok_status`) is the mapped error.
  Task<Result<HttpResponse>> Call(std::string method, std::string path, std::string token,
                                  std::string body, std::string_view action, CallKind kind,
                                  int ok_status = 0);

  PlatformInfo info_;
};

// The network for HERALD_OAUTH_TEST_PROVIDER=`base_url`, registered there as `client`
// (HERALD_OAUTHTEST_CLIENT_ID / _CLIENT_SECRET).
std::unique_ptr<Platform> MakeOAuthTestNetwork(std::string base_url,
                                               const OAuthClientCredentials& client,
                                               HttpClient& http, const base::Clock& clock);

}  // namespace herald::platforms::oauth

#endif  // HERALD_PLATFORMS_OAUTH_TEST_NETWORK_H_
