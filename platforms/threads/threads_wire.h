// Threads (graph.threads.net, Threads API v1.0) wire mapping: scopes, the text length Threads
// counts, the container fields of a post part, and the answers of /me, permalinks and
// insights. Errors are Graph error objects (platforms/meta/graph_errors.h). Pure functions,
// unit-tested on recorded answers (tests/platforms/data/threads/); thread-safe.
#ifndef HERALD_PLATFORMS_THREADS_THREADS_WIRE_H_
#define HERALD_PLATFORMS_THREADS_THREADS_WIRE_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "platforms/meta/container_publisher.h"
#include "platforms/platform.h"

namespace herald::platforms::threads {

using base::Json;
using base::Result;

inline constexpr std::string_view kThreadsNetworkId = "threads";
inline constexpr std::string_view kThreadsApiUrl = "https://graph.threads.net";
inline constexpr std::string_view kThreadsAuthUrl = "https://threads.net";
inline constexpr int kThreadsMaxText = 500;
inline constexpr int kThreadsMinCarousel = 2;
inline constexpr int kThreadsMaxCarousel = 20;

// The scopes herald asks for: threads_basic, threads_content_publish (posting),
// threads_read_replies (finding a thread's replies again), threads_manage_insights (metrics),
// threads_delete.
const std::vector<std::string>& ThreadsScopes();

// The length of `text` as Threads counts it against its 500-character limit: Unicode code
// points, except that an emoji counts its UTF-8 bytes ("👋" is 4).
int ThreadsTextLength(std::string_view text);

// The container flow of Threads on the Meta kit: POST /{user}/threads, status +
// error_message, POST /{user}/threads_publish, threads_publishing_limit, the recent threads
// (replies looked up under /{user}/replies).
meta::ContainerFlow ThreadsContainerFlow();

// The container of one post part: TEXT (text only), IMAGE / VIDEO (one media item, fetched
// by Threads from item.url), CAROUSEL (2-20 items, each a child IMAGE / VIDEO with
// is_carousel_item=true), with reply_to_id when `reply_to` is set. Images are IMAGE, videos
// VIDEO (by mime type).
meta::ContainerPost PartContainer(const PostPart& part, std::string_view reply_to);

struct ThreadsUser {
  std::string id;
  std::string username;
  std::string name;
};
// GET /v1.0/me?fields=id,username,name: Errors: kUnavailable without an id.
Result<ThreadsUser> ParseUser(std::string_view body);

// GET /v1.0/{media-id}?fields=permalink: the permalink, or "" when absent.
std::string ParsePermalink(std::string_view body);

// The link of a post when Threads gave no permalink.
std::string PostUrl(std::string_view username, std::string_view media_id);

// GET /v1.0/{media-id}/insights: {"data": [{"name", "values": [{"value"}]} or
// {"name", "total_value": {"value"}}]} -> {"views","likes","replies","reposts","quotes",
// "shares"} (those present). Errors: kUnavailable for an unreadable answer.
Result<Json> ParseInsights(std::string_view body);

// GET /v1.0/{user-id}/threads_insights?metric=followers_count,...: the same shape; followers_count
// becomes "followers". Errors: kUnavailable.
Result<Json> ParseAccountInsights(std::string_view body);

}  // namespace herald::platforms::threads

#endif  // HERALD_PLATFORMS_THREADS_THREADS_WIRE_H_
