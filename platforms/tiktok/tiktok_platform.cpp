#include "platforms/tiktok/tiktok_platform.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/kit/media_bytes.h"
#include "platforms/kit/oauth_scopes.h"
#include "platforms/kit/pause.h"
#include "platforms/kit/transport_errors.h"
#include "platforms/register_all.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::tiktok {
namespace {

constexpr int64_t kMaxVideoBytes = 4LL * 1024 * 1024 * 1024;
constexpr int64_t kMaxPhotoBytes = 20'000'000;
constexpr std::string_view kPhoto = "PHOTO";
constexpr std::string_view kPullVariable = "HERALD_TIKTOK_PULL_FROM_URL";
constexpr std::string_view kFileUpload = "FILE_UPLOAD";
constexpr std::string_view kPullFromUrl = "PULL_FROM_URL";

std::string ItemName(const MediaItem& item) {
  return item.file_name.empty() ? "the video" : item.file_name;
}

// A photo post: media, every item an image.
bool IsPhotoPost(const std::vector<MediaItem>& media) {
  return !media.empty() && std::all_of(media.begin(), media.end(), IsImageItem);
}

int64_t Int(const Json& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

PublishReceipt ReceiptOf(const std::string& username, const std::string& publish_id,
                         const std::string& post_id, bool photo = false) {
  PublishReceipt r;
  r.external_id = post_id.empty() ? publish_id : post_id;
  r.url = photo ? PhotoUrl(username, post_id) : VideoUrl(username, post_id);
  r.remote_state = Json{{"publish_id", publish_id}};
  if (!post_id.empty()) r.remote_state["post_id"] = post_id;
  if (photo) r.remote_state["media_type"] = kPhoto;
  return r;
}

std::string StatusBody(const std::string& publish_id) {
  return base::DumpJson(Json{{"publish_id", publish_id}});
}

std::string VideoQueryBody(const std::string& id) {
  return base::DumpJson(Json{{"filters", {{"video_ids", Json::array({id})}}}});
}

std::string JoinViolations(const std::vector<Violation>& violations) {
  std::string out;
  for (const Violation& v : violations) out += (out.empty() ? "" : "; ") + v.message;
  return out;
}

}  // namespace

oauth::OAuthProvider TikTokProvider(std::string_view api_url, std::string_view auth_url) {
  const std::string api = TrimSlash(std::string(api_url.empty() ? kTikTokApiUrl : api_url));
  const std::string auth = TrimSlash(std::string(auth_url.empty() ? kTikTokAuthUrl : auth_url));
  oauth::OAuthProvider p =
      oauth::MakeProvider(kTikTokNetworkId, "TikTok", auth + "/v2/auth/authorize/",
                          api + "/v2/oauth/token/", TikTokScopes(), oauth::ClientAuthMethod::kPost,
                          /*pkce=*/true);
  p.revoke_url = api + "/v2/oauth/revoke/";
  p.scope_separator = ",";
  p.client_id_param = "client_key";
  return p;
}

TikTokPlatform::TikTokPlatform(oauth::OAuthProvider provider, HttpClient& http,
                               const base::Clock& clock, TikTokOptions options)
    : OAuthNetworkBase(std::move(provider), http, clock, ErrorOptions()),
      options_(std::move(options)),
      api_(TrimSlash(options_.api_url.empty() ? std::string(kTikTokApiUrl) : options_.api_url)),
      validator_(PostRules{}),
      photo_validator_(PostRules{}) {
  info_.id = std::string(kTikTokNetworkId);
  info_.name = "TikTok";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{kMaxCaptionUtf16, 0, "utf16_units", 0};
  MediaRules& m = info_.media;
  // One video alone, or (TikTok pulling them from herald's URLs) 1 to 35 JPEG/WebP photos:
  // herald converts other images to JPEG.
  m.max_items = options_.pull_from_url ? kMaxPhotos : 1;
  m.max_image_bytes = kMaxPhotoBytes;
  m.max_video_bytes = kMaxVideoBytes;
  m.mime_types = {"video/mp4", "video/quicktime", "video/webm"};
  if (options_.pull_from_url) {
    m.mime_types.insert(m.mime_types.end(), {"image/jpeg", "image/webp"});
  }
  m.video_alone = true;
  m.max_video_duration_ms = 600'000;
  m.min_width = 360;
  m.min_height = 360;
  m.max_width = 4096;
  m.max_height = 4096;
  m.max_frame_rate = 60;
  m.video_codecs = {"h264", "hevc", "vp8", "vp9"};
  m.fetch_by_url = options_.pull_from_url;
  info_.features.post_metrics = true;
  info_.features.account_metrics = true;
  info_.features.idempotency = IdempotencyKind::kReconcile;
  info_.options_schema = OptionsSchema();
  PostRules r;
  r.text = {"TikTok", kMaxCaptionUtf16, text::LengthUnit::kUtf16Units};
  r.needs = r.empty_part = "TikTok needs a video";
  r.media = info_.media;
  PostRules photos = r;
  photos.text = {"TikTok", kMaxPhotoDescriptionUtf16, text::LengthUnit::kUtf16Units};
  photos.over_limit_hint = " (a photo post's description)";
  validator_ = PostValidator(std::move(r));
  photo_validator_ = PostValidator(std::move(photos));
}

ValidationReport TikTokPlatform::Validate(const Content& content) const {
  const bool photo = !content.parts.empty() && IsPhotoPost(content.parts[0].media);
  ValidationReport report = (photo ? photo_validator_ : validator_).Validate(content);
  if (content.parts.size() > 1) {
    report.violations.push_back(
        {"thread",
         "TikTok has no threads or replies: post one video (or photos) with its "
         "caption"});
  }
  if (content.parts.empty()) return report;
  const PostPart& part = content.parts[0];
  if (part.media.empty()) {
    if (!part.text.empty()) {
      report.violations.push_back(
          {"media", std::string("TikTok posts are videos or photos: attach one video") +
                        (options_.pull_from_url ? " or 1 to 35 photos" : "") +
                        " (text alone cannot be posted)"});
    }
    return report;
  }
  const PostOptions post = ParsePostOptions(content.options);
  if (photo && !options_.pull_from_url) {
    // The media rules take no images then: one reason, naming the setting, instead of each
    // item's "takes no images".
    std::erase_if(report.violations,
                  [](const Violation& v) { return v.field.rfind("media[", 0) == 0; });
    report.violations.push_back(
        {"media", "TikTok takes photos only by downloading them from herald's public URLs: set " +
                      std::string(kPullVariable) +
                      "=1 (with HERALD_PUBLIC_URL's prefix verified in TikTok's developer "
                      "portal), or post one video"});
    return report;
  }
  const bool mixed = part.media.size() > 1 && !photo &&
                     std::any_of(part.media.begin(), part.media.end(), IsImageItem);
  if (!photo && !mixed) {
    const MediaItem& item = part.media[0];
    const bool video = item.probe.kind == "video" || item.mime_type.rfind("video/", 0) == 0;
    if (!video) {
      report.violations.push_back({"media[0]", ItemName(item) +
                                                   " is not a video: herald posts videos (MP4, "
                                                   "MOV or WebM) or photos to TikTok"});
      return report;
    }
  }
  if (!photo && (!post.title.empty() || post.auto_add_music.has_value())) {
    report.violations.push_back(
        {std::string("platform_options.tiktok.") +
             (post.title.empty() ? "auto_add_music" : "title"),
         "title and auto_add_music are for photo posts: a video's caption is the post's text"});
  }
  if (photo && text::CountUtf16Units(post.title) > kMaxPhotoTitleUtf16) {
    report.violations.push_back(
        {"platform_options.tiktok.title",
         "the title is " + std::to_string(text::CountUtf16Units(post.title)) +
             " UTF-16 units, over TikTok's limit of 90 for a photo post's title"});
  }
  const auto creator = CreatorFromSettings(content.account_settings);
  if (post.privacy_level.empty()) {
    // The core's schema check names it when platform_options.tiktok is given without it; this
    // is the post that has no platform_options.tiktok at all.
    std::string levels = "PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR or "
                         "SELF_ONLY";
    if (creator && !creator->privacy_level_options.empty()) {
      levels.clear();
      for (const std::string& l : creator->privacy_level_options) {
        levels += (levels.empty() ? "" : ", ") + l;
      }
    }
    report.violations.push_back({"platform_options.tiktok.privacy_level",
                                 std::string("TikTok requires choosing who can ") +
                                     (photo ? "see each photo post" : "watch each video") +
                                     ": set platform_options.tiktok.privacy_level (" + levels +
                                     ")"});
  }
  if (creator) {
    const int64_t duration = photo ? 0 : part.media[0].probe.duration_ms;
    for (Violation& v : CheckAgainstCreator(post, *creator, duration, photo)) {
      report.violations.push_back(std::move(v));
    }
  }
  return report;
}

Task<Result<HttpResponse>> TikTokPlatform::CallWith(std::string token, const std::string& method,
                                                    const std::string& path,
                                                    const std::string& body,
                                                    const std::string& action, CallKind kind) {
  HttpRequest req;
  req.method = method;
  req.url = api_ + path;
  req.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  if (method == "POST") req.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
  req.body = body;
  req.connect_timeout = options_.connect_timeout;
  req.total_timeout = options_.request_timeout;
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Send(std::move(req), kind));
  if (r.status >= 200 && r.status <= 299) co_return r;
  if (const std::string code = ErrorCodeOf(r); IsPostingCap(code)) {
    // A daily cap: the post waits for it, it does not fail.
    base::Error e = errors().FromResponse(r, action, clock().Now(), token);
    co_return base::ResourceExhausted("TikTok says the account has reached its posting cap for "
                                      "now (" + code + "); herald waits and tries again")
        .set_detail(e.detail())
        .set_retry_after(options_.cap_wait)
        .set_quota_wait();
  }
  co_return errors().FromResponse(r, action, clock().Now(), token);
}

Task<Result<HttpResponse>> TikTokPlatform::Call(AccountContext& account, std::string path,
                                                std::string body, std::string action,
                                                CallKind kind, std::string method) {
  co_return co_await WithToken<HttpResponse>(
      account, [&](std::string token) -> Task<Result<HttpResponse>> {
        co_return co_await CallWith(std::move(token), method, path, body, action, kind);
      });
}

Task<Result<CreatorInfo>> TikTokPlatform::QueryCreator(AccountContext& account) {
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r, co_await Call(account, "/v2/post/publish/creator_info/query/", "{}",
                                    "reading what the creator may post", CallKind::kRead));
  co_return ParseCreatorInfo(r.body);
}

Task<Result<PublishStatus>> TikTokPlatform::FetchStatus(AccountContext& account,
                                                        const std::string& id) {
  std::string body = StatusBody(id);
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                             co_await Call(account, "/v2/post/publish/status/fetch/",
                                           std::move(body), "reading the post's status",
                                           CallKind::kRead));
  co_return ParseStatus(r.body);
}

Task<Result<ConnectedAccount>> TikTokPlatform::Identify(oauth::TokenSet tokens) {
  HERALD_CO_RETURN_IF_ERROR(
      RequireScopes(tokens.scope, MissingScopes(tokens.scope, TikTokScopes()), "TikTok"));
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse u,
      co_await CallWith(tokens.access_token, "GET",
                        "/v2/user/info/?fields=open_id,union_id,avatar_url,display_name,username",
                        "", "the token", CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(TikTokUser user, ParseUserInfo(u.body));
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse c, co_await CallWith(tokens.access_token, "POST",
                                        "/v2/post/publish/creator_info/query/", "{}",
                                        "reading what the creator may post", CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(CreatorInfo creator, ParseCreatorInfo(c.body));
  const std::string username = user.username.empty() ? creator.username : user.username;
  ConnectedAccount out;
  out.external_id = user.open_id;
  out.handle = "@" + username;
  out.display_name = user.display_name.empty() ? username : user.display_name;
  out.base_url = api_;
  out.settings = Json{{"username", username}, {"creator", CreatorSettings(creator)}};
  out.token_expires_at = tokens.expires_at;
  co_return out;
}

Task<Result<bool>> TikTokPlatform::UploadChunks(PublishRequest& request, const MediaItem& video,
                                                Json& state) {
  const std::string url = base::GetString(state, "upload_url");
  ChunkPlan plan{Int(state, "video_size"), Int(state, "chunk_size"), Int(state, "chunk_count")};
  const std::string action = "uploading " + ItemName(video);
  const std::string type = video.mime_type.empty() ? "video/mp4" : video.mime_type;
  for (int64_t i = Int(state, "chunks_done"); i < plan.chunk_count; ++i) {
    const int64_t first = plan.First(i), last = plan.Last(i);
    HERALD_CO_ASSIGN_OR_RETURN(std::string bytes,
                               ReadMediaRange(video, first, last - first + 1, "TikTok"));
    HttpRequest req;
    req.method = "PUT";
    req.url = url;
    req.headers = {{"Content-Type", type},
                   {"Content-Range", "bytes " + std::to_string(first) + "-" +
                                         std::to_string(last) + "/" +
                                         std::to_string(plan.video_size)}};
    req.body = std::move(bytes);
    req.connect_timeout = options_.connect_timeout;
    req.total_timeout = options_.upload_timeout;
    // A chunk may be sent again (TikTok keeps what it has): a lost answer is only transient.
    HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Send(std::move(req), CallKind::kRead));
    if (r.status == 404 || r.status == 410) co_return false;
    if (r.status < 200 || r.status > 299) {
      co_return errors().FromResponse(r, action, clock().Now(), url);
    }
    state["chunks_done"] = i + 1;
    if (request.save_remote_state) HERALD_CO_RETURN_IF_ERROR(request.save_remote_state(state));
    if (request.report_progress) request.report_progress(last + 1, plan.video_size);
  }
  co_return true;
}

Task<Result<PublishReceipt>> TikTokPlatform::AwaitPublished(PublishRequest& request, Json& state,
                                                            const std::string& privacy) {
  const std::string id = base::GetString(state, "publish_id");
  const std::string username = AccountUsername(request.account);
  const bool photo = base::GetString(state, "media_type") == kPhoto;
  const std::string what = photo ? "the photos" : "the video";
  for (int check = 0;; ++check) {
    HERALD_CO_ASSIGN_OR_RETURN(PublishStatus s, co_await FetchStatus(request.account, id));
    if (s.status == "PUBLISH_COMPLETE" || s.status == "SEND_TO_USER_INBOX") {
      if (!s.post_ids.empty()) co_return ReceiptOf(username, id, s.post_ids.front(), photo);
      // Only public posts get a public id (after moderation); others are done now.
      if (privacy != kPrivacyPublic) co_return ReceiptOf(username, id, "", photo);
    }
    if (s.status == "FAILED") {
      co_return base::InvalidArgument("TikTok could not publish " + what + ": " +
                                      FailReasonText(s.fail_reason));
    }
    if (check >= options_.max_status_checks) {
      co_return base::Unavailable("TikTok is still processing " + what + " (" + s.status +
                                  " after " + std::to_string(check + 1) +
                                  " checks); herald will look again later");
    }
    co_await platforms::Pause(options_.pause, options_.status_delay);
  }
}

Task<Result<PublishReceipt>> TikTokPlatform::Publish(PublishRequest request) {
  const auto& parts = request.content.parts;
  const bool photo = parts.size() == 1 && IsPhotoPost(parts[0].media);
  if (parts.size() != 1 || (!photo && parts[0].media.size() != 1) ||
      (photo && parts[0].media.size() > static_cast<size_t>(kMaxPhotos))) {
    co_return base::InvalidArgument(
        "a TikTok post is one video, or 1 to 35 photos, with its caption");
  }
  std::vector<std::string> photo_urls;
  if (photo) {
    if (!options_.pull_from_url) {
      co_return base::FailedPrecondition(
          "TikTok takes photos only by downloading them from herald's public URLs: set " +
          std::string(kPullVariable) + "=1");
    }
    for (const MediaItem& item : parts[0].media) {
      if (item.url.empty()) {
        co_return base::FailedPrecondition(
            "herald has no public URL of " +
            (item.file_name.empty() ? "photo " + item.id : item.file_name) +
            " for TikTok to download");
      }
      photo_urls.push_back(item.url);
    }
  }
  const MediaItem& video = parts[0].media[0];
  const std::string& title = parts[0].text;
  const PostOptions post = ParsePostOptions(request.content.options);
  if (post.privacy_level.empty()) {
    co_return base::InvalidArgument(
        "platform_options.tiktok.privacy_level is required: TikTok wants the user to choose who "
        "can watch the video (PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR or "
        "SELF_ONLY, as the account offers)");
  }
  AccountContext& account = request.account;
  auto save = [&](const Json& state) -> Result<void> {
    return request.save_remote_state ? request.save_remote_state(state) : base::Ok();
  };
  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  for (int round = 0; round < 2; ++round) {
    const std::string id = base::GetString(state, "publish_id");
    if (!id.empty()) {
      // An earlier attempt made this publish: TikTok's status says what is left to do.
      auto status = co_await FetchStatus(account, id);
      const bool file = base::GetString(state, "source") == kFileUpload;
      const bool all_sent = !file || Int(state, "chunks_done") >= Int(state, "chunk_count");
      if (!status.ok()) {
        // TikTok does not know it (invalid_params): nothing can come of it.
        if (status.error().code() != base::ErrorCode::kInvalidArgument) {
          co_return std::move(status).error();
        }
        state = Json::object();
      } else if (status->status == "FAILED") {
        if (all_sent) {
          co_return base::InvalidArgument(
              std::string("TikTok could not publish ") +
              (base::GetString(state, "media_type") == kPhoto ? "the photos" : "the video") + ": " +
              FailReasonText(status->fail_reason));
        }
        state = Json::object();  // the upload never completed: nothing was published
      } else if (file && status->status != "PROCESSING_UPLOAD") {
        state["chunks_done"] = Int(state, "chunk_count");  // TikTok has every byte
      } else if (file) {
        const auto expires = base::FromUnixMicros(Int(state, "upload_expires_at") * 1000);
        if (clock().Now() >= expires) {
          state = Json::object();  // the upload URL is gone, and nothing was published
        } else {
          const int64_t chunk = std::max<int64_t>(1, Int(state, "chunk_size"));
          state["chunks_done"] = status->uploaded_bytes >= Int(state, "video_size")
                                     ? Int(state, "chunk_count")
                                     : status->uploaded_bytes / chunk;
        }
      }
    }
    if (base::GetString(state, "publish_id").empty()) {
      // TikTok's rule: the creator info is queried before each post, and the post respects it.
      HERALD_CO_ASSIGN_OR_RETURN(CreatorInfo creator, co_await QueryCreator(account));
      if (auto broken =
              CheckAgainstCreator(post, creator, photo ? 0 : video.probe.duration_ms, photo);
          !broken.empty()) {
        co_return base::InvalidArgument(JoinViolations(broken));
      }
      if (photo) {
        // TikTok downloads the photos: once init is sent the post may come to exist, and
        // without its publish id (a lost answer) TikTok cannot be asked about it.
        state = Json{{"source", kPullFromUrl}, {"media_type", kPhoto}, {"init_sent", true}};
        HERALD_CO_RETURN_IF_ERROR(save(state));
        HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                                   co_await Call(account, "/v2/post/publish/content/init/",
                                                 PhotoInitBody(title, post, creator, photo_urls),
                                                 "the photo post", CallKind::kWrite));
        HERALD_CO_ASSIGN_OR_RETURN(InitAnswer init, ParseInit(r.body));
        state["publish_id"] = init.publish_id;
      } else if (options_.pull_from_url && !video.url.empty()) {
        // TikTok downloads it: once init is sent the video may come to exist.
        state = Json{{"source", kPullFromUrl}, {"init_sent", true}};
        HERALD_CO_RETURN_IF_ERROR(save(state));
        HERALD_CO_ASSIGN_OR_RETURN(
            HttpResponse r,
            co_await Call(account, "/v2/post/publish/video/init/",
                          VideoInitPullBody(title, post, creator, video.url), "the post",
                          CallKind::kWrite));
        HERALD_CO_ASSIGN_OR_RETURN(InitAnswer init, ParseInit(r.body));
        state["publish_id"] = init.publish_id;
      } else {
        HERALD_CO_ASSIGN_OR_RETURN(int64_t size, MediaByteCount(video, "TikTok"));
        const ChunkPlan plan = PlanChunks(size, options_.chunk_bytes, options_.min_chunk_bytes,
                                          options_.max_chunk_bytes);
        // Safe to repeat: a publish without its bytes never becomes a video.
        HERALD_CO_ASSIGN_OR_RETURN(
            HttpResponse r,
            co_await Call(account, "/v2/post/publish/video/init/",
                          VideoInitFileBody(title, post, creator, plan), "the post",
                          CallKind::kRead));
        HERALD_CO_ASSIGN_OR_RETURN(InitAnswer init, ParseInit(r.body));
        state = Json{{"publish_id", init.publish_id},
                     {"source", kFileUpload},
                     {"upload_url", init.upload_url},
                     {"upload_expires_at", UnixMillis(clock().Now() + options_.upload_url_ttl)},
                     {"video_size", plan.video_size},
                     {"chunk_size", plan.chunk_size},
                     {"chunk_count", plan.chunk_count},
                     {"chunks_done", 0}};
      }
      HERALD_CO_RETURN_IF_ERROR(save(state));
    }
    if (base::GetString(state, "source") == kFileUpload) {
      HERALD_CO_ASSIGN_OR_RETURN(bool sent, co_await UploadChunks(request, video, state));
      if (!sent) {
        // The upload URL is gone before every chunk arrived: nothing was published.
        state = Json::object();
        HERALD_CO_RETURN_IF_ERROR(save(state));
        continue;
      }
    }
    co_return co_await AwaitPublished(request, state, post.privacy_level);
  }
  co_return base::Unavailable(
      "TikTok's upload URL was gone before the upload finished, twice; herald will try again "
      "later");
}

Task<Result<std::optional<PublishReceipt>>> TikTokPlatform::Find(PublishRequest request) {
  const Json& state = request.remote_state;
  const std::string id = state.is_object() ? base::GetString(state, "publish_id") : "";
  if (id.empty()) {
    if (state.is_object() && state.value("init_sent", false)) {
      co_return base::Unimplemented(
          std::string("TikTok may be downloading ") +
          (base::GetString(state, "media_type") == kPhoto ? "these photos" : "this video") +
          ", but its answer to herald was lost and TikTok cannot be asked about a post herald "
          "has no id of");
    }
    // A FILE_UPLOAD needs its publish id (saved before the first byte) to become a video.
    co_return std::optional<PublishReceipt>();
  }
  auto status = co_await FetchStatus(request.account, id);
  if (!status.ok()) co_return LookupFailedError(std::move(status).error(), "TikTok");
  const std::string privacy = ParsePostOptions(request.content.options).privacy_level;
  const bool photo = base::GetString(state, "media_type") == kPhoto;
  if (status->status == "PUBLISH_COMPLETE" || status->status == "SEND_TO_USER_INBOX") {
    const std::string username = AccountUsername(request.account);
    if (!status->post_ids.empty()) {
      co_return std::optional<PublishReceipt>(
          ReceiptOf(username, id, status->post_ids.front(), photo));
    }
    if (privacy != kPrivacyPublic) {
      co_return std::optional<PublishReceipt>(ReceiptOf(username, id, "", photo));
    }
  }
  // Not (yet) a video: Publish resumes from remote_state and never sends it twice.
  co_return std::optional<PublishReceipt>();
}

Task<Result<void>> TikTokPlatform::Delete(AccountContext, PublishReceipt) {
  co_return base::Unimplemented(
      "TikTok's API cannot delete a video: delete it in the TikTok app");
}

Task<Result<Json>> TikTokPlatform::FetchPostMetrics(AccountContext account,
                                                    PublishReceipt receipt) {
  const std::string id = base::GetString(receipt.remote_state, "post_id");
  if (id.empty()) {
    co_return base::NotFound(
        "TikTok shows numbers only for public videos once they are published");
  }
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Call(account, "/v2/video/query/?fields=id,view_count,like_count,comment_count,"
                             "share_count",
                    VideoQueryBody(id),
                    "reading the video's numbers", CallKind::kRead));
  co_return ParseVideoMetrics(r.body, id);
}

Task<Result<Json>> TikTokPlatform::FetchAccountMetrics(AccountContext account) {
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Call(account,
                    "/v2/user/info/?fields=open_id,follower_count,following_count,likes_count,"
                    "video_count",
                    "", "reading the account's numbers", CallKind::kRead, "GET"));
  HERALD_CO_ASSIGN_OR_RETURN(TikTokUser user, ParseUserInfo(r.body));
  co_return AccountMetrics(user);
}

std::unique_ptr<Platform> MakeTikTokPlatform(const PlatformEnv& env) {
  if (env.http == nullptr) return nullptr;
  TikTokOptions options;
  options.api_url = env.ApiUrl(kTikTokNetworkId, kTikTokApiUrl);
  options.pull_from_url = env.pull_from_url.contains(kTikTokNetworkId);
  oauth::OAuthProvider provider =
      TikTokProvider(options.api_url, env.AuthUrl(kTikTokNetworkId, kTikTokAuthUrl));
  provider.SetClient(env.ClientFor(kTikTokNetworkId));
  return std::make_unique<TikTokPlatform>(std::move(provider), *env.http, env.ClockOrSystem(),
                                          std::move(options));
}

}  // namespace herald::platforms::tiktok
