// DiscordPlatform: posts to one Discord channel through an incoming webhook
// (https://discord.com/api/webhooks/{id}/{token}); the webhook URL is the credential.
//
// Connect checks the URL with GET /webhooks/{id}/{token} (name = handle, webhook id =
// external id). Publish executes the webhook with ?wait=true, so Discord returns the message and
// its id; photos go as multipart (payload_json + files[n]). Webhooks cannot reply to messages,
// so a thread is posted as consecutive messages (Features::threads is false: they are not
// linked), with progress saved after each. The X-RateLimit-* bucket headers are honoured: when
// the bucket is empty between two parts, the adapter waits for its reset (up to
// Options::max_bucket_wait) or returns kResourceExhausted with the reset time.
//
// Idempotency: IdempotencyKind::kNone. Execute Webhook documents no `nonce`/`enforce_nonce`
// (those exist only for bot-authored POST /channels/{id}/messages), and a webhook can read a
// message only by its id (GET /webhooks/{id}/{token}/messages/{message_id}); it cannot list the
// channel. A send whose answer was lost therefore cannot be found: Publish returns kUnknown and
// Find returns kUnimplemented, so the core marks the target `unknown` rather than post twice.
//
// Holds no per-account state; thread-safe. `http` must outlive the platform.
#ifndef HERALD_PLATFORMS_DISCORD_DISCORD_PLATFORM_H_
#define HERALD_PLATFORMS_DISCORD_DISCORD_PLATFORM_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platforms/discord/discord_wire.h"
#include "platforms/http_client.h"
#include "platforms/platform.h"

namespace herald::platforms::discord {

class DiscordPlatform final : public Platform {
 public:
  struct Options {
    std::string base_url = std::string(kDefaultBaseUrl);  // API root, e.g. https://discord.com/api
    std::chrono::milliseconds timeout{30'000};
    std::chrono::milliseconds upload_timeout{120'000};
    // Between thread parts, wait at most this long for an empty rate-limit bucket to refill.
    std::chrono::milliseconds max_bucket_wait{5'000};
  };

  DiscordPlatform(HttpClient* http, Options options);

  const PlatformInfo& Info() const override;
  ValidationReport Validate(const Content& content) const override;

  // args {"webhook_url"}. external_id = webhook id, handle = webhook name, settings
  // {webhook_id, guild_id, channel_id}, credentials {webhook_url (canonical)}. Errors:
  // kInvalidArgument (malformed URL, not an incoming webhook), kUnauthenticated (bad token),
  // kNotFound (webhook deleted), kUnavailable.
  Task<Result<ConnectedAccount>> Connect(Json args) override;

  // remote_state: {"channel_id": "...", "message_ids": ["...", ...]} (one per part, in order).
  // Receipt: external_id = first message id, url = discord.com/channels/... link.
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;

  // Always kUnimplemented: see the header comment.
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;

  // DELETE /webhooks/{id}/{token}/messages/{id} for every part, last first; Unknown Message
  // counts as deleted. kFailedPrecondition when the webhook itself was deleted.
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;

  // {"likes": total reactions, "reactions": {emoji: count}} of the first message.
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;

  // kUnimplemented: a webhook cannot see its channel's members.
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;

 private:
  struct Reply {
    Json body;
    RateLimit rate;
  };
  // One HTTP exchange with the webhook: the raw answer, or the mapped transport error.
  Task<Result<HttpResponse>> Exchange(WebhookRef hook, std::string method, std::string path_suffix,
                                      std::string content_type, std::string body, CallKind kind,
                                      std::chrono::milliseconds timeout);
  // Exchange + ParseResponse.
  Task<Result<Reply>> Call(WebhookRef hook, std::string method, std::string path_suffix,
                           std::string content_type, std::string body, CallKind kind,
                           std::chrono::milliseconds timeout);
  Task<Result<Reply>> ExecutePart(WebhookRef hook, PostPart part);
  std::string HookUrl(const WebhookRef& hook) const;

  HttpClient* http_;
  Options options_;
};

// The platform as production uses it: base URL from `base_urls["discord"]` when set (tests,
// emulators), else the default. `http` must outlive it.
std::unique_ptr<Platform> MakeDiscordPlatform(HttpClient* http, const BaseUrlOverrides& base_urls);

}  // namespace herald::platforms::discord

#endif  // HERALD_PLATFORMS_DISCORD_DISCORD_PLATFORM_H_
