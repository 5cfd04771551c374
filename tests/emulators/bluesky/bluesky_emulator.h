// BlueskyEmulator: the parts of an AT Protocol PDS (+ the AppView queries it proxies) herald
// uses, on loopback, following the reference PDS (bluesky-social/atproto packages/pds).
//
// XRPC routes (errors are {"error": "<Name>", "message": "..."}):
//   POST /xrpc/com.atproto.server.createSession   {identifier, password} -> session; wrong ->
//        401 AuthenticationRequired "Invalid identifier or password"; 30 / 5 min per identifier
//   POST /xrpc/com.atproto.server.refreshSession  Bearer refresh JWT -> rotated session; the old
//        refresh token keeps yielding the same successor for a grace window (2 h); revoked or
//        past the grace -> 400 ExpiredToken "Token has been revoked"
//   POST /xrpc/com.atproto.repo.uploadBlob        raw bytes + Content-Type -> {"blob": ...}
//   POST /xrpc/com.atproto.repo.createRecord      validates the post record (300 graphemes /
//        3000 bytes, createdAt, <= 4 images with alt, blobs uploaded, <= 2,000,000 bytes each,
//        rkey must be a TID); an rkey that already exists fails as the reference PDS does: the
//        repository tree refuses the duplicate key and the answer is 500
//        {"error":"InternalServerError","message":"Internal Server Error"}; with config
//        "duplicate_record_status": 400 it is 400 {"error":"InvalidRequest","message":"Record
//        already exists"} as other PDS implementations answer (any other value: 500)
//   GET  /xrpc/com.atproto.repo.getRecord         400 RecordNotFound when absent
//   POST /xrpc/com.atproto.repo.deleteRecord      idempotent
//   GET  /xrpc/com.atproto.identity.resolveHandle 400 InvalidRequest "Unable to resolve handle"
//   GET  /xrpc/app.bsky.feed.getPosts             uris (<= 25) -> postViews with likeCount,
//        repostCount, replyCount, quoteCount (set via POST /__emulator/posts/{uri}/metrics
//        {"likes","reposts","replies","quotes"})
//   GET  /xrpc/app.bsky.actor.getProfile          followersCount, followsCount, postsCount
//   GET  /xrpc/app.bsky.feed.getAuthorFeed        actor (handle or DID), limit (default 50,
//        at most 100), cursor -> {"feed": [{"post": postView}], "cursor"?}, newest first;
//        400 InvalidRequest "Profile not found" for an unknown actor
// History: POST /__emulator/bluesky/history with the seed format of
// tests/emulators/common/history_seed.h ("account" = handle or DID) makes posts in the past
// with known engagement.
// Auth: HS256 JWTs the emulator issues and checks (signature, scope, expiry against the
// emulator's clock): expired -> 400 ExpiredToken "Token has expired", bad -> 400 InvalidToken,
// missing -> 401 AuthMissing. Access tokens live 2 h, refresh tokens 90 days (config).
// Rate limits: RateLimit-Limit / -Remaining / -Reset (epoch s) / -Policy ("L;w=W") on limited
// routes; repo writes cost create 3, delete 1 of 5000 points per hour per DID; over a limit:
// 429 RateLimitExceeded with those headers and Retry-After.
//
// Seeded accounts (handle / DID / app password): alice.test / did:plc:... / "app-pass-alice",
// bob.test and carol.test (for mentions); see Info(). Control: POST /__emulator/tokens
// {"handle", "app_password"?, "display_name"?} adds an account or an app password;
// DELETE /__emulator/tokens/{app password | refresh JWT | access JWT} revokes it;
// POST /__emulator/tokens/expire {"token"?} expires one or every access token issued so far;
// POST /__emulator/bluesky/accounts {"handle", "followers_count"?, ...} updates an account.
#ifndef HERALD_TESTS_EMULATORS_BLUESKY_BLUESKY_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_BLUESKY_BLUESKY_EMULATOR_H_

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"

namespace herald::emulators {

class BlueskyEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kSeedHandle = "alice.test";
  static constexpr const char* kSeedAppPassword = "app-pass-alice";

  explicit BlueskyEmulator(EmulatorContext& ctx);

  // The DID the emulator gives `handle` (deterministic).
  static std::string DidFor(std::string_view handle);

  std::string_view Name() const override { return "bluesky"; }
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
    std::string did;
    std::string handle;
    std::string display_name;
    std::set<std::string> app_passwords;
    int64_t followers = 0;
    int64_t follows = 0;
  };
  struct RefreshToken {
    std::string did;
    std::string app_password;  // the app password the session came from
    bool revoked = false;
    std::string successor;  // jti it was rotated to
    base::Time rotated_at{};
  };
  struct Blob {
    std::string did;
    std::string mime_type;
    int64_t size = 0;
    std::string sha256;
  };
  // A verified bearer token, or the XRPC error to answer with.
  struct Auth {
    std::string did;
    std::string jti;  // refresh tokens
    std::optional<http::Response> error;
  };

  // Callers hold mu_.
  std::string IssueAccessLocked(const std::string& did, const std::string& host);
  std::string IssueRefreshLocked(const std::string& did, const std::string& app_password,
                                 const std::string& host, std::string* jti_out = nullptr);
  Json SessionJsonLocked(const Account& account, const std::string& access,
                         const std::string& refresh) const;
  Auth VerifyLocked(const http::Request& req, bool refresh);
  Account* FindAccountLocked(std::string_view handle_or_did);
  Json PostViewLocked(const CreatedPost& post) const;
  bool RateLimitedLocked(const std::string& key, int points, int64_t limit,
                         std::chrono::seconds window, http::Headers& headers);
  std::string NextTidLocked();

  http::Response CreateSession(const http::Request& req);
  http::Response RefreshSession(const http::Request& req);
  http::Response UploadBlob(const http::Request& req);
  http::Response CreateRecord(const http::Request& req);
  http::Response GetRecord(const http::Request& req);
  http::Response DeleteRecord(const http::Request& req);
  http::Response ResolveHandle(const http::Request& req);
  http::Response GetPosts(const http::Request& req);
  http::Response GetProfile(const http::Request& req);
  http::Response GetAuthorFeed(const http::Request& req);
  base::Result<Json> SeedHistory(const Json& body);

  EmulatorContext& ctx_;
  mutable std::mutex mu_;
  std::map<std::string, Account, std::less<>> accounts_;  // by DID
  std::map<std::string, RefreshToken> refresh_tokens_;    // by jti
  std::map<std::string, Blob> blobs_;                     // by CID
  std::set<std::string> expired_access_;                  // access JWTs expired on demand
  int64_t expire_all_before_ = 0;                         // access serials at or below: expired
  int64_t next_serial_ = 1;
  int64_t last_tid_micros_ = 0;
};

void RegisterBlueskyEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_BLUESKY_BLUESKY_EMULATOR_H_
