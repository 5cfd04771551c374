// The publishing workers as a part of a herald process: StartWorkers (used by serve, stdio and
// worker) and `herald worker` (workers only, no listener). Several processes on one PostgreSQL
// share the queue safely: claims are leases, at most one publish per account at a time.
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "app/services.h"
#include "core/analytics_collector.h"
#include "core/publish_worker.h"
#include "core/scheduler.h"

namespace herald::app {
namespace {

namespace asio = base::asio;

class RunningWorkers final : public WorkerHandle {
 public:
  RunningWorkers(Services& services, core::CredentialSource& credentials,
                 core::WorkerOptions options, int threads)
      // One blocking thread per publish in flight: each publish waits on store commits there,
      // and the more of them wait together, the more one group commit (WriteBatched) carries.
      : http_(*services.http),
        blocking_(static_cast<size_t>(std::max(4, options.max_in_flight))),
        guard_(asio::make_work_guard(io_)) {
    worker_ = std::make_unique<core::PublishWorker>(*services.store, *services.platforms,
                                                    credentials, *services.clock, blocking_,
                                                    std::move(options));
    worker_->SetMediaPreparer(services.media_preparer.get());
    core::SchedulerOptions scheduler_options;
    if (core::MediaService* library = services.media.get()) {
      scheduler_options.extra_housekeeping = [library](base::Time now) -> base::Task<void> {
        auto removed = co_await library->CollectUnused(now);
        if (!removed.ok()) {
          spdlog::warn("removing unused media failed: {}", removed.error().ToLogString());
        }
      };
    }
    scheduler_ = std::make_unique<core::Scheduler>(*services.store, *worker_, *services.clock,
                                                   io_.get_executor(), blocking_,
                                                   std::move(scheduler_options));
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
    scheduler_->Start();
    // The analytics collector measures beside the publishing workers, on their executor and
    // blocking pool, sharing their rate budget (publishing wins).
    if (services.network_budget != nullptr) {
      collector_ = std::make_unique<core::AnalyticsCollector>(*services.store, *services.platforms,
                                                              credentials, *services.clock,
                                                              blocking_, *services.network_budget);
      asio::co_spawn(io_, collector_->Loop(), asio::detached);
    }
  }

  ~RunningWorkers() override {
    beside_.reset();
    if (collector_ != nullptr) collector_->Stop();
    scheduler_->Stop();
    guard_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    blocking_.join();
    // Pooled connections made by the adapters hold sockets of io_, which dies with this object.
    http_.CloseIdle();
    auto s = worker_->stats();
    spdlog::info("publishing workers stopped: {} claimed, {} published, {} failed, {} unknown, "
                 "{} retried, {} reconciled, {} lease lost, {} abandoned",
                 s.claimed, s.published, s.failed, s.unknown, s.retried, s.reconciled,
                 s.lease_lost, s.abandoned);
  }

  const std::string& owner() const { return worker_->owner(); }
  // Work that runs beside the publishing workers and stops before them.
  void Attach(std::unique_ptr<WorkerHandle> beside) { beside_ = std::move(beside); }

 private:
  platforms::HttpClient& http_;
  asio::thread_pool blocking_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::unique_ptr<core::PublishWorker> worker_;
  std::unique_ptr<core::Scheduler> scheduler_;
  std::unique_ptr<core::AnalyticsCollector> collector_;
  std::vector<std::thread> threads_;
  std::unique_ptr<WorkerHandle> beside_;
};

}  // namespace

std::unique_ptr<WorkerHandle> StartWorkers(Services& services, const Config& config) {
  if (!config.workers) return nullptr;
  if (services.credentials == nullptr) {
    spdlog::warn("publishing workers not started: no credential source is wired");
    return nullptr;
  }
  core::WorkerOptions options;
  options.max_in_flight = static_cast<int>(config.worker_concurrency);
  options.claim_batch = options.max_in_flight;
  options.lease_for = config.worker_lease;
  long default_timeout = std::min<long>(45'000, options.lease_for.count() * 3 / 4);
  options.publish_timeout =
      config.publish_timeout.value_or(std::chrono::milliseconds(default_timeout));
  if (options.publish_timeout >= options.lease_for) {
    options.publish_timeout = options.lease_for * 3 / 4;
    spdlog::warn("HERALD_PUBLISH_TIMEOUT_MS must be below the lease; using {} ms",
                 options.publish_timeout.count());
  }
  options.retry.max_attempts = static_cast<int>(config.retry_max_attempts);
  options.retry.initial = config.retry_initial;
  auto budgets = core::RateBudgets::Parse(config.publish_rates);
  if (!budgets.ok()) {
    spdlog::error("HERALD_PUBLISH_RATES: {}; publishing workers not started",
                  budgets.error().message());
    return nullptr;
  }
  options.rates = std::move(*budgets);
  auto pacing = core::PacingRules::Parse(config.account_pacing);
  if (!pacing.ok()) {
    spdlog::error("{}; publishing workers not started", pacing.error().message());
    return nullptr;
  }
  options.pacing = *pacing;
  options.shared_limiter = services.network_budget.get();  // shared with the analytics collector
  int threads = static_cast<int>(config.worker_threads);
  auto workers = std::make_unique<RunningWorkers>(services, *services.credentials,
                                                  std::move(options), threads);
  workers->Attach(StartTeamWorkers(services, config));
  spdlog::info("publishing workers running as {}", workers->owner());
  return workers;
}

int RunWorker(const Config& config) {
  // SIGINT/SIGTERM are taken by sigwait: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto services = BuildServices(config);
  if (!services.ok()) {
    std::fprintf(stderr, "herald: %s\n", services.error().message().c_str());
    return 2;
  }
  Config forced = config;
  forced.workers = true;
  auto workers = StartWorkers(**services, forced);
  if (workers == nullptr) {
    std::fprintf(stderr, "herald: the publishing workers could not start (see the log)\n");
    return 1;
  }
  std::printf("herald: worker running\n");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, stopping the workers", sig == SIGINT ? "SIGINT" : "SIGTERM");
  workers.reset();
  return 0;
}

}  // namespace herald::app
