// PostService: deleting a post from the networks.
#include "core/post_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/platform_name.h"
#include "core/post_service_internal.h"
#include "core/post_status.h"

namespace herald::core {

using base::ErrorCode;
using base::Time;
using store::PostStatus;
using store::TargetStatus;

// ---- delete ----

Task<Result<PostOutcome>> PostService::Delete(Caller caller, std::string post_id) {
  HERALD_CO_RETURN_IF_ERROR(RequireRole(caller, store::Role::kEditor));
  struct Item {
    store::PostTarget target;
    std::optional<store::Account> account;
    TargetOutcome report;
    bool remote = false;  // ask the network to delete
  };
  // 1. Cancel what has not been sent, and find what is on the networks.
  std::vector<Item> items;
  std::string stored_post_id;
  auto first = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      items.clear();
      const Time now = clock_.Now();
      HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
      stored_post_id = post.id;
      HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
      for (auto& t : targets) {
        Item item;
        item.report = OutcomeFor(t);
        std::string result, message;
        if (t.status == TargetStatus::kQueued) {
          HERALD_ASSIGN_OR_RETURN(auto jobs, PublishJobs(tx, t.id));
          bool busy = false;
          for (const auto& job : jobs) {
            if (job.state == store::JobState::kLeased) busy = true;
            if (job.state != store::JobState::kQueued) continue;
            auto r = tx.CancelJob(job.id, now);
            if (!r.ok() && r.error().code() != ErrorCode::kFailedPrecondition) {
              return std::move(r).error();
            }
            if (!r.ok()) busy = true;
          }
          if (busy) {
            result = "busy";
            message = "a worker is sending it right now; try delete_post again in a moment";
          } else {
            t.status = TargetStatus::kCancelled;
            t.updated_at = now;
            HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
            result = "cancelled";
            message = "had not been published; cancelled";
          }
        } else if (t.status == TargetStatus::kPublishing) {
          result = "busy";
          message = "it is being sent or confirmed right now; try delete_post again in a moment";
        } else if (t.status == TargetStatus::kPublished) {
          auto account = tx.GetAccount(caller.org_id, t.account_id);
          if (account.ok()) item.account = std::move(*account);
          item.remote = true;
        } else if (t.status == TargetStatus::kUnknown) {
          result = "unknown";
          message = "herald does not know whether it was published, so it cannot delete it; "
                    "remove it on the network if it is there";
        } else {
          result = "not_published";
          message = "was not published; nothing to delete";
        }
        item.report.result = result;
        item.report.message = message;
        item.target = std::move(t);
        items.push_back(std::move(item));
      }
      if (post.status == PostStatus::kDraft) {
        post.status = PostStatus::kCancelled;
        post.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.UpdatePost(post));
      } else {
        HERALD_RETURN_IF_ERROR(RollUpPost(tx, caller.org_id, post.id, now));
      }
      Audit(tx, caller, "post.delete", post.id, Json::object(), now);
      return base::Ok();
    });
  });
  HERALD_CO_RETURN_IF_ERROR(first);

  // 2. Ask each network (no store transaction open meanwhile).
  for (auto& item : items) {
    if (!item.remote) continue;
    platforms::Platform* platform = platforms_.Find(item.target.platform);
    std::string name = PlatformName(platforms_, item.target.platform);
    auto set = [&item](std::string result, std::string message) {
      item.report.result = std::move(result);
      item.report.message = std::move(message);
    };
    if (platform == nullptr || !platform->Info().features.delete_posts) {
      set("not_supported", name + " does not let herald delete posts; it stays published");
      item.remote = false;
      continue;
    }
    if (!item.account || credentials_ == nullptr) {
      set("failed", "the account is no longer connected; delete it on " + name);
      item.remote = false;
      continue;
    }
    auto ctx = co_await base::RunBlocking(
        blocking_, [&] { return credentials_->OpenCredentials(*item.account); });
    if (!ctx.ok()) {
      set("failed", "could not use the account's credentials: " + ctx.error().message());
      item.remote = false;
      continue;
    }
    platforms::PublishReceipt receipt;
    receipt.external_id = item.target.external_id;
    receipt.url = item.target.url;
    receipt.remote_state = item.target.remote_state;
    auto deleted = co_await platform->Delete(std::move(*ctx), std::move(receipt));
    if (deleted.ok()) {
      set("deleted", "deleted from " + name);
    } else if (deleted.error().code() == ErrorCode::kUnimplemented) {
      set("not_supported", name + " does not let herald delete posts; it stays published");
      item.remote = false;
    } else {
      set("failed", "could not delete it from " + name + ": " + deleted.error().message());
      item.remote = false;
    }
  }

  // 3. Record what was deleted.
  PostOutcome out;
  auto second = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      const Time now = clock_.Now();
      for (auto& item : items) {
        if (!item.remote) continue;
        HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(caller.org_id, item.target.id));
        t.status = TargetStatus::kCancelled;
        if (!t.remote_state.is_object()) t.remote_state = Json::object();
        t.remote_state["herald_deleted_at"] = base::FormatRfc3339(now);
        t.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
      }
      HERALD_ASSIGN_OR_RETURN(store::Post post, RollUpPost(tx, caller.org_id, stored_post_id, now));
      out.post_id = post.id;
      out.status = post.status;
      for (auto& item : items) out.targets.push_back(std::move(item.report));
      return base::Ok();
    });
  });
  HERALD_CO_RETURN_IF_ERROR(second);
  co_return out;
}

}  // namespace herald::core
