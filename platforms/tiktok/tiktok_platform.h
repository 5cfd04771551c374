// TikTokPlatform: direct posting of a video to a TikTok creator's account (Content Posting API
// v2) over TikTok's OAuth v2, on the kit's OAuthNetworkBase.
//
// Endpoints: the browser goes to <auth>/v2/auth/authorize/ (auth = https://www.tiktok.com or
// HERALD_TIKTOK_AUTH_URL) with `client_key` (TikTok's name for the client id: HERALD_TIKTOK_
// CLIENT_KEY) and comma-separated scopes; everything else is on <api>
// (https://open.tiktokapis.com or HERALD_TIKTOK_API_URL, the real paths kept): POST
// /v2/oauth/token/ (client_key and client_secret in the form; refresh tokens rotate and go
// through the core's one refresh per account), GET /v2/user/info/, POST
// /v2/post/publish/creator_info/query/, /video/init/, /status/fetch/, /v2/video/query/. The
// chunks go to the upload URL TikTok answers the init with.
//
// Connect: the user info names the account; the creator info (privacy levels offered, whether
// comments, duets and stitches may be allowed, the longest video) is stored in the account's
// settings, so Validate checks a post against it (Content::account_settings).
//
// Publish: one video (TikTok has no threads; a caption of up to 2,200 UTF-16 units), with
// platform_options.tiktok {privacy_level (required), disable_comment/duet/stitch,
// brand_content, brand_organic}. TikTok requires the creator info to be queried before each
// post: it is, and the post is checked against it before anything is sent (a clear error
// naming the rule). Then FILE_UPLOAD: the init's publish_id and upload URL are saved
// (save_remote_state) before the first byte, each chunk read from MediaItem::path (never the
// whole file), PUT with Content-Range, recorded and reported (report_progress); then the publish
// status is polled until PUBLISH_COMPLETE (with the public video id when the post is public) or
// FAILED with TikTok's reason. With TikTokOptions::pull_from_url (TikTok has verified herald's
// public media URL prefix) TikTok downloads the video from MediaItem::url instead.
//
// Photo posts (pull_from_url only: TikTok takes photos from URLs alone): a post whose media are
// all images (1 to 35, JPEG or WebP; herald converts others to JPEG) goes to
// /v2/post/publish/content/init/ (media_type PHOTO, DIRECT_POST, the first image the cover);
// the post's text is the description (up to 4,000 UTF-16 units), platform_options.tiktok.title
// (up to 90) and auto_add_music are for photo posts only; privacy and comments are checked
// against the creator info as for a video. remote_state {"source":"PULL_FROM_URL",
// "media_type":"PHOTO","init_sent":true} is saved before the init, then with its publish_id
// before polling; the receipt's URL is .../@{username}/photo/{id}. Without pull_from_url,
// Validate refuses images naming HERALD_TIKTOK_PULL_FROM_URL.
//
// Exactly once: a FILE_UPLOAD publish becomes a video only with every byte, so an init whose
// answer was lost is simply made again (the orphan never gets bytes and expires). Once a
// publish_id is saved, every later attempt asks TikTok its status first: a complete or
// processing video is waited for, never sent again; an incomplete upload resumes at TikTok's
// uploaded_bytes while the upload URL lives (an hour), and starts over only when it is gone
// and nothing was published. Find reads the status of the saved publish_id. A daily posting
// cap (spam_risk_too_many_posts, ...) is a quota wait (TikTokOptions::cap_wait), never a
// failure. TikTok's API cannot delete a video (Delete is kUnimplemented).
//
// remote_state: {"publish_id","source","upload_url","upload_expires_at" (unix ms),
// "video_size","chunk_size","chunk_count","chunks_done"}; the receipt's: {"publish_id",
// "post_id"?, "media_type":"PHOTO" for a photo post}. Thread-safe; `http` and `clock` outlive it.
#ifndef HERALD_PLATFORMS_TIKTOK_TIKTOK_PLATFORM_H_
#define HERALD_PLATFORMS_TIKTOK_TIKTOK_PLATFORM_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "platforms/http_client.h"
#include "platforms/kit/oauth_network_base.h"
#include "platforms/kit/pause.h"
#include "platforms/kit/post_validator.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/platform.h"
#include "platforms/tiktok/tiktok_wire.h"

namespace herald::platforms {
struct PlatformEnv;
}

namespace herald::platforms::tiktok {

struct TikTokOptions {
  // Scheme and host replacing https://open.tiktokapis.com (HERALD_TIKTOK_API_URL); "" = real.
  std::string api_url;
  // Bytes per chunk (within the bounds below), and TikTok's chunk rules: a file under
  // min_chunk_bytes goes whole; tests lower the minimum to use small files.
  int64_t chunk_bytes = 10 * 1024 * 1024;
  int64_t min_chunk_bytes = 5 * 1024 * 1024;
  int64_t max_chunk_bytes = 64 * 1024 * 1024;
  // How long an upload URL lives (TikTok: an hour); an upload older than this starts over.
  std::chrono::seconds upload_url_ttl{3600};
  // TikTok downloads the video from MediaItem::url (its prefix verified in TikTok's developer
  // portal) instead of herald uploading it.
  bool pull_from_url = false;
  // Status checks while TikTok processes (and moderates) the video before this attempt gives
  // up (kUnavailable: the next attempt looks again), and the wait between two.
  int max_status_checks = 60;
  std::chrono::milliseconds status_delay{5'000};
  // How the flow waits `delay` (empty: an Asio timer; tests advance a FakeClock).
  PauseFn pause;
  // A spent daily posting cap: when to try again.
  std::chrono::seconds cap_wait{3600};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds upload_timeout{300'000};  // one chunk
};

// TikTok's OAuth v2 description: authorize on `auth_url` (default https://www.tiktok.com),
// token on `api_url`, TikTokScopes() comma-separated, client_key and client_secret in the form,
// PKCE S256.
oauth::OAuthProvider TikTokProvider(std::string_view api_url, std::string_view auth_url);

class TikTokPlatform final : public OAuthNetworkBase {
 public:
  TikTokPlatform(oauth::OAuthProvider provider, HttpClient& http, const base::Clock& clock,
                 TikTokOptions options = {});

  const PlatformInfo& Info() const override { return info_; }
  // One video with a caption of up to 2,200 UTF-16 units, or 1 to 35 photos with a description
  // of up to 4,000 (pull_from_url only), and platform_options.tiktok checked against the
  // account's creator info when the settings hold it.
  ValidationReport Validate(const Content& content) const override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  // The saved publish_id's status: Ok(receipt) when published, Ok(nullopt) otherwise (Publish
  // then resumes from remote_state); kUnimplemented for a PULL_FROM_URL init whose answer was
  // lost (TikTok cannot be asked about a publish herald has no id of).
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  // kUnimplemented: TikTok's API has no delete.
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  // /v2/video/query/ of the public video: {"views","likes","replies","reposts"}.
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  // /v2/user/info/ counts: {"followers","following","likes","posts"}.
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;
  // User info and creator info for fresh tokens; kFailedPrecondition naming missing scopes.
  Task<Result<ConnectedAccount>> Identify(oauth::TokenSet tokens) override;

 private:
  Task<Result<HttpResponse>> Call(AccountContext& account, std::string path, std::string body,
                                  std::string action, CallKind kind, std::string method = "POST");
  Task<Result<HttpResponse>> CallWith(std::string token, const std::string& method,
                                      const std::string& path, const std::string& body,
                                      const std::string& action, CallKind kind);
  Task<Result<CreatorInfo>> QueryCreator(AccountContext& account);
  Task<Result<PublishStatus>> FetchStatus(AccountContext& account, const std::string& id);
  // Sends chunks from state["chunks_done"] on; false when the upload URL is gone (404).
  Task<Result<bool>> UploadChunks(PublishRequest& request, const MediaItem& video, Json& state);
  // Polls the status of state's publish until it is published (the receipt) or failed.
  Task<Result<PublishReceipt>> AwaitPublished(PublishRequest& request, Json& state,
                                              const std::string& privacy);

  TikTokOptions options_;
  std::string api_;
  PlatformInfo info_;
  PostValidator validator_;
  PostValidator photo_validator_;  // a photo post: its text is a description of 4,000
};

// The TikTok network for `env`: HERALD_TIKTOK_API_URL / _AUTH_URL overrides and the
// HERALD_TIKTOK_CLIENT_KEY / _CLIENT_SECRET app; nullptr when env has no HTTP client.
std::unique_ptr<Platform> MakeTikTokPlatform(const PlatformEnv& env);

}  // namespace herald::platforms::tiktok

#endif  // HERALD_PLATFORMS_TIKTOK_TIKTOK_PLATFORM_H_
