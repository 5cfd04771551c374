#include "platforms/youtube/youtube_platform.h"

#include <algorithm>
#include <utility>

#include "base/time.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/media_bytes.h"
#include "platforms/kit/oauth_scopes.h"
#include "platforms/kit/transport_errors.h"
#include "platforms/text/length_rules.h"

namespace herald::platforms::youtube {
namespace {

constexpr int64_t kMaxVideoBytes = 256LL * 1024 * 1024 * 1024;  // 256 GB
constexpr int64_t kMaxDurationMs = 12LL * 3600 * 1000;             // 12 hours

std::string ItemName(const MediaItem& item) {
  return item.file_name.empty() ? "the video" : item.file_name;
}

std::string UploadsPlaylist(const AccountContext& account) {
  std::string playlist = base::GetString(account.settings, "uploads_playlist");
  // A channel's uploads playlist is its id with "UU" for "UC".
  if (playlist.empty() && account.external_id.rfind("UC", 0) == 0) {
    playlist = "UU" + account.external_id.substr(2);
  }
  return playlist;
}

bool Retryable(const base::Error& e) {
  switch (e.code()) {
    case base::ErrorCode::kUnavailable:
    case base::ErrorCode::kUnknown:
    case base::ErrorCode::kDeadlineExceeded:
      return true;
    case base::ErrorCode::kResourceExhausted:
      return !e.quota_wait();
    default:
      return false;
  }
}

}  // namespace

oauth::OAuthProvider YouTubeProvider(std::string_view auth_url) {
  const std::string auth = TrimSlash(std::string(auth_url.empty() ? kYouTubeAuthUrl : auth_url));
  const std::string token = auth_url.empty() ? std::string(kYouTubeTokenUrl) : auth;
  oauth::OAuthProvider p =
      oauth::MakeProvider(kYouTubeNetworkId, "YouTube", auth + "/o/oauth2/v2/auth",
                          token + "/token", YouTubeScopes(), oauth::ClientAuthMethod::kPost,
                          /*pkce=*/true);
  p.revoke_url = token + "/revoke";
  // Offline access and a fresh consent: Google gives a refresh token only then.
  p.extra_authorize_params = {{"access_type", "offline"}, {"prompt", "consent"}};
  return p;
}

YouTubePlatform::YouTubePlatform(oauth::OAuthProvider provider, HttpClient& http,
                                 const base::Clock& clock, YouTubeOptions options)
    : OAuthNetworkBase(std::move(provider), http, clock, ErrorOptions()),
      options_(std::move(options)),
      api_(TrimSlash(options_.api_url.empty() ? std::string(kYouTubeApiUrl) : options_.api_url)),
      validator_(PostRules{}) {
  info_.id = std::string(kYouTubeNetworkId);
  info_.name = "YouTube";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{kMaxDescriptionBytes, 0, "bytes", 0};
  MediaRules& m = info_.media;
  m.max_items = 1;
  m.mime_types = {"video/mp4",       "video/quicktime", "video/webm", "video/x-matroska",
                  "video/x-msvideo", "video/mpeg",      "video/3gpp"};
  m.max_video_bytes = kMaxVideoBytes;
  m.video_alone = true;
  m.max_video_duration_ms = kMaxDurationMs;
  info_.features.threads = false;
  info_.features.delete_posts = true;
  info_.features.post_metrics = true;
  info_.features.account_metrics = true;
  info_.features.idempotency = IdempotencyKind::kReconcile;
  info_.options_schema = OptionsSchema();
  PostRules r;
  r.text = {"YouTube", kMaxDescriptionBytes, text::LengthUnit::kBytes};
  r.over_limit_hint = " (the text is the video's description)";
  r.needs = "a video";
  r.empty_part = "YouTube needs a video";
  r.media = info_.media;
  validator_ = PostValidator(std::move(r));
}

ValidationReport YouTubePlatform::Validate(const Content& content) const {
  ValidationReport report = validator_.Validate(content);
  if (content.parts.empty()) return report;
  if (content.parts.size() > 1) {
    report.violations.push_back(
        {"thread", "YouTube has no threads: this post has " +
                       std::to_string(content.parts.size()) +
                       " parts; a YouTube post is one video with its description"});
  }
  const PostPart& post = content.parts[0];
  if (post.media.empty()) {
    report.violations.push_back(
        {"media", "YouTube needs a video: attach one video file (the text becomes its "
                  "description)"});
  }
  const MediaItem* item = post.media.empty() ? nullptr : &post.media[0];
  for (Violation& v : CheckMetadata(post.text, content.options, item)) {
    report.violations.push_back(std::move(v));
  }
  return report;
}

// ---- calls ----

base::Error YouTubePlatform::Refusal(const HttpResponse& r, std::string_view action,
                                     std::string_view secret) {
  const std::string reason = ErrorReason(r);
  if (!IsDailyQuota(reason)) return errors().FromResponse(r, action, clock().Now(), secret);
  const base::Time now = clock().Now();
  const base::Time reset = NextQuotaReset(now);
  std::string message;
  if (reason == "uploadLimitExceeded") {
    message = "the channel has reached YouTube's daily upload limit (uploadLimitExceeded); "
              "herald tries again after midnight Pacific time (" +
              base::FormatRfc3339(reset) + ")";
  } else {
    quota_spent_until_.store(base::ToUnixMicros(reset));
    message = "the daily YouTube API quota of herald's Google Cloud project is spent (" + reason +
              "); herald goes on after it resets at midnight Pacific time (" +
              base::FormatRfc3339(reset) + ")";
  }
  base::Error e = base::ResourceExhausted(std::move(message));
  e.set_detail("YouTube " + std::string(action) + ": HTTP " + std::to_string(r.status) + " " +
               Redact(r.body.substr(0, 512), secret));
  e.set_retry_after(std::chrono::duration_cast<std::chrono::milliseconds>(reset - now));
  e.set_quota_wait();
  return e;
}

Task<Result<HttpResponse>> YouTubePlatform::CallWith(std::string token, HttpRequest req,
                                                     std::string action, CallKind kind,
                                                     std::vector<int> pass) {
  req.headers.emplace_back("Authorization", "Bearer " + token);
  req.headers.emplace_back("Accept", "application/json");
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Send(std::move(req), kind));
  if (r.status >= 200 && r.status <= 299) co_return r;
  if (std::find(pass.begin(), pass.end(), r.status) != pass.end()) co_return r;
  co_return Refusal(r, action, token);
}

Task<Result<HttpResponse>> YouTubePlatform::Call(AccountContext& account, std::string method,
                                                 std::string url, HttpHeaders headers,
                                                 std::string body, std::string action,
                                                 CallKind kind, std::vector<int> pass,
                                                 std::chrono::milliseconds timeout) {
  co_return co_await WithToken<HttpResponse>(
      account, [&](std::string token) -> Task<Result<HttpResponse>> {
        HttpRequest req;
        req.method = method;
        req.url = url;
        req.headers = headers;
        req.body = body;
        req.connect_timeout = options_.connect_timeout;
        req.total_timeout = timeout.count() > 0 ? timeout : options_.request_timeout;
        co_return co_await CallWith(std::move(token), std::move(req), action, kind, pass);
      });
}

Result<YouTubePlatform::SessionState> YouTubePlatform::ReadSessionAnswer(const HttpResponse& r,
                                                                         std::string_view action) {
  SessionState s;
  if (r.status == 200 || r.status == 201) {
    HERALD_ASSIGN_OR_RETURN(Video v, ParseUploadedVideo(r.body));
    s.kind = SessionState::Kind::kCreated;
    s.video = std::move(v);
  } else if (r.status == 308) {
    HERALD_ASSIGN_OR_RETURN(s.confirmed, ConfirmedBytes(r.Header("Range")));
    s.kind = SessionState::Kind::kIncomplete;
  } else if (r.status == 404 || r.status == 410) {
    s.kind = SessionState::Kind::kGone;
  } else {
    return Refusal(r, action, "");
  }
  return s;
}

Task<Result<YouTubePlatform::SessionState>> YouTubePlatform::QuerySession(
    AccountContext& account, const std::string& session, int64_t total) {
  const std::string action = "the status of the upload";
  HttpHeaders headers = {{"Content-Range", StatusRange(total)}};
  std::vector<int> pass = {308, 404, 410};
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                             co_await Call(account, "PUT", session, std::move(headers), "",
                                           action, CallKind::kRead, std::move(pass)));
  co_return ReadSessionAnswer(r, action);
}

Task<Result<std::optional<UploadEntry>>> YouTubePlatform::FindUpload(
    AccountContext& account, const std::string& title, std::optional<base::Time> since) {
  const std::string playlist = UploadsPlaylist(account);
  if (playlist.empty()) {
    co_return base::Unavailable("the YouTube account has no uploads playlist to look videos up in");
  }
  const std::string first = api_ + "/youtube/v3/playlistItems?part=snippet,contentDetails" +
                            "&playlistId=" + http::PercentEncode(playlist) +
                            "&maxResults=" + std::to_string(options_.find_page_size);
  std::string next;
  for (int page = 0; page < options_.find_pages; ++page) {
    const std::string url =
        next.empty() ? first : first + "&pageToken=" + http::PercentEncode(next);
    HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                               co_await Call(account, "GET", url, HttpHeaders(), "",
                                             "looking up the channel's recent uploads",
                                             CallKind::kRead));
    HERALD_CO_ASSIGN_OR_RETURN(std::vector<UploadEntry> entries, ParsePlaylistItems(r.body));
    for (const UploadEntry& e : entries) {
      // Newest first: past `since`, the rest is older.
      if (since && e.published_at && *e.published_at < *since) co_return std::nullopt;
      if (e.title == title) co_return std::optional<UploadEntry>(e);
    }
    next = ParseNextPageToken(r.body);
    if (next.empty() || entries.empty()) break;
  }
  co_return std::optional<UploadEntry>();
}

Task<Result<std::optional<PublishReceipt>>> YouTubePlatform::Reconcile(PublishRequest& request,
                                                                       const Json& upload) {
  const PostPart& post = request.content.parts[0];
  const MediaItem* item = post.media.empty() ? nullptr : &post.media[0];
  const VideoMetadata metadata = ComposeMetadata(post.text, request.content.options, item);
  std::optional<base::Time> since;
  if (auto t = base::ParseRfc3339(base::GetString(upload, "started_at")); t.ok()) {
    since = *t - options_.find_slack;
  }
  HERALD_CO_ASSIGN_OR_RETURN(std::optional<UploadEntry> found,
                             co_await FindUpload(request.account, metadata.title, since));
  if (!found) co_return std::optional<PublishReceipt>();
  co_return std::optional<PublishReceipt>(Receipt(found->video_id, item && IsShort(*item)));
}

PublishReceipt YouTubePlatform::Receipt(const std::string& id, bool is_short) const {
  PublishReceipt receipt;
  receipt.external_id = id;
  receipt.url = VideoUrl(id, is_short);
  receipt.remote_state =
      Json{{"video", {{"id", id}, {"url", receipt.url}, {"short", is_short}}}};
  return receipt;
}

// ---- connect ----

Task<Result<ConnectedAccount>> YouTubePlatform::Identify(oauth::TokenSet tokens) {
  HERALD_CO_RETURN_IF_ERROR(
      RequireScopes(tokens.scope, MissingScopes(tokens.scope), "Google", "channel"));
  HttpRequest req;
  req.method = "GET";
  req.url = api_ + "/youtube/v3/channels?part=snippet,statistics,contentDetails&mine=true";
  req.connect_timeout = options_.connect_timeout;
  req.total_timeout = options_.request_timeout;
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await CallWith(tokens.access_token, std::move(req), "the channel", CallKind::kRead, {}));
  HERALD_CO_ASSIGN_OR_RETURN(Channel channel, ParseChannels(r.body));
  ConnectedAccount out;
  out.external_id = channel.id;
  out.handle = channel.custom_url.empty() ? channel.title : channel.custom_url;
  out.display_name = channel.title.empty() ? channel.id : channel.title;
  out.base_url = api_;
  out.settings = Json{{"channel_id", channel.id},
                      {"title", channel.title},
                      {"uploads_playlist", channel.uploads_playlist}};
  out.token_expires_at = tokens.expires_at;
  co_return out;
}

// ---- publish ----

Task<Result<PublishReceipt>> YouTubePlatform::Publish(PublishRequest request) {
  if (request.content.parts.empty() || request.content.parts[0].media.empty()) {
    co_return base::InvalidArgument(
        "YouTube needs a video: attach one video file (the text becomes its description)");
  }
  const PostPart& post = request.content.parts[0];
  const MediaItem& item = post.media[0];
  const bool is_short = IsShort(item);
  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  if (const Json video = state.value("video", Json::object());
      video.is_object() && !base::GetString(video, "id").empty()) {
    co_return Receipt(base::GetString(video, "id"), video.value("short", is_short));
  }
  HERALD_CO_ASSIGN_OR_RETURN(const int64_t total, MediaByteCount(item, "YouTube"));
  const VideoMetadata metadata = ComposeMetadata(post.text, request.content.options, &item);
  AccountContext& account = request.account;
  const std::string action = "uploading " + ItemName(item);
  auto save = [&]() -> Result<void> {
    return request.save_remote_state ? request.save_remote_state(state) : base::Ok();
  };
  auto progress = [&](int64_t done) {
    if (request.report_progress) request.report_progress(done, total);
  };
  auto finish = [&](const Video& v) {
    progress(total);
    return Receipt(v.id, is_short);
  };
  const int64_t chunk =
      std::max(kUploadQuantum, options_.chunk_bytes / kUploadQuantum * kUploadQuantum);
  const std::string type = item.mime_type.empty() ? "video/*" : item.mime_type;

  Json upload = state.value("upload", Json::object());
  std::string session;
  int64_t offset = 0;
  if (upload.is_object() && !base::GetString(upload, "session").empty()) {
    // An earlier attempt started this upload: ask Google how far it got.
    session = base::GetString(upload, "session");
    const int64_t saved_total = upload.value("total", int64_t{-1});
    HERALD_CO_ASSIGN_OR_RETURN(SessionState s,
                               co_await QuerySession(account, session, saved_total));
    if (s.kind == SessionState::Kind::kCreated) co_return finish(*s.video);
    if (s.kind == SessionState::Kind::kIncomplete) {
      offset = s.confirmed;
      // The file is not the one that session was for (it can never complete): a new one.
      if (saved_total != total) session.clear();
    } else {
      HERALD_CO_ASSIGN_OR_RETURN(std::optional<PublishReceipt> found,
                                 co_await Reconcile(request, upload));
      if (found) co_return std::move(*found);
      session.clear();
    }
  }
  for (int sessions = 0;; ++sessions) {
    if (session.empty()) {
      if (sessions >= 2) {
        co_return base::Unavailable("YouTube dropped two upload sessions of " + ItemName(item) +
                                    " in a row; herald tries again later");
      }
      const base::Time now = clock().Now();
      if (const int64_t until = quota_spent_until_.load(); until > base::ToUnixMicros(now)) {
        const base::Time reset = base::FromUnixMicros(until);
        co_return base::ResourceExhausted(
                   "the daily YouTube API quota of herald's Google Cloud project is spent; "
                   "herald uploads the video after it resets at midnight Pacific time (" +
                   base::FormatRfc3339(reset) + ")")
            .set_retry_after(std::chrono::duration_cast<std::chrono::milliseconds>(reset - now))
            .set_quota_wait();
      }
      HttpHeaders headers = {{"Content-Type", "application/json; charset=UTF-8"},
                             {"X-Upload-Content-Length", std::to_string(total)},
                             {"X-Upload-Content-Type", type}};
      HERALD_CO_ASSIGN_OR_RETURN(
          HttpResponse r,
          co_await Call(account, "POST",
                        api_ + "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
                        std::move(headers), InsertBody(metadata),
                        "starting the upload of " + ItemName(item), CallKind::kRead));
      session = r.Header("Location");
      if (session.empty()) {
        co_return base::Unavailable("YouTube started an upload without giving its session URL");
      }
      offset = 0;
      upload = Json{{"session", session},
                    {"total", total},
                    {"offset", 0},
                    {"started_at", base::FormatRfc3339(now)}};
      state["upload"] = upload;
      // Saved before any byte is sent: a later attempt resumes this session, never a second.
      HERALD_CO_RETURN_IF_ERROR(save());
    }
    progress(offset);
    int failures = 0;
    SessionState s;
    for (;;) {
      Result<SessionState> answer = s;
      if (offset >= total) {
        answer = co_await QuerySession(account, session, total);
      } else {
        const int64_t n = std::min(chunk, total - offset);
        HERALD_CO_ASSIGN_OR_RETURN(std::string bytes,
                                   ReadMediaRange(item, offset, n, "YouTube"));
        HttpHeaders headers = {{"Content-Type", type},
                               {"Content-Range", ContentRange(offset, offset + n - 1, total)}};
        std::vector<int> pass = {308, 404, 410};
        auto r = co_await Call(account, "PUT", session, std::move(headers), std::move(bytes),
                               action, CallKind::kRead, std::move(pass), options_.upload_timeout);
        answer = r.ok() ? ReadSessionAnswer(*r, action) : Result<SessionState>(r.error());
      }
      if (!answer.ok()) {
        const base::Error& e = answer.error();
        if (!Retryable(e)) co_return e;
        auto stopped = [&](const base::Error& why) {
          return base::Unavailable("the upload of " + ItemName(item) + " to YouTube stopped at " +
                                       std::to_string(offset) + " of " + std::to_string(total) +
                                       " bytes (" + why.message() +
                                       "); herald resumes it where it stopped",
                                   why.ToLogString());
        };
        if (++failures > options_.max_chunk_failures) co_return stopped(e);
        // Where did the chunk end? Google says.
        answer = co_await QuerySession(account, session, total);
        if (!answer.ok()) {
          if (!Retryable(answer.error())) co_return answer.error();
          co_return stopped(answer.error());
        }
      }
      s = *answer;
      if (s.kind != SessionState::Kind::kIncomplete) break;
      offset = s.confirmed;
      upload["offset"] = offset;
      state["upload"] = upload;
      HERALD_CO_RETURN_IF_ERROR(save());
      progress(offset);
    }
    if (s.kind == SessionState::Kind::kCreated) co_return finish(*s.video);
    // Gone: a new session only if this one made no video.
    HERALD_CO_ASSIGN_OR_RETURN(std::optional<PublishReceipt> found,
                               co_await Reconcile(request, upload));
    if (found) co_return std::move(*found);
    session.clear();
  }
}

Task<Result<std::optional<PublishReceipt>>> YouTubePlatform::Find(PublishRequest request) {
  if (request.content.parts.empty() || request.content.parts[0].media.empty()) {
    co_return base::InvalidArgument("the post has no video to look up");
  }
  const MediaItem& item = request.content.parts[0].media[0];
  const Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  if (const Json video = state.value("video", Json::object());
      video.is_object() && !base::GetString(video, "id").empty()) {
    co_return std::optional<PublishReceipt>(
        Receipt(base::GetString(video, "id"), video.value("short", IsShort(item))));
  }
  const Json upload = state.value("upload", Json::object());
  const std::string session = upload.is_object() ? base::GetString(upload, "session") : "";
  // No session saved: no byte was sent, so no video can exist.
  if (session.empty()) co_return std::optional<PublishReceipt>();
  auto s = co_await QuerySession(request.account, session, upload.value("total", int64_t{0}));
  if (!s.ok()) co_return LookupFailedError(std::move(s).error(), "YouTube");
  if (s->kind == SessionState::Kind::kCreated) {
    co_return std::optional<PublishReceipt>(Receipt(s->video->id, IsShort(item)));
  }
  if (s->kind == SessionState::Kind::kIncomplete) co_return std::optional<PublishReceipt>();
  auto found = co_await Reconcile(request, upload);
  if (!found.ok()) co_return LookupFailedError(std::move(found).error(), "YouTube");
  co_return std::move(*found);
}

// ---- delete and metrics ----

Task<Result<void>> YouTubePlatform::Delete(AccountContext account, PublishReceipt receipt) {
  if (receipt.external_id.empty()) co_return base::InvalidArgument("the receipt names no video");
  std::vector<int> gone = {404};
  HERALD_CO_RETURN_IF_ERROR(co_await Call(
      account, "DELETE", api_ + "/youtube/v3/videos?id=" + http::PercentEncode(receipt.external_id),
      HttpHeaders(), "", "deleting the video", CallKind::kDelete, std::move(gone)));
  co_return base::Ok();
}

Task<Result<Json>> YouTubePlatform::FetchPostMetrics(AccountContext account,
                                                     PublishReceipt receipt) {
  if (receipt.external_id.empty()) co_return base::InvalidArgument("the receipt names no video");
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Call(account, "GET",
                    api_ + "/youtube/v3/videos?part=statistics,status,processingDetails&id=" +
                        http::PercentEncode(receipt.external_id),
                    HttpHeaders(), "", "reading the video's numbers", CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(std::optional<Video> video,
                             ParseVideoList(r.body, receipt.external_id));
  if (!video) co_return base::NotFound("the video is no longer on YouTube");
  co_return VideoMetrics(*video);
}

Task<Result<Json>> YouTubePlatform::FetchAccountMetrics(AccountContext account) {
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Call(account, "GET", api_ + "/youtube/v3/channels?part=statistics&mine=true", HttpHeaders(),
                    "", "reading the channel's numbers", CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(Channel channel, ParseChannels(r.body));
  co_return ChannelMetrics(channel);
}

std::unique_ptr<Platform> MakeYouTubePlatform(const PlatformEnv& env) {
  if (env.http == nullptr) return nullptr;
  YouTubeOptions options;
  options.api_url = env.ApiUrl(kYouTubeNetworkId, options.api_url);
  oauth::OAuthProvider provider = YouTubeProvider(env.AuthUrl(kYouTubeNetworkId));
  provider.SetClient(env.ClientFor(kYouTubeNetworkId));
  return std::make_unique<YouTubePlatform>(std::move(provider), *env.http, env.ClockOrSystem(),
                                           std::move(options));
}

}  // namespace herald::platforms::youtube
