// ThreadsEmulator: the parts of the Threads API and its OAuth that herald uses, on loopback,
// written from the contract in ../shared/reference/platforms-oauth-giants.md section 5. One
// server stands for threads.net (the browser's authorize page) and graph.threads.net.
//
// OAuth (code flow, no PKCE; scopes comma-separated):
//   GET  /oauth/authorize          client_id, redirect_uri (config redirect_uris; empty = any
//                                  http(s) URL), response_type=code, scope; "the user" approves
//                                  at once: 302 redirect_uri?code&state (control `deny`: the
//                                  next one redirects with error=access_denied). Scopes granted
//                                  are those asked minus config withhold_scope.
//   POST /oauth/access_token       form client_id, client_secret, grant_type=authorization_code,
//                                  redirect_uri, code (single use) -> {"access_token","user_id"}
//                                  short-lived (short_token_ttl, 1 h).
//   GET  /access_token             grant_type=th_exchange_token, client_secret, access_token
//                                  (a short-lived one) -> {"access_token","token_type":"bearer",
//                                  "expires_in"} long-lived (long_token_ttl, 60 days).
//   GET  /refresh_access_token     grant_type=th_refresh_token, access_token (a long-lived one,
//                                  at least refresh_min_age_seconds old, unexpired) -> a new
//                                  long-lived token (the old one keeps working until it expires).
// API under /v1.0 (token: Authorization Bearer, or access_token in the query or form; unknown
// or expired: 400 Graph error code 190; a scope missing: code 10 naming it):
//   GET    /me?fields=                 {"id","username","name"}
//   POST   /{user}/threads             media_type TEXT|IMAGE|VIDEO|CAROUSEL, text (<= max_text
//                                      counted as Threads does), image_url / video_url (FETCHED
//                                      for real; an image must be a JPEG or PNG, a video an MP4,
//                                      else the container ends in ERROR with Meta's reason),
//                                      is_carousel_item, children (2..20 finished items),
//                                      reply_to_id (a published post) -> {"id"} of a container
//   GET    /{container}?fields=        {"id","status","error_message"?}: IN_PROGRESS for
//                                      container_polls checks, then FINISHED (or ERROR when
//                                      armed with control `fail_containers`); EXPIRED after
//                                      container_ttl_seconds unpublished; PUBLISHED once used
//   POST   /{user}/threads_publish     creation_id -> {"id"} of the post; a container already
//                                      published, unfinished or someone else's: code 100; over
//                                      the 24-hour quota (quota_total posts, reply_quota_total
//                                      replies): code 9 / subcode 2207042
//   GET    /{user}/threads, /replies   the user's posts / replies, newest first (limit <= 100):
//                                      {"data":[{"id","text","permalink","timestamp",
//                                      "media_type","replied_to"?}]}
//   GET    /{media}?fields=            {"id","permalink","text","timestamp","media_type",...}
//   GET    /{user}/threads_publishing_limit  {"data":[{"quota_usage","config":{"quota_total",
//                                      "quota_duration"},"reply_quota_usage","reply_config"}]}
//   DELETE /{media}                    {"success":true,"deleted_id"} (threads_delete)
//   GET    /{media}/insights?metric=   views, likes, replies, reposts, quotes, shares (numbers
//                                      from POST /__emulator/posts/{id}/metrics)
//   GET    /{user}/threads_insights?metric=followers_count,...  total_value per metric
// Every API call counts against call_limit per user per hour; over it, 403 Graph code 4 with
// X-Business-Use-Case-Usage estimated_time_to_regain_access. Faults (FaultPlan): 429 -> that
// answer; 5xx -> Graph code 2 "unexpected error"; expired_token -> code 190 subcode 463;
// drop_after_accept on threads_publish publishes and drops the answer.
//
// Seeded: user "herald_tester" (id 17841400000000001, 321 followers), client
// herald-threads-client / herald-threads-secret, and a long-lived token "th-token-alice" with
// every scope. POST /__emulator/tokens {"user_id"?, "scope"?, "expires_in"?} makes another
// long-lived token -> {"access_token","expires_in","account_id"}. Controls: `deny`, `users`
// {"id","username","followers_count"}, `fail_containers` {"count","message"?}. Thread-safe.
#ifndef HERALD_TESTS_EMULATORS_THREADS_THREADS_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_THREADS_THREADS_EMULATOR_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"

namespace herald::emulators {

class ThreadsEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kClientId = "herald-threads-client";
  static constexpr const char* kClientSecret = "herald-threads-secret";
  static constexpr const char* kSeedUserId = "17841400000000001";
  static constexpr const char* kSeedUsername = "herald_tester";
  static constexpr const char* kSeedToken = "th-token-alice";
  static constexpr const char* kAllScopes =
      "threads_basic,threads_content_publish,threads_read_replies,threads_manage_insights,"
      "threads_delete";

  explicit ThreadsEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "threads"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  base::Result<Json> Control(std::string_view action, const Json& body) override;
  // {"client_id","client_secret","users","containers","publishes","publish_refusals",
  //  "fetched_media","exchanges","refreshes"}.
  Json Info() const override;
  void Reset() override;
  Json DefaultConfig() const override;

 private:
  struct User {
    std::string id;
    std::string username;
    std::string name;
    int64_t followers = 0;
  };
  struct Token {
    std::string user;
    std::string scope;
    bool long_lived = false;
    base::Time issued_at{};
    base::Time expires_at{};
  };
  struct Code {
    std::string redirect_uri;
    std::string scope;
    base::Time expires_at{};
    bool used = false;
  };
  struct Container {
    std::string id;
    std::string user;
    std::string media_type;
    std::string text;
    std::string reply_to;
    bool carousel_item = false;
    std::vector<std::string> children;
    std::vector<MediaRecord> media;
    int64_t polls_left = 0;
    std::string error;  // set: ends in ERROR with this reason
    std::string media_id;  // set once published
    base::Time created_at{};
  };
  struct Auth {
    std::optional<User> user;
    std::string scope;
    http::Response error;
  };

  // The token of `req` and its user, or the answer to send (also counts the call limit).
  Auth Authenticate(const http::Request& req, std::string_view needed_scope);
  // The state of `c` as a status check sees it now (one poll consumed when `poll`).
  std::string StateOf(Container& c, bool poll);
  // Downloads `url` and checks it: "" when usable, else Meta's reason. Records the URL.
  std::string Fetch(const std::string& url, bool video, MediaRecord& record);

  http::Response Authorize(const http::Request& req);
  http::Response CodeToken(const http::Request& req);
  http::Response Exchange(const http::Request& req);
  http::Response Renew(const http::Request& req);
  http::Response Node(const http::Request& req);  // GET /v1.0/{id}: me, container, media
  http::Response DeleteNode(const http::Request& req);
  http::Response CreateContainer(const http::Request& req);
  http::Response Publish(const http::Request& req);
  http::Response ListPosts(const http::Request& req);
  http::Response PublishingLimit(const http::Request& req);
  http::Response Insights(const http::Request& req);
  http::Response AccountInsights(const http::Request& req);

  // Callers hold mu_.
  Json IssueToken(const std::string& user, const std::string& scope, bool long_lived,
                  int64_t ttl);
  Json MediaJson(const CreatedPost& post) const;
  int64_t PublishedSince(const std::string& user, bool replies, base::Time since) const;

  EmulatorContext& ctx_;
  mutable std::mutex mu_;
  std::map<std::string, User> users_;
  std::map<std::string, Token> tokens_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Container> containers_;
  std::vector<std::string> fetched_media_;
  bool deny_next_ = false;
  int64_t fail_next_containers_ = 0;
  std::string fail_message_;
  int64_t next_id_ = 1;
  int publishes_ = 0;
  int publish_refusals_ = 0;
  int exchanges_ = 0;
  int refreshes_ = 0;
};

void RegisterThreadsEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_THREADS_THREADS_EMULATOR_H_
