#include "tools/media_views.h"

#include "base/time.h"
#include "core/media_probe_json.h"

namespace herald::tools {

base::Json MediaView(const store::Media& media) {
  base::Json out = {{"media_id", media.id},
                    {"kind", media.kind},
                    {"mime_type", media.mime_type},
                    {"size", media.size},
                    {"sha256", media.sha256},
                    {"keep", media.keep},
                    {"created_at", base::FormatRfc3339(media.created_at)},
                    {"probe", media.probe},
                    {"has_thumbnail", !media.thumbnail_key.empty()}};
  if (!media.file_name.empty()) out["file_name"] = media.file_name;
  if (!media.alt_text.empty()) out["alt_text"] = media.alt_text;
  if (media.last_used_at) out["last_used_at"] = base::FormatRfc3339(*media.last_used_at);
  return out;
}

base::Json MediaDetailView(const core::MediaDetails& details) {
  base::Json out = MediaView(details.media);
  base::Json networks = base::Json::array();
  for (const auto& a : details.acceptance) {
    networks.push_back({{"platform", a.platform},
                        {"network", a.network},
                        {"action", a.action},
                        {"reasons", a.reasons}});
  }
  out["networks"] = std::move(networks);
  out["used_by"] = details.pending_posts;
  return out;
}

base::Json PreparedMediaView(const std::string& media_id,
                             const std::vector<core::PreparedForNetwork>& done) {
  base::Json networks = base::Json::array();
  for (const auto& d : done) {
    base::Json entry = {{"platform", d.platform},
                        {"network", d.network},
                        {"action", d.outcome.action},
                        {"reasons", d.outcome.reasons}};
    if (!d.outcome.mime_type.empty()) {
      entry["mime_type"] = d.outcome.mime_type;
      entry["size"] = d.outcome.size;
      entry["probe"] = core::ProbeToJson(d.outcome.probe);
    }
    networks.push_back(std::move(entry));
  }
  return {{"media_id", media_id}, {"networks", std::move(networks)}};
}

}  // namespace herald::tools
