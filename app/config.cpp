#include "app/config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "base/caller.h"
#include "core/account_pacing.h"
#include "core/rate_limiter.h"
#include "platforms/http/url_policy.h"
#include "transport/auth/origin_policy.h"

namespace herald::app {
namespace {

using Parser = std::function<base::Result<void>(std::string_view name, const std::string& value,
                                                Config& config)>;

struct Variable {
  const char* name;
  Parser parse;
};

base::Error Malformed(std::string_view name, std::string_view expected, std::string_view value) {
  return base::InvalidArgument(std::string(name) + " must be " + std::string(expected) +
                               "; got '" + std::string(value.substr(0, 64)) + "'");
}

std::optional<long> ParseLong(std::string_view text) {
  long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// ---- one parser per kind of value ----

Parser Text(std::string Config::*field) {
  return [field](std::string_view, const std::string& value, Config& c) -> base::Result<void> {
    c.*field = value;
    return base::Ok();
  };
}

Parser Positive(long Config::*field) {
  return [field](std::string_view name, const std::string& value,
                 Config& c) -> base::Result<void> {
    auto n = ParseLong(value);
    if (!n || *n <= 0) return Malformed(name, "a positive integer", value);
    c.*field = *n;
    return base::Ok();
  };
}

Parser Millis(std::chrono::milliseconds Config::*field) {
  return [field](std::string_view name, const std::string& value,
                 Config& c) -> base::Result<void> {
    auto n = ParseLong(value);
    if (!n || *n <= 0) return Malformed(name, "a positive number of milliseconds", value);
    c.*field = std::chrono::milliseconds(*n);
    return base::Ok();
  };
}

Parser List(std::vector<std::string> Config::*field) {
  return [field](std::string_view, const std::string& value, Config& c) -> base::Result<void> {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
      size_t comma = value.find(',', start);
      std::string item = value.substr(start, comma == std::string::npos ? comma : comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) out.push_back(std::move(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    c.*field = std::move(out);
    return base::Ok();
  };
}

Parser Url(std::string Config::*field) {
  return [field](std::string_view name, const std::string& value,
                 Config& c) -> base::Result<void> {
    HERALD_RETURN_IF_ERROR(platforms::http::CheckBaseUrl(name, value));
    c.*field = value;
    return base::Ok();
  };
}

// An API base URL override for network `id`.
Parser ApiUrl(std::string id) {
  return [id](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
    HERALD_RETURN_IF_ERROR(platforms::http::CheckBaseUrl(name, value));
    c.api_urls[id] = value;
    return base::Ok();
  };
}

// HERALD_<P>_AUTH_URL: the scheme and host that replace network `id`'s browser authorization
// host (the OAuth authorize page), for emulators.
Parser AuthUrl(std::string id) {
  return [id](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
    HERALD_RETURN_IF_ERROR(platforms::http::CheckBaseUrl(name, value));
    c.auth_urls[id] = value;
    return base::Ok();
  };
}

// A yes/no variable: 1, true, yes, on or 0, false, no, off (any case).
base::Result<bool> ParseSwitch(std::string_view name, const std::string& value) {
  std::string v = value;
  for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return Malformed(name, "1, true, yes, on (or 0, false, no, off)", value);
}

// HERALD_<P>_PULL_FROM_URL: network `id` downloads media from herald's public URLs.
Parser PullFromUrl(std::string id) {
  return [id](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(bool on, ParseSwitch(name, value));
    if (on) {
      c.pull_from_url.insert(id);
    } else {
      c.pull_from_url.erase(id);
    }
    return base::Ok();
  };
}

// HERALD_<P>_CLIENT_KEY: the client id of network `id`'s OAuth app where the network calls it a
// client key (TikTok); the secret is HERALD_<P>_CLIENT_SECRET as for every network.
Parser OAuthClientKey(std::string id) {
  return [id](std::string_view, const std::string& value, Config& c) -> base::Result<void> {
    c.oauth_clients[id].client_id = value;
    return base::Ok();
  };
}

// A text field of the S3 media storage options.
Parser S3Text(std::string media::S3Options::*field) {
  return [field](std::string_view, const std::string& value, Config& c) -> base::Result<void> {
    c.s3.*field = value;
    return base::Ok();
  };
}

// HERALD_S3_ENDPOINT: an http(s) base URL without user, query or fragment; plain http:// only to
// a loopback address (what the HTTPS client allows). Private addresses are fine: the operator
// configured it.
base::Result<void> ParseS3Endpoint(std::string_view name, const std::string& value, Config& c) {
  HERALD_RETURN_IF_ERROR(platforms::http::CheckBaseUrl(name, value));
  HERALD_RETURN_IF_ERROR(
      platforms::http::CheckUserUrl(name, value, /*allow_private_networks=*/true));
  c.s3.endpoint = value;
  return base::Ok();
}

// A variable herald no longer reads: refused, with why.
Parser Refused(std::string why) {
  return [why](std::string_view name, const std::string&, Config&) -> base::Result<void> {
    return base::InvalidArgument(std::string(name) + " is not read by herald: " + why +
                                 "; unset it");
  };
}

// Every variable herald reads (README.md, "Configuration"), except the OAuth client pairs
// (HERALD_<P>_CLIENT_ID / _CLIENT_SECRET, any network id), matched by pattern.
const std::vector<Variable>& Variables() {
  static const std::vector<Variable> kVariables = {
      {"HERALD_DATA", Text(&Config::data_dir)},
      {"HERALD_DB", Text(&Config::db_url)},
      {"HERALD_LOG_FORMAT", Text(&Config::log_format)},
      {"HERALD_LOG_LEVEL", Text(&Config::log_level)},
      {"HERALD_LISTEN",
       [](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
         HERALD_RETURN_IF_ERROR(ParseListenAddress(name, value));
         c.listen = value;
         return base::Ok();
       }},
      {"HERALD_PUBLIC_URL", Url(&Config::public_url)},
      {"HERALD_ALLOWED_ORIGINS", List(&Config::allowed_origins)},
      {"HERALD_HTTP_THREADS",
       [](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
         auto n = ParseLong(value);
         if (!n || *n < 1 || *n > 64) return Malformed(name, "an integer from 1 to 64", value);
         c.http_threads = static_cast<int>(*n);
         return base::Ok();
       }},
      {"HERALD_HTTP_MAX_CONNECTIONS", Positive(&Config::http_max_connections)},
      {"HERALD_HTTP_RESERVED_CONNECTIONS", Positive(&Config::http_reserved_connections)},
      {"HERALD_HTTP_MAX_IDLE_PER_ADDRESS", Positive(&Config::http_max_idle_per_address)},
      {"HERALD_HTTP_PRESSURE_TIMEOUT_MS", Millis(&Config::http_pressure_timeout)},
      {"HERALD_MCP_MAX_SESSIONS", Positive(&Config::mcp_max_sessions)},
      {"HERALD_MCP_MAX_SESSIONS_PER_KEY", Positive(&Config::mcp_max_sessions_per_key)},
      {"HERALD_MCP_MAX_SESSIONS_PER_ORG", Positive(&Config::mcp_max_sessions_per_org)},
      {"HERALD_API_KEY", Text(&Config::api_key)},
      {"HERALD_CORE_THREADS", Positive(&Config::core_threads)},
      {"HERALD_WORKER_CONCURRENCY", Positive(&Config::worker_concurrency)},
      {"HERALD_WORKER_THREADS", Positive(&Config::worker_threads)},
      {"HERALD_WORKER_LEASE_MS", Millis(&Config::worker_lease)},
      {"HERALD_PUBLISH_TIMEOUT_MS",
       [](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
         auto n = ParseLong(value);
         if (!n || *n <= 0) return Malformed(name, "a positive number of milliseconds", value);
         c.publish_timeout = std::chrono::milliseconds(*n);
         return base::Ok();
       }},
      {"HERALD_RETRY_MAX_ATTEMPTS", Positive(&Config::retry_max_attempts)},
      {"HERALD_RETRY_INITIAL_MS", Millis(&Config::retry_initial)},
      {"HERALD_PUBLISH_RATES",
       [](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
         if (auto parsed = core::RateBudgets::Parse(value); !parsed.ok()) {
           return base::InvalidArgument(std::string(name) + ": " + parsed.error().message());
         }
         c.publish_rates = value;
         return base::Ok();
       }},
      {"HERALD_ACCOUNT_PACING",
       [](std::string_view, const std::string& value, Config& c) -> base::Result<void> {
         HERALD_RETURN_IF_ERROR(core::PacingRules::Parse(value));
         c.account_pacing = value;
         return base::Ok();
       }},
      {"HERALD_SECRET_KEY", Text(&Config::secret_key)},
      {"HERALD_SECRET_KEYS_OLD", List(&Config::secret_keys_old)},
      {"HERALD_TELEGRAM_API_URL", ApiUrl("telegram")},
      {"HERALD_DISCORD_API_URL", ApiUrl("discord")},
      {"HERALD_SLACK_API_URL", ApiUrl("slack")},
      {"HERALD_OAUTH_TEST_PROVIDER", ApiUrl("oauthtest")},
      {"HERALD_X_API_URL", ApiUrl("x")},
      {"HERALD_X_AUTH_URL", AuthUrl("x")},
      {"HERALD_LINKEDIN_API_URL", ApiUrl("linkedin")},
      {"HERALD_LINKEDIN_AUTH_URL", AuthUrl("linkedin")},
      {"HERALD_FACEBOOK_API_URL", ApiUrl("facebook")},
      {"HERALD_FACEBOOK_AUTH_URL", AuthUrl("facebook")},
      {"HERALD_INSTAGRAM_API_URL", ApiUrl("instagram")},
      {"HERALD_INSTAGRAM_AUTH_URL", AuthUrl("instagram")},
      {"HERALD_THREADS_API_URL", ApiUrl("threads")},
      {"HERALD_THREADS_AUTH_URL", AuthUrl("threads")},
      {"HERALD_TIKTOK_API_URL", ApiUrl("tiktok")},
      {"HERALD_TIKTOK_AUTH_URL", AuthUrl("tiktok")},
      {"HERALD_TIKTOK_CLIENT_KEY", OAuthClientKey("tiktok")},
      {"HERALD_TIKTOK_PULL_FROM_URL", PullFromUrl("tiktok")},
      {"HERALD_YOUTUBE_API_URL", ApiUrl("youtube")},
      {"HERALD_YOUTUBE_AUTH_URL", AuthUrl("youtube")},
      {"HERALD_MASTODON_API_URL",
       Refused("Mastodon takes its base URL from each account's instance_url")},
      {"HERALD_BLUESKY_API_URL",
       Refused("Bluesky takes its base URL from each account's service_url")},
      {"HERALD_S3_ENDPOINT", ParseS3Endpoint},
      {"HERALD_S3_BUCKET", S3Text(&media::S3Options::bucket)},
      {"HERALD_S3_REGION", S3Text(&media::S3Options::region)},
      {"HERALD_S3_ACCESS_KEY_ID", S3Text(&media::S3Options::access_key_id)},
      {"HERALD_S3_SECRET_ACCESS_KEY", S3Text(&media::S3Options::secret_access_key)},
      {"HERALD_CA_FILE", Text(&Config::ca_file)},
      {"HERALD_ALLOW_PRIVATE_NETWORKS",
       [](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
         HERALD_ASSIGN_OR_RETURN(c.allow_private_networks, ParseSwitch(name, value));
         return base::Ok();
       }},
      {"HERALD_AUDIT_RETENTION_DAYS", Positive(&Config::audit_retention_days)},
      // ---- backups ----
      {"HERALD_BACKUP_DIR", Text(&Config::backup_dir)},
      {"HERALD_BACKUP_KEEP", Positive(&Config::backup_keep)},
      {"HERALD_ANALYTICS_CACHE_POSTS", Positive(&Config::analytics_cache_posts)},
      // ---- guardrails ----
      {"HERALD_REQUEST_RATES",
       [](std::string_view name, const std::string& value, Config& c) -> base::Result<void> {
         auto parsed = core::RateBudgets::Parse(value);
         if (!parsed.ok()) {
           return base::InvalidArgument(std::string(name) + ": " + parsed.error().message());
         }
         for (const auto& [role, budget] : parsed->per_key) {
           if (!base::ParseRole(role).ok()) {
             return base::InvalidArgument(
                 std::string(name) + ": '" + role +
                 "' is not a role (viewer, editor, approver, admin, or * for "
                 "the others)");
           }
         }
         c.request_rates = value;
         return base::Ok();
       }},
  };
  return kVariables;
}

// Names herald's scripts, clients and test tools use; the server neither reads nor refuses them.
bool IsReservedForTools(std::string_view name) {
  static constexpr std::string_view kPrefixes[] = {"HERALD_TEST_", "HERALD_BENCH_",
                                                   "HERALD_FUZZ_", "HERALD_EMULATOR_",
                                                   "HERALD_BUILD_"};
  static constexpr std::string_view kNames[] = {
      "HERALD_URL",           "HERALD_BIN",           "HERALD_BINARY",
      "HERALD_ROOT",          "HERALD_BASELINE_BIN",  "HERALD_CORE_TEST_BACKEND",
      "HERALD_INTEROP_RUN",   "HERALD_STORE_HELPER",  "HERALD_SOCIAL_TEST_DATA",
      "HERALD_BOTS_TEST_DATA", "HERALD_RELEASE_DIR",   "HERALD_SKIP_FUZZ"};
  for (std::string_view p : kPrefixes) {
    if (name.substr(0, p.size()) == p) return true;
  }
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// HERALD_<P>_CLIENT_ID / HERALD_<P>_CLIENT_SECRET: the network id (lower case, '_' -> '-') and
// whether it is the secret; nullopt for other names.
std::optional<std::pair<std::string, bool>> OAuthClientVariable(std::string_view name) {
  constexpr std::string_view kPrefix = "HERALD_";
  for (auto [suffix, secret] : {std::pair<std::string_view, bool>{"_CLIENT_ID", false},
                                std::pair<std::string_view, bool>{"_CLIENT_SECRET", true}}) {
    if (name.size() <= kPrefix.size() + suffix.size()) continue;
    if (name.substr(0, kPrefix.size()) != kPrefix) continue;
    if (name.substr(name.size() - suffix.size()) != suffix) continue;
    std::string id(name.substr(kPrefix.size(), name.size() - kPrefix.size() - suffix.size()));
    for (char& ch : id) {
      ch = ch == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return std::make_pair(std::move(id), secret);
  }
  return std::nullopt;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

base::Error Unknown(std::string_view name) {
  std::string_view nearest;
  size_t best = SIZE_MAX;
  for (const Variable& v : Variables()) {
    size_t d = EditDistance(name, v.name);
    if (d < best) {
      best = d;
      nearest = v.name;
    }
  }
  return base::InvalidArgument("unknown environment variable " + std::string(name) +
                               "; did you mean " + std::string(nearest) +
                               "? (the variables herald reads are listed in " + kConfigDocs + ")");
}

// The value of the first of `names` set to a non-empty value in `env`, or "".
std::string FirstOf(const Environment& env, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto it = env.find(name); it != env.end() && !it->second.empty()) return it->second;
  }
  return {};
}

}  // namespace

base::Result<ListenAddress> ParseListenAddress(std::string_view what, const std::string& listen) {
  std::string host, port_text;
  transport::SplitHostPort(listen, &host, &port_text);
  if (host.empty()) host = "127.0.0.1";
  // Port 0 asks the OS for a free port (tests); any other port is 1-65535, digits only.
  std::optional<uint16_t> port =
      port_text == "0" ? std::optional<uint16_t>(0) : platforms::http::ParsePort(port_text);
  if (!port) {
    return base::InvalidArgument(std::string(what) +
                                 " must be HOST:PORT with a port from 1 to 65535 (or 0 for any "
                                 "free port), e.g. 127.0.0.1:8080; got '" + listen + "'");
  }
  return ListenAddress{host, *port};
}

Environment ProcessEnvironment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

base::Result<Config> ConfigFromEnvironment(const Environment& env) {
  Config config;
  for (const auto& [name, value] : env) {
    if (name.rfind("HERALD_", 0) != 0) continue;
    auto known = std::find_if(Variables().begin(), Variables().end(),
                              [&](const Variable& v) { return name == v.name; });
    if (known != Variables().end()) {
      if (value.empty()) continue;  // empty counts as unset
      HERALD_RETURN_IF_ERROR(known->parse(name, value, config));
    } else if (auto oauth = OAuthClientVariable(name)) {
      platforms::oauth::OAuthClientCredentials& client = config.oauth_clients[oauth->first];
      (oauth->second ? client.client_secret : client.client_id) = value;
    } else if (!IsReservedForTools(name)) {
      return Unknown(name);
    }
  }
  // The standard proxy variables, as curl reads them (upper case first).
  config.https_proxy = FirstOf(env, {"HTTPS_PROXY", "https_proxy"});
  config.no_proxy = FirstOf(env, {"NO_PROXY", "no_proxy"});
  return config;
}

}  // namespace herald::app
