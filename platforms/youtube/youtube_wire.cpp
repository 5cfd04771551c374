#include "platforms/youtube/youtube_wire.h"

#include <date/tz.h>

#include <algorithm>
#include <cstdlib>

#include "base/time.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/oauth_scopes.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::youtube {
namespace {

constexpr std::string_view kScopePrefix = "https://www.googleapis.com/auth/";
constexpr std::string_view kOptions = "platform_options.youtube.";

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// The first `n` code points of valid UTF-8 `s`.
std::string FirstCodePoints(std::string_view s, int n) {
  size_t pos = 0;
  for (int i = 0; i < n && pos < s.size(); ++i) text::DecodeUtf8(s, pos);
  return std::string(s.substr(0, pos));
}

bool HasAngle(std::string_view s) { return s.find_first_of("<>") != std::string_view::npos; }

int64_t Number(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    char* end = nullptr;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (end != s.c_str() && *end == '\0') return n;
  }
  return 0;
}

std::optional<base::Time> TimeOf(const Json& object, std::string_view key) {
  const std::string s = base::GetString(object, key);
  if (s.empty()) return std::nullopt;
  auto t = base::ParseRfc3339(s);
  if (!t.ok()) return std::nullopt;
  return *t;
}

// The length YouTube counts for the tags: each tag, a comma between two, and quotes around a
// tag with a space.
int TagsLength(const std::vector<std::string>& tags) {
  int n = 0;
  for (size_t i = 0; i < tags.size(); ++i) {
    n += text::CountCodePoints(tags[i]) + (i > 0 ? 1 : 0);
    if (tags[i].find(' ') != std::string::npos) n += 2;
  }
  return n;
}

std::vector<std::string> TagsOf(const Json& options) {
  std::vector<std::string> tags;
  if (auto it = options.find("tags"); it != options.end() && it->is_array()) {
    for (const Json& t : *it) {
      if (t.is_string()) tags.push_back(t.get<std::string>());
    }
  }
  return tags;
}

// `message` without HTML tags (Google's quota message links its documentation).
std::string StripTags(std::string_view message) {
  std::string out;
  bool in_tag = false;
  for (char c : message) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return out.size() > 300 ? out.substr(0, 300) + "..." : out;
}

const Json* FirstError(const Json& body) {
  auto e = body.find("error");
  if (e == body.end() || !e->is_object()) return nullptr;
  auto errors = e->find("errors");
  if (errors == e->end() || !errors->is_array() || errors->empty()) return nullptr;
  return &errors->front();
}

}  // namespace

const std::vector<std::string>& YouTubeScopes() {
  static const std::vector<std::string>* scopes = new std::vector<std::string>{
      std::string(kScopePrefix) + "youtube.upload", std::string(kScopePrefix) + "youtube.readonly",
      std::string(kScopePrefix) + "youtube"};
  return *scopes;
}

std::vector<std::string> MissingScopes(std::string_view granted) {
  const std::string full = std::string(kScopePrefix) + "youtube";
  const bool has_full = HasScope(granted, full);
  std::vector<std::string> missing;
  for (const std::string& s : YouTubeScopes()) {
    if (HasScope(granted, s) || (has_full && s != full)) continue;
    missing.push_back(s);
  }
  return missing;
}

base::Time NextQuotaReset(base::Time now) {
  using std::chrono::floor;
  try {
    static const date::time_zone* zone = date::locate_zone("America/Los_Angeles");
    const auto local = zone->to_local(now);
    const date::local_days tomorrow = floor<date::days>(local) + date::days{1};
    // Midnight exists on every day there (the clocks change at 02:00).
    return base::Time(std::chrono::duration_cast<base::Micros>(
        zone->to_sys(tomorrow, date::choose::earliest).time_since_epoch()));
  } catch (const std::exception&) {
    // No time zone database: Pacific Standard Time all year (at most an hour late).
    const auto pst = now - std::chrono::hours(8);
    const auto day = floor<date::days>(pst);
    return base::Time(std::chrono::duration_cast<base::Micros>(
        (day + date::days{1} + std::chrono::hours(8)).time_since_epoch()));
  }
}

Json OptionsSchema() {
  return Json::parse(R"({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "title": {"type": "string", "description": "The video's title, at most 100 characters, without < or >. Default: the first line of the text."},
    "privacy_status": {"type": "string", "enum": ["public", "unlisted", "private"], "description": "Who can watch the video. Default: public."},
    "tags": {"type": "array", "items": {"type": "string"}, "description": "Keywords, at most 500 characters together."},
    "category_id": {"type": "string", "pattern": "^[0-9]+$", "description": "YouTube's video category id, e.g. \"22\" (People & Blogs)."},
    "made_for_kids": {"type": "boolean", "description": "Whether the video is made for children (YouTube's selfDeclaredMadeForKids). Default: false."},
    "publish_at": {"type": "string", "description": "RFC 3339 time at which YouTube makes the video public; needs privacy_status \"private\"."}
  }
})");
}

VideoMetadata ComposeMetadata(std::string_view text, const Json& options, const MediaItem* item) {
  VideoMetadata m;
  const Json& o = options.is_object() ? options : Json::object();
  m.title = base::GetString(o, "title");
  if (m.title.empty()) {
    size_t pos = 0;
    while (pos <= text.size() && m.title.empty()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string line = Trim(text.substr(pos, end - pos));
      line.erase(std::remove_if(line.begin(), line.end(), [](char c) { return c == '<' || c == '>'; }),
                 line.end());
      m.title = Trim(line);
      pos = end + 1;
    }
    if (text::IsValidUtf8(m.title) && text::CountCodePoints(m.title) > kMaxTitle) {
      m.title = Trim(FirstCodePoints(m.title, kMaxTitle - 1)) + "\xE2\x80\xA6";  // "…"
    }
    if (m.title.empty() && item != nullptr) {
      std::string name = item->file_name;
      if (size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0) name.resize(dot);
      name.erase(std::remove_if(name.begin(), name.end(), [](char c) { return c == '<' || c == '>'; }),
                 name.end());
      if (text::IsValidUtf8(name)) m.title = Trim(FirstCodePoints(name, kMaxTitle));
    }
  }
  m.description = std::string(text);
  m.tags = TagsOf(o);
  m.category_id = base::GetString(o, "category_id");
  m.privacy_status = base::GetString(o, "privacy_status", "public");
  if (auto it = o.find("made_for_kids"); it != o.end() && it->is_boolean()) {
    m.made_for_kids = it->get<bool>();
  }
  m.publish_at = base::GetString(o, "publish_at");
  return m;
}

std::vector<Violation> CheckMetadata(std::string_view text, const Json& options,
                                     const MediaItem* item) {
  std::vector<Violation> out;
  const Json& o = options.is_object() ? options : Json::object();
  const std::string field_title = std::string(kOptions) + "title";
  if (auto it = o.find("title"); it != o.end() && it->is_string()) {
    const std::string title = it->get<std::string>();
    if (!text::IsValidUtf8(title)) {
      out.push_back({field_title, field_title + " is not valid UTF-8"});
    } else if (IsBlank(title)) {
      out.push_back({field_title, field_title + " is empty; give the video a title or leave "
                                                "it out to use the first line of the text"});
    } else {
      const int n = text::CountCodePoints(title);
      if (n > kMaxTitle) {
        out.push_back({field_title, field_title + " is " + std::to_string(n) + " characters, " +
                                        std::to_string(n - kMaxTitle) +
                                        " over YouTube's limit of 100"});
      }
      if (HasAngle(title)) {
        out.push_back({field_title,
                       field_title + " contains '<' or '>', which YouTube refuses in titles"});
      }
    }
  } else if (text::IsValidUtf8(text) && ComposeMetadata(text, o, item).title.empty()) {
    out.push_back({field_title, "YouTube needs a title: set " + field_title +
                                    " or start the text with a line for it"});
  }
  if (text::IsValidUtf8(text) && HasAngle(text)) {
    out.push_back({"text", "text contains '<' or '>', which YouTube refuses in a description "
                           "(the text becomes the video's description)"});
  }
  const std::vector<std::string> tags = TagsOf(o);
  if (const int n = TagsLength(tags); n > kMaxTagsLength) {
    out.push_back({std::string(kOptions) + "tags",
                   std::string(kOptions) + "tags add up to " + std::to_string(n) +
                       " characters (commas, and quotes around tags with spaces, count), over "
                       "YouTube's limit of 500"});
  }
  if (auto it = o.find("publish_at"); it != o.end() && it->is_string()) {
    const std::string field = std::string(kOptions) + "publish_at";
    if (auto t = base::ParseRfc3339(it->get<std::string>()); !t.ok()) {
      out.push_back({field, field + " is not an RFC 3339 time: " + t.error().message()});
    }
    if (base::GetString(o, "privacy_status") != "private") {
      out.push_back({field, field + " needs " + std::string(kOptions) +
                                "privacy_status \"private\": YouTube keeps a scheduled video "
                                "private until it makes it public at that time"});
    }
  }
  return out;
}

std::string InsertBody(const VideoMetadata& m) {
  Json snippet{{"title", m.title}, {"description", m.description}};
  if (!m.tags.empty()) snippet["tags"] = m.tags;
  if (!m.category_id.empty()) snippet["categoryId"] = m.category_id;
  Json status{{"privacyStatus", m.privacy_status}, {"selfDeclaredMadeForKids", m.made_for_kids}};
  if (!m.publish_at.empty()) status["publishAt"] = m.publish_at;
  return base::DumpJson(Json{{"snippet", snippet}, {"status", status}});
}

bool IsShort(const MediaItem& item) {
  const MediaProbe& p = item.probe;
  return p.kind == "video" && p.width > 0 && p.height > 0 && p.width <= p.height &&
         p.duration_ms > 0 && p.duration_ms <= 180'000;
}

std::string VideoUrl(std::string_view id, bool is_short) {
  return (is_short ? "https://www.youtube.com/shorts/" : "https://www.youtube.com/watch?v=") +
         std::string(id);
}

std::string ContentRange(int64_t first, int64_t last, int64_t total) {
  return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
         std::to_string(total);
}

std::string StatusRange(int64_t total) { return "bytes */" + std::to_string(total); }

Result<int64_t> ConfirmedBytes(std::string_view range) {
  if (range.empty()) return int64_t{0};
  const std::string_view prefix = "bytes=0-";
  if (range.substr(0, prefix.size()) != prefix) {
    return base::Unavailable("YouTube answered an upload with a Range herald cannot read: " +
                             std::string(range.substr(0, 64)));
  }
  const std::string last(range.substr(prefix.size()));
  char* end = nullptr;
  const long long n = std::strtoll(last.c_str(), &end, 10);
  if (last.empty() || *end != '\0' || n < 0) {
    return base::Unavailable("YouTube answered an upload with a Range herald cannot read: " +
                             std::string(range.substr(0, 64)));
  }
  return static_cast<int64_t>(n) + 1;
}

Result<Channel> ParseChannels(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("YouTube's answer about the channel is unreadable");
  }
  auto items = j->find("items");
  if (items == j->end() || !items->is_array() || items->empty() ||
      !items->front().is_object()) {
    return base::FailedPrecondition(
        "this Google account has no YouTube channel; create one on youtube.com, then connect "
        "again");
  }
  const Json& c = items->front();
  Channel out;
  out.id = base::GetString(c, "id");
  if (out.id.empty()) return base::Unavailable("YouTube's answer about the channel has no id");
  const Json snippet = c.value("snippet", Json::object());
  out.title = base::GetString(snippet, "title");
  out.custom_url = base::GetString(snippet, "customUrl");
  const Json details = c.value("contentDetails", Json::object());
  out.uploads_playlist =
      base::GetString(details.value("relatedPlaylists", Json::object()), "uploads");
  const Json stats = c.value("statistics", Json::object());
  out.subscribers = Number(stats.value("subscriberCount", Json()));
  out.views = Number(stats.value("viewCount", Json()));
  out.videos = Number(stats.value("videoCount", Json()));
  out.hidden_subscribers = stats.value("hiddenSubscriberCount", false);
  return out;
}

Json ChannelMetrics(const Channel& c) {
  Json m{{"views", c.views}, {"posts", c.videos}};
  if (!c.hidden_subscribers) m["followers"] = c.subscribers;
  return m;
}

namespace {

Video VideoOf(const Json& v) {
  Video out;
  out.id = base::GetString(v, "id");
  const Json snippet = v.value("snippet", Json::object());
  out.title = base::GetString(snippet, "title");
  out.published_at = TimeOf(snippet, "publishedAt");
  const Json status = v.value("status", Json::object());
  out.upload_status = base::GetString(status, "uploadStatus");
  out.privacy_status = base::GetString(status, "privacyStatus");
  if (auto s = v.find("statistics"); s != v.end() && s->is_object()) out.statistics = *s;
  return out;
}

}  // namespace

Result<Video> ParseUploadedVideo(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object() || base::GetString(*j, "id").empty()) {
    return base::Unknown(
        "YouTube finished the upload but its answer names no video; herald looks it up before "
        "uploading again");
  }
  return VideoOf(*j);
}

Result<std::optional<Video>> ParseVideoList(std::string_view body, std::string_view id) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("YouTube's answer about the video is unreadable");
  }
  if (auto items = j->find("items"); items != j->end() && items->is_array()) {
    for (const Json& v : *items) {
      if (v.is_object() && base::GetString(v, "id") == id) {
        return std::optional<Video>(VideoOf(v));
      }
    }
  }
  return std::optional<Video>();
}

Json VideoMetrics(const Video& v) {
  const Json& s = v.statistics;
  Json m{{"views", Number(s.value("viewCount", Json()))},
         {"likes", Number(s.value("likeCount", Json()))},
         {"replies", Number(s.value("commentCount", Json()))},
         {"comments", Number(s.value("commentCount", Json()))}};
  if (s.contains("favoriteCount")) m["favorites"] = Number(s["favoriteCount"]);
  return m;
}

Result<std::vector<UploadEntry>> ParsePlaylistItems(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("YouTube's list of the channel's uploads is unreadable");
  }
  std::vector<UploadEntry> out;
  if (auto items = j->find("items"); items != j->end() && items->is_array()) {
    for (const Json& item : *items) {
      if (!item.is_object()) continue;
      const Json snippet = item.value("snippet", Json::object());
      const Json details = item.value("contentDetails", Json::object());
      UploadEntry e;
      e.video_id = base::GetString(details, "videoId");
      if (e.video_id.empty()) {
        e.video_id = base::GetString(snippet.value("resourceId", Json::object()), "videoId");
      }
      if (e.video_id.empty()) continue;
      e.title = base::GetString(snippet, "title");
      e.published_at = TimeOf(details, "videoPublishedAt");
      if (!e.published_at) e.published_at = TimeOf(snippet, "publishedAt");
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::string ParseNextPageToken(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) return "";
  return base::GetString(*j, "nextPageToken");
}

std::string ErrorReason(const HttpResponse& response) {
  auto j = base::ParseJson(response.body);
  if (!j.ok() || !j->is_object()) return "";
  if (const Json* first = FirstError(*j)) return base::GetString(*first, "reason");
  if (auto e = j->find("error"); e != j->end() && e->is_string()) return e->get<std::string>();
  return "";
}

bool IsDailyQuota(std::string_view reason) {
  return reason == "quotaExceeded" || reason == "dailyLimitExceeded" ||
         reason == "uploadLimitExceeded";
}

ErrorBody ReadError(const HttpResponse& response) {
  ErrorBody out;
  auto j = base::ParseJson(response.body);
  if (!j.ok() || !j->is_object()) return out;
  const std::string reason = ErrorReason(response);
  if (auto e = j->find("error"); e != j->end() && e->is_object()) {
    out.reason = StripTags(base::GetString(*e, "message"));
  } else {
    out.reason = StripTags(base::GetString(*j, "error_description", reason));
  }
  if (IsDailyQuota(reason) || reason == "rateLimitExceeded" ||
      reason == "userRateLimitExceeded") {
    out.code = base::ErrorCode::kResourceExhausted;
  } else if (reason == "authError") {
    out.code = base::ErrorCode::kUnauthenticated;
  } else if (reason == "insufficientPermissions" || reason == "forbidden") {
    out.code = base::ErrorCode::kPermissionDenied;
  } else if (reason == "youtubeSignupRequired") {
    out.code = base::ErrorCode::kFailedPrecondition;
  } else if (reason == "videoNotFound" || reason == "notFound") {
    out.code = base::ErrorCode::kNotFound;
  }
  return out;
}

HttpErrorMapper::Options ErrorOptions() {
  return HttpErrorMapper::ForOAuthApi(
      "YouTube", ReadError,
      "Google does not allow herald to do that for this channel; reconnect it and allow every "
      "permission herald asks for");
}

}  // namespace herald::platforms::youtube
