#include "app/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "base/log.h"
#include "base/time.h"
#include "core/key_service.h"
#include "store/store.h"

namespace herald::app {
namespace {

int Fail(const base::Error& e) {
  std::fprintf(stderr, "herald: %s\n", e.message().c_str());
  return 2;
}

}  // namespace

Cli::Cli(const Environment& env) {
  auto parsed = ConfigFromEnvironment(env);
  if (parsed.ok()) {
    config_ = std::move(*parsed);
  } else {
    env_error_ = parsed.error();
  }
}

void Cli::Configure(CLI::App& app) {
  app.require_subcommand(1);
  // Global options may also follow the subcommand (`herald serve --db URL`); subcommands
  // created below inherit this.
  app.fallthrough();
  app.option_defaults()->always_capture_default();
  app.add_option("--data", config_.data_dir, "data directory (env HERALD_DATA)");
  app.add_option("--db", config_.db_url,
                 "database URL: sqlite:PATH or postgresql://... (env HERALD_DB; default "
                 "sqlite:<data>/herald.db)");
  app.add_option("--log-format", config_.log_format, "text or json (env HERALD_LOG_FORMAT)");
  app.add_option("--log-level", config_.log_level,
                 "trace, debug, info, warn, error, off (env HERALD_LOG_LEVEL)");

  auto* serve = app.add_subcommand("serve", "serve MCP (Streamable HTTP, legacy SSE) and REST");
  serve->add_option("--listen", config_.listen, "HOST:PORT to bind (env HERALD_LISTEN)");
  serve->add_flag("--stateless", config_.stateless, "no server-side MCP sessions");
  serve->add_flag("!--no-workers", config_.workers, "do not run publishing workers here");
  serve->add_option("--auth", config_.auth, "apikey, or none (loopback only)")
      ->check(CLI::IsMember({"apikey", "none"}));
  serve->add_flag("--conformance-fixtures", config_.conformance_fixtures,
                  "register the MCP conformance suite's test fixtures (loopback only, no auth)");
  serve->callback([this] { command_ = "serve"; });

  auto* stdio = app.add_subcommand("stdio", "serve MCP over stdin/stdout (Claude Desktop)");
  stdio->add_flag("!--no-workers", config_.workers, "do not run publishing workers here");
  stdio->callback([this] { command_ = "stdio"; });

  app.add_subcommand("worker", "run publishing workers only")->callback([this] {
    command_ = "worker";
  });
  app.add_subcommand("migrate", "apply database migrations and exit")->callback([this] {
    command_ = "migrate";
  });
  auto* backup = app.add_subcommand("backup", "write a backup file while herald runs");
  backup->add_option("--out", backup_out_,
                     "file to write (default <HERALD_BACKUP_DIR or <data>/backups>/"
                     "herald-<time>.jsonl; - for stdout)");
  backup->callback([this] { command_ = "backup"; });
  auto* restore = app.add_subcommand("restore", "restore a backup into an empty database");
  restore->add_option("path", backup_out_, "the backup file")->required();
  restore->add_flag("--ignore-key-mismatch", ignore_key_mismatch_,
                    "restore although the backup was sealed with another secret key");
  restore->callback([this] { command_ = "restore"; });
  app.add_subcommand("version", "print the version")->callback([this] { command_ = "version"; });

  auto* keys = app.add_subcommand("keys", "manage API keys");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand("create", "create a key and print it once on stdout");
  create->add_option("--name", key_name_, "a name for the key")->required();
  create->add_option("--role", key_role_, "admin, approver, editor or viewer")
      ->check(CLI::IsMember({"admin", "approver", "editor", "viewer"}));
  create->add_option("--org", key_org_, "organization name (created if new; default: default)");
  create->callback([this] { command_ = "keys create"; });
  auto* list = keys->add_subcommand("list", "list keys (never the keys themselves)");
  list->add_option("--org", key_org_, "only this organization");
  list->add_flag("--json", keys_json_, "print JSON lines");
  list->callback([this] { command_ = "keys list"; });
  auto* revoke = keys->add_subcommand("revoke", "revoke a key by id");
  revoke->add_option("id", key_id_, "the key id (key_...)")->required();
  revoke->callback([this] { command_ = "keys revoke"; });
}

int Cli::Run() {
  if (command_ == "version") {
    std::printf("herald %s\n", HERALD_VERSION);
    return 0;
  }
  if (env_error_) return Fail(*env_error_);
  auto format = base::ParseLogFormat(config_.log_format);
  if (!format.ok()) return Fail(format.error());
  if (auto r = base::InitLogging(*format, config_.log_level); !r.ok()) return Fail(r.error());

  if (command_ == "migrate") return RunMigrate();
  if (command_ == "keys create") return RunKeysCreate();
  if (command_ == "keys list") return RunKeysList();
  if (command_ == "keys revoke") return RunKeysRevoke();
  if (command_ == "backup") return RunBackup(config_, backup_out_);
  if (command_ == "restore") return RunRestore(config_, backup_out_, ignore_key_mismatch_);
  if (command_ == "serve") return RunServe(config_);
  if (command_ == "stdio") return RunStdio(config_);
  if (command_ == "worker") return RunWorker(config_);
  return 2;
}

int Cli::RunMigrate() {
  store::StoreOptions options;
  options.url = config_.EffectiveDbUrl();
  options.migrate = false;
  auto opened = OpenStoreForCli(config_, /*migrate=*/false);
  if (!opened.ok()) return Fail(opened.error());
  auto applied = (*opened)->Migrate();
  if (!applied.ok()) return Fail(applied.error());
  std::fprintf(stderr, "herald: database at schema version %d (%d migration(s) applied)\n",
               (*opened)->KnownSchemaVersion(), *applied);
  return 0;
}

int Cli::RunKeysCreate() {
  auto opened = OpenStoreForCli(config_, /*migrate=*/true);
  if (!opened.ok()) return Fail(opened.error());
  core::KeyService keys(**opened, base::SystemClock::Instance());
  std::string org_name = key_org_.empty() ? std::string(core::kDefaultOrganization) : key_org_;
  auto org = keys.EnsureOrganization(org_name);
  if (!org.ok()) return Fail(org.error());
  auto role = base::ParseRole(key_role_);
  if (!role.ok()) return Fail(role.error());
  auto created = keys.Create(org->id, key_name_, *role);
  if (!created.ok()) return Fail(created.error());
  std::printf("%s\n", created->secret.c_str());
  std::fflush(stdout);
  return 0;
}

int Cli::RunKeysList() {
  auto opened = OpenStoreForCli(config_, /*migrate=*/true);
  if (!opened.ok()) return Fail(opened.error());
  core::KeyService keys(**opened, base::SystemClock::Instance());
  std::string org_id;
  if (!key_org_.empty()) {
    auto org = keys.FindOrganization(key_org_);
    if (!org.ok()) return Fail(base::NotFound("no organization named '" + key_org_ + "'"));
    org_id = org->id;
  }
  auto list = keys.List(org_id);
  if (!list.ok()) return Fail(list.error());
  if (!keys_json_) {
    std::printf("%-31s %-8s %-12s %-20s %-20s %s\n", "ID", "ROLE", "PREFIX", "CREATED",
                "LAST USED", "NAME");
  }
  for (const auto& k : *list) {
    std::string created = base::FormatRfc3339(std::chrono::floor<std::chrono::seconds>(k.created_at));
    std::string used = k.last_used_at
                           ? base::FormatRfc3339(std::chrono::floor<std::chrono::seconds>(*k.last_used_at))
                           : "-";
    if (keys_json_) {
      base::Json j = {{"id", k.id},           {"org_id", k.org_id},
                      {"name", k.name},       {"role", base::RoleName(k.role)},
                      {"prefix", k.prefix},   {"created_at", created},
                      {"last_used_at", used}, {"revoked", k.revoked_at.has_value()}};
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf("%-31s %-8s %-12s %-20s %-20s %s%s\n", k.id.c_str(),
                  std::string(base::RoleName(k.role)).c_str(), k.prefix.c_str(), created.c_str(),
                  used.c_str(), k.name.c_str(), k.revoked_at ? " (revoked)" : "");
    }
  }
  return 0;
}

int Cli::RunKeysRevoke() {
  auto opened = OpenStoreForCli(config_, /*migrate=*/true);
  if (!opened.ok()) return Fail(opened.error());
  core::KeyService keys(**opened, base::SystemClock::Instance());
  auto r = keys.Revoke("", key_id_);
  if (!r.ok()) return Fail(r.error());
  std::fprintf(stderr, "herald: revoked %s\n", key_id_.c_str());
  return 0;
}

}  // namespace herald::app
