// XEmulator: the parts of X's API v2 and OAuth 2.0 that herald uses, on loopback, written from
// the contract in ../shared/reference/platforms-oauth-giants.md section 1. One server stands
// for both hosts: x.com (the browser's authorize page) and api.x.com (everything else).
//
// OAuth 2.0 (authorization code + PKCE):
//   GET  /i/oauth2/authorize     checks client_id, redirect_uri (config redirect_uris; empty =
//                                any http(s) URL), response_type=code, code_challenge (S256 or
//                                plain, required) and "the user" approves at once: 302 to
//                                redirect_uri?state&code (the code lives 30 s). Scopes granted
//                                are those asked minus config withhold_scope. Control `deny`
//                                makes the next one redirect with error=access_denied.
//   POST /2/oauth2/token         form; a confidential client authenticates with Basic (else 401
//                                unauthorized_client "Missing valid authorization header").
//                                authorization_code (single use, redirect_uri and PKCE checked)
//                                and refresh_token grants -> {"token_type":"bearer",
//                                "expires_in":7200,"access_token","scope","refresh_token"}.
//                                Refresh tokens ROTATE: each is good once; presenting one again
//                                revokes the whole grant (every token of it). Bad code or token:
//                                400 {"error":"invalid_request","error_description":"Value passed
//                                for the token was invalid."}.
//   POST /2/oauth2/revoke        form token: revokes it (a refresh token: its grant).
// API (Bearer access token; unknown, expired or revoked: 401 problem details; a scope missing:
// 403 "Forbidden"):
//   GET    /2/users/me                 {"data":{"id","name","username","public_metrics"?}}
//   POST   /2/tweets                   {"text","media":{"media_ids"},"reply":{...}} -> 201
//          {"data":{"id","text","edit_history_tweet_ids"}}; text over 280 weighted -> 403 "Your
//          Tweet text is too long..."; the same text as a live tweet of the user within
//          duplicate_window_seconds -> 403 {"detail":"You are not allowed to create a Tweet
//          with duplicate content.",...}; a reply to an unknown tweet -> 403; more than 4
//          media, unknown / unprocessed / failed media, a video or GIF with other media ->
//          400 invalid-request. The text X answers with has URLs as t.co links and &<>
//          escaped, plus the t.co link of attached media, as X does.
//   DELETE /2/tweets/{id}              {"data":{"deleted":true}}; unknown -> 404
//   GET    /2/users/{id}/tweets        newest first, max_results 5..100, tweet.fields
//          created_at / referenced_tweets honoured; meta.next_token when more remain, passed
//          back as pagination_token for the next page
//   GET    /2/tweets?ids=              with tweet.fields=public_metrics (numbers set with POST
//          /__emulator/posts/{id}/metrics {"likes","reposts","replies","quotes","bookmarks",
//          "views"}); unknown ids in "errors"
//   POST   /2/media/upload/initialize  {"media_type","total_bytes","media_category"}: image 5 MB,
//          GIF 15 MB, video 512 MB
//   POST   /2/media/upload/{id}/append multipart (media + segment_index) or JSON (base64)
//   POST   /2/media/upload/{id}/finalize  the segments must add up to total_bytes; a video or
//          GIF answers processing_info {"state":"pending","check_after_secs"}
//   GET    /2/media/upload?command=STATUS&media_id=  in_progress for media_processing_checks
//          checks, then succeeded (or failed when config fail_media_processing is 1)
//   POST   /2/media/metadata           {"id","metadata":{"alt_text":{"text"}}} (1000 chars)
// Every API answer carries x-rate-limit-limit / -remaining / -reset (epoch seconds) per user and
// endpoint (15-minute windows); POST /2/tweets also x-user-limit-24hour-limit / -remaining /
// -reset (user_daily_post_limit). Over a limit: 429 {"title":"Too Many Requests","detail":"Too
// Many Requests","type":"about:blank","status":429}. Errors are X's problem details.
//
// Seeded: user "heraldtester" (id 1500000000000000001), client herald-x-client /
// herald-x-secret, and a grant with every scope: access token "x-token-alice", refresh token
// "x-refresh-alice". POST /__emulator/tokens {"user_id"?, "scope"?, "expires_in"?} makes another
// grant -> {"access_token","refresh_token","scope","expires_in","account_id"}.
// Config keys: see DefaultConfig(). Thread-safe.
#ifndef HERALD_TESTS_EMULATORS_X_X_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_X_X_EMULATOR_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"

namespace herald::emulators {

class XEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kClientId = "herald-x-client";
  static constexpr const char* kClientSecret = "herald-x-secret";
  static constexpr const char* kSeedUserId = "1500000000000000001";
  static constexpr const char* kSeedUsername = "heraldtester";
  static constexpr const char* kSeedToken = "x-token-alice";
  static constexpr const char* kSeedRefreshToken = "x-refresh-alice";
  static constexpr const char* kAllScopes =
      "tweet.read tweet.write users.read media.write offline.access";

  explicit XEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "x"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  // `deny`: the next authorization is denied; `users` {"id"?, "username"?, "followers_count"?,
  // "following_count"?, "listed_count"?}: creates or updates a user.
  base::Result<Json> Control(std::string_view action, const Json& body) override;
  // {"client_id","client_secret","users","grants","refresh_token_reuses","refreshes"}.
  Json Info() const override;
  void Reset() override;
  Json DefaultConfig() const override;

  // Refresh requests that presented a refresh token already used (each revoked a grant).
  int refresh_token_reuses() const;
  int refreshes() const;

 private:
  struct User {
    std::string id;
    std::string username;
    std::string name;
    int64_t followers = 0;
    int64_t following = 0;
    int64_t listed = 0;
    int64_t tweets = 0;
  };
  struct Grant {
    std::string user;
    std::string scope;
    bool revoked = false;
  };
  struct Access {
    std::string grant;
    base::Time expires_at{};
  };
  struct Refresh {
    std::string grant;
    bool used = false;
  };
  struct Code {
    std::string redirect_uri;
    std::string challenge;
    std::string method;
    std::string scope;
    base::Time expires_at{};
    bool used = false;
  };
  struct Media {
    std::string id;
    std::string user;
    std::string media_type;
    std::string category;
    int64_t total_bytes = 0;
    std::map<int, std::string> segments;
    bool finalized = false;
    int64_t checks_left = 0;
    bool processed = false;  // processing over (or never needed)
    bool failed = false;
    std::string alt_text;
    std::string sha256;
  };
  // Who a Bearer token acts for, or the answer to send.
  struct Auth {
    std::optional<User> user;
    std::string scope;
    http::Response error;
  };

  Auth Authenticate(const http::Request& req, std::string_view needed_scope);
  // Counts the request against `bucket` of the user; sets x-rate-limit-* on `headers`; true
  // when over the limit.
  bool Limited(const std::string& user, const std::string& bucket, int64_t limit,
               http::Headers& headers);
  // Authenticate for `scope`, then Limited against `bucket` with the limit of config
  // `limit_key` (else `fallback`): the answer to send instead of handling the request, or
  // nullopt (auth and rate filled).
  std::optional<http::Response> Admit(const http::Request& req, std::string_view scope,
                                      const std::string& bucket, std::string_view limit_key,
                                      int64_t fallback, Auth& auth, http::Headers& rate);
  static http::Response Finish(http::Response response, const http::Headers& headers);

  http::Response Authorize(const http::Request& req);
  http::Response Token(const http::Request& req);
  http::Response Revoke(const http::Request& req);
  http::Response Me(const http::Request& req);
  http::Response CreateTweet(const http::Request& req);
  http::Response DeleteTweet(const http::Request& req);
  http::Response UserTweets(const http::Request& req);
  http::Response LookupTweets(const http::Request& req);
  http::Response MediaInitialize(const http::Request& req);
  http::Response MediaAppend(const http::Request& req);
  http::Response MediaFinalize(const http::Request& req);
  http::Response MediaStatus(const http::Request& req);
  http::Response MediaMetadata(const http::Request& req);

  // Callers hold mu_.
  Json TokenAnswer(const std::string& grant_id);
  void RevokeGrant(const std::string& grant_id);
  Json MediaJson(const Media& m) const;
  Json TweetJson(const CreatedPost& post, bool created_at, bool references,
                 bool metrics) const;
  std::string NextId();

  EmulatorContext& ctx_;
  mutable std::mutex mu_;
  std::map<std::string, User> users_;
  std::map<std::string, Grant> grants_;
  std::map<std::string, Access> access_;
  std::map<std::string, Refresh> refresh_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Media> media_;
  bool deny_next_ = false;
  int64_t next_id_ = 1;
  int refresh_token_reuses_ = 0;
  int refreshes_ = 0;
};

void RegisterXEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_X_X_EMULATOR_H_
