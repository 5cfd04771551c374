// Cli: the subcommands (serve, stdio, worker, migrate, keys, version) and their flags. The
// configuration starts from the environment (ConfigFromEnvironment); flags override it.
#ifndef HERALD_APP_CLI_H_
#define HERALD_APP_CLI_H_

#include <optional>
#include <string>

#include "app/config.h"
#include "base/error.h"

namespace CLI {
class App;
}

namespace herald::app {

class Cli {
 public:
  // Reads the configuration from `env` (errors are reported by Run).
  explicit Cli(const Environment& env);

  // Declares every subcommand and flag on `app`; a flag, once parsed, overrides the environment.
  void Configure(CLI::App& app);
  // Runs the chosen subcommand; returns the process exit code (0 ok, 1 runtime failure,
  // 2 bad input or configuration, e.g. a malformed or unknown HERALD_* variable).
  int Run();

  // The configuration: the environment's, then the parsed flags.
  const Config& config() const { return config_; }
  // The error the environment gave, if any (Run reports it and exits 2).
  const std::optional<base::Error>& environment_error() const { return env_error_; }

 private:
  int RunMigrate();
  int RunKeysCreate();
  int RunKeysList();
  int RunKeysRevoke();

  Config config_;
  std::optional<base::Error> env_error_;
  std::string command_;
  std::string key_name_;
  std::string key_role_ = "editor";
  std::string key_org_;
  std::string key_id_;
  bool keys_json_ = false;
  // ---- backups ----
  std::string backup_out_;  // backup --out, or restore's path
  bool ignore_key_mismatch_ = false;
};

}  // namespace herald::app

#endif  // HERALD_APP_CLI_H_
