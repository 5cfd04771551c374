// MastodonPlatform: publishing to a Mastodon instance (or a compatible fork) with a user's
// access token.
//
// The instance comes from the account (`instance_url`: https://, or http:// to a loopback
// address for tests). Connect checks the token with GET /api/v1/accounts/verify_credentials.
// Publish uploads each image (POST /api/v2/media, polling GET /api/v1/media/:id while the
// instance processes it, bounded), then posts each part with POST /api/v1/statuses, chaining
// thread replies with in_reply_to_id. Every part carries an Idempotency-Key derived from the
// request's idempotency key and the part index, so a retry of an interrupted attempt returns
// the status Mastodon already made instead of a duplicate (IdempotencyKind::kNative; Mastodon
// keeps keys for an hour). Progress is saved after each part (save_remote_state) and a new
// attempt resumes after the parts already posted. Tokens do not expire; a 401 means revoked.
//
// remote_state / receipt.remote_state: {"parts": [{"id": "...", "url": "..."}, ...]}.
// Stateless per account; thread-safe.
#ifndef HERALD_PLATFORMS_MASTODON_MASTODON_PLATFORM_H_
#define HERALD_PLATFORMS_MASTODON_MASTODON_PLATFORM_H_

#include <chrono>

#include "base/clock.h"
#include "platforms/http_client.h"
#include "platforms/kit/post_validator.h"
#include "platforms/platform.h"

namespace herald::platforms::mastodon {

struct MastodonOptions {
  // Bounds every HTTP call (a timeout after sending is kUnknown).
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds connect_timeout{5'000};
  // Media processing: poll every `media_poll_interval`, at most `media_poll_attempts` times.
  std::chrono::milliseconds media_poll_interval{1'000};
  int media_poll_attempts = 60;
  // The instance's configuration.statuses.max_characters (default 500).
  int max_characters = 500;
};

class MastodonPlatform final : public Platform {
 public:
  // `http` and `clock` must outlive the platform; a null clock means the system clock.
  MastodonPlatform(HttpClient* http, const base::Clock* clock, MastodonOptions options = {});

  const PlatformInfo& Info() const override { return info_; }
  ValidationReport Validate(const Content& content) const override;
  Task<Result<ConnectedAccount>> Connect(Json args) override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  // Mastodon has no lookup by Idempotency-Key: Ok(receipt) when remote_state already holds
  // every part, else kUnimplemented (publish again: the keys make that safe).
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  // {"likes", "reposts", "replies", "quotes"?} of the first part.
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  // {"followers", "following", "posts"}.
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;
  // GET /api/v1/accounts/:id/statuses?exclude_reblogs=true, paged by max_id (40 a page).
  Task<Result<std::vector<HistoryPost>>> FetchHistory(AccountContext account,
                                                      HistoryRequest request) override;

 private:
  struct Session;  // base URL + token of one call
  PostRules Rules() const;
  Result<Session> SessionFor(const AccountContext& account) const;
  Task<Result<HttpResponse>> Call(const Session& session, std::string method, std::string path,
                                  std::string body = {}, std::string content_type = {},
                                  HttpHeaders extra = {});
  Task<Result<std::string>> UploadMedia(const Session& session, const MediaItem& item);

  HttpClient* http_;
  const base::Clock* clock_;
  MastodonOptions options_;
  PlatformInfo info_;
  PostValidator validator_;
};

// Checks an instance URL: https://host[:port] (or http:// to a loopback host), no query or
// fragment; returns it without a trailing slash. Errors: kInvalidArgument naming instance_url.
Result<std::string> NormalizeInstanceUrl(std::string_view url);

}  // namespace herald::platforms::mastodon

#endif  // HERALD_PLATFORMS_MASTODON_MASTODON_PLATFORM_H_
