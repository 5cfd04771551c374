#include "app/services.h"

#include <algorithm>

#include "app/app.h"
#include "platforms/http/https_client.h"
#include "platforms/register_all.h"
#include "store/secret_key.h"

namespace herald::mcp {

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
  return deps;
}

base::Result<std::unique_ptr<Services>> BuildServices(const Config& config) {
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
  env.oauth_clients.insert(config.oauth_clients.begin(), config.oauth_clients.end());
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
