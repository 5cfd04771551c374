#include "platforms/mastodon/mastodon_wire.h"

#include <utility>

#include "platforms/kit/http_error_mapper.h"
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

namespace {

// Status content is HTML: drops the tags, turns <br> and </p> into spaces, decodes the few
// entities Mastodon emits.
std::string PlainText(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string_view tag = html.substr(i, end - i + 1);
      if (tag.starts_with("<br") || tag == "</p>") out += ' ';
      i = end;
      continue;
    }
    out += html[i];
  }
  // &amp; last, so that "&amp;lt;" becomes "&lt;", not "<".
  for (auto [entity, plain] :
       {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&quot;", "\""},
        std::pair{"&#39;", "'"}, std::pair{"&amp;", "&"}}) {
    const std::string_view e(entity);
    for (size_t at = out.find(e); at != std::string::npos; at = out.find(e, at + 1)) {
      out.replace(at, e.size(), plain);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

base::Result<std::vector<MastodonHistoryStatus>> ParseStatusPage(std::string_view body) {
  auto parsed = base::ParseJson(body);
  if (!parsed.ok() || !parsed->is_array()) {
    return base::InvalidArgument("Mastodon sent an unexpected list of statuses (not a JSON array)");
  }
  std::vector<MastodonHistoryStatus> out;
  for (const Json& j : *parsed) {
    HERALD_ASSIGN_OR_RETURN(MastodonStatus status, ParseStatus(j.dump()));
    MastodonHistoryStatus h;
    h.status = std::move(status);
    h.created_at = base::GetString(j, "created_at");
    h.text = PlainText(base::GetString(j, "content"));
    auto reblog = j.find("reblog");
    h.reblog = reblog != j.end() && !reblog->is_null();
    out.push_back(std::move(h));
  }
  return out;
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

const HttpErrorMapper& Errors() {
  static const HttpErrorMapper* mapper = [] {
    HttpErrorMapper::Options o;
    o.network = "Mastodon";
    o.transport_name = "the Mastodon instance";
    o.read_body = [](const HttpResponse& r) {
      ErrorBody out;
      out.reason = ParseErrorMessage(r.body);
      return out;
    };
    o.fallback_reasons = {
        {base::ErrorCode::kUnauthenticated, "the access token is invalid or was revoked"},
        {base::ErrorCode::kPermissionDenied, "the token lacks the permission for this"}};
    return new HttpErrorMapper(std::move(o));
  }();
  return *mapper;
}

base::Error ErrorFromResponse(const HttpResponse& response, std::string_view action,
                              base::Time now) {
  return Errors().FromResponse(response, action, now);
}

}  // namespace herald::platforms::mastodon
