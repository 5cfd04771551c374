// Private to core: the helpers PostService's files share (post_service*.cpp). Not for use
// elsewhere.
#ifndef HERALD_CORE_POST_SERVICE_INTERNAL_H_
#define HERALD_CORE_POST_SERVICE_INTERNAL_H_

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "core/audit.h"
#include "core/post_service.h"

namespace herald::core {

inline constexpr std::chrono::hours kMaxScheduleAhead{24 * 366 * 5};

// A kInvalidArgument naming `field`.
base::Error FieldError(std::string_view field, std::string message);

// `s` in single quotes, cut at 80 bytes with an ellipsis.
std::string Quote(std::string_view s);

// kPermissionDenied unless the caller's role allows `need`.
Result<void> RequireRole(const base::Caller& caller, base::Role need);

// True when `text` holds only spaces, tabs and line breaks.
bool IsBlank(std::string_view text);

// The same "not found" for a post that does not exist and one of another organization.
base::Error PostNotFound(std::string_view id);

// The post `id` of the caller's organization: a malformed id is a field error, another
// organization's post is PostNotFound.
Result<store::Post> GetVisiblePost(store::Tx& tx, const base::Caller& caller, std::string_view id);

// True when a change by `caller` must wait for an approver: the organization requires approval
// and the caller's role is below approver.
Result<bool> NeedsApproval(store::Tx& tx, const base::Caller& caller);

// Records that `post` (now pending_approval) waits for an approver: its approval record, the
// audit entry and the post.approval_requested event. `immediate`: asked for with publish_post.
Result<void> RequestApproval(store::Tx& tx, const base::Caller& caller, const store::Post& post,
                             bool immediate, base::Time now);

// The publish job of a target that is still waiting, if any (the newest first).
Result<std::vector<store::Job>> PublishJobs(store::Tx& tx, std::string_view target_id);

// An outcome for `target` naming it (target, account, platform, status) and nothing else yet.
TargetOutcome OutcomeFor(const store::PostTarget& target);

// The refusal for a change to a post a worker is publishing right now.
base::Error BusyError(std::string_view post_id);

// A queued publish job for `target`, due at `run_at`.
store::Job NewPublishJob(const store::PostTarget& target, base::Time run_at,
                         base::Time now);

// A queued target of `post` on `account`, with a fresh idempotency key.
store::PostTarget NewTarget(const store::Post& post, const store::Account& account,
                            base::Time now);

// Where media id `id` is first referenced, for error messages ("thread[1].media[0]").
std::string MediaField(const PostContent& content, std::string_view id);

// Maps an adapter's violation field (about the parts it was given) onto the request's fields.
std::string RequestField(std::string_view field, const PostContent& content,
                         std::string_view account_id);

// How an account is named in messages: "mastodon account @x (accounts[2])".
std::string AccountLabel(const store::Account& account, const std::string& platform_name,
                         size_t index);

// What CheckContent found valid: each target's account and platform, and the media by id.
struct PostService::Checked {
  struct Target {
    store::Account account;
    const platforms::Platform* platform = nullptr;
  };
  std::vector<Target> targets;
  std::map<std::string, platforms::MediaItem, std::less<>> media;
};

}  // namespace herald::core

#endif  // HERALD_CORE_POST_SERVICE_INTERNAL_H_
