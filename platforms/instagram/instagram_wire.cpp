#include "platforms/instagram/instagram_wire.h"

#include <algorithm>

#include "platforms/kit/media_bytes.h"

namespace herald::platforms::instagram {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

int CountMarked(std::string_view text, char mark) {
  int n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != mark || (i > 0 && !IsSpace(text[i - 1]))) continue;
    if (i + 1 < text.size() && !IsSpace(text[i + 1]) && text[i + 1] != mark) ++n;
  }
  return n;
}

std::string Over(int count, int limit, std::string_view what) {
  return "the caption has " + std::to_string(count) + " " + std::string(what) + ", " +
         std::to_string(count - limit) + " over Instagram's limit of " + std::to_string(limit);
}

bool Has(const Json& list, std::string_view value) {
  return list.is_array() &&
         std::any_of(list.begin(), list.end(), [&](const Json& v) {
           return v.is_string() && v.get<std::string>() == value;
         });
}

}  // namespace

PostKind KindOf(std::string_view type, const std::vector<MediaItem>& media) {
  if (type == "reel") return PostKind::kReel;
  if (type == "story") return PostKind::kStory;
  if (type == "carousel" || media.size() > 1) return PostKind::kCarousel;
  if (media.size() == 1 && IsVideoItem(media[0])) return PostKind::kReel;
  return PostKind::kImage;
}

int CountHashtags(std::string_view text) { return CountMarked(text, '#'); }
int CountMentions(std::string_view text) { return CountMarked(text, '@'); }

std::vector<Violation> CaptionViolations(std::string_view text) {
  std::vector<Violation> out;
  if (int n = CountHashtags(text); n > kMaxHashtags) {
    out.push_back({"text", Over(n, kMaxHashtags, "hashtags")});
  }
  if (int n = CountMentions(text); n > kMaxMentions) {
    out.push_back({"text", Over(n, kMaxMentions, "@mentions")});
  }
  return out;
}

Result<meta::ContainerPost> BuildPost(PostKind kind, const std::string& caption,
                                      const std::vector<MediaItem>& media) {
  for (const MediaItem& m : media) {
    if (m.url.empty()) {
      return base::FailedPrecondition(
          "Instagram downloads media from a public URL, and herald has none for " + m.file_name +
          ": set HERALD_PUBLIC_URL to the address where Instagram can reach herald");
    }
  }
  meta::ContainerPost post;
  post.text = kind == PostKind::kStory ? "" : caption;
  auto item_fields = [](const MediaItem& m, bool child) {
    http::FormFields f;
    if (child) f.emplace_back("is_carousel_item", "true");
    if (IsVideoItem(m)) {
      if (child) f.emplace_back("media_type", "VIDEO");
      f.emplace_back("video_url", m.url);
    } else {
      f.emplace_back("image_url", m.url);
      if (!m.alt_text.empty()) f.emplace_back("alt_text", m.alt_text);
    }
    return f;
  };
  switch (kind) {
    case PostKind::kImage:
      post.fields = item_fields(media.at(0), false);
      break;
    case PostKind::kReel:
      post.fields = {{"media_type", "REELS"}, {"video_url", media.at(0).url},
                     {"share_to_feed", "true"}};
      break;
    case PostKind::kStory:
      post.fields = item_fields(media.at(0), false);
      post.fields.insert(post.fields.begin(), {"media_type", "STORIES"});
      return post;  // stories take no caption
    case PostKind::kCarousel:
      post.fields = {{"media_type", "CAROUSEL"}};
      for (const MediaItem& m : media) post.children.push_back(item_fields(m, true));
      break;
  }
  if (!caption.empty()) post.fields.emplace_back("caption", caption);
  return post;
}

std::string MissingPublishRight(const Json& settings, std::string_view username) {
  if (!settings.is_object() || !settings.contains("permissions")) return "";
  for (std::string_view p : {"instagram_basic", "instagram_content_publish"}) {
    if (!Has(settings["permissions"], p)) {
      return "Facebook Login did not grant herald the permission " + std::string(p) +
             " needed to publish to the Instagram account" +
             (username.empty() ? std::string() : " @" + std::string(username)) +
             "; reconnect with connect_account and approve it";
    }
  }
  return "";
}

}  // namespace herald::platforms::instagram
