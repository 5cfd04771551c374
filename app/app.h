// The composition root: the only place that sees every layer. Opens the store and the keyring,
// builds the platforms, the core services, the tools and the transports, and runs them.
#ifndef HERALD_APP_APP_H_
#define HERALD_APP_APP_H_

#include <memory>

#include "app/config.h"
#include "base/result.h"
#include "store/store.h"

namespace herald::app {

// Opens the configured store (applying migrations when `migrate`), with errors worded for the
// command line.
base::Result<std::unique_ptr<store::Store>> OpenStoreForCli(const Config& config, bool migrate);

// Each returns the process exit code (serve_main.cpp, stdio_main.cpp, worker_main.cpp).
int RunServe(const Config& config);
int RunStdio(const Config& config);
int RunWorker(const Config& config);

}  // namespace herald::app

#endif  // HERALD_APP_APP_H_
