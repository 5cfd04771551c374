#include "platforms/mastodon/mastodon_wire.h"

#include <strings.h>

#include <ctime>

#include "base/time.h"
#include "platforms/multipart.h"

namespace herald::platforms::mastodon {
namespace {

// Mastodon ids are strings; some forks send numbers. Returns "" when absent.
std::string IdString(const Json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

int64_t Count(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

base::Result<Json> ParseObject(std::string_view body, std::string_view what) {
  auto parsed = base::ParseJson(body);
  if (!parsed.ok() || !parsed->is_object()) {
    return base::InvalidArgument("Mastodon sent an unexpected " + std::string(what) +
                                 " (not a JSON object)");
  }
  return *parsed;
}

std::string HeaderValue(const HttpResponse& response, std::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return "";
}

// An HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"), or nullopt.
std::optional<base::Time> ParseHttpDate(const std::string& value) {
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr) return std::nullopt;
  const time_t t = timegm(&tm);
  return base::FromUnixMicros(static_cast<int64_t>(t) * 1'000'000);
}

}  // namespace

base::Result<MastodonAccount> ParseAccount(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "account"));
  MastodonAccount a;
  a.id = IdString(j, "id");
  a.username = base::GetString(j, "username");
  if (a.id.empty() || a.username.empty()) {
    return base::InvalidArgument("Mastodon sent an account without an id or username");
  }
  a.acct = base::GetString(j, "acct", a.username);
  a.display_name = base::GetString(j, "display_name");
  a.url = base::GetString(j, "url");
  a.followers_count = Count(j, "followers_count");
  a.following_count = Count(j, "following_count");
  a.statuses_count = Count(j, "statuses_count");
  return a;
}

base::Result<MastodonStatus> ParseStatus(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "status"));
  MastodonStatus s;
  s.id = IdString(j, "id");
  if (s.id.empty()) return base::InvalidArgument("Mastodon sent a status without an id");
  s.url = base::GetString(j, "url");
  s.uri = base::GetString(j, "uri");
  s.in_reply_to_id = IdString(j, "in_reply_to_id");
  s.replies_count = Count(j, "replies_count");
  s.reblogs_count = Count(j, "reblogs_count");
  s.favourites_count = Count(j, "favourites_count");
  if (auto it = j.find("quotes_count"); it != j.end() && it->is_number_integer()) {
    s.quotes_count = it->get<int64_t>();
  }
  return s;
}

base::Result<MastodonMedia> ParseMedia(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "media attachment"));
  MastodonMedia m;
  m.id = IdString(j, "id");
  if (m.id.empty()) return base::InvalidArgument("Mastodon sent a media attachment without an id");
  m.type = base::GetString(j, "type");
  m.url = base::GetString(j, "url");
  m.preview_url = base::GetString(j, "preview_url");
  m.description = base::GetString(j, "description");
  return m;
}

std::string ParseErrorMessage(std::string_view body) {
  auto parsed = base::ParseJson(body);
  if (!parsed.ok() || !parsed->is_object()) return "";
  std::string message = base::GetString(*parsed, "error");
  const std::string description = base::GetString(*parsed, "error_description");
  if (!description.empty() && description != message) {
    message += message.empty() ? description : ": " + description;
  }
  return message;
}

std::string StatusRequestBody(std::string_view text, const std::vector<std::string>& media_ids,
                              std::string_view in_reply_to_id) {
  Json body = Json::object();
  body["status"] = std::string(text);
  if (!media_ids.empty()) body["media_ids"] = media_ids;
  if (!in_reply_to_id.empty()) body["in_reply_to_id"] = std::string(in_reply_to_id);
  return base::DumpJson(body);
}

std::string PartIdempotencyKey(std::string_view key, size_t index) {
  return std::string(key) + ":" + std::to_string(index);
}

MultipartBody MediaUploadBody(const MediaItem& item) {
  MultipartForm form;
  form.AddFile("file", item.file_name.empty() ? "upload" : item.file_name, item.mime_type,
               item.data);
  if (!item.alt_text.empty()) form.AddField("description", item.alt_text);
  MultipartForm::Encoded encoded = form.ContentTypeAndBody();
  return {std::move(encoded.content_type), std::move(encoded.body)};
}

std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& response, base::Time now) {
  using std::chrono::milliseconds;
  const std::string retry_after = HeaderValue(response, "Retry-After");
  if (!retry_after.empty()) {
    char* end = nullptr;
    const long seconds = std::strtol(retry_after.c_str(), &end, 10);
    if (end != retry_after.c_str() && *end == '\0' && seconds >= 0) {
      return milliseconds(std::max<long>(seconds, 1) * 1000);
    }
    if (auto at = ParseHttpDate(retry_after)) {
      return std::max(milliseconds(1000), std::chrono::duration_cast<milliseconds>(*at - now));
    }
  }
  const std::string reset = HeaderValue(response, "X-RateLimit-Reset");
  if (!reset.empty()) {
    auto at = base::ParseRfc3339(reset);
    if (at.ok()) {
      return std::max(milliseconds(1000), std::chrono::duration_cast<milliseconds>(*at - now));
    }
  }
  return std::nullopt;
}

base::Error ErrorFromResponse(const HttpResponse& response, std::string_view action,
                              base::Time now) {
  // Mastodon's own words only when the answer came from the network (see HttpResponse).
  const std::string reason = response.from_network ? ParseErrorMessage(response.body) : "";
  const int status = response.status;
  auto message = [&](std::string_view fallback) {
    std::string m =
        "Mastodon refused " + std::string(action) + " (HTTP " + std::to_string(status) + ")";
    m += ": " + (reason.empty() ? std::string(fallback) : reason);
    return m;
  };
  const std::string detail = "HTTP " + std::to_string(status) + " " + response.body.substr(0, 512);
  if (status == 401) {
    return base::Unauthenticated(message("the access token is invalid or was revoked"))
        .set_detail(detail);
  }
  if (status == 403) {
    return base::PermissionDenied(message("the token lacks the permission for this"))
        .set_detail(detail);
  }
  if (status == 404 || status == 410)
    return base::NotFound(message("not found")).set_detail(detail);
  if (status == 429) {
    base::Error e = base::ResourceExhausted(message("rate limited"));
    e.set_detail(detail);
    if (auto after = RetryAfter(response, now)) e.set_retry_after(*after);
    return e;
  }
  if (status >= 500) {
    return base::Unavailable(message("the server had a temporary problem"), detail);
  }
  return base::InvalidArgument(message("the request was rejected")).set_detail(detail);
}

}  // namespace herald::platforms::mastodon
