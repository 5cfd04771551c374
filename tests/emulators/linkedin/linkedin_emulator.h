// LinkedInEmulator: the parts of LinkedIn herald uses (OAuth on www.linkedin.com, the
// versioned REST API on api.linkedin.com), on loopback; one server plays both hosts.
//
// OAuth (3-legged authorization code, no PKCE; client_id/client_secret in the form body):
//   GET  /oauth/v2/authorization   checks client_id, response_type=code, redirect_uri (http(s);
//        the registered list when config "redirect_uris" is set) and scope (known scopes
//        only); "the member" approves at once: 302 to redirect_uri?code&state (or
//        ?error=user_cancelled_authorize&state after POST /__emulator/linkedin/deny_next).
//   POST /oauth/v2/accessToken     grant_type=authorization_code (single-use codes, 30 min,
//        redirect_uri must match) or refresh_token -> {"access_token","expires_in":5184000
//        (60 days),"refresh_token"?,"refresh_token_expires_in"? (365 days, counting down;
//        the same refresh token comes back: no rotation),"scope":"a,b,c"}. Refresh tokens
//        are issued only when config "issue_refresh_tokens" is true (LinkedIn gives them to
//        approved partners). The granted scope is the requested one minus config
//        "withheld_scopes". Errors: 400/401 {"error","error_description"}.
// API (Bearer token; 401 {"status":401,"serviceErrorCode":65600|65601|65602,"code":
// "INVALID_ACCESS_TOKEN"|"REVOKED_ACCESS_TOKEN"|"EXPIRED_ACCESS_TOKEN","message"}; a missing
// scope: 403 ACCESS_DENIED; every /rest/ call needs `LinkedIn-Version: YYYYMM` (missing: 400
// VERSION_MISSING; outside config min_version..max_version: 426 NONEXISTENT_VERSION) and
// `X-Restli-Protocol-Version: 2.0.0` (missing: 400 with LinkedIn's message)):
//   GET  /v2/userinfo                 OpenID: sub, name, given_name, family_name, picture,
//                                     locale, email (scope openid + profile)
//   GET  /rest/organizationAcls?q=roleAssignee[&role=ADMINISTRATOR][&state=APPROVED]
//                                     the member's roles (scope rw_organization_admin)
//   GET  /rest/organizations/{id}     id, localizedName, vanityName
//   POST /rest/posts                  201, empty body, id in x-restli-id (urn:li:share:N for
//        text, urn:li:ugcPost:N with media). author urn:li:person:<sub> (w_member_social) or
//        an organization the member administers (ADMINISTRATOR / CONTENT_ADMIN /
//        DIRECT_SPONSORED_CONTENT_POSTER, w_organization_social; else 403 ACCESS_DENIED).
//        commentary is little text: an unescaped reserved character outside a mention or
//        hashtag template -> 422; over 3000 characters (as displayed) -> 422
//        FIELD_LENGTH_TOO_LONG. content.media {id: urn:li:image|video} or content.multiImage
//        {images: 2..20}: unknown, foreign, not uploaded or unprocessed media -> 400. The same
//        author and commentary as a live post within config duplicate_window_seconds -> 422
//        DUPLICATE_POST naming it. Posts per member per day: config daily_post_limit
//        (429, LinkedIn's throttle message, no Retry-After).
//   GET  /rest/posts?author=<urn>&q=author[&count][&start]  the author's posts, newest first
//   DELETE /rest/posts/{urn}          204, also when already deleted; someone else's: 403
//   POST /rest/images?action=initializeUpload {"initializeUploadRequest":{"owner"}}
//        -> {"value":{"uploadUrl" (absolute, this server),"uploadUrlExpiresAt","image"}}
//   PUT  /upload/images/{ticket}      the bytes (Bearer), 201
//   GET  /rest/images/{urn}           {"id","status","owner",...}: WAITING_UPLOAD, PROCESSING
//        (config image_processing_polls GETs after the PUT), AVAILABLE
//   POST /rest/videos?action=initializeUpload {"initializeUploadRequest":{"owner",
//        "fileSizeBytes",...}} -> {"value":{"video","uploadToken":"","uploadUrlsExpireAt",
//        "uploadInstructions":[{"uploadUrl","firstByte","lastByte"}...]}} in parts of config
//        video_part_bytes (4194304); sizes outside 75 KB..500 MB (config video_min_bytes /
//        video_max_bytes) -> 400
//   PUT  /upload/videos/{ticket}/{part}  exactly that part's bytes -> 200 with an ETag
//   POST /rest/videos?action=finalizeUpload {"finalizeUploadRequest":{"video","uploadToken",
//        "uploadedPartIds"}}: every part's ETag in order, else 400
//   GET  /rest/videos/{urn}           status PROCESSING for config video_processing_polls
//        GETs after finalize, then AVAILABLE (or PROCESSING_FAILED with
//        processingFailureReason after POST /__emulator/linkedin/fail_next_video)
//   GET  /rest/memberCreatorPostAnalytics?q=entity&entity=(share:<urn>)|(ugc:<urn>)
//        &queryType=IMPRESSION|MEMBERS_REACHED|RESHARE|REACTION|COMMENT&aggregation=TOTAL
//   GET  /rest/memberFollowersCount?q=me
//   GET  /rest/organizationalEntityShareStatistics?q=organizationalEntity
//        &organizationalEntity=<urn>&shares=List(<urn>)|ugcPosts=List(<urn>)
//   GET  /rest/networkSizes/{urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER -> {"firstDegreeSize"}
// Post metrics come from POST /__emulator/posts/{id}/metrics {"impressions","reach","likes",
// "replies","reposts","clicks"}. Faults use LinkedIn's bodies: 429 {"message":"Resource level
// throttle ...","status":429}, 5xx {"message","status"}, expired 401 EXPIRED_ACCESS_TOKEN.
//
// Seeded: app client "linkedin-client" / "linkedin-secret"; member "Ada Lovelace" (sub
// kMemberId, token kSeedToken with every scope) administering organizations kOrgA "Herald
// Labs" and kOrgB "Example Corp"; organization kOrgC "Elsewhere Inc" it does not administer.
// Control: POST /__emulator/tokens {"scopes"?: [..]} -> {"token","sub"};
// POST /__emulator/linkedin/acl {"organization": id, "role": "ADMINISTRATOR"|"" (removes)};
// POST /__emulator/linkedin/followers {"member"?: n, "organization"?: id, "count": n};
// POST /__emulator/linkedin/deny_next {}; POST /__emulator/linkedin/fail_next_video {}.
// Config keys: issue_refresh_tokens, withheld_scopes, redirect_uris, min_version,
// max_version, duplicate_window_seconds, daily_post_limit, image_processing_polls,
// video_processing_polls, video_part_bytes, video_min_bytes, video_max_bytes.
#ifndef HERALD_TESTS_EMULATORS_LINKEDIN_LINKEDIN_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_LINKEDIN_LINKEDIN_EMULATOR_H_

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"

namespace herald::emulators {

class LinkedInEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kClientId = "linkedin-client";
  static constexpr const char* kClientSecret = "linkedin-secret";
  static constexpr const char* kSeedToken = "linkedin-token-ada";
  static constexpr const char* kMemberId = "Ada4xLn7Q2";
  static constexpr const char* kOrgA = "5515715";
  static constexpr const char* kOrgB = "2414183";
  static constexpr const char* kOrgC = "1337";

  explicit LinkedInEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "linkedin"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  base::Result<Json> Control(std::string_view action, const Json& body) override;
  Json Info() const override;
  void Reset() override;
  Json DefaultConfig() const override;

 private:
  struct Organization {
    std::string id;
    std::string name;
    std::string vanity;
    int64_t followers = 0;
  };
  struct AccessToken {
    std::string member;
    std::set<std::string> scopes;
    base::Time expires_at{};
    bool revoked = false;
    bool expired = false;  // forced by a fault or the control plane
  };
  struct RefreshToken {
    std::string member;
    std::set<std::string> scopes;
    base::Time expires_at{};
    bool revoked = false;
  };
  struct Code {
    std::string redirect_uri;
    std::set<std::string> scopes;
    base::Time expires_at{};
    bool used = false;
  };
  struct Asset {  // an image or a video
    std::string urn;
    std::string owner;
    std::string status = "WAITING_UPLOAD";
    std::string mime_type;
    int64_t size = 0;
    std::string sha256;
    std::string data_hash_state;  // video: concatenated part hashes
    int64_t polls_left = 0;
    bool fail = false;
    std::vector<std::pair<int64_t, int64_t>> parts;  // video byte ranges
    std::vector<std::string> etags;                  // video: per part, "" until uploaded
    std::string ticket;
    std::string post;  // attached to
  };
  // What authentication found: the token, or the error to send.
  struct Auth {
    std::optional<AccessToken> token;
    std::string bearer;
    http::Response error;
  };

  Auth Authenticate(const http::Request& req, bool versioned);
  // A 403 when `auth` lacks `scope` (nullopt when it has it).
  std::optional<http::Response> NeedScope(const Auth& auth, const std::string& scope) const;
  // True if the member may act for `author` (themselves or an organization they administer).
  bool MayActFor(const std::string& member, const std::string& author) const;

  http::Response Authorize(const http::Request& req);
  http::Response Token(const http::Request& req);
  http::Response UserInfo(const http::Request& req);
  http::Response OrganizationAcls(const http::Request& req);
  http::Response GetOrganization(const http::Request& req);
  http::Response CreatePost(const http::Request& req);
  http::Response ListPosts(const http::Request& req);
  http::Response DeletePost(const http::Request& req);
  http::Response Images(const http::Request& req);
  http::Response UploadImage(const http::Request& req);
  http::Response GetImage(const http::Request& req);
  http::Response Videos(const http::Request& req);
  http::Response UploadVideoPart(const http::Request& req);
  http::Response GetVideo(const http::Request& req);
  http::Response MemberPostAnalytics(const http::Request& req);
  http::Response MemberFollowers(const http::Request& req);
  http::Response OrganizationShareStatistics(const http::Request& req);
  http::Response NetworkSizes(const http::Request& req);

  // Callers hold mu_.
  // The asset `urn` (of the kind `prefix` names) the member of `auth` may read, or nullptr
  // with the 404 / 403 to send in `error`.
  Asset* ReadableAssetLocked(const Auth& auth, std::string_view urn, std::string_view prefix,
                             http::Response& error);
  // A new asset `urn_prefix`<n> owned by `owner`, with its upload ticket, or nullptr with the
  // 403 (the member may not act for `owner`) or 500 (full) in `error`.
  Asset* NewAssetLocked(const Auth& auth, const std::string& owner, std::string_view urn_prefix,
                        http::Response& error);
  Json PostJson(const CreatedPost& post) const;
  std::string IssueAccessLocked(const std::string& member, const std::set<std::string>& scopes);

  EmulatorContext& ctx_;
  mutable std::mutex mu_;
  std::string member_name_ = "Ada Lovelace";
  int64_t member_followers_ = 0;
  std::map<std::string, Organization> organizations_;           // by id
  std::map<std::string, std::string> roles_;                    // org id -> role of the member
  std::map<std::string, AccessToken, std::less<>> access_;      // by token
  std::map<std::string, RefreshToken, std::less<>> refresh_;    // by token
  std::map<std::string, Code> codes_;                           // by code
  std::map<std::string, Asset> assets_;                         // by urn
  std::map<std::string, std::string> tickets_;                  // upload ticket -> urn
  bool deny_next_ = false;
  bool fail_next_video_ = false;
  int64_t next_id_ = 1;
};

void RegisterLinkedInEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_LINKEDIN_LINKEDIN_EMULATOR_H_
