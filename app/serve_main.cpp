// herald serve: MCP over Streamable HTTP (/mcp) and legacy HTTP+SSE (/sse), REST (/api/v1),
// health and metrics, on one HTTP listener; plus the publishing workers unless --no-workers.
//
// Start-up: build the services (store, keyring, platforms, core), register the tools, pick the
// authenticator (API keys; or none, loopback only), bind, print the address. On the very first
// start (no API key in any organization) an admin key is created and printed once on stdout
// with client set-up hints. SIGINT/SIGTERM: stop accepting, cancel running calls, drain for up
// to kShutdownGrace, exit 0.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "app/app.h"
#include "app/services.h"
#include "base/async.h"
#include "base/json.h"
#include "core/console_sessions.h"
#include "core/key_service.h"
#include "core/mcp_oauth_server.h"
#include "core/upload_sessions.h"
#include "http/fd_limit.h"
#include "mcp/fixtures/conformance_fixtures.h"
#include "mcp/server/dispatcher.h"
#include "mcp/server/herald_server.h"
#include "platforms/http/url_policy.h"
#include "tools/media_views.h"
#include "transport/auth/authenticator.h"
#include "transport/auth/oauth_authenticator.h"
#include "transport/auth/origin_policy.h"
#include "transport/console/console_routes.h"
#include "transport/http_frontend.h"
#include "transport/routes/mcp_oauth_routes.h"
#include "transport/routes/oauth_callback.h"

namespace herald::app {

using transport::AddOAuthCallbackRoute;
using transport::ApiKeyAuthenticator;
using transport::Authenticator;
using transport::HttpFrontend;
using transport::HttpFrontendOptions;
using transport::HttpSessionLimits;
using transport::IsLoopbackHost;
using transport::NoAuthAuthenticator;
using transport::OriginOf;
using transport::ServedFile;

namespace {

constexpr std::chrono::seconds kShutdownGrace{10};

// HTTP I/O threads: HERALD_HTTP_THREADS (1 to 64), default one per core (at most 8). Blocking
// work (store, key checks) runs on pools, never on these.
int IoThreads(const Config& config) {
  if (config.http_threads) return *config.http_threads;
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores, 1, 8);
}

// The listener's connection limits (HttpServerOptions) from HERALD_HTTP_MAX_CONNECTIONS,
// HERALD_HTTP_RESERVED_CONNECTIONS, HERALD_HTTP_MAX_IDLE_PER_ADDRESS and
// HERALD_HTTP_PRESSURE_TIMEOUT_MS; then the soft RLIMIT_NOFILE is raised to the hard limit and,
// if it is still too low for them, the limits are scaled down to fit (with a warning).
void ConfigureConnectionLimits(const Config& config, http::HttpServerOptions& server) {
  server.max_connections =
      static_cast<size_t>(std::clamp(config.http_max_connections, 16L, 1'000'000L));
  server.reserved_connections =
      static_cast<size_t>(std::clamp(config.http_reserved_connections, 1L, 1'000'000L));
  server.max_idle_per_address = static_cast<size_t>(config.http_max_idle_per_address);
  server.pressure_timeout = config.http_pressure_timeout;

  auto limit = http::RaiseOpenFileLimit();
  if (!limit.ok()) {
    spdlog::warn("{}", limit.error().message());
    return;
  }
  // Descriptors besides the connections: the store, logs, outgoing HTTPS, the event loop.
  constexpr uint64_t kOtherFiles = 256;
  const uint64_t wanted = server.max_connections + server.reserved_connections + kOtherFiles;
  if (*limit >= wanted) {
    spdlog::debug("open file limit {}", *limit);
    return;
  }
  const uint64_t room = *limit > 2 * kOtherFiles ? *limit - kOtherFiles : *limit / 2;
  server.reserved_connections =
      std::max<size_t>(1, std::min<size_t>(server.reserved_connections, room / 16));
  server.max_connections = std::max<size_t>(1, room - server.reserved_connections);
  spdlog::warn("the open file limit ({}) is below the {} descriptors the connection limits need; "
               "serving at most {} connections (+{} reserved). Raise it (ulimit -n, "
               "LimitNOFILE=) or lower HERALD_HTTP_MAX_CONNECTIONS",
               *limit, wanted, server.max_connections, server.reserved_connections);
}

// MCP session caps (Streamable HTTP sessions; the same caps for legacy SSE streams) from
// HERALD_MCP_MAX_SESSIONS, HERALD_MCP_MAX_SESSIONS_PER_KEY, HERALD_MCP_MAX_SESSIONS_PER_ORG.
// Without authentication every request is the same caller: only the global cap applies.
HttpSessionLimits SessionLimits(const Config& config, bool auth_off) {
  HttpSessionLimits limits;
  limits.max_sessions = static_cast<size_t>(config.mcp_max_sessions);
  limits.max_per_key = static_cast<size_t>(config.mcp_max_sessions_per_key);
  limits.max_per_org = static_cast<size_t>(config.mcp_max_sessions_per_org);
  if (auth_off) limits.max_per_key = limits.max_per_org = limits.max_sessions;
  return limits;
}

// On the first start (no key anywhere), creates an admin key in the default organization and
// prints it once, with how to point clients at this server.
// This executable's absolute path (for the client configuration hints), or "herald" if unknown.
std::string SelfPath() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("herald") : path.string();
}

// `text` escaped for the inside of a JSON string.
std::string JsonText(const std::string& text) {
  std::string quoted = base::DumpJson(base::Json(text));
  return quoted.substr(1, quoted.size() - 2);
}

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? path : absolute.string();
}

void MaybeCreateFirstKey(Services& services, const std::string& base_url,
                         const std::string& data_dir) {
  auto keys = services.keys->List("");
  if (!keys.ok()) {
    spdlog::warn("could not check for existing API keys: {}", keys.error().message());
    return;
  }
  if (!keys->empty()) return;
  auto created = services.keys->Create(services.default_org.id, "first admin key", base::Role::kAdmin);
  if (!created.ok()) {
    spdlog::error("could not create the first API key: {}", created.error().message());
    return;
  }
  const std::string& key = created->secret;
  std::printf(
      "\n"
      "herald: first start, created an admin API key for the default organization.\n"
      "It is shown only this once; store it now (revoke with: herald keys revoke %s):\n"
      "\n"
      "    %s\n"
      "\n"
      "Claude Desktop (stdio; claude_desktop_config.json):\n"
      "  {\"mcpServers\": {\"herald\": {\"command\": \"%s\", \"args\": [\"stdio\"],\n"
      "    \"env\": {\"HERALD_API_KEY\": \"%s\", \"HERALD_DATA\": \"%s\"}}}}\n"
      "\n"
      "Cursor (.cursor/mcp.json):\n"
      "  {\"mcpServers\": {\"herald\": {\"url\": \"%s/mcp\",\n"
      "    \"headers\": {\"Authorization\": \"Bearer %s\"}}}}\n"
      "\n"
      "curl: curl -H 'Authorization: Bearer %s' %s/api/v1/openapi.json\n"
      "\n",
      created->key.id.c_str(), key.c_str(), JsonText(SelfPath()).c_str(), key.c_str(),
      JsonText(AbsolutePath(data_dir)).c_str(), base_url.c_str(), key.c_str(), key.c_str(),
      base_url.c_str());
  std::fflush(stdout);
}

}  // namespace

int RunServe(const Config& config) {
  auto listen = ParseListenAddress("--listen", config.listen);
  if (!listen.ok()) {
    std::fprintf(stderr, "herald: %s\n", listen.error().message().c_str());
    return 2;
  }
  const bool auth_off = config.auth == "none" || config.conformance_fixtures;
  if (auth_off && !IsLoopbackHost(listen->host)) {
    std::fprintf(stderr,
                 "herald: refusing to serve without authentication on %s: --auth none and "
                 "--conformance-fixtures only bind a loopback address (127.0.0.1, ::1, localhost)\n",
                 listen->host.c_str());
    return 2;
  }

  auto built = BuildServices(config);
  if (!built.ok()) {
    std::fprintf(stderr, "herald: %s\n", built.error().message().c_str());
    return 2;
  }
  Services& services = **built;

  auto built_dispatcher = mcp::BuildHeraldDispatcher(services.ToolDependencies());
  if (!built_dispatcher.ok()) {
    std::fprintf(stderr, "herald: %s\n", built_dispatcher.error().message().c_str());
    return 2;
  }
  mcp::Dispatcher& dispatcher = **built_dispatcher;
  if (config.conformance_fixtures) {
    if (auto r = mcp::RegisterConformanceFixtures(dispatcher); !r.ok()) {
      std::fprintf(stderr, "herald: %s\n", r.error().message().c_str());
      return 2;
    }
  }

  boost::asio::thread_pool blocking(2);
  std::unique_ptr<Authenticator> auth;
  // herald's own OAuth authorization server for MCP clients without an API key (on whenever
  // API keys are: its tokens are verified beside them).
  std::unique_ptr<Authenticator> api_keys;
  std::unique_ptr<core::McpOAuthServer> oauth_server;
  transport::OriginPolicyOptions resource_hosts;
  resource_hosts.bind_host = listen->host;
  resource_hosts.public_url = config.public_url;
  resource_hosts.allowed_origins = config.allowed_origins;
  transport::OriginPolicy resource_policy(resource_hosts);
  if (auth_off) {
    base::Caller admin{services.default_org.id, "", base::Role::kAdmin};
    auth = std::make_unique<NoAuthAuthenticator>(admin);
    spdlog::warn("authentication is OFF (loopback only): every request acts as the default "
                 "organization's admin");
  } else {
    api_keys = std::make_unique<ApiKeyAuthenticator>(*services.keys, blocking, *services.clock);
    core::McpOAuthOptions oauth_options;
    oauth_options.allow_private_networks = config.allow_private_networks;
    oauth_server = std::make_unique<core::McpOAuthServer>(*services.store, services.http.get(),
                                                          blocking, *services.clock, oauth_options);
    if (auto pruned = oauth_server->Prune(); !pruned.ok()) {
      spdlog::warn("oauth: pruning expired codes and tokens failed: {}",
                   pruned.error().ToLogString());
    }
    const transport::OriginPolicy* hosts = &resource_policy;
    auth = std::make_unique<transport::OAuthAuthenticator>(
        *api_keys, *oauth_server,
        transport::McpResourceCheck(
            config.public_url, [hosts](std::string_view host) { return hosts->HostAllowed(host); }),
        blocking, *services.clock);
  }

  HttpFrontendOptions options;
  options.server.host = listen->host;
  options.server.port = listen->port;
  options.server.io_threads = IoThreads(config);
  ConfigureConnectionLimits(config, options.server);
  options.streamable.limits = SessionLimits(config, auth_off);
  options.legacy.limits = options.streamable.limits;
  options.public_url = config.public_url;
  options.authorization_server = oauth_server != nullptr;
  if (auto rates = core::RateBudgets::Parse(config.request_rates); rates.ok()) {
    options.request_rates = std::move(*rates);  // checked when the configuration was read
  }
  options.allowed_origins = config.allowed_origins;
  options.streamable.stateless = config.stateless;
  if (!config.public_url.empty()) {
    std::string origin = OriginOf(config.public_url);
    std::string_view rest = std::string_view(config.public_url).substr(origin.size());
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    options.legacy.path_prefix = std::string(rest);
  }
  store::Store* store = services.store.get();
  auto readiness = [store, &blocking]() -> base::Task<base::Result<void>> {
    // Named, not written inside the co_await expression (GCC 12 bug, see authenticator.cpp).
    auto read_version = [store] { return store->SchemaVersion(); };
    base::Result<int> version = co_await base::RunBlocking(blocking, std::move(read_version));
    if (!version.ok()) co_return version.error();
    co_return base::Ok();
  };

  // SIGINT/SIGTERM are taken by sigwait below: block them before any thread starts, so every
  // thread inherits the mask and none is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Media in and out: resumable and file uploads end in the media library; signed /media URLs
  // are served from the media store.
  core::MediaService* library = services.media.get();
  core::UploadSessions uploads(
      config.data_dir, *services.core_pool, *services.clock,
      [library](base::Caller caller,
                core::FinishedUpload upload) -> base::Task<base::Result<base::Json>> {
        core::IngestRequest ingest;
        ingest.path = std::move(upload.path);
        ingest.declared_type = std::move(upload.declared_type);
        ingest.file_name = std::move(upload.file_name);
        ingest.alt_text = std::move(upload.alt_text);
        ingest.keep = upload.keep;
        auto media = co_await library->IngestFile(std::move(caller), std::move(ingest));
        if (!media.ok()) co_return std::move(media).error();
        co_return tools::MediaView(*media);
      });
  options.media.uploads = &uploads;
  options.media.signer = services.media_signer.get();
  options.media.store = services.media_files.get();
  options.media.lookup = [library](std::string media_id,
                                   std::string file) -> base::Task<base::Result<ServedFile>> {
    auto found = co_await library->LookupServed(std::move(media_id), std::move(file));
    if (!found.ok()) co_return std::move(found).error();
    co_return ServedFile{found->storage_key, found->mime_type, found->size};
  };

  HttpFrontend frontend(std::move(options), dispatcher, *auth, *services.clock, readiness);
  AddOAuthCallbackRoute(frontend.server(), *services.accounts);  // public: state authenticates
  // The web console at / (sign in with an API key; a session cookie from then on).
  core::ConsoleSessions console_sessions(*services.store, *services.keys, *services.clock);
  transport::ConsoleRoutes console(
      dispatcher.tools(), console_sessions, frontend.guard(), blocking, *services.clock,
      transport::ConsoleOptions{.secure_cookies = config.public_url.rfind("https://", 0) == 0});
  console.AddTo(frontend.server());
  std::optional<transport::McpOAuthRoutes> oauth_routes;
  if (oauth_server) {
    oauth_routes.emplace(*oauth_server, *services.keys, &console_sessions, frontend.guard(),
                         blocking, config.public_url.rfind("https://", 0) == 0);
    oauth_routes->AddTo(frontend.server());
  }
  if (auto started = frontend.Start(); !started.ok()) {
    std::fprintf(stderr, "herald: %s\n", started.error().message().c_str());
    return 1;
  }
  std::string base_url = config.public_url.empty() ? "http://" + frontend.address()
                                                   : config.public_url;
  if (!auth_off) MaybeCreateFirstKey(services, base_url, config.data_dir);

  // The publishing workers (scheduler + queue worker) on their own threads unless --no-workers;
  // stopped below, after the HTTP side has drained.
  auto workers = StartWorkers(services, config);
  // Daily backups (HERALD_BACKUP_DIR), with the age of the last good one on /metrics.
  auto backups = StartBackups(*services.store, services.keyring, config, *services.clock);
  if (backups) {
    const core::BackupScheduler* scheduler = &backups->scheduler();
    const base::Clock* clock = services.clock;
    frontend.metrics().AddGauge(
        "herald_backup_last_success_age_seconds",
        "Seconds since the last verified backup (since start when none yet).",
        [scheduler, clock] { return scheduler->SecondsSinceLastGood(clock->Now()); });
    frontend.metrics().AddGauge(
        "herald_backup_consecutive_failures", "Failed backups since the last good one.",
        [scheduler] { return static_cast<double>(scheduler->consecutive_failures()); });
  }

  spdlog::info("herald {} listening on http://{} (MCP at /mcp, legacy SSE at /sse, REST at "
               "/api/v1){}",
               HERALD_VERSION, frontend.address(), config.stateless ? ", stateless" : "");
  std::printf("herald: listening on http://%s\n", frontend.address().c_str());
  std::printf("herald: web console at %s/ (sign in with an API key)\n", base_url.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down (grace {} s)", sig == SIGINT ? "SIGINT" : "SIGTERM",
               kShutdownGrace.count());
  frontend.Shutdown(kShutdownGrace);
  dispatcher.CloseAllSessions();
  workers.reset();  // running publishes finish or lease out
  backups.reset();
  services.http->CloseIdle();  // pooled sockets belong to the frontend's io_context
  blocking.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace herald::app
