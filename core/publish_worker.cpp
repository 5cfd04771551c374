// ============================================================================================
// EXACTLY ONCE: how a post target reaches its network once, through crashes and retries
// ============================================================================================
//
// Every post target carries a stable identity (PostTarget::idempotency_key, random, made when the
// post is created) that every attempt reuses: it is the Mastodon Idempotency-Key,
// the source of the Bluesky record key, the marker Slack reconciliation looks for. Networks with
// no way to deduplicate or look back (Telegram bots, Discord webhooks: webhooks take no nonce)
// are kNone: an interrupted send there ends `unknown`, never a blind resend.
// A target is delivered by a publish job in the durable queue; a worker holds a job through a
// lease (owner + expiry), and the store hands a job to one claimer at a time, at most one job
// per account at a time, in any number of processes.
//
// One attempt, in order:
//   1. Claim the job (lease).
//   2. Durably mark the target `publishing` and count the attempt, in a transaction that also
//      extends the lease (ExtendLease fails with kAborted if the lease was lost: then nothing
//      is sent). From here on, "publishing" in the database means "a request may be on the
//      network".
//   3. Send, with the target's identity. Thread parts: the adapter saves progress after each
//      part (save_remote_state, lease-fenced) so a restart resumes instead of repeating.
//   4. Record the outcome AND finish the job in ONE transaction fenced by the lease:
//      CompleteJob/FailJob/RescheduleJob fail with kAborted when another worker took the job
//      over, and then the whole transaction rolls back, so an outcome is never recorded twice
//      and a taken-over job is never finished by the worker that lost it.
//
// Outcomes: success -> `published`. Permanent errors (content refused, chat gone, permission
// revoked, token invalid) -> `failed` at once with the network's reason; auth errors also mark
// the account needs_reauth. Transient errors (5xx, connect failure, 429) mean the request was
// NOT applied (platform.h convention): back to `queued`, retried with exponential backoff and
// full jitter, Retry-After first, until max_attempts. kUnknown (timeout or connection drop after
// sending; also our own publish_timeout) means the request MAY have been applied: the target
// stays `publishing` and the job is rescheduled, which leads to reconciliation.
//
// Reconciliation. A target found `publishing` when its job is claimed (the process crashed
// after step 2, the lease expired, or the last answer was kUnknown) is resolved BEFORE anything
// is sent again. First we wait until publish_timeout has passed since the attempt started (the
// target's updated_at), so an attempt still in flight in a stalled process cannot race the
// check. Then, by the network's IdempotencyKind:
//   kNative    -> send again with the same identity; the network returns the existing post.
//   kReconcile -> Platform::Find: found -> record `published`; certainly absent -> send;
//                 cannot tell -> ask again later with backoff, at most max_reconcile_attempts
//                 times, then `unknown`.
//   kNone      -> `unknown`: never sent again automatically. get_post explains it; retry_post
//                 with include_unknown=true re-sends only on the user's explicit request.
// So a post is on a network at most once, and it is never silently lost: every target ends
// `published`, `failed` (with the reason) or `unknown` (with the explanation).
//
// A worker whose lease was lost while it was sending and that then learns the post went
// through records that knowledge without touching the job (the target only moves from
// `publishing`/`unknown` to `published`); the new lease holder's own reconciliation agrees.
// An exception escaping an adapter is treated like a crash: nothing more is written, the lease
// expires, and reconciliation takes over.
//
// Which of these steps a claim takes is decided by DecidePublish (attempt_decision.h), a pure
// function of what is known so far; Process below performs the effect each decision names
// (take a rate slot, open credentials, Find, mark + send, record) and decides again.
// ============================================================================================

#include "core/publish_worker.h"

#include "core/media_probe_json.h"
#include "core/publish_worker_attempt.h"

// GCC 12 at -O2 reports a false "mismatched new/delete" for Asio's awaitable frame operator
// delete in large coroutines (GCC bug 109224); the frame is allocated and freed by Asio's own
// matching operators.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <exception>
#include <utility>
#include <variant>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/attempt_decision.h"
#include "core/platform_name.h"
#include "core/post_content.h"
#include "core/post_status.h"

namespace herald::core {
namespace {

namespace asio = base::asio;
using base::ErrorCode;
using base::Time;
using store::TargetStatus;

std::string Seconds(std::chrono::milliseconds d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  return std::to_string(s) + " s";
}

int ChecksOf(const store::PostTarget& t) {
  auto it = t.remote_state.find(worker_internal::kChecksKey);
  return (it != t.remote_state.end() && it->is_number_integer()) ? it->get<int>() : 0;
}

}  // namespace

using worker_internal::kChecksKey;
using worker_internal::kProgressKey;
using worker_internal::MergeRemoteState;

PublishWorker::PublishWorker(store::Store& store, const platforms::PlatformRegistry& platforms,
                             CredentialSource& credentials, const base::Clock& clock,
                             base::asio::thread_pool& blocking, WorkerOptions options)
    : store_(store),
      platforms_(platforms),
      credentials_(credentials),
      clock_(clock),
      blocking_(blocking),
      options_(std::move(options)),
      retry_(options_.retry),
      limiter_(options_.rates) {
  if (options_.owner.empty()) options_.owner = "wrk_" + base::HexEncode(base::RandomBytes(8));
  if (options_.max_in_flight < 1) options_.max_in_flight = 1;
  if (options_.claim_batch < 1) options_.claim_batch = 1;
}

PublishWorker::~PublishWorker() = default;

int PublishWorker::in_flight() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(in_flight_.size());
}

WorkerStats PublishWorker::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void PublishWorker::Forget(const std::string& job_id) {
  std::lock_guard lock(mu_);
  in_flight_.erase(job_id);
}

std::optional<Time> PublishWorker::AccountNotBefore(const std::string& account_id, Time now) {
  std::lock_guard lock(mu_);
  auto it = account_not_before_.find(account_id);
  if (it == account_not_before_.end()) return std::nullopt;
  if (it->second <= now) {
    account_not_before_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void PublishWorker::SetAccountNotBefore(const std::string& account_id, Time t) {
  std::lock_guard lock(mu_);
  auto& slot = account_not_before_[account_id];
  slot = std::max(slot, t);
  // Bounded: forget the oldest entries if a flood of accounts were rate limited.
  if (account_not_before_.size() > 10'000) account_not_before_.erase(account_not_before_.begin());
}

bool PublishWorker::TakeRateSlot(const std::string& job_id, const std::string& network,
                                 Time now, Time* later) {
  {
    std::lock_guard lock(mu_);
    auto it = reserved_.find(job_id);
    if (it != reserved_.end()) {
      // Paid earlier; tolerate a claim a little before the slot (timer and clock jitter).
      if (it->second <= now + std::chrono::milliseconds(50)) {
        reserved_.erase(it);
        return true;
      }
      *later = it->second;
      return false;
    }
  }
  RateLimiter& limiter = options_.shared_limiter != nullptr ? *options_.shared_limiter : limiter_;
  Time slot = limiter.Reserve(network, now);
  if (slot <= now) return true;
  std::lock_guard lock(mu_);
  if (reserved_.size() >= 100'000) reserved_.erase(reserved_.begin());  // bounded
  reserved_[job_id] = slot;
  *later = slot;
  return false;
}

// ---- claiming ----

Result<std::vector<PublishWorker::Attempt>> PublishWorker::Claim(Time now) {
  int free = 0;
  {
    std::lock_guard lock(mu_);
    free = options_.max_in_flight - static_cast<int>(in_flight_.size());
  }
  if (free <= 0) return std::vector<Attempt>();
  store::ClaimRequest request;
  request.owner = options_.owner;
  request.now = now;
  request.lease_for = options_.lease_for;
  request.limit = std::min(free, options_.claim_batch);
  request.kinds = {store::JobKind::kPublish, store::JobKind::kDelete};
  // One transaction claims the jobs and reads everything they need: a transaction per job
  // fewer. A load error decided by the data (a row gone, content unreadable) is that job's
  // answer (Process handles it) and never holds up the other jobs. A failed statement needs no
  // check here: the store refuses to commit, the claim fails and the jobs stay queued.
  std::vector<Attempt> attempts;
  HERALD_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) -> Result<void> {
    attempts.clear();
    HERALD_ASSIGN_OR_RETURN(auto jobs, tx.ClaimJobs(request));
    attempts.resize(jobs.size());
    for (size_t i = 0; i < jobs.size(); ++i) {
      attempts[i].job = std::move(jobs[i]);
      attempts[i].loaded = LoadAttempt(tx, attempts[i], options_.pacing, clock_.Now());
    }
    return base::Ok();
  }));
  std::lock_guard lock(mu_);
  for (const auto& a : attempts) in_flight_.insert(a.job.id);
  stats_.claimed += static_cast<int64_t>(attempts.size());
  return attempts;
}

Result<void> PublishWorker::LoadAttempt(store::Tx& tx, Attempt& a, const PacingRules& pacing,
                                        Time now) {
  HERALD_ASSIGN_OR_RETURN(a.target, tx.GetTarget(a.job.org_id, a.job.target_id));
  HERALD_ASSIGN_OR_RETURN(a.post, tx.GetPost(a.job.org_id, a.target.post_id));
  HERALD_ASSIGN_OR_RETURN(a.account, tx.GetAccount(a.job.org_id, a.target.account_id));
  if (a.job.kind == store::JobKind::kDelete) return base::Ok();  // no content to send
  HERALD_ASSIGN_OR_RETURN(PostContent content, PostContent::FromJson(a.post.content));
  auto parts = content.PartsFor(a.account.id);
  std::map<std::string, platforms::MediaItem, std::less<>> media;
  for (const auto& part : parts) {
    for (const auto& id : part.media) {
      if (media.count(id) > 0) continue;
      HERALD_ASSIGN_OR_RETURN(store::Media m, tx.GetMedia(a.job.org_id, id, true));
      platforms::MediaItem item = MediaItemFromRow(m);
      item.data = std::move(m.data);  // rows stored before the media pipeline hold their bytes
      media.emplace(id, std::move(item));
    }
  }
  a.pacing = EffectivePacing(pacing, a.account.settings);
  if (a.pacing.enabled()) {
    HERALD_ASSIGN_OR_RETURN(auto recent,
                            tx.ListAnalyticsPosts({.org_id = a.job.org_id,
                                                   .from = now - std::chrono::hours(24),
                                                   .to = now + base::Micros(1),
                                                   .account_ids = {a.account.id},
                                                   .limit = 0}));
    for (const store::AnalyticsPost& p : recent) {
      if (p.target_id != a.target.id) a.recent_publishes.push_back(p.published_at);
    }
  }
  a.content = ToPlatformContent(parts, media, content.fit);
  a.content.options = content.OptionsFor(a.account.platform);
  a.content.account_settings = a.account.settings;
  return base::Ok();
}

Result<int> PublishWorker::RunOnce(Time now) {
  asio::io_context io;
  return RunOnce(now, io);
}

Result<int> PublishWorker::RunOnce(Time now, asio::io_context& io) {
  HERALD_ASSIGN_OR_RETURN(auto attempts, Claim(now));
  io.restart();
  for (auto& attempt : attempts) {
    std::string id = attempt.job.id;
    asio::co_spawn(io, Process(std::move(attempt)), [this, id](std::exception_ptr e) {
      if (!e) return;
      {
        std::lock_guard lock(mu_);
        ++stats_.abandoned;
        in_flight_.erase(id);
      }
      spdlog::warn("publish job {} abandoned by an exception; its lease will expire", id);
    });
  }
  io.run();
  return static_cast<int>(attempts.size());
}

Task<Result<int>> PublishWorker::ClaimAndStart(Time now, asio::any_io_executor executor,
                                               std::function<void()> on_done) {
  auto attempts = co_await base::RunBlocking(blocking_, [&] { return Claim(now); });
  if (!attempts.ok()) co_return std::move(attempts).error();
  for (auto& attempt : *attempts) {
    std::string id = attempt.job.id;
    asio::co_spawn(executor, Process(std::move(attempt)),
                   [this, id, on_done](std::exception_ptr e) {
                     if (e) {
                       {
                         std::lock_guard lock(mu_);
                         ++stats_.abandoned;
                         in_flight_.erase(id);
                       }
                       spdlog::error("publish job {} abandoned by an exception; its lease will "
                                     "expire and the target will be reconciled",
                                     id);
                     }
                     if (on_done) on_done();
                   });
  }
  co_return static_cast<int>(attempts->size());
}

Result<int> PublishWorker::RenewLeases(Time now) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    ids.assign(in_flight_.begin(), in_flight_.end());
  }
  if (ids.empty()) return 0;
  // One short transaction per lease: a single one holding every in-flight job's row would
  // deadlock with the group commits that record those jobs' outcomes.
  int extended = 0;
  std::optional<base::Error> failure;
  for (const auto& id : ids) {
    auto r = store_.Write([&](store::Tx& tx) -> Result<void> {
      return tx.ExtendLease(id, options_.owner, now + options_.lease_for);
    });
    if (r.ok()) {
      ++extended;
    } else if (r.error().code() != ErrorCode::kAborted && !failure) {
      failure = std::move(r).error();
    }
  }
  if (failure && extended == 0) return *failure;
  if (failure) spdlog::warn("renewing some leases failed: {}", failure->ToLogString());
  return extended;
}

// ---- processing ----

Task<void> PublishWorker::Process(Attempt a) {
  struct Done {
    PublishWorker* self;
    std::string id;
    ~Done() { self->Forget(id); }
  } done{this, a.job.id};

  if (a.loaded.ok()) {
    a.platform = platforms_.Find(a.target.platform);
    a.network = PlatformName(platforms_, a.target.platform);
  }
  if (a.job.kind == store::JobKind::kDelete) {
    co_await ProcessDelete(a);
    co_return;
  }
  AttemptFacts f = FactsOf(a);
  std::optional<platforms::AccountContext> account;
  std::optional<platforms::PublishRequest> request;
  std::optional<platforms::PublishReceipt> receipt;
  for (;;) {
    f.now = clock_.Now();
    const AttemptDecision d = DecidePublish(f, retry_);
    if (d.account_not_before) SetAccountNotBefore(a.account.id, *d.account_not_before);
    if (co_await Gather(a, d.step, f, account)) {
      if (account && !request) request = MakeRequest(a, std::move(*account));
      continue;
    }
    switch (d.step) {
      case AttemptStep::kTakeRateSlot:
      case AttemptStep::kOpenCredentials:
        break;  // gathered above
      case AttemptStep::kFind: {
        auto found = co_await FindWithTimeout(*a.platform, *request);
        if (!found.ok()) {
          f.found = std::move(found).error();
        } else {
          f.found = found->has_value();
          if (found->has_value()) receipt = std::move(**found);
        }
        break;
      }
      case AttemptStep::kSend: {
        // Media conversion and delivery happen before the target is marked publishing: a
        // failure here sent nothing, and the decision treats it as a send that did not happen.
        std::shared_ptr<PreparedMedia> prepared;
        if (media_ != nullptr) {
          auto ready = co_await media_->Prepare(a.job.org_id, a.platform->Info(), request->content);
          if (!ready.ok()) {
            f.sent = std::move(ready).error();
            break;
          }
          prepared = std::move(*ready);
        }
        auto marked = co_await MarkPublishing(a);
        if (!marked.ok()) {
          if (marked.error().code() == ErrorCode::kAborted) {
            std::lock_guard lock(mu_);
            ++stats_.lease_lost;
          } else {
            spdlog::warn("job {}: could not mark the target publishing ({}); not sent",
                         a.job.id, marked.error().ToLogString());
          }
          co_return;  // nothing was sent; the lease decides who goes next
        }
        f.target_attempts = a.target.attempts;
        auto result = co_await PublishWithTimeout(*a.platform, std::move(*request), a.alive);
        if (!result.ok()) {
          f.sent = std::move(result).error();
        } else {
          f.sent = base::Ok();
          receipt = std::move(*result);
        }
        break;
      }
      case AttemptStep::kFinishJob:
        co_await FinishJob(a);
        co_return;
      case AttemptStep::kPostpone:
        co_await Postpone(a, d.run_at, d.reason, f.paced_until.has_value());
        co_return;
      case AttemptStep::kRecordPublished:
        if (d.reconciled) {
          std::lock_guard lock(mu_);
          ++stats_.reconciled;
        }
        co_await RecordPublished(a, *receipt);
        co_return;
      case AttemptStep::kRetry:
        co_await RecordRetry(a, d);
        co_return;
      case AttemptStep::kCheckLater:
        co_await RecordCheckLater(a, d);
        co_return;
      case AttemptStep::kFail:
        co_await RecordFailed(a, d.reason, d.needs_reauth);
        co_return;
      case AttemptStep::kMarkUnknown:
        co_await RecordUnknown(a, d.reason);
        co_return;
      case AttemptStep::kRecordDeleted:
        spdlog::error("publish job {}: a delete decision; left to its lease", a.job.id);
        co_return;
    }
  }
}

Task<bool> PublishWorker::Gather(Attempt& a, AttemptStep step, AttemptFacts& f,
                                 std::optional<platforms::AccountContext>& account) {
  if (step == AttemptStep::kTakeRateSlot) {
    Time slot;
    f.rate_checked = true;
    if (!TakeRateSlot(a.job.id, a.target.platform, f.started, &slot)) f.rate_later = slot;
    co_return true;
  }
  if (step == AttemptStep::kOpenCredentials) {
    auto ctx = co_await base::RunBlocking(blocking_,
                                          [&] { return credentials_.OpenCredentials(a.account); });
    if (ctx.ok()) {
      f.credentials = base::Ok();
      account = std::move(*ctx);
    } else {
      f.credentials = std::move(ctx).error();
    }
    co_return true;
  }
  co_return false;
}

AttemptFacts PublishWorker::FactsOf(const Attempt& a) {
  // The facts the decision needs (attempt_decision.h); the effects it asks for add to them.
  AttemptFacts f;
  f.job_attempts = a.job.attempts;
  f.started = clock_.Now();
  f.now = f.started;
  f.publish_timeout = options_.publish_timeout;
  if (!a.loaded.ok()) {
    f.load_error = a.loaded.error();
    f.target_found = !a.target.id.empty();
    return f;
  }
  f.target_status = a.target.status;
  f.deletion = a.target.deletion;
  f.target_attempts = a.target.attempts;
  f.checks = ChecksOf(a.target);
  f.attempt_started = a.target.updated_at;
  f.network = a.network;
  f.platform_available = a.platform != nullptr;
  if (a.platform != nullptr) {
    f.platform_deletes = a.platform->Info().features.delete_posts;
    f.idempotency = a.platform->Info().features.idempotency;
  }
  f.account_status = a.account.status;
  f.account_name = a.account.handle.empty() ? a.account.id : a.account.handle;
  f.account_not_before = AccountNotBefore(a.account.id, f.started);
  if (a.job.kind == store::JobKind::kPublish && a.target.status == store::TargetStatus::kQueued) {
    if (auto wait = NextPacedSlot(a.pacing, a.recent_publishes, f.started)) {
      f.paced_until = wait->until;
      f.paced_reason = "paced: " + wait->reason + "; next slot " + base::FormatRfc3339(wait->until);
    }
  }
  return f;
}

platforms::PublishRequest PublishWorker::MakeRequest(const Attempt& a,
                                                     platforms::AccountContext account) {
  platforms::PublishRequest request;
  request.account = std::move(account);
  request.content = a.content;
  request.idempotency_key = a.target.idempotency_key;
  request.remote_state = a.target.remote_state;
  // Durable progress for multi-step publishes (threads). Blocking by the adapter contract:
  // the adapter must not go on before the state is stored.
  request.save_remote_state = [this, job_id = a.job.id, org_id = a.job.org_id,
                               target_id = a.target.id,
                               alive = a.alive](const base::Json& state) -> Result<void> {
    worker_internal::Touch(*alive);
    return store_.WriteBatched([&](store::Tx& tx) -> Result<void> {
      const Time at = clock_.Now();
      HERALD_RETURN_IF_ERROR(tx.ExtendLease(job_id, options_.owner, at + options_.lease_for));
      HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(org_id, target_id));
      t.remote_state = MergeRemoteState(t.remote_state, state);
      t.updated_at = at;
      return tx.UpdateTarget(t);
    });
  };
  // Upload progress: stored (at most once a second, and at the end) where get_post shows it.
  // A failed write costs only the display, so it is logged, not returned.
  request.report_progress = [this, job_id = a.job.id, org_id = a.job.org_id,
                             target_id = a.target.id, alive = a.alive,
                             saved = std::make_shared<std::atomic<int64_t>>(0)](int64_t done,
                                                                               int64_t total) {
    const int64_t now = worker_internal::Touch(*alive);
    const int64_t second = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::seconds(1)).count();
    if (done < total && saved->load() != 0 && now - saved->load() < second) return;
    saved->store(now);
    auto r = store_.WriteBatched([&](store::Tx& tx) -> Result<void> {
      const Time at = clock_.Now();
      HERALD_RETURN_IF_ERROR(tx.ExtendLease(job_id, options_.owner, at + options_.lease_for));
      HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(org_id, target_id));
      t.remote_state[std::string(kProgressKey)] =
          base::Json{{"done", done}, {"total", total}, {"at", base::FormatRfc3339(at)}};
      t.updated_at = at;
      return tx.UpdateTarget(t);
    });
    if (!r.ok()) spdlog::debug("job {}: progress not stored: {}", job_id, r.error().ToLogString());
  };
  return request;
}

Task<Result<platforms::PublishReceipt>> PublishWorker::PublishWithTimeout(
    platforms::Platform& platform, platforms::PublishRequest request,
    std::shared_ptr<std::atomic<int64_t>> alive) {
  return worker_internal::WithIdleTimeout(
      platform.Publish(std::move(request)), options_.publish_timeout, std::move(alive),
      base::Unknown("no answer and no progress for " + Seconds(options_.publish_timeout) +
                    "; the post may or may not have been published"));
}

Task<Result<std::optional<platforms::PublishReceipt>>> PublishWorker::FindWithTimeout(
    platforms::Platform& platform, platforms::PublishRequest request) {
  return worker_internal::WithTimeout(
      platform.Find(std::move(request)), options_.publish_timeout,
      base::Unavailable("no answer within " + Seconds(options_.publish_timeout)));
}

}  // namespace herald::core
