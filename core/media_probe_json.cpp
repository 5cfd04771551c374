#include "core/media_probe_json.h"

#include <string>

namespace herald::core {
namespace {

template <class T>
void Put(base::Json& out, const char* key, const T& value) {
  if (value != T{}) out[key] = value;
}

template <class T>
T Get(const base::Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end()) return T{};
  if constexpr (std::is_same_v<T, std::string>) {
    return it->is_string() ? it->template get<std::string>() : T{};
  } else {
    return it->is_number() ? it->template get<T>() : T{};
  }
}

}  // namespace

base::Json ProbeToJson(const platforms::MediaProbe& p) {
  base::Json out = base::Json::object();
  Put(out, "kind", p.kind);
  Put(out, "format", p.format);
  Put(out, "width", p.width);
  Put(out, "height", p.height);
  if (p.orientation != 1) out["orientation"] = p.orientation;
  if (p.frames != 1) out["frames"] = p.frames;
  Put(out, "duration_ms", p.duration_ms);
  Put(out, "frame_rate", p.frame_rate);
  Put(out, "video_codec", p.video_codec);
  Put(out, "audio_codec", p.audio_codec);
  Put(out, "bit_rate", p.bit_rate);
  return out;
}

platforms::MediaProbe ProbeFromJson(const base::Json& json) {
  platforms::MediaProbe p;
  if (!json.is_object()) return p;
  p.kind = Get<std::string>(json, "kind");
  p.format = Get<std::string>(json, "format");
  p.width = Get<int>(json, "width");
  p.height = Get<int>(json, "height");
  p.orientation = json.contains("orientation") ? Get<int>(json, "orientation") : 1;
  p.frames = json.contains("frames") ? Get<int>(json, "frames") : 1;
  p.duration_ms = Get<int64_t>(json, "duration_ms");
  p.frame_rate = Get<double>(json, "frame_rate");
  p.video_codec = Get<std::string>(json, "video_codec");
  p.audio_codec = Get<std::string>(json, "audio_codec");
  p.bit_rate = Get<int64_t>(json, "bit_rate");
  return p;
}

platforms::MediaItem MediaItemFromRow(const store::Media& media) {
  platforms::MediaItem item;
  item.id = media.id;
  item.mime_type = media.mime_type;
  item.file_name = media.file_name;
  item.alt_text = media.alt_text;
  item.size = media.size;
  item.probe = ProbeFromJson(media.probe);
  return item;
}

}  // namespace herald::core
