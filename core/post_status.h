// Post status roll-up: a post's status follows from its targets' statuses.
//
//   any target queued or publishing      -> scheduled (nothing attempted yet) or publishing
//   every target cancelled               -> cancelled
//   otherwise (all settled):
//     published, the rest cancelled      -> published
//     some published, some failed/unknown-> partially_published
//     none published                     -> failed
// A draft stays a draft. Pure functions; thread-safe.
#ifndef HERALD_CORE_POST_STATUS_H_
#define HERALD_CORE_POST_STATUS_H_

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace herald::core {

// The status of a non-draft post whose targets are `targets`.
store::PostStatus RollUpStatus(const std::vector<store::PostTarget>& targets);

// True for a target status that no worker will change again on its own.
bool IsSettled(store::TargetStatus status);

// Recomputes and stores the status of post `post_id` inside `tx` (a draft is left alone).
// Takes the post row's lock first (Tx::LockPost), so two workers finishing two targets of one
// post at once see each other's results (PostgreSQL READ COMMITTED). Writes only when the
// status changes (then updated_at = now). Returns the post as stored.
base::Result<store::Post> RollUpPost(store::Tx& tx, std::string_view org_id,
                                     std::string_view post_id, base::Time now);

// A sentence for a user about a target in `unknown` state on `platform_name`.
std::string UnknownExplanation(std::string_view platform_name);

}  // namespace herald::core

#endif  // HERALD_CORE_POST_STATUS_H_
