#include "tools/media_views.h"

#include "base/time.h"

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

}  // namespace herald::tools
