#include "tools/publish_follow.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "core/post_status.h"
#include "core/upload_progress.h"

namespace herald::tools {
namespace {

using core::UploadProgressOf;

// Settled targets count 1, an upload in flight its fraction sent (kept under 1).
double Done(const core::PostState& state, std::string* message) {
  double done = 0;
  for (const auto& t : state.targets) {
    if (core::IsSettled(t.status)) {
      done += 1;
      continue;
    }
    auto p = UploadProgressOf(t);
    if (!p || p->total <= 0) continue;
    const auto sent = static_cast<double>(p->done);
    const auto total = static_cast<double>(p->total);
    done += 0.99 * std::min(1.0, sent / total);
    *message = t.platform + ": " + std::to_string(static_cast<int>(100 * sent / total)) +
               "% uploaded";
  }
  return done;
}

}  // namespace

Task<Result<core::PostState>> FollowPublishing(core::PostService& posts, ToolContext& ctx,
                                               std::string post_id,
                                               std::chrono::milliseconds poll,
                                               std::chrono::milliseconds max_wait) {
  const auto until = std::chrono::steady_clock::now() + max_wait;
  base::asio::steady_timer timer(co_await base::asio::this_coro::executor);
  for (;;) {
    HERALD_CO_ASSIGN_OR_RETURN(core::PostState state, co_await posts.Get(ctx.caller(), post_id));
    // Waiting for an approver: nothing will be sent until one approves it.
    if (state.post.status == store::PostStatus::kPendingApproval) co_return state;
    std::string message;
    const double done = Done(state, &message);
    const double total = static_cast<double>(state.targets.size());
    if (done >= total) {
      ctx.Progress(total, total, "every network has answered");
      co_return state;
    }
    if (std::chrono::steady_clock::now() >= until) co_return state;
    if (ctx.cancelled()) co_return base::Cancelled("cancelled while following the publish");
    ctx.Progress(done, total, message);
    timer.expires_after(poll);
    co_await timer.async_wait(base::kNoThrow);
  }
}

}  // namespace herald::tools
