#include "app/services.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>

#include "app/app.h"
#include "platforms/http/https_client.h"
#include "platforms/http/url_policy.h"
#include "platforms/register_all.h"
#include "store/secret_key.h"

namespace herald::mcp {

long EnvNumber(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (end == v || *end != '\0' || n <= 0) {
    spdlog::warn("{}='{}' is not a positive number; using {}", name, v, fallback);
    return fallback;
  }
  return n;
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
  return deps;
}

base::Result<std::unique_ptr<Services>> BuildServices(const Config& config) {
  // URLs from the configuration first: a bad one stops the start before anything is opened.
  HERALD_ASSIGN_OR_RETURN(platforms::BaseUrlOverrides base_urls,
                          platforms::BaseUrlOverridesFromEnv());
  if (!config.public_url.empty()) {
    HERALD_RETURN_IF_ERROR(platforms::http::CheckBaseUrl("HERALD_PUBLIC_URL", config.public_url));
  }
  auto services = std::make_unique<Services>();
  HERALD_ASSIGN_OR_RETURN(services->keyring, store::LoadKeyring(config.data_dir));
  HERALD_ASSIGN_OR_RETURN(services->store, OpenStoreForCli(config, /*migrate=*/true));
  services->keys = std::make_unique<core::KeyService>(*services->store, *services->clock);
  HERALD_ASSIGN_OR_RETURN(services->default_org,
                          services->keys->EnsureOrganization(core::kDefaultOrganization));
  platforms::PlatformEnv env;
  env.clock = services->clock;
  env.base_urls = std::move(base_urls);
  // ---- platforms (HTTPS client) ----
  HERALD_ASSIGN_OR_RETURN(services->http, platforms::http::HttpsClient::Create(
                                              platforms::http::HttpsClientOptionsFromEnv()));
  env.http = services->http.get();
  services->platforms = platforms::MakeDefaultRegistry(env);
  // ---- core services ----
  services->core_pool = std::make_unique<base::asio::thread_pool>(
      static_cast<size_t>(std::clamp(EnvNumber("HERALD_CORE_THREADS", 32), 1L, 256L)));
  core::AccountServiceOptions account_options;
  account_options.public_url = config.public_url;
  account_options.allow_private_networks =
      platforms::http::HttpsClientOptionsFromEnv().allow_private_networks;
  services->accounts = std::make_unique<core::AccountService>(
      *services->store, services->keyring, *services->platforms, *services->http,
      *services->clock, *services->core_pool, account_options);
  services->credentials = services->accounts.get();
  services->media = std::make_unique<core::MediaService>(*services->store, *services->clock,
                                                         *services->core_pool);
  services->posts = std::make_unique<core::PostService>(
      *services->store, *services->platforms, services->accounts.get(), *services->clock,
      *services->core_pool);
  return services;
}

}  // namespace herald::mcp
