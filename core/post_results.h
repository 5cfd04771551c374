// What PostService's operations return: plain domain values, no JSON. The tools (tools/
// post_views.h) shape them into what a client sees.
#ifndef HERALD_CORE_POST_RESULTS_H_
#define HERALD_CORE_POST_RESULTS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "store/model.h"

namespace herald::core {

// A post with its targets (one per account), as stored. What create, update, reschedule and
// get return. A create answered from an idempotency record carries only the fields the record
// keeps (see PostSnapshotJson).
struct PostState {
  PostState() = default;
  PostState(store::Post p, std::vector<store::PostTarget> t)
      : post(std::move(p)), targets(std::move(t)) {}

  store::Post post;
  std::vector<store::PostTarget> targets;
  // Set by get: the post's approval record, when it ever needed one.
  std::optional<store::PostApproval> approval;
  // Set by get: why a post waiting for approval is not being published, in words ("" if none).
  std::string approval_note;
};

// One page of list_posts, newest first.
struct PostPage {
  std::vector<PostState> posts;
  std::string next_cursor;  // "" on the last page
};

// What cancel, retry or delete did to one target.
struct TargetOutcome {
  std::string target_id;
  std::string account_id;
  std::string platform;
  store::TargetStatus status = store::TargetStatus::kQueued;  // after the call
  bool done = false;   // cancel: stopped; retry: queued again
  std::string result;  // delete: deleted | cancelled | busy | unknown | not_published |
                       // not_supported | failed
  std::string message;  // one sentence for the user
};

// What cancel, retry or delete did to a post: its status afterwards and each target's outcome.
struct PostOutcome {
  std::string post_id;
  store::PostStatus status = store::PostStatus::kScheduled;
  std::vector<TargetOutcome> targets;
};

// validate_post: one account's verdict.
struct AccountCheck {
  struct Problem {
    std::string field;    // the request's field ("text", "thread[1].media[0]")
    std::string message;
  };
  std::string account_id;
  std::string platform;
  int length = 0;  // the main text, counted the network's way
  int limit = 0;
  std::string unit;
  std::vector<Problem> violations;
  std::vector<Problem> conversions;  // media herald will convert for this network, and how
  bool ok() const { return violations.empty(); }
};

// validate_post: every account's verdict, in request order.
struct ValidationResult {
  bool ok = true;
  std::vector<AccountCheck> accounts;
};

// The form an idempotency record keeps of a created post (so a repeated key answers with the
// first result): {post_id, status, publish_at, time_zone?, targets: [{target_id, account_id,
// platform, status}]}. Records written before this form existed hold the same keys (plus
// derived ones, ignored).
base::Json PostSnapshotJson(const PostState& state);
// Parses PostSnapshotJson's form. Errors: kInternal for a record that is not one.
base::Result<PostState> PostStateFromSnapshot(const base::Json& json);

}  // namespace herald::core

#endif  // HERALD_CORE_POST_RESULTS_H_
