#include "platforms/x/x_wire.h"

#include <algorithm>

#include "base/time.h"
#include "platforms/text/weighted_length.h"

namespace herald::platforms::x {
namespace {

std::string IdString(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return "";
}

int64_t Int(const Json& object, std::string_view key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  return it->get<int64_t>();
}

const Json* Data(const Json& body) {
  if (!body.is_object()) return nullptr;
  auto it = body.find("data");
  return it == body.end() ? nullptr : &*it;
}

XTweet TweetOf(const Json& t) {
  XTweet out;
  out.id = IdString(t.value("id", Json()));
  out.text = base::GetString(t, "text");
  if (auto created = base::ParseRfc3339(base::GetString(t, "created_at")); created.ok()) {
    out.created_at = *created;
  }
  if (auto it = t.find("referenced_tweets"); it != t.end() && it->is_array()) {
    for (const Json& r : *it) {
      if (base::GetString(r, "type") == "replied_to") out.in_reply_to = IdString(r.value("id", Json()));
    }
  }
  return out;
}

std::string Clip(std::string s, size_t n = 300) {
  if (s.size() > n) s = s.substr(0, n) + "...";
  return s;
}

std::string Unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 5;
    } else if (text.compare(i, 4, "&lt;") == 0) {
      out += '<';
      i += 4;
    } else if (text.compare(i, 4, "&gt;") == 0) {
      out += '>';
      i += 4;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& XScopes() {
  static const std::vector<std::string> scopes = {"tweet.read", "tweet.write", "users.read",
                                                  "media.write", "offline.access"};
  return scopes;
}

std::string TweetRequestBody(std::string_view text, const std::vector<std::string>& media_ids,
                             std::string_view in_reply_to) {
  Json body = Json::object();
  if (!text.empty()) body["text"] = std::string(text);
  if (!media_ids.empty()) body["media"] = Json{{"media_ids", media_ids}};
  if (!in_reply_to.empty()) {
    body["reply"] = Json{{"in_reply_to_tweet_id", std::string(in_reply_to)}};
  }
  return base::DumpJson(body);
}

Result<XUser> ParseUser(std::string_view body) {
  auto j = base::ParseJson(body);
  const Json* data = j.ok() ? Data(*j) : nullptr;
  if (data == nullptr || !data->is_object() || IdString(data->value("id", Json())).empty()) {
    return base::Unavailable("X answered users/me without a user id");
  }
  XUser u;
  u.id = IdString((*data)["id"]);
  u.username = base::GetString(*data, "username");
  u.name = base::GetString(*data, "name");
  if (auto it = data->find("public_metrics"); it != data->end() && it->is_object()) {
    u.public_metrics = *it;
  }
  return u;
}

Result<XTweet> ParseCreatedTweet(std::string_view body) {
  auto j = base::ParseJson(body);
  const Json* data = j.ok() ? Data(*j) : nullptr;
  if (data == nullptr || !data->is_object() || IdString(data->value("id", Json())).empty()) {
    return base::Unknown("X accepted the post but its answer had no post id",
                         Clip(std::string(body)));
  }
  return TweetOf(*data);
}

Result<std::vector<XTweet>> ParseTweetList(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("X answered the list of recent posts with something unreadable");
  }
  std::vector<XTweet> out;
  const Json* data = Data(*j);
  if (data == nullptr) return out;
  if (!data->is_array()) return base::Unavailable("X's list of recent posts is not a list");
  for (const Json& t : *data) {
    if (t.is_object()) out.push_back(TweetOf(t));
  }
  return out;
}

std::string ParseNextToken(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) return "";
  const Json meta = j->value("meta", Json::object());
  return meta.is_object() ? base::GetString(meta, "next_token") : "";
}

Result<Json> ParseTweetMetrics(std::string_view body, std::string_view id) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("X answered the post's numbers with something unreadable");
  }
  if (const Json* data = Data(*j); data != nullptr && data->is_array()) {
    for (const Json& t : *data) {
      if (IdString(t.value("id", Json())) != id) continue;
      const Json m = t.value("public_metrics", Json::object());
      Json out{{"likes", Int(m, "like_count")},
               {"reposts", Int(m, "retweet_count")},
               {"replies", Int(m, "reply_count")},
               {"quotes", Int(m, "quote_count")},
               {"bookmarks", Int(m, "bookmark_count")}};
      if (m.contains("impression_count")) out["views"] = Int(m, "impression_count");
      return out;
    }
  }
  return base::NotFound("X has no post " + std::string(id) + " (deleted?)");
}

Json AccountMetrics(const XUser& user) {
  const Json& m = user.public_metrics;
  return Json{{"followers", Int(m, "followers_count")},
              {"following", Int(m, "following_count")},
              {"posts", Int(m, "tweet_count")},
              {"listed", Int(m, "listed_count")}};
}

std::string TweetUrl(std::string_view username, std::string_view id) {
  if (username.empty()) return "https://x.com/i/status/" + std::string(id);
  return "https://x.com/" + std::string(username) + "/status/" + std::string(id);
}

std::string MediaCategory(const MediaItem& item) {
  const std::string& mime = item.mime_type;
  if (mime.rfind("video/", 0) == 0 || item.probe.kind == "video") return "tweet_video";
  if (mime == "image/gif" && item.probe.frames != 1) return "tweet_gif";
  return "tweet_image";
}

std::string MediaInitializeBody(std::string_view media_type, int64_t total_bytes,
                                std::string_view category) {
  return base::DumpJson(Json{{"media_type", std::string(media_type)},
                             {"total_bytes", total_bytes},
                             {"media_category", std::string(category)}});
}

std::string AltTextBody(std::string_view media_id, std::string_view alt_text) {
  return base::DumpJson(Json{{"id", std::string(media_id)},
                             {"metadata", {{"alt_text", {{"text", std::string(alt_text)}}}}}});
}

Result<XMediaState> ParseMediaState(std::string_view body) {
  auto j = base::ParseJson(body);
  const Json* data = j.ok() ? Data(*j) : nullptr;
  if (data == nullptr || !data->is_object() || IdString(data->value("id", Json())).empty()) {
    return base::Unavailable("X answered a media upload step without a media id",
                             Clip(std::string(body)));
  }
  XMediaState s;
  s.id = IdString((*data)["id"]);
  if (auto it = data->find("processing_info"); it != data->end() && it->is_object()) {
    s.state = base::GetString(*it, "state");
    s.check_after_secs = static_cast<int>(Int(*it, "check_after_secs"));
    if (auto e = it->find("error"); e != it->end() && e->is_object()) {
      s.error = base::GetString(*e, "message", base::GetString(*e, "name"));
    }
  }
  return s;
}

ErrorBody ReadError(const HttpResponse& response) {
  ErrorBody out;
  auto j = base::ParseJson(response.body);
  if (!j.ok() || !j->is_object()) return out;
  std::string detail = base::GetString(*j, "detail");
  std::string title = base::GetString(*j, "title");
  if (auto it = j->find("errors"); it != j->end() && it->is_array() && !it->empty()) {
    const Json& first = it->front();
    std::string m = base::GetString(first, "message", base::GetString(first, "detail"));
    if (!m.empty()) detail = detail.empty() ? m : detail + ": " + m;
  }
  if (detail.empty()) detail = base::GetString(*j, "error_description");
  out.reason = Clip(detail.empty() ? title : detail);
  if (response.status == 403) {
    // X answers 403 for content it refuses (duplicate, too long, media) as for missing
    // permissions; only the latter means the account must be reconnected.
    const std::string type = base::GetString(*j, "type");
    const bool authorization = type.find("client-forbidden") != std::string::npos ||
                               type.find("not-authorized") != std::string::npos ||
                               detail.empty() || detail == "Forbidden" ||
                               detail.find("not permitted") != std::string::npos ||
                               detail.find("suspended") != std::string::npos;
    if (!authorization) out.code = base::ErrorCode::kInvalidArgument;
  }
  return out;
}

HttpErrorMapper::Options ErrorOptions() {
  return HttpErrorMapper::ForOAuthApi(
      "X", ReadError, "X does not allow this account or app to do that; reconnect it");
}

bool IsDuplicateContent(const HttpResponse& response) {
  if (response.status != 403) return false;
  auto j = base::ParseJson(response.body);
  if (!j.ok() || !j->is_object()) return false;
  if (base::GetString(*j, "detail").find("duplicate content") != std::string::npos) return true;
  if (auto it = j->find("errors"); it != j->end() && it->is_array()) {
    for (const Json& e : *it) {
      if (e.is_object() && (Int(e, "code") == 187 ||
                            base::GetString(e, "message").find("duplicate") != std::string::npos)) {
        return true;
      }
    }
  }
  return false;
}

std::string MatchableText(std::string_view text) {
  std::string t = text::ReplaceXUrls(text::NormalizeNfc(Unescape(text)), 1);
  size_t b = t.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = t.find_last_not_of(" \t\r\n");
  return t.substr(b, e - b + 1);
}

const XTweet* FindTweet(const std::vector<XTweet>& tweets, std::string_view text,
                        std::string_view in_reply_to, std::optional<base::Time> not_before) {
  const std::string want = MatchableText(text);
  for (const XTweet& t : tweets) {
    if (!in_reply_to.empty() && !t.in_reply_to.empty() && t.in_reply_to != in_reply_to) continue;
    if (not_before && t.created_at && *t.created_at < *not_before) continue;
    // X appends the link of attached media to the text it returns.
    const std::string have = MatchableText(t.text);
    if (have == want || have == (want.empty() ? "x" : want + " x")) return &t;
  }
  return nullptr;
}

}  // namespace herald::platforms::x
