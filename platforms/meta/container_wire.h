// Wire mapping of Meta's container publishing (Instagram and Threads): container status,
// created ids, publishing limits and the account's recent media, each parameterised by the
// network's field names. Pure functions, unit-tested on recorded answers
// (tests/platforms/data/meta/); thread-safe.
#ifndef HERALD_PLATFORMS_META_CONTAINER_WIRE_H_
#define HERALD_PLATFORMS_META_CONTAINER_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::platforms::meta {

// A container's state (`status` on Threads, `status_code` on Instagram).
enum class ContainerState { kInProgress, kFinished, kPublished, kError, kExpired, kUnknown };
// "IN_PROGRESS" | "FINISHED" | "PUBLISHED" | "ERROR" | "EXPIRED" | "UNKNOWN".
std::string_view ContainerStateName(ContainerState state);

struct ContainerStatus {
  ContainerState state = ContainerState::kUnknown;
  std::string reason;  // Meta's words on ERROR (Threads error_message, Instagram status), or ""
};

// GET /{container-id}?fields=<state_field>,<reason_field>: {"<state_field>": "FINISHED",
// "<reason_field>"?: "...", "id"}. An unknown state string is kUnknown (polled again).
// Errors: kUnavailable for an unreadable answer.
base::Result<ContainerStatus> ParseContainerStatus(std::string_view body,
                                                   std::string_view state_field,
                                                   std::string_view reason_field);

// {"id": "..."} (a created container or a published media). Errors: kUnavailable when there
// is no id.
base::Result<std::string> ParseId(std::string_view body);

// GET /{user-id}/<limit edge>?fields=quota_usage,config:
// {"data": [{"quota_usage": 4, "config": {"quota_total": 250, "quota_duration": 86400}}]}.
struct PublishingLimit {
  int64_t usage = 0;
  int64_t total = 0;             // 0 = unknown (no limit applied)
  int64_t duration_seconds = 0;  // the rolling window
  bool spent() const { return total > 0 && usage >= total; }
};
// Errors: kUnavailable for an unreadable answer.
base::Result<PublishingLimit> ParsePublishingLimit(std::string_view body);

// One media of the account's recent list (GET /{user-id}/threads or /media).
struct RecentMedia {
  std::string id;
  std::string text;  // Threads `text`, Instagram `caption`
  std::string permalink;
  std::optional<base::Time> timestamp;
  std::string reply_to;  // Threads `replied_to.id` when asked for, else ""
};
// {"data": [{"id", "<text_field>"?, "permalink"?, "timestamp"?, "replied_to"?: {"id"}}],
// "paging"?}. Errors: kUnavailable for an unreadable answer.
base::Result<std::vector<RecentMedia>> ParseRecentMedia(std::string_view body,
                                                        std::string_view text_field);

// Meta's timestamps ("2026-12-07T10:00:00+0000", or RFC 3339), or nullopt.
std::optional<base::Time> ParseGraphTime(std::string_view text);

// The newest media of `recent` (newest first, as Meta lists them) whose text equals `text`
// (both trimmed), whose reply_to equals `reply_to` when that is not "" and the media says, and
// whose timestamp is not before `not_before` (media without one match); nullptr if none.
const RecentMedia* FindRecent(const std::vector<RecentMedia>& recent, std::string_view text,
                              std::string_view reply_to, std::optional<base::Time> not_before);

}  // namespace herald::platforms::meta

#endif  // HERALD_PLATFORMS_META_CONTAINER_WIRE_H_
