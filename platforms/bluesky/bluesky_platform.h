// BlueskyPlatform: publishing to Bluesky (any AT Protocol PDS) with an app password.
//
// The PDS comes from the account (`service_url`, default https://bsky.social; http:// only to
// loopback, for tests). Connect calls com.atproto.server.createSession {identifier: handle,
// password: app password}; the stored credentials are the app password plus the session
// (access and refresh JWTs, did, handle). Each call refreshes the session when the access JWT
// is about to expire or when the PDS answers ExpiredToken/InvalidToken (whatever the status
// code), with com.atproto.server.refreshSession, falling back to createSession with the app
// password; rotated tokens are persisted through AccountContext::save_credentials before the
// call goes on.
//
// Publish uploads images (com.atproto.repo.uploadBlob, alt text in the embed), detects facets
// (links, hashtags, mentions resolved with com.atproto.identity.resolveHandle; an unresolvable
// mention stays plain text) at UTF-8 byte offsets, and creates each part with
// com.atproto.repo.createRecord under a record key herald chooses: a TID derived from the
// idempotency key and the part index. A retry of a part that was already created collides with
// the existing record (the reference PDS answers 500 InternalServerError, others 400
// InvalidRequest "Record already exists"); any failed create (but a 429 or an auth failure) is
// therefore checked with com.atproto.repo.getRecord, and an existing record is taken as the
// success it was (IdempotencyKind::kNative). When that lookup cannot be made (429, 5xx, lost
// answer) the create's refusal is not reported: the answer is a transient error
// (kResourceExhausted with its retry_after, or kUnavailable), so the next attempt looks again
// (LookupFailedError). Threads chain `reply: {root, parent}` strong refs;
// progress is saved after each part and a new attempt resumes after the parts already made.
//
// remote_state / receipt.remote_state: {"did": "...", "parts": [{"uri","cid","rkey","url"}]}.
// Stateless per account; thread-safe.
#ifndef HERALD_PLATFORMS_BLUESKY_BLUESKY_PLATFORM_H_
#define HERALD_PLATFORMS_BLUESKY_BLUESKY_PLATFORM_H_

#include <chrono>
#include <string>

#include "base/clock.h"
#include "platforms/http_client.h"
#include "platforms/platform.h"

namespace herald::platforms::bluesky {

inline constexpr std::string_view kDefaultServiceUrl = "https://bsky.social";

struct BlueskyOptions {
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds connect_timeout{5'000};
  // Refresh the session when the access JWT expires within this margin.
  std::chrono::seconds refresh_margin{60};
};

class BlueskyPlatform final : public Platform {
 public:
  // `http` and `clock` must outlive the platform; a null clock means the system clock.
  BlueskyPlatform(HttpClient* http, const base::Clock* clock, BlueskyOptions options = {});

  const PlatformInfo& Info() const override { return info_; }
  ValidationReport Validate(const Content& content) const override;
  Task<Result<ConnectedAccount>> Connect(Json args) override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  // Looks up every part's record key with getRecord: Ok(receipt) when all exist, Ok(nullopt)
  // when some do not (publishing again completes the post without duplicates); a lookup that
  // cannot be made is kUnavailable / kResourceExhausted (LookupFailedError), never nullopt.
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  // {"likes", "reposts", "replies", "quotes"} of the first part (app.bsky.feed.getPosts).
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  // {"followers", "following", "posts"} (app.bsky.actor.getProfile).
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;
  // app.bsky.feed.getAuthorFeed of the account's own did, paged by cursor (100 a page);
  // reposts of other people's posts are left out.
  Task<Result<std::vector<HistoryPost>>> FetchHistory(AccountContext account,
                                                      HistoryRequest request) override;

 private:
  struct Session;
  Result<Session> SessionFor(const AccountContext& account) const;
  // One XRPC call with the session's access token, refreshing it first when it is about to
  // expire and once more when the PDS says it expired. `session` is owned by the calling
  // coroutine, which awaits this one.
  Task<Result<HttpResponse>> Xrpc(Session* session, std::string method, std::string nsid,
                                  std::string query, std::string body, std::string content_type);
  Task<Result<void>> Refresh(Session* session);
  Task<Result<HttpResponse>> Send(std::string method, std::string url, std::string bearer,
                                  std::string body, std::string content_type);
  Task<Result<std::optional<Json>>> GetRecord(Session* session, std::string rkey);
  Task<Result<std::string>> ResolveHandle(Session* session, std::string handle);

  HttpClient* http_;
  const base::Clock* clock_;
  BlueskyOptions options_;
  PlatformInfo info_;
};

// Checks a PDS URL (https://host[:port], or http:// to a loopback host); "" means the default
// https://bsky.social. Returns it without a trailing slash. Errors: kInvalidArgument naming
// service_url.
Result<std::string> NormalizeServiceUrl(std::string_view url);

}  // namespace herald::platforms::bluesky

#endif  // HERALD_PLATFORMS_BLUESKY_BLUESKY_PLATFORM_H_
