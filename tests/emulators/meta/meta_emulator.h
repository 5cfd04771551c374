// MetaEmulator: the parts of Meta's Graph API herald uses for Facebook Pages and Instagram
// (reference sections 3 and 4), on loopback; one server plays graph.facebook.com,
// graph-video.facebook.com, rupload.facebook.com and the www.facebook.com login dialog. Every
// Graph path carries a version prefix "/vNN.N/".
//
// Login (no PKCE):
//   GET  /{v}/dialog/oauth   checks client_id and redirect_uri (http(s)); the user approves at
//        once: 302 to redirect_uri?code&state with the requested scopes minus the declined
//        permissions (control "permissions"); ?error=access_denied after control "deny_next".
//   GET|POST /{v}/oauth/access_token  code exchange (client_id, client_secret, redirect_uri,
//        code; single use) -> {"access_token","token_type":"bearer","expires_in":5400} (a
//        short-lived user token); grant_type=fb_exchange_token&fb_exchange_token=<short> ->
//        a long-lived user token (expires_in 5183944, about 60 days).
// Graph (access_token parameter or Authorization: Bearer|OAuth; errors are Graph error
// objects {"error":{"message","type","code","error_subcode"?,"is_transient"?,"fbtrace_id"}}:
// an unknown token 190, an expired one 190/463, a Page the user no longer manages 190/460, a
// missing permission (#200) or (#10) naming it):
//   GET  /{v}/me, /{v}/me/permissions ({"data":[{"permission","status"}]}),
//        /{v}/me/accounts ({"data":[{"id","name","access_token","category","tasks",
//        "instagram_business_account"?:{"id","username"}}]}: the granted Pages; Page tokens
//        from a long-lived user token never expire, from a short-lived one they expire with it)
//   POST /{v}/{page}/feed         message, link, published, attached_media (JSON array of
//        {"media_fbid"} or attached_media[i] form fields) -> {"id":"{page}_{n}"}; the same
//        message, link and media as the Page's latest live post -> (#506) Duplicate status
//        message. Needs a Page token with pages_manage_posts and the CREATE_CONTENT task.
//   POST /{v}/{page}/photos       url (downloaded over HTTP: JPEG or PNG, else (#324)) or a
//        multipart `source`; caption/message; published=false -> {"id"} (unpublished, for
//        attached_media) else {"id","post_id"}
//   POST /{v}/{page}/videos       file_url (downloaded: MP4, else (#352)) or multipart
//        source; description, title -> {"id"}; the post's id is the video id
//   POST /{v}/{page}/video_reels  upload_phase=start -> {"video_id","upload_url"
//        (/video-upload/{v}/{video})}; POST upload_url (Authorization: OAuth <token>; header
//        file_url, or the bytes with offset and file_size) -> {"success":true};
//        upload_phase=finish&video_id&video_state=PUBLISHED&description -> {"success":true}
//        (a second finish of the same video adds nothing). GET /{v}/{video}?fields=status ->
//        status.video_status processing for config video_processing_polls GETs, then ready.
//   GET  /{v}/{page}/feed|published_posts ?fields&limit&since: the Page's posts, newest first
//        ({"id","message","created_time","permalink_url"})
//   GET  /{v}/{post}?fields=permalink_url|... ; DELETE /{v}/{post} -> {"success":true}
//   GET  /{v}/{post}/insights?metric=a,b ; GET /{v}/{page}/insights?metric=..&period=day ;
//        GET /{v}/{page}?fields=followers_count,fan_count. Deprecated impressions metrics and
//        unknown ones -> (#100) "The value must be a valid insights metric"; no metric ->
//        code 3001 subcode 1504028.
//   Instagram (the Page's token, instagram_basic + instagram_content_publish):
//   POST /{v}/{ig-user}/media     image_url | video_url with media_type REELS|STORIES|VIDEO,
//        is_carousel_item, media_type=CAROUSEL&children=a,b (2..10 FINISHED items), caption
//        (<= 2,200 characters, <= 30 hashtags; none on stories and children) -> {"id"}. The
//        media is downloaded over HTTP at once; the container then answers
//        GET /{v}/{container}?fields=status_code,status IN_PROGRESS for config container_polls
//        GETs, then FINISHED, or ERROR with Meta's reason (not a JPEG / MP4, download failed,
//        control "fail_next_container").
//   POST /{v}/{ig-user}/media_publish?creation_id=  a FINISHED container -> {"id"} of the new
//        media (container status becomes PUBLISHED); one still IN_PROGRESS -> code 9007
//        subcode 2207027; one already PUBLISHED -> code 9007 subcode 2207008 (the exact body
//        is UNCONFIRMED); past the publishing limit -> code 9 subcode 2207042.
//   GET  /{v}/{ig-user}/content_publishing_limit -> {"data":[{"quota_usage","config":
//        {"quota_total": config ig_quota_total (100),"quota_duration":86400}}]}: posts
//        published in the last 24 h plus control "ig_usage".
//   GET  /{v}/{ig-user}/media?fields&limit: recent media newest first ({"id","caption",
//        "timestamp","permalink","media_product_type","media_type"})
//   GET  /{v}/{ig-media}?fields=permalink,... ; GET /{v}/{ig-media}/insights?metric=views,
//        reach,likes,comments,shares,saved,total_interactions; GET /{v}/{ig-user}?fields=
//        followers_count,follows_count,media_count. DELETE of IG media -> (#100) unsupported.
// Every Graph call counts against config calls_per_hour per token (X-App-Usage on user
// tokens, X-Business-Use-Case-Usage on Page tokens; past it: (#4) for user tokens, (#80001)
// for Page tokens, HTTP 400, is_transient). The 429 fault answers (#4) with HTTP 403 and
// estimated_time_to_regain_access; 5xx faults (#1)/(#2) is_transient; expired_token 190/463.
// Media host for tests: PUT /media-host/{name} stores bytes, GET /media-host/{name} serves
// them (what herald's public URL does in production).
//
// Seeded: app "meta-client" / "meta-secret"; user kUserId "Ada Lovelace" managing Pages kPageA
// "Herald Labs" (with Instagram account kIgUser "heraldlabs") and kPageB "Example Corp";
// tokens kUserToken (long-lived), kPageAToken, kPageBToken with every permission.
// Control: POST /__emulator/tokens {"page"?: id, "scopes"?: [..]} -> {"token"};
// POST /__emulator/meta/permissions {"decline": [..]} | {"grant": [..]} (every token and
// future sign-ins); POST /__emulator/meta/page {"page", "granted": bool, "tasks"?: [..]};
// POST /__emulator/meta/fail_next_container {"reason"?}; POST /__emulator/meta/ig_usage
// {"count"}; POST /__emulator/meta/deny_next {}.
// Config keys: container_polls, video_processing_polls, ig_quota_total, calls_per_hour,
// duplicate_window_seconds.
#ifndef HERALD_TESTS_EMULATORS_META_META_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_META_META_EMULATOR_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "platforms/http/https_client.h"
#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/multipart.h"
#include "tests/emulators/common/network_emulator.h"

namespace herald::emulators {

class MetaEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kClientId = "meta-client";
  static constexpr const char* kClientSecret = "meta-secret";
  static constexpr const char* kUserId = "10150001";
  static constexpr const char* kPageA = "20250001";
  static constexpr const char* kPageB = "20250002";
  static constexpr const char* kIgUser = "17841400000000001";
  static constexpr const char* kUserToken = "EAAuser-ada";
  static constexpr const char* kPageAToken = "EAApage-a";
  static constexpr const char* kPageBToken = "EAApage-b";

  explicit MetaEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "meta"; }
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
  struct Page {
    std::string id;
    std::string name;
    std::string ig_user;  // "" when no Instagram account is linked
    std::string ig_username;
    std::vector<std::string> tasks = {"ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING",
                                      "MODERATE", "MANAGE"};
    bool granted = true;  // part of the user's grant
    int64_t followers = 0;
  };
  struct Token {
    std::string page;  // "" for a user token
    bool long_lived = false;
    std::set<std::string> scopes;
    std::optional<base::Time> expires_at;
    bool expired = false;
    bool revoked = false;
  };
  struct Container {
    std::string id;
    std::string ig_user;
    std::string media_type;  // IMAGE, VIDEO, REELS, STORIES, CAROUSEL
    bool carousel_item = false;
    std::vector<std::string> children;
    std::string caption;
    std::string error;  // the ERROR reason, "" when fine
    int64_t polls_left = 0;
    std::string media_id;  // set once published
    MediaRecord media;
    base::Time created_at{};
  };
  struct Video {  // a reel or a Page video
    std::string id;
    std::string page;
    bool uploaded = false;
    bool finished = false;
    int64_t polls_left = 0;
    MediaRecord media;
  };
  struct Photo {  // an unpublished Page photo
    std::string id;
    std::string page;
    MediaRecord media;
  };
  // The caller's token, or the Graph error to send.
  struct Auth {
    std::optional<Token> token;
    std::string value;
    http::Response error;
  };
  // What a request says: query, form body, JSON body and multipart fields merged.
  struct Params {
    std::map<std::string, std::string> values;
    std::map<std::string, MultipartPart> files;
    std::string Get(const std::string& name) const;
    bool Has(const std::string& name) const { return values.count(name) != 0; }
  };
  struct Download {
    std::string data;
    std::string error;  // "" when it worked
  };

  base::Task<http::Response> GraphGet(http::Request req);
  base::Task<http::Response> GraphPost(http::Request req);
  base::Task<http::Response> GraphDelete(http::Request req);
  base::Task<http::Response> RuploadPost(http::Request req);
  http::Response Dialog(const http::Request& req, const Params& p);
  http::Response AccessToken(const Params& p);
  base::Task<Download> Fetch(std::string url);
  // The bytes of a multipart `source` file, else those downloaded from `url_field`.
  base::Task<Download> Upload(const Params& p, std::string url_field);

  Auth Authenticate(const http::Request& req, const Params& p);
  // Counts the call and adds the usage header; an error answer when over the limit.
  std::optional<http::Response> Meter(const Auth& auth, http::Response* ok_answer);
  http::Response Answer(const Auth& auth, int status, const Json& body);
  std::optional<http::Response> NeedScope(const Auth& auth, const std::string& scope,
                                          int code) const;
  std::optional<http::Response> NeedPage(const Auth& auth, const std::string& page) const;
  std::optional<http::Response> NeedIgUser(const Auth& auth, const std::string& ig_user) const;

  base::Task<http::Response> PageFeed(const Auth& auth, std::string page, Params p);
  base::Task<http::Response> PagePhotos(const Auth& auth, std::string page, Params p);
  base::Task<http::Response> PageVideos(const Auth& auth, std::string page, Params p);
  // `origin` is the scheme and host the upload URL names (rupload.facebook.com's stand-in).
  http::Response VideoReels(const Auth& auth, const std::string& page, const Params& p,
                            const std::string& origin);
  base::Task<http::Response> IgCreate(const Auth& auth, std::string ig_user, Params p);
  http::Response IgPublish(const Auth& auth, const std::string& ig_user, const Params& p);
  http::Response ReadNode(const Auth& auth, const std::string& id, const Params& p);
  http::Response ReadEdge(const Auth& auth, const std::string& id, const std::string& edge,
                          const Params& p);
  http::Response Insights(const Auth& auth, const std::string& id, const Params& p);

  // Callers hold mu_.
  std::string NewIdLocked();
  std::string IssueTokenLocked(const std::string& page, bool long_lived,
                               const std::set<std::string>& scopes,
                               std::optional<base::Time> expires_at);
  int64_t IgUsageLocked(const std::string& ig_user) const;
  const Page* PageOfIgLocked(const std::string& ig_user) const;

  EmulatorContext& ctx_;
  std::unique_ptr<platforms::http::HttpsClient> http_;
  mutable std::mutex mu_;
  std::map<std::string, Page> pages_;                    // by id
  std::map<std::string, Token, std::less<>> tokens_;     // by token
  std::map<std::string, std::set<std::string>> codes_;   // code -> scopes ("" key: redirect)
  std::map<std::string, std::string> code_redirects_;    // code -> redirect_uri
  std::set<std::string> declined_;                       // permissions the user declined
  std::map<std::string, Container> containers_;
  std::map<std::string, Video> videos_;
  std::map<std::string, Photo> photos_;
  std::map<std::string, std::string> media_host_;        // name -> bytes
  std::vector<std::pair<std::string, base::Time>> ig_extra_usage_;
  std::optional<std::string> fail_next_container_;
  bool deny_next_ = false;
  int64_t next_id_ = 1;
};

void RegisterMetaEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_META_META_EMULATOR_H_
