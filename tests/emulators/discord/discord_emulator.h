// DiscordEmulator: Discord's incoming-webhook API, on loopback.
//
// Routes (also under /api/v{N}/...):
//   GET    /api/webhooks/{id}/{token}                       the Webhook object (with token)
//   POST   /api/webhooks/{id}/{token}[?wait=true]           Execute Webhook: JSON, or multipart
//          with `payload_json` + `files[n]` (attachments [{id, filename, description}] map to
//          files[id]). wait=true -> 200 Message; otherwise 204 No Content (no id). Errors:
//          400 {"code":50035,"message":"Invalid Form Body","errors":{...}} (content over 2000
//          code points, attachment description over 1024, more than 10 files), 400 50006
//          "Cannot send an empty message", 400 50109 invalid JSON, 413 40005 for a file over
//          config "max_file_bytes" (10 MiB). `nonce`/`enforce_nonce` are ignored (webhooks have
//          no duplicate protection: a repeated request makes a second message), as are
//          message_reference and other bot-only fields.
//   GET    /api/webhooks/{id}/{token}/messages/{message_id}  the Message, with `reactions` from
//          the ledger metrics ({"reactions": {"🔥": 7}} or {"likes": N} -> 👍 N)
//   DELETE /api/webhooks/{id}/{token}/messages/{message_id}  204; 404 10008 Unknown Message
// Unknown or deleted webhook: 404 {"message":"Unknown Webhook","code":10015}; wrong token: 401
// {"message":"Invalid Webhook Token","code":50027}.
// Rate limits: one bucket per webhook for executes (config "webhook_rate_limit" 5 requests per
// "webhook_rate_window_seconds" 2) and one for message reads/deletes; every answer carries
// X-RateLimit-Limit / -Remaining / -Reset (epoch seconds, decimals) / -Reset-After / -Bucket;
// over the limit: 429 {"message":"You are being rate limited.","retry_after":1.5,"global":false}
// with Retry-After and X-RateLimit-Scope: user. Server errors: 500 JSON {"message":"500:
// Internal Server Error","code":0}, 502-504 Cloudflare HTML pages.
//
// Seeded: webhook 1234567890123456789 "Acme Announcements" (token kSeedToken, guild
// 1122334455667788990, channel 1199887766554433221) and a channel-follower webhook (type 2)
// 1234567890123456790 (token kFollowerToken).
// Ledger: one post per message; account = webhook id; idempotency_key = the nonce if one was
// sent (it dedupes nothing); extra {channel_id, guild_id, allowed_mentions, pings_everyone}.
// Control: POST /__emulator/tokens {"name"?, "guild_id"?, "channel_id"?, "type"?} ->
// {"token", "webhook_id", "webhook_url"}; DELETE /__emulator/tokens/{token} deletes the webhook
// (then 404 10015); POST /__emulator/tokens/expire {"token"} resets its token (then 401 50027).
#ifndef HERALD_TESTS_EMULATORS_DISCORD_DISCORD_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_DISCORD_DISCORD_EMULATOR_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"

namespace herald::emulators {

class DiscordEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kSeedWebhookId = "1234567890123456789";
  static constexpr const char* kSeedToken =
      "EmuSeedToken_hK3v9Zq-ExampleExampleExampleExampleExampleExample12345";
  static constexpr const char* kFollowerWebhookId = "1234567890123456790";
  static constexpr const char* kFollowerToken =
      "EmuFollowerToken_ExampleExampleExampleExampleExampleExample1234567";
  static constexpr const char* kGuildId = "1122334455667788990";
  static constexpr const char* kChannelId = "1199887766554433221";

  explicit DiscordEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "discord"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  Json Info() const override;
  void Reset() override;
  Json DefaultConfig() const override;

 private:
  struct Webhook {
    std::string id;
    std::string token;
    int type = 1;
    std::string name;
    std::string guild_id;
    std::string channel_id;
    bool deleted = false;
  };
  struct Message {
    std::string id;
    std::string webhook_id;
    Json body;  // the Message object as returned on create
    bool deleted = false;
  };

  // The webhook a request addresses, or the Discord error answer.
  std::optional<http::Response> Resolve(const http::Request& req, Webhook& out);
  // Consumes one request from `bucket`, sets the X-RateLimit-* headers on `headers`, and returns
  // the 429 answer when the bucket is empty.
  std::optional<http::Response> Limit(const std::string& bucket, http::Headers& headers);

  http::Response GetWebhook(const http::Request& req);
  http::Response Execute(const http::Request& req);
  http::Response GetMessage(const http::Request& req);
  http::Response DeleteMessage(const http::Request& req);

  std::string NextSnowflake();
  Json WebhookJson(const Webhook& w) const;

  EmulatorContext& ctx_;
  mutable std::mutex mu_;
  std::map<std::string, Webhook, std::less<>> webhooks_;
  std::map<std::string, Message, std::less<>> messages_;
  int64_t next_seq_ = 0;
  int64_t next_webhook_ = 1;
};

void RegisterDiscordEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_DISCORD_DISCORD_EMULATOR_H_
