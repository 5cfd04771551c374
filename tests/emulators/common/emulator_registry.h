// EmulatorRegistry: the networks the `herald-emulator` executable can serve, one subcommand
// each. A network folder registers itself with CMake (herald_add_emulator in
// tests/emulators/common/CMakeLists.txt) and provides `void Register<X>Emulator(
// EmulatorRegistry&)`; the build generates RegisterAllEmulators() calling each of them.
#ifndef HERALD_TESTS_EMULATORS_COMMON_EMULATOR_REGISTRY_H_
#define HERALD_TESTS_EMULATORS_COMMON_EMULATOR_REGISTRY_H_

#include <map>
#include <string>
#include <string_view>

#include "tests/emulators/common/emulator_server.h"

namespace herald::emulators {

class EmulatorRegistry {
 public:
  struct Entry {
    std::string description;  // one line for `herald-emulator --help`
    NetworkFactory factory;
  };
  // Adds (or replaces) the network `name`.
  void Add(std::string name, std::string description, NetworkFactory factory);
  const Entry* Find(std::string_view name) const;
  const std::map<std::string, Entry, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

// Generated at build time: registers every network built into herald-emulator.
void RegisterAllEmulators(EmulatorRegistry& registry);

// The `herald-emulator` main: `herald-emulator <network> [--host H] [--port P]
// [--io-threads N]`. Prints "listening on H:PORT" on stdout when ready; runs until SIGTERM or
// SIGINT. Returns the process exit code.
int EmulatorMain(const EmulatorRegistry& registry, int argc, char** argv);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_EMULATOR_REGISTRY_H_
