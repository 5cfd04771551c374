// Post views: the JSON shapes the post tools return (schemas/tools/*.output.json), built from
// what core::PostService returns. The herald://posts/{id} resource shows PostDetailView. Pure
// functions; thread-safe.
#ifndef HERALD_TOOLS_POST_VIEWS_H_
#define HERALD_TOOLS_POST_VIEWS_H_

#include <optional>

#include "base/clock.h"
#include "base/json.h"
#include "core/post_results.h"
#include "platforms/platform_registry.h"
#include "store/model.h"

namespace herald::tools {

using base::Json;

// "2026-03-29T07:00:00Z", or null.
Json TimeJson(std::optional<base::Time> t);

// {post_id, status, publish_at, publish_at_local?, time_zone?, targets: [{target_id,
// account_id, platform, status}]}: what schedule/publish/update/reschedule return.
Json PostSummaryView(const core::PostState& state);

// get_post: the summary plus content, created_at/updated_at and per target external_id, url,
// attempts, last_error, next_attempt_at, published_at, deleted_at, deletion (+ deletion_error)
// once delete_post was asked, and an explanation when unknown or publishing.
Json PostDetailView(const core::PostState& state, const platforms::PlatformRegistry& platforms);

// list_posts: {posts: [summary plus a text preview and created_at], next_cursor (or null)}.
Json PostPageView(const core::PostPage& page);

// What cancel_post, retry_post and delete_post return: {post_id, status, targets: [{target_id,
// account_id, platform, ...}]} where each target carries, by kind:
enum class OutcomeKind {
  kCancel,  // status, stopped, message
  kRetry,   // status, retried, message
  kDelete,  // result, message
};
Json PostOutcomeView(const core::PostOutcome& outcome, OutcomeKind kind);

// validate_post: {ok, accounts: [{account_id, platform, ok, length, limit, unit,
// violations: [{field, message}]}]}.
Json ValidationView(const core::ValidationResult& result);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_POST_VIEWS_H_
