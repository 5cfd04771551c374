// `herald stdio`: MCP over stdin/stdout for a local client (Claude Desktop, Cursor, ...).
//
// Acts as the default organization's admin (the local operator), or, when HERALD_API_KEY is
// set, as that key's organization and role. An invalid key is one line on stderr, and every
// request the client sends is answered with an error naming the problem (so the client shows
// it) until stdin ends; then exit 2.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <csignal>
#include <cstdio>

#include "app/app.h"
#include "app/services.h"
#include "mcp/server/herald_server.h"
#include "transport/stdio/stdio_refusal.h"
#include "transport/stdio/stdio_server.h"

namespace herald::app {

int RunStdio(const Config& config) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is an error from write(), not a crash
  auto services = BuildServices(config, /*local_files=*/true);
  if (!services.ok()) {
    std::fprintf(stderr, "herald: %s\n", services.error().message().c_str());
    return 2;
  }
  base::Caller caller{(*services)->default_org.id, "", base::Role::kAdmin};
  if (!config.api_key.empty()) {
    auto verified = (*services)->keys->Verify(config.api_key);
    if (!verified.ok()) {
      std::fprintf(stderr, "herald: HERALD_API_KEY: %s\n", verified.error().message().c_str());
      transport::RefuseStdio(
          STDIN_FILENO, STDOUT_FILENO,
          "herald cannot start: HERALD_API_KEY is not valid (" + verified.error().message() +
              "). Set it to a key from `herald keys create` (or the key printed on the first "
              "`herald serve`), or remove it to act as the local operator.");
      return 2;
    }
    caller = *verified;
  }
  auto dispatcher = mcp::BuildHeraldDispatcher((*services)->ToolDependencies());
  if (!dispatcher.ok()) {
    std::fprintf(stderr, "herald: %s\n", dispatcher.error().message().c_str());
    return 2;
  }

  boost::asio::io_context io(1);
  // Publishing workers (core/) on their own threads unless --no-workers; stopped (draining)
  // when `workers` goes out of scope after Run returns.
  auto workers = StartWorkers(**services, config);

  auto session = (*dispatcher)->NewSession(caller, "stdio");
  transport::StdioServer server(**dispatcher, session, STDIN_FILENO, STDOUT_FILENO);
  int code = server.Run(io);
  (*services)->http->CloseIdle();  // pooled sockets belong to `io`, which goes first
  return code;
}

}  // namespace herald::app
