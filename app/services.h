// Services: everything the transports share, built once at start by the composition root.
// Owns the store, the keyring, the HTTPS client, the platforms and the core services, in the
// order they must be destroyed (reverse of construction).
#ifndef HERALD_APP_SERVICES_H_
#define HERALD_APP_SERVICES_H_

#include <memory>
#include <string>

#include "app/config.h"
#include "base/async.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/result.h"
#include "core/account_service.h"
#include "core/analytics_collector.h"
#include "core/analytics_insights.h"
#include "core/analytics_service.h"
#include "core/key_service.h"
#include "core/media_preparer.h"
#include "core/media_service.h"
#include "core/post_service.h"
#include "core/store_measured_posts.h"
#include "core/team_service.h"
#include "core/webhook_service.h"
#include "media/media_store.h"
#include "media/url_fetcher.h"
#include "media/url_signer.h"
#include "platforms/http/https_client.h"
#include "platforms/http_client.h"
#include "platforms/platform_registry.h"
#include "store/store.h"
#include "tools/tool_set.h"

namespace herald::app {

struct Services {
  const base::Clock* clock = &base::SystemClock::Instance();
  std::unique_ptr<store::Store> store;
  base::Keyring keyring;
  std::unique_ptr<core::KeyService> keys;
  store::Organization default_org;
  std::unique_ptr<platforms::PlatformRegistry> platforms;
  // ---- platforms (HTTPS client) ----
  std::unique_ptr<platforms::HttpClient> http;  // shared by every adapter
  // ---- core services ----
  std::unique_ptr<base::asio::thread_pool> core_pool;  // blocking store work of the services
  std::unique_ptr<core::AccountService> accounts;
  // ---- media: bytes (local or S3), URL downloads, signed URLs, the library and the publish
  // path's preparation ----
  std::unique_ptr<media::MediaStore> media_files;
  std::unique_ptr<media::UrlFetcher> media_fetcher;
  std::unique_ptr<media::UrlSigner> media_signer;
  std::unique_ptr<core::MediaService> media;
  std::unique_ptr<core::MediaPreparer> media_preparer;
  std::unique_ptr<core::PostService> posts;
  // What opens account credentials for the workers and delete_post: the AccountService.
  core::CredentialSource* credentials = nullptr;
  // ---- analytics insights: best time, reports, publish_at "best" ----
  std::unique_ptr<core::StoreMeasuredPosts> measured_posts;
  std::unique_ptr<core::AnalyticsInsights> insights;
  // ---- teams: settings, keys, audit log; webhooks ----
  std::unique_ptr<core::TeamService> team;
  std::unique_ptr<core::WebhookService> webhooks;
  // ---- analytics: one rate budget per network shared by publishing and the collectors
  // (which only spend what publishing leaves), the collector refresh_analytics measures with
  // (the planned collection runs with the workers, StartWorkers) and the analytics tools'
  // service ----
  std::unique_ptr<core::RateLimiter> network_budget;
  std::unique_ptr<core::AnalyticsCollector> analytics_collector;
  std::unique_ptr<core::AnalyticsService> analytics;

  // What the tools need, pointing into this object.
  tools::ToolDeps ToolDependencies();
};

// ---- core services: publishing workers (app/worker_main.cpp) ----
// Running publishing workers; destroying the handle stops them (running publishes get up to
// 10 s to record their outcome, the rest keep their lease and are taken over later).
class WorkerHandle {
 public:
  virtual ~WorkerHandle() = default;
};
// Starts the scheduler and queue worker on their own threads when config.workers (returns
// null when off, when no credential source is wired, or when config.publish_rates does not
// parse). Tuned by the config's worker fields (HERALD_WORKER_CONCURRENCY, HERALD_WORKER_LEASE_MS,
// HERALD_PUBLISH_TIMEOUT_MS, HERALD_PUBLISH_RATES, HERALD_RETRY_*, HERALD_WORKER_THREADS).
std::unique_ptr<WorkerHandle> StartWorkers(Services& services, const Config& config);
// The team background work beside the publishing workers (started by StartWorkers): webhook
// deliveries from the outbox, and pruning the audit log past HERALD_AUDIT_RETENTION_DAYS.
std::unique_ptr<WorkerHandle> StartTeamWorkers(Services& services, const Config& config);

// The HTTPS client's options from the configuration (HERALD_CA_FILE,
// HERALD_ALLOW_PRIVATE_NETWORKS, HTTPS_PROXY, NO_PROXY).
platforms::http::HttpsClientOptions HttpsClientOptionsOf(const Config& config);

// Opens the store (migrating), loads the keyring, ensures the default organization, and builds
// platforms and core services, all from `config`. The services' blocking store work runs on
// config.core_threads threads (HERALD_CORE_THREADS, 32): a caller waiting for a group commit holds one, so this bounds how many
// concurrent writes can share a commit. Errors are worded for the command line (one line, exit 2).
// `local_files`: upload_media may read files of this machine by path (stdio only).
base::Result<std::unique_ptr<Services>> BuildServices(const Config& config,
                                                      bool local_files = false);

}  // namespace herald::app

#endif  // HERALD_APP_SERVICES_H_
