// The attempt decision: what one claim of a publish or delete job should do next, as a pure
// state machine. The worker (PublishWorker) gathers facts, calls Decide*, performs the one
// effect the decision names (read the rate limiter, open the credentials, ask the network,
// write the store), adds what it learnt to the facts and decides again, until a decision ends
// the claim. The functions do no I/O and read no clock: the current time comes in the facts,
// randomness only through the RetryPolicy given (seeded in tests). Thread-safe.
//
// Publish (see the EXACTLY ONCE comment in publish_worker.cpp): a settled target ends the job;
// a missing network or an inactive account fails the target (or marks it unknown when an
// earlier attempt was interrupted); rate limits postpone; a target found `publishing` (resumed
// after a lost lease or a kUnknown answer) is reconciled by the network's IdempotencyKind
// before anything is sent again; the answer of a send is classified by the error convention of
// platforms/platform.h.
//
// Delete: a delete job removes one published target from its network. Deleting is idempotent
// (a post already gone counts as deleted), so an interrupted or unclear attempt is simply sent
// again: transient and unclear errors retry with the retry policy, permanent ones end the
// target's deletion as failed with the reason.
#ifndef HERALD_CORE_ATTEMPT_DECISION_H_
#define HERALD_CORE_ATTEMPT_DECISION_H_

#include <chrono>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/error.h"
#include "base/result.h"
#include "core/retry_policy.h"
#include "platforms/platform.h"
#include "store/model.h"

namespace herald::core {

// What to do next. The first four gather facts and decide again; the rest end the claim.
enum class AttemptStep {
  kTakeRateSlot,     // reserve a slot in the network's rate budget -> AttemptFacts::rate_*
  kOpenCredentials,  // open the account's credentials -> AttemptFacts::credentials
  kFind,             // ask the network whether the interrupted attempt went through -> found
  kSend,             // publish: mark the target publishing, then send -> sent (delete: the
                     // same with the deletion counted and Platform::Delete)
  kFinishJob,        // nothing to do (the target is settled or gone): complete the job only
  kPostpone,         // try later at run_at, no verdict (rate limit, busy store, settle wait)
  kRecordPublished,  // the post is on the network (publish: sent or found)
  kRecordDeleted,    // the post is gone from the network (delete)
  kRetry,            // transient: reschedule at run_at with reason (publish: back_to_queued)
  kCheckLater,       // reconciliation could not tell yet: reschedule at run_at, count `checks`
  kFail,             // permanent: the target (publish) or its deletion (delete) failed: reason
  kMarkUnknown,      // whether the post went through cannot be known: reason
};
std::string_view AttemptStepName(AttemptStep step);  // "take_rate_slot", ... (test output)

struct AttemptDecision {
  AttemptStep step = AttemptStep::kFinishJob;
  base::Time run_at{};          // kPostpone, kRetry, kCheckLater
  std::string reason;           // kFail, kMarkUnknown, kRetry, kCheckLater (stored as last_error)
  bool needs_reauth = false;    // kFail: the account needs to be reconnected
  bool back_to_queued = false;  // kRetry: the request was not applied (else: reconcile next)
  // kRetry: a spent quota or daily cap (base::Error::quota_wait): the attempt is not counted
  // against max_attempts, so the post waits as long as the quota needs and is never given up.
  bool quota_wait = false;
  bool reconciled = false;      // kRecordPublished: learnt by Find
  int checks = 0;               // kCheckLater: reconciliation checks so far
  // Set before applying the step: the network asked for a pause on this account until then.
  std::optional<base::Time> account_not_before;
};

// What the worker knows about one claim. Filled at claim time; the optional parts are filled
// by the effects the decisions ask for.
struct AttemptFacts {
  // Reading the job's rows failed (then only `target_found` and `job_attempts` matter).
  std::optional<base::Error> load_error;
  bool target_found = true;  // with a load error: whether the target row itself was read
  int job_attempts = 0;      // claims of the job so far (store::Job::attempts)

  store::TargetStatus target_status = store::TargetStatus::kQueued;  // as claimed
  store::DeletionStatus deletion = store::DeletionStatus::kNone;     // as claimed (delete)
  int target_attempts = 0;       // publish: sends so far (counted when marked publishing);
                                 // delete: deletion attempts so far (counted before sending)
  int checks = 0;                // reconciliation checks so far (publish)
  base::Time attempt_started{};  // publish: when the interrupted attempt started (updated_at)

  std::string network;  // display name ("Mastodon"); "" when nothing was loaded
  bool platform_available = false;
  bool platform_deletes = false;  // Features::delete_posts
  platforms::IdempotencyKind idempotency = platforms::IdempotencyKind::kNone;
  store::AccountStatus account_status = store::AccountStatus::kActive;
  std::string account_name;  // handle, or id

  base::Time started{};  // when the claim started processing (the worker's first now)
  base::Time now{};      // the time of this decision
  std::optional<base::Time> account_not_before;  // a pause the network asked for
  std::optional<base::Time> paced_until;  // per-account pacing holds a queued publish until then
  std::string paced_reason;               // why, for get_post
  std::chrono::milliseconds publish_timeout{45'000};

  // Learnt along the way.
  bool rate_checked = false;
  std::optional<base::Time> rate_later;           // the reserved slot when not free now
  std::optional<base::Result<void>> credentials;  // opening the account's credentials
  std::optional<base::Result<bool>> found;        // Find: true found, false certainly absent
  std::optional<base::Result<void>> sent;         // the send (Publish or Delete)
};

// The next step for a publish job.
AttemptDecision DecidePublish(const AttemptFacts& facts, const RetryPolicy& retry);
// The next step for a delete job.
AttemptDecision DecideDelete(const AttemptFacts& facts, const RetryPolicy& retry);

}  // namespace herald::core

#endif  // HERALD_CORE_ATTEMPT_DECISION_H_
