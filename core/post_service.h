// PostService: everything a caller does with posts: create (schedule, publish now, draft),
// edit, reschedule, cancel, retry, delete from the networks, read, list and validate.
//
// Every operation is scoped to the caller's organization: a post or account of another
// organization is reported exactly like one that does not exist. Writes need the editor role,
// reads the viewer role, approvals the approver role. When the organization requires approval
// (OrganizationSettings::require_approval), a post an editor creates or changes to be sent is
// pending_approval and not queued until an approver approves it. Bad input is refused with a message naming the field, and changes
// nothing.
//
// A created post, its targets (one per account) and their publish jobs are written in ONE
// transaction (Store::WriteBatched, so concurrent calls share a commit), together with the
// caller's idempotency key when one is given; the call returns only after that commit.
// Edits are race-free against a worker claiming a job at the same moment: jobs only change
// while queued (SetJobRunAt/CancelJob fail on a leased job), and such a failure rolls the edit
// back and refuses it.
//
// Results are domain values (core/post_results.h); the tools shape them. A repeated idempotency
// key answers with the post as the first call created it. Each method comes in two forms: a blocking one
// (`...Sync`, for callers already on a blocking thread: tests, benchmarks) and a coroutine that
// runs the blocking work on the pool given at construction. Thread-safe.
#ifndef HERALD_CORE_POST_SERVICE_H_
#define HERALD_CORE_POST_SERVICE_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "core/credential_source.h"
#include "core/limits.h"
#include "core/post_content.h"
#include "core/post_results.h"
#include "platforms/platform_registry.h"
#include "store/store.h"

namespace herald::core {

using base::Json;
using base::Result;
using base::Task;

struct PostServiceOptions {
  // publish_at may be this far in the past (clock skew between client and server).
  std::chrono::seconds past_grace{5};
  int max_accounts = limits::kMaxAccountsPerPost;          // targets of one post
  int max_thread_parts = limits::kMaxThreadParts;          // replies after the main part
  int max_media_per_part = limits::kMaxMediaPerPart;       // media ids in one part
  size_t max_text_length = limits::kMaxTextLength;         // code points, any one text
  std::chrono::hours idempotency_ttl{24};
  std::chrono::seconds delete_timeout{30};  // per network call when deleting a post
  int max_list_limit = limits::kMaxListLimit;
};

enum class CreateMode { kSchedule, kPublishNow, kDraft };

struct CreatePostRequest {
  CreateMode mode = CreateMode::kSchedule;
  std::vector<std::string> accounts;
  PostContent content;
  std::string publish_at;  // user text (RFC 3339, or local time with time_zone); "" = none
  std::string time_zone;   // IANA; "" = none
  // The instant publish_at stands for when the caller resolved it itself (schedule_post's
  // publish_at "best"); publish_at then keeps the user's words for the idempotency fingerprint.
  std::optional<base::Time> resolved_publish_at;
  std::string idempotency_key;
  // Names the operation in idempotency records and in the refusal of a key reused for another
  // one (the caller's name for it, e.g. its tool's); part of the request's fingerprint.
  std::string operation;
};

struct UpdatePostRequest {
  std::string post_id;
  std::optional<std::vector<std::string>> accounts;
  std::optional<std::string> text;
  std::optional<std::vector<std::string>> media;
  std::optional<std::vector<ContentPart>> thread;
  std::optional<std::map<std::string, ContentOverride, std::less<>>> overrides;
  std::optional<std::string> fit;  // "none" | "pad" | "crop"
  std::optional<std::map<std::string, Json, std::less<>>> platform_options;  // replaces all
  std::optional<std::string> publish_at;
  std::optional<std::string> time_zone;
};

struct ListPostsRequest {
  std::optional<std::string> status;
  std::string account_id;
  std::string from;  // RFC 3339; "" = none
  std::string to;
  int limit = limits::kDefaultListLimit;
  std::string cursor;  // from a previous page's next_cursor
};

struct ValidatePostRequest {
  std::vector<std::string> accounts;
  PostContent content;
};

class PostService {
 public:
  // `credentials` may be null (then delete_post reports that it cannot reach the networks).
  // `blocking` runs store work for the coroutine forms; it outlives the service.
  PostService(store::Store& store, const platforms::PlatformRegistry& platforms,
              CredentialSource* credentials, const base::Clock& clock,
              base::asio::thread_pool& blocking, PostServiceOptions options = {});

  // Creates a post (scheduled, published now, or a draft). Returns the post and its targets.
  // Errors:
  // kInvalidArgument naming the field (unknown or inactive account, bad content, a network's
  // limit, publish_at missing/unparsable/past, unknown time zone, duplicate accounts, too many
  // accounts); kAlreadyExists when idempotency_key was used with different arguments or for
  // another operation; kPermissionDenied for a viewer.
  Result<PostState> CreateSync(const base::Caller& caller, const CreatePostRequest& request);
  Task<Result<PostState>> Create(base::Caller caller, CreatePostRequest request);

  // Edits a post that has not been sent. Returns the post and its targets. Errors: kNotFound; kFailedPrecondition once any
  // target is publishing or published (or a worker claimed the post at this moment); the
  // validation errors of CreateSync.
  Result<PostState> UpdateSync(const base::Caller& caller, const UpdatePostRequest& request);
  Task<Result<PostState>> Update(base::Caller caller, UpdatePostRequest request);

  // A new publish time (a draft becomes scheduled). Same errors as Update.
  Result<PostState> RescheduleSync(const base::Caller& caller, const std::string& post_id,
                                   const std::string& publish_at, const std::string& time_zone);
  Task<Result<PostState>> Reschedule(base::Caller caller, std::string post_id,
                                     std::string publish_at, std::string time_zone);

  // Stops every target that has not been sent; reports per target what could not
  // be stopped. Errors: kNotFound.
  Result<PostOutcome> CancelSync(const base::Caller& caller, const std::string& post_id);
  Task<Result<PostOutcome>> Cancel(base::Caller caller, std::string post_id);

  // Re-queues failed targets, and `unknown` ones only when include_unknown.
  // Errors: kNotFound; kFailedPrecondition when nothing can be retried (says why).
  Result<PostOutcome> RetrySync(const base::Caller& caller, const std::string& post_id,
                                bool include_unknown);
  Task<Result<PostOutcome>> Retry(base::Caller caller, std::string post_id, bool include_unknown);

  // Cancels targets not yet sent and queues a delete job for each published target on a
  // network that allows deleting (its deletion shows `deleting`; PublishWorker removes it);
  // answers at once, per target. Errors: kNotFound.
  Task<Result<PostOutcome>> Delete(base::Caller caller, std::string post_id);

  // Approves a post waiting for approval (approver role or above): its targets are queued for
  // its publish time (at once for a publish_post), and the comment recorded. Errors: kNotFound;
  // kFailedPrecondition when it is not pending_approval, or when its publish time passed while
  // it waited (it was not published; reschedule_post sets a new time, then approve it).
  Result<PostState> ApproveSync(const base::Caller& caller, const std::string& post_id,
                                const std::string& comment);
  Task<Result<PostState>> Approve(base::Caller caller, std::string post_id, std::string comment);
  // Rejects a post waiting for approval (approver role or above): it goes back to draft with
  // the reason recorded. Errors: kInvalidArgument for an empty reason; kNotFound;
  // kFailedPrecondition when it is not pending_approval.
  Result<PostState> RejectSync(const base::Caller& caller, const std::string& post_id,
                               const std::string& reason);
  Task<Result<PostState>> Reject(base::Caller caller, std::string post_id, std::string reason);

  // Read-only: one post with its targets (kNotFound); a page of posts; the verdict of every
  // account's network on a content, storing nothing.
  Result<PostState> GetSync(const base::Caller& caller, const std::string& post_id);
  Task<Result<PostState>> Get(base::Caller caller, std::string post_id);
  Result<PostPage> ListSync(const base::Caller& caller, const ListPostsRequest& request);
  Task<Result<PostPage>> List(base::Caller caller, ListPostsRequest request);
  Result<ValidationResult> ValidateSync(const base::Caller& caller,
                                        const ValidatePostRequest& request);
  Task<Result<ValidationResult>> Validate(base::Caller caller, ValidatePostRequest request);

  // The networks this service publishes to (display names, features).
  const platforms::PlatformRegistry& platforms() const { return platforms_; }

 private:
  struct Checked;  // accounts, media and platforms resolved for one content

  Result<Checked> CheckContent(store::Tx& tx, const base::Caller& caller,
                               const std::vector<std::string>& accounts, const PostContent& content,
                               bool for_validate_tool, std::vector<AccountCheck>* report);
  Result<void> CheckShape(const std::vector<std::string>& accounts,
                          const PostContent& content) const;
  Result<std::optional<base::Time>> ResolvePublishAt(const std::string& publish_at,
                                                     const std::string& time_zone,
                                                     bool required, base::Time now) const;
  Result<void> EditInTx(store::Tx& tx, const base::Caller& caller, const UpdatePostRequest& request,
                        bool schedule_draft, PostState& out);
  Result<void> RollUp(store::Tx& tx, store::Post& post, base::Time now);

  store::Store& store_;
  const platforms::PlatformRegistry& platforms_;
  CredentialSource* credentials_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  PostServiceOptions options_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_POST_SERVICE_H_
