#include "core/post_content.h"

#include <algorithm>

namespace herald::core {
namespace {

Json MediaJson(const std::vector<std::string>& media) {
  Json out = Json::array();
  for (const auto& id : media) out.push_back(id);
  return out;
}

bool ReadStrings(const Json& json, std::vector<std::string>& out) {
  if (!json.is_array()) return false;
  for (const auto& item : json) {
    if (!item.is_string()) return false;
    out.push_back(item.get<std::string>());
  }
  return true;
}

}  // namespace

Json PostContent::ToJson() const {
  Json out = Json::object();
  out["text"] = text;
  out["media"] = MediaJson(media);
  Json parts = Json::array();
  for (const auto& part : thread) {
    parts.push_back(Json{{"text", part.text}, {"media", MediaJson(part.media)}});
  }
  out["thread"] = std::move(parts);
  Json over = Json::object();
  for (const auto& [account_id, o] : overrides) {
    Json entry = Json::object();
    if (o.text) entry["text"] = *o.text;
    if (o.media) entry["media"] = MediaJson(*o.media);
    over[account_id] = std::move(entry);
  }
  out["overrides"] = std::move(over);
  if (fit != platforms::MediaFit::kNone) out["fit"] = std::string(platforms::MediaFitName(fit));
  if (!platform_options.empty()) {
    Json options = Json::object();
    for (const auto& [platform, o] : platform_options) options[platform] = o;
    out["platform_options"] = std::move(options);
  }
  return out;
}

Result<PostContent> PostContent::FromJson(const Json& json) {
  auto bad = [] { return base::Internal("stored post content is malformed"); };
  if (!json.is_object()) return bad();
  PostContent out;
  if (auto it = json.find("text"); it != json.end()) {
    if (!it->is_string()) return bad();
    out.text = it->get<std::string>();
  }
  if (auto it = json.find("media"); it != json.end() && !ReadStrings(*it, out.media)) {
    return bad();
  }
  if (auto it = json.find("thread"); it != json.end()) {
    if (!it->is_array()) return bad();
    for (const auto& p : *it) {
      if (!p.is_object()) return bad();
      ContentPart part;
      part.text = base::GetString(p, "text");
      if (auto m = p.find("media"); m != p.end() && !ReadStrings(*m, part.media)) return bad();
      out.thread.push_back(std::move(part));
    }
  }
  if (auto it = json.find("overrides"); it != json.end()) {
    if (!it->is_object()) return bad();
    for (const auto& [account_id, o] : it->items()) {
      if (!o.is_object()) return bad();
      ContentOverride entry;
      if (auto t = o.find("text"); t != o.end()) {
        if (!t->is_string()) return bad();
        entry.text = t->get<std::string>();
      }
      if (auto m = o.find("media"); m != o.end()) {
        std::vector<std::string> ids;
        if (!ReadStrings(*m, ids)) return bad();
        entry.media = std::move(ids);
      }
      out.overrides.emplace(account_id, std::move(entry));
    }
  }
  if (auto it = json.find("fit"); it != json.end()) {
    if (!it->is_string()) return bad();
    auto fit = ParseMediaFit(it->get<std::string>());
    if (!fit.ok()) return bad();
    out.fit = *fit;
  }
  if (auto it = json.find("platform_options"); it != json.end()) {
    if (!it->is_object()) return bad();
    for (const auto& [platform, o] : it->items()) {
      if (!o.is_object()) return bad();
      out.platform_options.emplace(platform, o);
    }
  }
  return out;
}

Json PostContent::OptionsFor(std::string_view platform_id) const {
  auto it = platform_options.find(platform_id);
  return it == platform_options.end() ? Json::object() : it->second;
}

std::vector<ContentPart> PostContent::PartsFor(std::string_view account_id) const {
  std::vector<ContentPart> parts;
  ContentPart main{text, media};
  if (auto it = overrides.find(account_id); it != overrides.end()) {
    if (it->second.text) main.text = *it->second.text;
    if (it->second.media) main.media = *it->second.media;
  }
  parts.push_back(std::move(main));
  for (const auto& part : thread) parts.push_back(part);
  return parts;
}

std::vector<std::string> PostContent::AllMediaIds() const {
  std::vector<std::string> out;
  auto add = [&out](const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
  };
  add(media);
  for (const auto& part : thread) add(part.media);
  for (const auto& [account_id, o] : overrides) {
    if (o.media) add(*o.media);
  }
  return out;
}

Result<platforms::MediaFit> ParseMediaFit(std::string_view name) {
  if (name.empty() || name == "none") return platforms::MediaFit::kNone;
  if (name == "pad") return platforms::MediaFit::kPad;
  if (name == "crop") return platforms::MediaFit::kCrop;
  return base::InvalidArgument("fit: expected none, pad or crop, got '" +
                               std::string(name.substr(0, 32)) + "'");
}

platforms::Content ToPlatformContent(
    const std::vector<ContentPart>& parts,
    const std::map<std::string, platforms::MediaItem, std::less<>>& media,
    platforms::MediaFit fit) {
  platforms::Content content;
  content.fit = fit;
  for (const auto& part : parts) {
    platforms::PostPart out;
    out.text = part.text;
    for (const auto& id : part.media) {
      if (auto it = media.find(id); it != media.end()) out.media.push_back(it->second);
    }
    content.parts.push_back(std::move(out));
  }
  return content;
}

}  // namespace herald::core
