// MastodonEmulator: the parts of the Mastodon REST API herald uses, on loopback.
//
// Routes (real paths, status codes and bodies; docs.joinmastodon.org):
//   GET    /api/v1/accounts/verify_credentials   CredentialAccount
//   POST   /api/v2/media                          multipart file + description -> 200
//          MediaAttachment, or 202 with url null while "processing" (config
//          media_processing_polls > 0); 422 for a missing/unsupported/oversized file or a
//          description over 1500 characters
//   GET    /api/v1/media/{id}                     206 while processing, 200 when ready, 404
//          once attached or unknown
//   POST   /api/v1/statuses                       JSON or form; Idempotency-Key: the same key
//          for the same account within idempotency_ttl_seconds (3600) returns the SAME status
//          (200) without creating another; 422 "Validation failed: Text can't be blank" /
//          "Text character limit of 500 exceeded" (counted like Mastodon: graphemes, URL = 23,
//          @user@domain = @user), 422 for more than 4 or unprocessed media, 404 for an unknown
//          in_reply_to_id
//   GET    /api/v1/statuses/{id}                  Status with replies/reblogs/favourites/quotes
//          counts (set with POST /__emulator/posts/{id}/metrics {"likes","reposts","replies",
//          "quotes"})
//   DELETE /api/v1/statuses/{id}                  200 Status with "text"; 404 when unknown,
//          deleted, or someone else's
//   GET    /api/v2/instance                       configuration (max_characters, media limits)
// Every authenticated answer carries X-RateLimit-Limit / -Remaining / -Reset (ISO 8601);
// limits: 300 requests / 5 min per token, media uploads 30 / 30 min, deletes 30 / 30 min; over
// the limit: 429 {"error":"Too many requests"} (no Retry-After, as upstream). Bad, missing or
// revoked token: 401 {"error":"The access token is invalid"} with WWW-Authenticate. Server
// errors are HTML (Rails 500 page, nginx 502/503/504), as a client really sees them.
//
//   GET    /api/v1/accounts/{id}/statuses        the account's statuses, newest first, paged
//          by max_id (older than that id) and limit (default 20, at most 40); exclude_reblogs
//          accepted (the emulator makes no reblogs); 404 for an unknown account
// History: POST /__emulator/mastodon/history with the seed format of
// tests/emulators/common/history_seed.h ("account" = account id or username) makes statuses
// in the past with known engagement.
//
// Seeded: account "alice" (id 109000000000000001) with token "mastodon-token-alice".
// Config keys: max_characters, max_media_attachments, media_processing_polls, rate_limit,
// media_rate_limit, delete_rate_limit, idempotency_ttl_seconds, image_size_limit.
// Control: POST /__emulator/tokens {"username", "display_name"?, "token"?} -> {"token",
// "account_id", "username"}; POST /__emulator/mastodon/accounts {"username",
// "followers_count"?, "following_count"?} creates or updates an account.
#ifndef HERALD_TESTS_EMULATORS_MASTODON_MASTODON_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_MASTODON_MASTODON_EMULATOR_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {

class MastodonEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kSeedToken = "mastodon-token-alice";
  static constexpr const char* kSeedAccountId = "109000000000000001";

  explicit MastodonEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "mastodon"; }
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
  struct Account {
    std::string id;
    std::string username;
    std::string display_name;
    int64_t followers = 0;
    int64_t following = 0;
    int64_t statuses = 0;
  };
  struct Media {
    std::string id;
    std::string account_id;
    std::string mime_type;
    std::string file_name;
    std::string description;
    int64_t size = 0;
    std::string sha256;
    int64_t polls_left = 0;
    std::string status_id;  // attached to
  };
  struct IdempotencyEntry {
    std::string status_id;
    base::Time expires_at{};
  };
  // What authentication found: the account, or the 401 to send.
  struct Auth {
    std::optional<Account> account;
    std::string token;
    http::Response error;
  };

  Auth Authenticate(const http::Request& req);
  // Counts the request against the token's windows; fills `headers`; true when over a limit.
  bool Limited(const std::string& token, const std::string& bucket, int64_t limit,
               std::chrono::seconds window, http::Headers& headers);
  http::Response Finish(http::Response response, const http::Headers& rate_headers);

  http::Response VerifyCredentials(const http::Request& req);
  http::Response UploadMedia(const http::Request& req);
  http::Response GetMedia(const http::Request& req);
  http::Response CreateStatus(const http::Request& req);
  http::Response GetStatus(const http::Request& req);
  http::Response DeleteStatus(const http::Request& req);
  http::Response Instance(const http::Request& req);
  http::Response AccountStatuses(const http::Request& req);
  base::Result<Json> SeedHistory(const Json& body);

  // Callers hold mu_.
  Json AccountJson(const Account& account, const std::string& host) const;
  Json MediaJson(const Media& media, const std::string& host) const;
  Json StatusJson(const CreatedPost& post, const std::string& host) const;
  std::string NextId();
  Account* FindAccountLocked(const std::string& id);

  EmulatorContext& ctx_;
  TokenRegistry tokens_;
  mutable std::mutex mu_;
  std::map<std::string, Account> accounts_;              // by id
  std::map<std::string, Media> media_;                   // by id
  std::map<std::string, IdempotencyEntry> idempotency_;  // "account:key"
  int64_t next_id_ = 0;
};

void RegisterMastodonEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_MASTODON_MASTODON_EMULATOR_H_
