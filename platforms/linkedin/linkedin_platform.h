// LinkedIn: the member (`linkedin`) and the organization pages they administer
// (`linkedin_page`), two Platforms over one LinkedIn app (HERALD_LINKEDIN_CLIENT_ID /
// _CLIENT_SECRET) and one OAuth grant.
//
// Connect: 3-legged OAuth on www.linkedin.com (no PKCE, client credentials in the form body)
// with the scopes openid profile w_member_social w_organization_social r_organization_social
// rw_organization_admin r_member_postAnalytics r_member_profileAnalytics; a grant without
// openid/profile/w_member_social (member) or the three organization scopes (pages) is refused
// naming them. DiscoverAccounts yields the member (external_id urn:li:person:<sub>) and every
// organization they administer (external_id urn:li:organization:<id>, platform
// "linkedin_page"). Access tokens live 60 days; refresh tokens (365 days, not rotated) only
// for approved partners.
//
// Publish: POST /rest/posts (LinkedIn-Version, X-Restli-Protocol-Version: 2.0.0) with the text
// as escaped little text; images through the Images API (one: content.media, several:
// content.multiImage), a video through the Videos API (the parts LinkedIn asks for, read from
// the item's file one part at a time; finalize; polled until AVAILABLE). The id is the
// x-restli-id header. No threads. Reconciliation without idempotency keys: the first attempt's
// time and every uploaded media URN are saved in remote_state before the post is sent; Find
// looks for the text among the author's posts since then, and a DUPLICATE_POST 422 is the post
// found, not a failure. Media recorded as uploaded is reused (a video only while LinkedIn still
// has it), never uploaded twice for one post.
//
// HERALD_LINKEDIN_API_URL replaces https://api.linkedin.com, HERALD_LINKEDIN_AUTH_URL
// https://www.linkedin.com (authorize and token); upload URLs are used as returned.
// Thread-safe.
#ifndef HERALD_PLATFORMS_LINKEDIN_LINKEDIN_PLATFORM_H_
#define HERALD_PLATFORMS_LINKEDIN_LINKEDIN_PLATFORM_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platforms/kit/oauth_network_base.h"
#include "platforms/linkedin/linkedin_wire.h"
#include "platforms/register_all.h"

namespace herald::platforms::linkedin {

inline constexpr std::string_view kMemberNetworkId = "linkedin";
inline constexpr std::string_view kPageNetworkId = "linkedin_page";

struct LinkedInOptions {
  std::string api_url = "https://api.linkedin.com";
  std::string auth_url = "https://www.linkedin.com";
  oauth::OAuthClientCredentials client;
  // Video processing: poll every `video_poll_interval`, at most `video_poll_attempts` times.
  std::chrono::milliseconds video_poll_interval{5'000};
  int video_poll_attempts = 360;
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds upload_timeout{300'000};  // one image or one video part
  // Find looks this far before the first attempt (clocks differ), through the author's posts
  // newest first, `find_page_size` a page, at most `find_pages` pages.
  std::chrono::seconds find_slack{300};
  int find_page_size = 50;
  int find_pages = 20;
};

// The provider both networks share (platform "linkedin": HERALD_LINKEDIN_CLIENT_ID and the
// redirect URI /oauth/callback/linkedin in messages).
oauth::OAuthProvider LinkedInProvider(const LinkedInOptions& options);

class LinkedInNetwork final : public OAuthNetworkBase {
 public:
  enum class Kind { kMember, kPage };

  // `http` and `clock` outlive it.
  LinkedInNetwork(Kind kind, LinkedInOptions options, HttpClient& http, const base::Clock& clock);

  const PlatformInfo& Info() const override { return info_; }
  ValidationReport Validate(const Content& content) const override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;

  // The member (kMember) or the first organization they administer (kPage). Errors:
  // kPermissionDenied naming a missing scope; kFailedPrecondition for a page connect by a
  // member who administers none.
  Task<Result<ConnectedAccount>> Identify(oauth::TokenSet tokens) override;
  // The member and every organization they administer (those carry platform "linkedin_page";
  // on linkedin_page the member carries "linkedin").
  Task<Result<std::vector<ConnectedAccount>>> DiscoverAccounts(oauth::TokenSet tokens) override;

 private:
  // `method` on the API (`path` after the API URL) or on an absolute `url`, with `token` and
  // the versioned headers; a 2xx answer or one of `ok_statuses`, else the mapped error.
  Task<Result<HttpResponse>> Call(std::string method, std::string url, std::string token,
                                  std::string body, std::string content_type,
                                  std::string_view action, CallKind kind,
                                  std::vector<int> ok_statuses = {},
                                  std::chrono::milliseconds timeout = {});
  // Call through WithToken (renewal before expiry and after a 401).
  Task<Result<HttpResponse>> Api(AccountContext& account, std::string method, std::string url,
                                 std::string body, std::string content_type,
                                 std::string_view action, CallKind kind,
                                 std::vector<int> ok_statuses = {},
                                 std::chrono::milliseconds timeout = {});
  std::string Rest(std::string_view path_and_query) const;

  Result<void> CheckScopes(const oauth::TokenSet& tokens, bool pages) const;
  Task<Result<ConnectedAccount>> MemberAccount(const oauth::TokenSet& tokens);
  Task<Result<std::vector<ConnectedAccount>>> PageAccounts(const oauth::TokenSet& tokens);

  // Uploads (or reuses, per `state`) every item; records each URN in state["media"].
  Task<Result<std::vector<PostMedia>>> UploadMedia(PublishRequest& request, Json& state);
  Task<Result<std::string>> UploadImage(AccountContext& account, const MediaItem& item);
  Task<Result<std::string>> UploadVideo(AccountContext& account, const MediaItem& item);
  // Waits until `video` is AVAILABLE. kInvalidArgument on PROCESSING_FAILED.
  Task<Result<void>> AwaitVideo(AccountContext& account, const std::string& video,
                                const MediaItem& item);
  // The author's post since `since_ms` with `text` (as escaped) and, when `media` is not
  // empty, exactly these media URNs; nullopt when there is none.
  Task<Result<std::optional<std::string>>> FindUrn(AccountContext& account,
                                                   const std::string& text,
                                                   std::vector<std::string> media,
                                                   std::optional<int64_t> since_ms);
  // A 403 on a page: the member no longer administers it, in words.
  base::Error PageError(base::Error e, const AccountContext& account) const;

  Kind kind_;
  LinkedInOptions options_;
  PlatformInfo info_;
};

// Both LinkedIn networks configured from `env` (base_urls / auth_urls / oauth_clients
// "linkedin").
std::vector<std::unique_ptr<Platform>> MakeLinkedInPlatforms(const PlatformEnv& env);

}  // namespace herald::platforms::linkedin

#endif  // HERALD_PLATFORMS_LINKEDIN_LINKEDIN_PLATFORM_H_
