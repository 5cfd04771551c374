#include "platforms/threads/threads_wire.h"

#include "platforms/kit/media_bytes.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::threads {
namespace {

bool IsEmoji(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
         (c >= 0x2B00 && c <= 0x2BFF) || c == 0xFE0F || c == 0x200D || c == 0x20E3 ||
         (c >= 0xE0020 && c <= 0xE007F);
}

http::FormFields ItemFields(const MediaItem& item) {
  if (IsVideoItem(item)) return {{"media_type", "VIDEO"}, {"video_url", item.url}};
  return {{"media_type", "IMAGE"}, {"image_url", item.url}};
}

Result<Json> Metrics(std::string_view body, bool account) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object() || !j->contains("data") || !(*j)["data"].is_array()) {
    return base::Unavailable("Threads' insights answer is unreadable",
                             std::string(body.substr(0, 256)));
  }
  Json out = Json::object();
  for (const Json& m : (*j)["data"]) {
    if (!m.is_object()) continue;
    std::string name = base::GetString(m, "name");
    if (name.empty()) continue;
    int64_t value = 0;
    if (auto t = m.find("total_value"); t != m.end() && t->is_object()) {
      value = t->value("value", int64_t{0});
    } else if (auto v = m.find("values"); v != m.end() && v->is_array()) {
      // A series (account views per day) adds up; a lifetime value is one entry.
      for (const Json& e : *v) {
        if (e.is_object()) value += e.value("value", int64_t{0});
      }
    }
    if (account && name == "followers_count") name = "followers";
    out[name] = value;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& ThreadsScopes() {
  static const std::vector<std::string>* scopes = new std::vector<std::string>{
      "threads_basic", "threads_content_publish", "threads_read_replies",
      "threads_manage_insights", "threads_delete"};
  return *scopes;
}

int ThreadsTextLength(std::string_view text) {
  int n = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    const char32_t c = text::DecodeUtf8(text, pos);
    if (pos <= start) pos = start + 1;  // never loop on a bad byte
    n += IsEmoji(c) ? static_cast<int>(pos - start) : 1;
  }
  return n;
}

meta::ContainerFlow ThreadsContainerFlow() {
  meta::ContainerFlow f;
  f.network = "Threads";
  f.create_edge = "threads";
  f.publish_edge = "threads_publish";
  f.state_field = "status";
  f.reason_field = "error_message";
  f.limit_edge = "threads_publishing_limit";
  f.recent_edge = "threads";
  f.reply_edge = "replies";
  f.text_field = "text";
  f.recent_fields = "id,text,permalink,timestamp,replied_to";
  return f;
}

meta::ContainerPost PartContainer(const PostPart& part, std::string_view reply_to) {
  meta::ContainerPost post;
  post.text = part.text;
  post.reply_to = std::string(reply_to);
  if (part.media.empty()) {
    post.fields = {{"media_type", "TEXT"}};
  } else if (part.media.size() == 1) {
    post.fields = ItemFields(part.media.front());
    if (!part.media.front().alt_text.empty()) {
      post.fields.emplace_back("alt_text", part.media.front().alt_text);
    }
  } else {
    post.fields = {{"media_type", "CAROUSEL"}};
    for (const MediaItem& item : part.media) {
      http::FormFields child = ItemFields(item);
      child.emplace_back("is_carousel_item", "true");
      if (!item.alt_text.empty()) child.emplace_back("alt_text", item.alt_text);
      post.children.push_back(std::move(child));
    }
  }
  if (!part.text.empty()) post.fields.emplace_back("text", part.text);
  if (!reply_to.empty()) post.fields.emplace_back("reply_to_id", std::string(reply_to));
  return post;
}

Result<ThreadsUser> ParseUser(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("Threads' answer about the account is unreadable");
  }
  ThreadsUser u;
  u.id = base::GetString(*j, "id");
  u.username = base::GetString(*j, "username");
  u.name = base::GetString(*j, "name");
  if (u.id.empty()) return base::Unavailable("Threads named no account id");
  return u;
}

std::string ParsePermalink(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) return "";
  return base::GetString(*j, "permalink");
}

std::string PostUrl(std::string_view username, std::string_view media_id) {
  return "https://www.threads.net/@" + std::string(username) + "/post/" + std::string(media_id);
}

Result<Json> ParseInsights(std::string_view body) { return Metrics(body, false); }

Result<Json> ParseAccountInsights(std::string_view body) { return Metrics(body, true); }

}  // namespace herald::platforms::threads
