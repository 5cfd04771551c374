// Post views: the JSON shapes the post tools return (schemas/tools/*.output.json), built from
// stored rows. They live in the core because a repeated idempotency key must return the first
// answer exactly, so the core stores the view it returned. Pure functions; thread-safe.
#ifndef HERALD_CORE_POST_VIEWS_H_
#define HERALD_CORE_POST_VIEWS_H_

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "platforms/platform_registry.h"
#include "store/model.h"

namespace herald::core {

using base::Json;

// "2026-03-29T07:00:00Z", or null.
Json TimeJson(std::optional<base::Time> t);

// {post_id, status, publish_at, publish_at_local?, time_zone?, targets: [{target_id,
// account_id, platform, status}]}: what schedule/publish/update/reschedule return.
Json PostSummaryView(const store::Post& post, const std::vector<store::PostTarget>& targets);

// get_post: the summary plus content, created_at/updated_at and per target external_id, url,
// attempts, last_error, next_attempt_at, published_at, deleted_at, deletion (+ deletion_error)
// once delete_post was asked, and an explanation when unknown.
Json PostDetailView(const store::Post& post, const std::vector<store::PostTarget>& targets,
                    const platforms::PlatformRegistry& platforms);

// One list_posts item: the summary plus a text preview.
Json PostListItemView(const store::Post& post, const std::vector<store::PostTarget>& targets);

// The display name of a network ("Mastodon"), or its id if not registered.
std::string PlatformName(const platforms::PlatformRegistry& platforms, std::string_view id);

}  // namespace herald::core

#endif  // HERALD_CORE_POST_VIEWS_H_
