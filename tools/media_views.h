// Views of media for tools: the JSON upload_media, list_media and get_media return. Pure.
//
//   {"media_id", "kind", "mime_type", "size", "sha256", "file_name"?, "alt_text"?, "keep",
//    "created_at", "last_used_at"?, "probe": {...}, "has_thumbnail"}
// get_media adds "networks": [{"platform", "network", "action": "as_is"|"convert"|"refuse",
// "reasons": [...]}] and "used_by": [post ids still to be published].
#ifndef HERALD_TOOLS_MEDIA_VIEWS_H_
#define HERALD_TOOLS_MEDIA_VIEWS_H_

#include "base/json.h"
#include "core/media_service.h"
#include "store/model.h"

namespace herald::tools {

base::Json MediaView(const store::Media& media);
base::Json MediaDetailView(const core::MediaDetails& details);
// prepare_media's result: {media_id, networks: [{platform, network, action, reasons, ...}]}.
base::Json PreparedMediaView(const std::string& media_id,
                             const std::vector<core::PreparedForNetwork>& done);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_MEDIA_VIEWS_H_
