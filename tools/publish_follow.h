// FollowPublishing: publish_post for a client that asked for progress (a progressToken).
//
// Watches the post until every target is settled (published, failed, unknown, cancelled),
// sending notifications/progress as it goes: progress counts settled targets as 1 each and a
// target still uploading as the fraction of its bytes sent (get_post's `progress`), total = the
// number of targets. Stops early when the client cancels (kCancelled) or after `max_wait`
// (then returns the state as it is). Reads the store, so it works whether the publishing worker
// runs in this process or another. Thread-compatible; one call per tool call.
#ifndef HERALD_TOOLS_PUBLISH_FOLLOW_H_
#define HERALD_TOOLS_PUBLISH_FOLLOW_H_

#include <chrono>
#include <string>

#include "core/post_service.h"
#include "tools/tool.h"

namespace herald::tools {

Task<Result<core::PostState>> FollowPublishing(core::PostService& posts, ToolContext& ctx,
                                               std::string post_id,
                                               std::chrono::milliseconds poll,
                                               std::chrono::milliseconds max_wait);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_PUBLISH_FOLLOW_H_
