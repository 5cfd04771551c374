#include "tests/emulators/common/emulator_registry.h"

#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

namespace herald::emulators {

void EmulatorRegistry::Add(std::string name, std::string description, NetworkFactory factory) {
  entries_[std::move(name)] = Entry{std::move(description), std::move(factory)};
}

const EmulatorRegistry::Entry* EmulatorRegistry::Find(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

int EmulatorMain(const EmulatorRegistry& registry, int argc, char** argv) {
  CLI::App app{"herald-emulator: loopback emulators of social network APIs, for tests"};
  app.require_subcommand(1);
  app.fallthrough();  // options may also follow the subcommand
  EmulatorOptions options;
  app.add_option("--host", options.host, "address to bind (loopback)")->capture_default_str();
  app.add_option("--port", options.port, "port to bind (0 = chosen by the OS)")
      ->capture_default_str();
  app.add_option("--io-threads", options.io_threads, "I/O threads")->capture_default_str();
  std::string chosen;
  for (const auto& [name, entry] : registry.entries()) {
    app.add_subcommand(name, entry.description)->callback([&chosen, name = name] {
      chosen = name;
    });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  const EmulatorRegistry::Entry* entry = registry.Find(chosen);
  if (entry == nullptr) return 2;

  // Block the stop signals in every thread (the server's I/O threads inherit the mask), then
  // wait for one here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  EmulatorServer server(entry->factory, options);
  if (auto started = server.Start(); !started.ok()) {
    std::cerr << "herald-emulator: " << started.error().ToString() << "\n";
    return 1;
  }
  std::printf("listening on %s:%u\n", options.host.c_str(), static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.Stop();
  return 0;
}

}  // namespace herald::emulators
