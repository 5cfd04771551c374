// Facebook Login for the Meta networks that publish with Page tokens (Facebook Pages and
// Instagram professional accounts linked to them), and the one Graph call both send.
//
// Sign-in: the browser goes to <auth>/v24.0/dialog/oauth (www.facebook.com or
// HERALD_<ID>_AUTH_URL; no PKCE; scopes comma-separated, LoginScopes()); the code is exchanged
// at <api>/v24.0/oauth/access_token (client credentials in the form) for a short-lived user
// token (hours), which ExchangeCode trades at once for a long-lived one (the provider's
// long_lived_exchange: grant_type=fb_exchange_token, about 60 days; Facebook has no refresh
// token). DiscoverMetaAccounts then reads the granted permissions (/me/permissions) and the Pages (/me/accounts with each Page's token,
// tasks and linked Instagram account). Every Page becomes a `facebook` account and every
// linked Instagram account an `instagram` account, both publishing with the Page's token:
// Page tokens obtained from a long-lived user token do not expire (Meta invalidates them on a
// password change, a lost Page role or the app's removal), so their credentials carry no
// expiry; the accounts' token_expires_at is the long-lived user token's (60 days), which
// get_account shows and herald flags before, since renewing the grant means signing in again.
// Settings record the granted permissions and the Page tasks (PageSettings), so a grant that
// lacks a permission refuses exactly the accounts that need it, naming it.
// Thread-safe; pure apart from the HTTP calls.
#ifndef HERALD_PLATFORMS_FACEBOOK_FACEBOOK_LOGIN_H_
#define HERALD_PLATFORMS_FACEBOOK_FACEBOOK_LOGIN_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/clock.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http_client.h"
#include "platforms/kit/http_error_mapper.h"
#include "platforms/kit/transport_errors.h"
#include "platforms/meta/graph_url.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/oauth/token_set.h"
#include "platforms/platform.h"

namespace herald::platforms::facebook {

inline constexpr std::string_view kFacebookId = "facebook";
inline constexpr std::string_view kInstagramId = "instagram";
inline constexpr std::string_view kGraphOrigin = "https://graph.facebook.com";
inline constexpr std::string_view kVideoOrigin = "https://graph-video.facebook.com";
inline constexpr std::string_view kLoginOrigin = "https://www.facebook.com";

struct LoginOptions {
  std::string api_url;   // replaces https://graph.facebook.com ("" = the real one)
  std::string auth_url;  // replaces https://www.facebook.com ("" = the real one)
  oauth::OAuthClientCredentials client;
  std::chrono::milliseconds request_timeout{30'000};
};

// The Facebook Login provider for network `platform` ("facebook" or "instagram": the redirect
// URI /oauth/callback/<platform> and the variables messages name), shown as `display_name`.
oauth::OAuthProvider LoginProvider(std::string_view platform, std::string_view display_name,
                                   const LoginOptions& options);

// One Graph call.
struct GraphCall {
  std::string method = "GET";
  std::string url;  // absolute
  std::string token;
  http::FormFields form;  // POST: the form body
  HttpHeaders headers;    // extra headers
  std::string auth_scheme = "Bearer";  // "OAuth" for rupload.facebook.com
  std::string action;                  // "publishing the post", for messages
  CallKind kind = CallKind::kRead;
  bool duplicate_ok = false;  // answer a 506 duplicate (meta::IsDuplicatePost) instead of failing
  std::chrono::milliseconds timeout{30'000};
};

// Sends `call`: a 2xx answer (or the duplicate answer when duplicate_ok), else the error
// `errors` maps (transport failures by call.kind); the token never reaches a message.
Task<Result<HttpResponse>> SendGraph(HttpClient& http, const HttpErrorMapper& errors,
                                     const base::Clock& clock, GraphCall call);

// Every account of a Facebook Login grant whose long-lived user token is `tokens` (see the
// header comment): the Pages (platform
// "facebook") then the Instagram accounts (platform "instagram"); ConnectedAccount::platform
// is left empty for the accounts of `own_platform`. Errors: kPermissionDenied naming
// pages_show_list when it was not granted; the Graph's mapped errors.
Task<Result<std::vector<ConnectedAccount>>> DiscoverMetaAccounts(
    HttpClient& http, const HttpErrorMapper& errors, const base::Clock& clock,
    const LoginOptions& options, std::string_view own_platform, oauth::TokenSet tokens);

// What the Page-token networks (Facebook, Instagram) share in their Validate and Publish:
// Features of a network that reconciles (no threads; metrics; delete per `delete_posts`).
Features PageTokenFeatures(bool delete_posts);
// Adds the violation of a post with several parts ("<network> has no threads: ...").
void RefuseThread(const Content& content, std::string_view network, ValidationReport& report);
// The kInvalidArgument error of a report's first violation ("<field>: <message>").
base::Error FirstViolation(const ValidationReport& report);

}  // namespace herald::platforms::facebook

#endif  // HERALD_PLATFORMS_FACEBOOK_FACEBOOK_LOGIN_H_
