// StartTeamWorkers: webhook deliveries and audit-log pruning, on one thread of their own beside
// the publishing workers (app/worker_main.cpp attaches them).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <thread>

#include "app/services.h"
#include "base/ids.h"
#include "core/webhook_deliverer.h"

namespace herald::app {
namespace {

namespace asio = base::asio;

constexpr std::chrono::milliseconds kIdlePoll{500};  // new events come from any process
constexpr std::chrono::hours kPruneEvery{1};  // also how often expiring tokens are looked for
constexpr std::chrono::hours kTokenWarning{24 * 7};  // account.token_expiring this long ahead
constexpr std::chrono::hours kKeepDeliveries{24 * 30};  // finished webhook deliveries kept

class TeamWorkers final : public WorkerHandle {
 public:
  TeamWorkers(Services& services, const Config& config)
      : services_(services),
        retention_(std::chrono::hours(24) * config.audit_retention_days),
        blocking_(2) {
    core::WebhookDelivererOptions options;
    options.owner = base::NewId("whd");
    options.allow_private_networks = config.allow_private_networks;
    deliverer_ = std::make_unique<core::WebhookDeliverer>(*services.store, *services.http,
                                                          services.keyring, *services.clock,
                                                          blocking_, std::move(options));
    asio::co_spawn(io_, Loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~TeamWorkers() override {
    stop_ = true;
    io_.stop();
    thread_.join();
    blocking_.join();
    // Pooled connections opened by deliveries hold sockets of io_, which dies with this object.
    services_.http->CloseIdle();
  }

 private:
  base::Task<void> Loop() {
    asio::steady_timer timer(io_);
    auto last_prune = std::chrono::steady_clock::now() - kPruneEvery;
    while (!stop_) {
      if (std::chrono::steady_clock::now() - last_prune >= kPruneEvery) {
        last_prune = std::chrono::steady_clock::now();
        auto pruned = co_await base::RunBlocking(
            blocking_, [&] { return services_.team->PruneAudit(retention_); });
        if (!pruned.ok()) {
          spdlog::warn("pruning the audit log failed: {}", pruned.error().ToLogString());
        } else if (*pruned > 0) {
          spdlog::info("audit log: {} entries older than {} days removed", *pruned,
                       retention_.count() / 24);
        }
        auto deliveries = co_await base::RunBlocking(
            blocking_, [&] { return services_.webhooks->PruneDeliveries(kKeepDeliveries); });
        if (!deliveries.ok()) {
          spdlog::warn("pruning webhook deliveries failed: {}", deliveries.error().ToLogString());
        } else if (*deliveries > 0) {
          spdlog::info("webhooks: {} finished deliveries older than 30 days removed", *deliveries);
        }
        // herald's own OAuth server (MCP clients): expired codes and tokens, unused clients.
        auto oauth = co_await base::RunBlocking(blocking_, [&] {
          const base::Time cutoff = services_.clock->Now() - std::chrono::hours(24);
          return store::WriteValue<int>(
              *services_.store, [&](store::Tx& tx) { return tx.DeleteExpiredOAuthGrants(cutoff); });
        });
        if (!oauth.ok()) {
          spdlog::warn("pruning OAuth codes and tokens failed: {}", oauth.error().ToLogString());
        }
        auto warned = co_await base::RunBlocking(
            blocking_, [&] { return services_.team->WarnExpiringTokens(kTokenWarning); });
        if (!warned.ok()) {
          spdlog::warn("warning of expiring tokens failed: {}", warned.error().ToLogString());
        }
      }
      auto sent = co_await deliverer_->RunOnce();
      if (!sent.ok()) {
        spdlog::warn("webhook deliveries: {}", sent.error().ToLogString());
      } else if (*sent > 0) {
        continue;  // more may be due
      }
      timer.expires_after(kIdlePoll);
      co_await timer.async_wait(base::kNoThrow);
    }
  }

  Services& services_;
  std::chrono::hours retention_;
  asio::thread_pool blocking_;
  asio::io_context io_;
  std::unique_ptr<core::WebhookDeliverer> deliverer_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<WorkerHandle> StartTeamWorkers(Services& services, const Config& config) {
  if (services.team == nullptr || services.http == nullptr) return nullptr;
  return std::make_unique<TeamWorkers>(services, config);
}

}  // namespace herald::app
