// Cli: the subcommands (serve, stdio, worker, migrate, keys, version), their flags and the
// HERALD_* environment variables they read.
#ifndef HERALD_APP_CLI_H_
#define HERALD_APP_CLI_H_

#include <string>

#include "app/config.h"

namespace CLI {
class App;
}

namespace herald::mcp {

class Cli {
 public:
  // Declares every subcommand and flag on `app`.
  void Configure(CLI::App& app);
  // Runs the chosen subcommand; returns the process exit code (0 ok, 1 runtime failure,
  // 2 bad input or configuration).
  int Run();

 private:
  int RunMigrate();
  int RunKeysCreate();
  int RunKeysList();
  int RunKeysRevoke();

  Config config_;
  std::string command_;
  std::string key_name_;
  std::string key_role_ = "editor";
  std::string key_org_;
  std::string key_id_;
  bool keys_json_ = false;
};

}  // namespace herald::mcp

#endif  // HERALD_APP_CLI_H_
