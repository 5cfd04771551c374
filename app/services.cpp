#include "app/services.h"

#include <algorithm>

#include "app/app.h"
#include "media/http_url_fetcher.h"
#include "media/media_probe.h"
#include "media/open_media_store.h"
#include "platforms/http/https_client.h"
#include "platforms/register_all.h"
#include "store/secret_key.h"

namespace herald::app {

platforms::http::HttpsClientOptions HttpsClientOptionsOf(const Config& config) {
  platforms::http::HttpsClientOptions options;
  options.extra_ca_file = config.ca_file;
  options.allow_private_networks = config.allow_private_networks;
  options.https_proxy = config.https_proxy;
  options.no_proxy = config.no_proxy;
  return options;
}

tools::ToolDeps Services::ToolDependencies() {
  tools::ToolDeps deps;
  deps.clock = clock;
  deps.keys = keys.get();
  deps.platforms = platforms.get();
  // ---- core services ----
  deps.accounts = accounts.get();
  deps.posts = posts.get();
  deps.media = media.get();
  deps.team = team.get();
  deps.webhooks = webhooks.get();
  deps.analytics = analytics.get();
  deps.insights = insights.get();  // analytics insights
  return deps;
}

base::Result<std::unique_ptr<Services>> BuildServices(const Config& config, bool local_files) {
  // The URLs were checked when the configuration was read (config.cpp).
  auto services = std::make_unique<Services>();
  store::KeyringSecrets secrets{config.secret_key, config.secret_keys_old};
  HERALD_ASSIGN_OR_RETURN(services->keyring, store::LoadKeyring(config.data_dir, secrets));
  HERALD_ASSIGN_OR_RETURN(services->store, OpenStoreForCli(config, /*migrate=*/true));
  services->keys = std::make_unique<core::KeyService>(*services->store, *services->clock);
  HERALD_ASSIGN_OR_RETURN(services->default_org,
                          services->keys->EnsureOrganization(core::kDefaultOrganization));
  platforms::PlatformEnv env;
  env.clock = services->clock;
  env.base_urls = platforms::BaseUrlOverrides(config.api_urls.begin(), config.api_urls.end());
  env.auth_urls = platforms::BaseUrlOverrides(config.auth_urls.begin(), config.auth_urls.end());
  env.oauth_clients.insert(config.oauth_clients.begin(), config.oauth_clients.end());
  env.pull_from_url.insert(config.pull_from_url.begin(), config.pull_from_url.end());
  // ---- platforms (HTTPS client) ----
  HERALD_ASSIGN_OR_RETURN(services->http,
                          platforms::http::HttpsClient::Create(HttpsClientOptionsOf(config)));
  env.http = services->http.get();
  services->platforms = platforms::MakeDefaultRegistry(env);
  // ---- core services ----
  services->core_pool = std::make_unique<base::asio::thread_pool>(
      static_cast<size_t>(std::clamp(config.core_threads, 1L, 256L)));
  core::AccountServiceOptions account_options;
  account_options.public_url = config.public_url;
  account_options.allow_private_networks = config.allow_private_networks;
  if (auto pacing = core::PacingRules::Parse(config.account_pacing); pacing.ok()) {
    account_options.pacing = *pacing;
  }
  services->accounts = std::make_unique<core::AccountService>(
      *services->store, services->keyring, *services->platforms, *services->http,
      *services->clock, *services->core_pool, account_options);
  services->credentials = services->accounts.get();
  // ---- media ----
  media::MediaStoreConfig files;
  files.data_dir = config.data_dir;
  files.s3 = config.s3;
  files.https = HttpsClientOptionsOf(config);
  HERALD_ASSIGN_OR_RETURN(services->media_files,
                          media::OpenMediaStore(files, *services->clock, services->core_pool.get()));
  media::HttpUrlFetcherOptions fetch_options;
  fetch_options.allow_private_networks = config.allow_private_networks;
  services->media_fetcher = std::make_unique<media::HttpUrlFetcher>(
      *services->http, &media::SniffMediaType, std::move(fetch_options));
  services->media_signer = std::make_unique<media::UrlSigner>(
      services->keyring.DeriveKey("media-urls"), config.public_url);
  core::MediaServiceOptions media_options;
  media_options.staging_dir = config.data_dir + "/staging";
  media_options.allow_local_paths = local_files;
  services->media = std::make_unique<core::MediaService>(
      *services->store, *services->media_files, services->media_fetcher.get(),
      *services->platforms, *services->clock, *services->core_pool, media_options);
  core::MediaPreparerOptions preparer_options;
  preparer_options.staging_dir = media_options.staging_dir;
  services->media_preparer = std::make_unique<core::MediaPreparer>(
      *services->store, *services->media_files, services->media_signer.get(), *services->clock,
      *services->core_pool, preparer_options);
  services->media->SetPreparer(services->media_preparer.get());
  services->posts = std::make_unique<core::PostService>(
      *services->store, *services->platforms, services->accounts.get(), *services->clock,
      *services->core_pool);
  services->team = std::make_unique<core::TeamService>(*services->store, *services->keys,
                                                       *services->clock, *services->core_pool);
  services->webhooks = std::make_unique<core::WebhookService>(
      *services->store, services->keyring, *services->clock, *services->core_pool);
  // ---- analytics ----
  // An unparsable HERALD_PUBLISH_RATES stops the workers (StartWorkers says why); here it
  // leaves the budget unlimited.
  auto budgets = core::RateBudgets::Parse(config.publish_rates);
  services->network_budget =
      std::make_unique<core::RateLimiter>(budgets.ok() ? *budgets : core::RateBudgets{});
  services->analytics_collector = std::make_unique<core::AnalyticsCollector>(
      *services->store, *services->platforms, *services->credentials, *services->clock,
      *services->core_pool, *services->network_budget);
  services->analytics = std::make_unique<core::AnalyticsService>(
      *services->store, *services->clock, *services->core_pool,
      services->analytics_collector.get());
  // ---- analytics insights ----
  services->measured_posts = std::make_unique<core::StoreMeasuredPosts>(
      *services->store,
      core::AnalyticsFactCacheOptions{.max_posts =
                                          static_cast<size_t>(config.analytics_cache_posts)});
  services->insights = std::make_unique<core::AnalyticsInsights>(
      *services->store, *services->measured_posts, *services->platforms, *services->clock,
      *services->core_pool);
  return services;
}

}  // namespace herald::app
