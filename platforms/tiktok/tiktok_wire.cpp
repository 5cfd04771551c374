#include "platforms/tiktok/tiktok_wire.h"

#include <algorithm>
#include <tuple>

namespace herald::platforms::tiktok {
namespace {

constexpr std::string_view kOptionsField = "platform_options.tiktok.";

int64_t Int(const Json& object, std::string_view key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool Bool(const Json& object, std::string_view key) {
  if (!object.is_object()) return false;
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

std::optional<bool> OptionalBool(const Json& object, std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

const Json* Data(const Json& body) {
  if (!body.is_object()) return nullptr;
  auto it = body.find("data");
  return it == body.end() || !it->is_object() ? nullptr : &*it;
}

std::string Clip(std::string s, size_t n = 300) {
  if (s.size() > n) s = s.substr(0, n) + "...";
  return s;
}

std::string Duration(int64_t seconds) {
  const int64_t m = seconds / 60, s = seconds % 60;
  return std::to_string(m) + ":" + (s < 10 ? "0" : "") + std::to_string(s);
}

Json PostInfo(std::string_view title, const PostOptions& post, const CreatorInfo& creator) {
  return Json{{"title", std::string(title)},
              {"privacy_level", post.privacy_level},
              {"disable_comment", post.disable_comment.value_or(creator.comment_disabled)},
              {"disable_duet", post.disable_duet.value_or(creator.duet_disabled)},
              {"disable_stitch", post.disable_stitch.value_or(creator.stitch_disabled)},
              {"brand_content_toggle", post.brand_content},
              {"brand_organic_toggle", post.brand_organic}};
}

}  // namespace

const std::vector<std::string>& TikTokScopes() {
  static const std::vector<std::string> scopes = {"user.info.basic", "user.info.profile",
                                                  "user.info.stats", "video.publish",
                                                  "video.list"};
  return scopes;
}

Result<TikTokUser> ParseUserInfo(std::string_view body) {
  auto j = base::ParseJson(body);
  const Json* data = j.ok() ? Data(*j) : nullptr;
  const Json user = data != nullptr ? data->value("user", Json::object()) : Json::object();
  if (!user.is_object() || base::GetString(user, "open_id").empty()) {
    return base::Unavailable("TikTok answered user/info without an open_id",
                             Clip(std::string(body)));
  }
  TikTokUser u;
  u.open_id = base::GetString(user, "open_id");
  u.username = base::GetString(user, "username");
  u.display_name = base::GetString(user, "display_name");
  for (const char* key : {"follower_count", "following_count", "likes_count", "video_count"}) {
    if (user.contains(key)) u.stats[key] = Int(user, key);
  }
  return u;
}

Json AccountMetrics(const TikTokUser& user) {
  return Json{{"followers", Int(user.stats, "follower_count")},
              {"following", Int(user.stats, "following_count")},
              {"likes", Int(user.stats, "likes_count")},
              {"posts", Int(user.stats, "video_count")}};
}

Result<CreatorInfo> ParseCreatorInfo(std::string_view body) {
  auto j = base::ParseJson(body);
  const Json* data = j.ok() ? Data(*j) : nullptr;
  if (data == nullptr || !data->contains("privacy_level_options") ||
      !(*data)["privacy_level_options"].is_array()) {
    return base::Unavailable("TikTok answered the creator info without privacy levels",
                             Clip(std::string(body)));
  }
  CreatorInfo c;
  c.username = base::GetString(*data, "creator_username");
  c.nickname = base::GetString(*data, "creator_nickname");
  for (const Json& o : (*data)["privacy_level_options"]) {
    if (o.is_string()) c.privacy_level_options.push_back(o.get<std::string>());
  }
  c.comment_disabled = Bool(*data, "comment_disabled");
  c.duet_disabled = Bool(*data, "duet_disabled");
  c.stitch_disabled = Bool(*data, "stitch_disabled");
  c.max_video_post_duration_sec = Int(*data, "max_video_post_duration_sec");
  return c;
}

Json CreatorSettings(const CreatorInfo& info) {
  return Json{{"privacy_level_options", info.privacy_level_options},
              {"comment_disabled", info.comment_disabled},
              {"duet_disabled", info.duet_disabled},
              {"stitch_disabled", info.stitch_disabled},
              {"max_video_post_duration_sec", info.max_video_post_duration_sec}};
}

std::optional<CreatorInfo> CreatorFromSettings(const Json& settings) {
  if (!settings.is_object()) return std::nullopt;
  auto it = settings.find("creator");
  if (it == settings.end() || !it->is_object()) return std::nullopt;
  const Json& c = *it;
  CreatorInfo out;
  out.username = base::GetString(settings, "username");
  if (auto p = c.find("privacy_level_options"); p != c.end() && p->is_array()) {
    for (const Json& o : *p) {
      if (o.is_string()) out.privacy_level_options.push_back(o.get<std::string>());
    }
  }
  out.comment_disabled = Bool(c, "comment_disabled");
  out.duet_disabled = Bool(c, "duet_disabled");
  out.stitch_disabled = Bool(c, "stitch_disabled");
  out.max_video_post_duration_sec = Int(c, "max_video_post_duration_sec");
  return out;
}

Json OptionsSchema() {
  auto flag = [](const char* what) {
    return Json{{"type", "boolean"}, {"description", what}};
  };
  return Json{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", Json::array({"privacy_level"})},
      {"properties",
       {{"privacy_level",
         {{"type", "string"},
          {"enum", Json::array({"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS",
                                "FOLLOWER_OF_CREATOR", "SELF_ONLY"})},
          {"description",
           "who can watch the video; TikTok requires the user's explicit choice, among the "
           "levels the creator's account offers"}}},
        {"disable_comment", flag("turn comments off (default: as the creator's account)")},
        {"disable_duet", flag("turn duets off (default: as the creator's account)")},
        {"disable_stitch", flag("turn stitches off (default: as the creator's account)")},
        {"brand_content", flag("a paid partnership promoting a third-party brand")},
        {"brand_organic", flag("promotes the creator's own business")},
        {"title",
         {{"type", "string"},
          {"description",
           "photo posts only: the title of the carousel (up to 90 UTF-16 units); the post's "
           "text is its description"}}},
        {"auto_add_music", flag("photo posts only: TikTok adds music to the carousel")}}}};
}

PostOptions ParsePostOptions(const Json& options) {
  PostOptions p;
  if (!options.is_object()) return p;
  p.privacy_level = base::GetString(options, "privacy_level");
  p.disable_comment = OptionalBool(options, "disable_comment");
  p.disable_duet = OptionalBool(options, "disable_duet");
  p.disable_stitch = OptionalBool(options, "disable_stitch");
  p.brand_content = Bool(options, "brand_content");
  p.brand_organic = Bool(options, "brand_organic");
  p.title = base::GetString(options, "title");
  p.auto_add_music = OptionalBool(options, "auto_add_music");
  return p;
}

std::vector<Violation> CheckAgainstCreator(const PostOptions& post, const CreatorInfo& creator,
                                           int64_t video_duration_ms, bool photo) {
  std::vector<Violation> out;
  const std::string who =
      creator.username.empty() ? "the TikTok account" : "the TikTok account @" + creator.username;
  const auto& levels = creator.privacy_level_options;
  if (!post.privacy_level.empty() && !levels.empty() &&
      std::find(levels.begin(), levels.end(), post.privacy_level) == levels.end()) {
    std::string list;
    for (const std::string& l : levels) list += (list.empty() ? "" : ", ") + l;
    out.push_back({std::string(kOptionsField) + "privacy_level",
                   "privacy_level " + post.privacy_level + " is not offered by " + who +
                       " (it offers " + list + ")"});
  }
  for (auto [name, asked, off] :
       {std::tuple<const char*, std::optional<bool>, bool>{"comment", post.disable_comment,
                                                            creator.comment_disabled},
        {"duet", post.disable_duet, creator.duet_disabled},
        {"stitch", post.disable_stitch, creator.stitch_disabled}}) {
    if (photo && std::string_view(name) != "comment") continue;  // photos have no duets
    if (off && asked.has_value() && !*asked) {
      out.push_back({std::string(kOptionsField) + "disable_" + name,
                     std::string(name) + "s cannot be allowed: " + who + " has turned " + name +
                         "s off (leave disable_" + name + " out or set it to true)"});
    }
  }
  if (post.brand_content && post.privacy_level == "SELF_ONLY") {
    out.push_back({std::string(kOptionsField) + "brand_content",
                   "branded content cannot be private (SELF_ONLY): TikTok refuses it"});
  }
  const int64_t max = creator.max_video_post_duration_sec;
  if (!photo && max > 0 && video_duration_ms > max * 1000) {
    out.push_back({"media", "the video is " + Duration((video_duration_ms + 999) / 1000) +
                                " long, over the " + Duration(max) + " " + who + " may post"});
  }
  return out;
}

ChunkPlan PlanChunks(int64_t size, int64_t preferred, int64_t min_chunk, int64_t max_chunk) {
  ChunkPlan plan;
  plan.video_size = size;
  if (size < min_chunk || size <= 0) {
    plan.chunk_size = std::max<int64_t>(size, 0);
    plan.chunk_count = 1;
    return plan;
  }
  int64_t chunk = std::clamp(preferred, min_chunk, max_chunk);
  // At most 1000 chunks: larger ones for a huge file.
  if (size / chunk > 1000) chunk = std::min(max_chunk, (size + 999) / 1000);
  plan.chunk_size = chunk;
  plan.chunk_count = std::max<int64_t>(1, size / chunk);
  return plan;
}

std::string VideoInitFileBody(std::string_view title, const PostOptions& post,
                              const CreatorInfo& creator, const ChunkPlan& plan) {
  return base::DumpJson(Json{{"post_info", PostInfo(title, post, creator)},
                             {"source_info",
                              {{"source", "FILE_UPLOAD"},
                               {"video_size", plan.video_size},
                               {"chunk_size", plan.chunk_size},
                               {"total_chunk_count", plan.chunk_count}}}});
}

std::string VideoInitPullBody(std::string_view title, const PostOptions& post,
                              const CreatorInfo& creator, std::string_view video_url) {
  return base::DumpJson(
      Json{{"post_info", PostInfo(title, post, creator)},
           {"source_info", {{"source", "PULL_FROM_URL"}, {"video_url", std::string(video_url)}}}});
}

std::string PhotoInitBody(std::string_view description, const PostOptions& post,
                          const CreatorInfo& creator, const std::vector<std::string>& image_urls) {
  Json info{{"description", std::string(description)},
            {"privacy_level", post.privacy_level},
            {"disable_comment", post.disable_comment.value_or(creator.comment_disabled)},
            {"brand_content_toggle", post.brand_content},
            {"brand_organic_toggle", post.brand_organic}};
  if (!post.title.empty()) info["title"] = post.title;
  if (post.auto_add_music) info["auto_add_music"] = *post.auto_add_music;
  return base::DumpJson(
      Json{{"post_info", std::move(info)},
           {"source_info",
            {{"source", "PULL_FROM_URL"}, {"photo_cover_index", 0}, {"photo_images", image_urls}}},
           {"post_mode", "DIRECT_POST"},
           {"media_type", "PHOTO"}});
}

Result<InitAnswer> ParseInit(std::string_view body) {
  auto j = base::ParseJson(body);
  const Json* data = j.ok() ? Data(*j) : nullptr;
  if (data == nullptr || base::GetString(*data, "publish_id").empty()) {
    return base::Unavailable("TikTok answered the post's initialization without a publish id",
                             Clip(std::string(body)));
  }
  return InitAnswer{base::GetString(*data, "publish_id"), base::GetString(*data, "upload_url")};
}

Result<PublishStatus> ParseStatus(std::string_view body) {
  auto j = base::ParseJson(body);
  const Json* data = j.ok() ? Data(*j) : nullptr;
  if (data == nullptr || base::GetString(*data, "status").empty()) {
    return base::Unavailable("TikTok answered the publish status without a status",
                             Clip(std::string(body)));
  }
  PublishStatus s;
  s.status = base::GetString(*data, "status");
  s.fail_reason = base::GetString(*data, "fail_reason");
  s.uploaded_bytes = Int(*data, "uploaded_bytes");
  if (auto it = data->find("publicaly_available_post_id"); it != data->end() && it->is_array()) {
    for (const Json& id : *it) {
      if (id.is_string()) s.post_ids.push_back(id.get<std::string>());
      if (id.is_number_integer()) s.post_ids.push_back(std::to_string(id.get<int64_t>()));
    }
  }
  return s;
}

std::string FailReasonText(std::string_view reason) {
  static const std::pair<std::string_view, std::string_view> kWords[] = {
      {"file_format_check_failed", "the file is not a video TikTok accepts"},
      {"duration_check_failed", "the video is longer than the creator may post"},
      {"frame_rate_check_failed", "the video's frame rate is outside what TikTok accepts"},
      {"picture_size_check_failed", "the size in pixels is outside what TikTok accepts"},
      {"video_pull_failed", "TikTok could not download the video from herald"},
      {"photo_pull_failed", "TikTok could not download the photos from herald"},
      {"spam_risk_too_many_posts", "the account has posted too much today"},
      {"spam_risk_user_banned_from_posting", "the account is banned from posting"},
      {"spam_risk_text", "TikTok flagged the caption as spam"},
      {"publish_cancelled", "the post was cancelled"},
      {"auth_removed", "the account removed herald's access"},
      {"file_upload_expired", "the upload expired before every chunk arrived"},
      {"internal", "TikTok failed internally"}};
  for (const auto& [code, words] : kWords) {
    if (code == reason) return std::string(words) + " (" + std::string(reason) + ")";
  }
  return reason.empty() ? "TikTok gave no reason" : std::string(reason);
}

std::string VideoUrl(std::string_view username, std::string_view video_id) {
  std::string profile = "https://www.tiktok.com/@" + std::string(username);
  return video_id.empty() ? profile : profile + "/video/" + std::string(video_id);
}

std::string PhotoUrl(std::string_view username, std::string_view post_id) {
  std::string profile = "https://www.tiktok.com/@" + std::string(username);
  return post_id.empty() ? profile : profile + "/photo/" + std::string(post_id);
}

Result<Json> ParseVideoMetrics(std::string_view body, std::string_view id) {
  auto j = base::ParseJson(body);
  const Json* data = j.ok() ? Data(*j) : nullptr;
  if (data == nullptr) {
    return base::Unavailable("TikTok answered the video's numbers with something unreadable");
  }
  if (auto it = data->find("videos"); it != data->end() && it->is_array()) {
    for (const Json& v : *it) {
      if (base::GetString(v, "id") != id) continue;
      return Json{{"views", Int(v, "view_count")},
                  {"likes", Int(v, "like_count")},
                  {"replies", Int(v, "comment_count")},
                  {"reposts", Int(v, "share_count")}};
    }
  }
  return base::NotFound("TikTok has no video " + std::string(id) + " (deleted, or not public)");
}

std::string ErrorCodeOf(const HttpResponse& response) {
  auto j = base::ParseJson(response.body);
  if (!j.ok() || !j->is_object()) return "";
  auto it = j->find("error");
  if (it == j->end() || !it->is_object()) return "";
  return base::GetString(*it, "code");
}

bool IsPostingCap(std::string_view code) {
  return code == "spam_risk_too_many_posts" || code == "spam_risk_too_many_pending_share" ||
         code == "reached_active_user_cap";
}

ErrorBody ReadError(const HttpResponse& response) {
  ErrorBody out;
  auto j = base::ParseJson(response.body);
  if (!j.ok() || !j->is_object()) return out;
  auto it = j->find("error");
  if (it == j->end() || !it->is_object()) return out;
  const std::string code = base::GetString(*it, "code");
  if (code.empty() || code == "ok") return out;
  const std::string message = base::GetString(*it, "message");
  const std::string log_id = base::GetString(*it, "log_id");
  out.reason = Clip((message.empty() ? code : message + " (" + code + ")") +
                    (log_id.empty() ? "" : ", log_id " + log_id));
  if (code == "access_token_invalid") {
    out.code = base::ErrorCode::kUnauthenticated;
  } else if (code == "scope_not_authorized" || code == "scope_permission_missed" ||
             code == "auth_removed") {
    out.code = base::ErrorCode::kPermissionDenied;
  } else if (code == "rate_limit_exceeded") {
    out.code = base::ErrorCode::kResourceExhausted;
    out.retry_after = std::chrono::seconds(60);  // TikTok's windows are a minute
  } else if (IsPostingCap(code)) {
    out.code = base::ErrorCode::kResourceExhausted;
  } else if (code == "url_ownership_unverified" ||
             code == "unaudited_client_can_only_post_to_private_accounts") {
    out.code = base::ErrorCode::kFailedPrecondition;  // the app's setup at TikTok
  } else if (code == "internal_error") {
    out.code = base::ErrorCode::kUnavailable;
  } else if (response.status < 500) {
    out.code = base::ErrorCode::kInvalidArgument;
  }
  return out;
}

HttpErrorMapper::Options ErrorOptions() {
  return HttpErrorMapper::ForOAuthApi(
      "TikTok", ReadError, "the account did not grant herald this permission; reconnect it");
}

}  // namespace herald::platforms::tiktok
