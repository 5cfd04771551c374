// herald: the command line. The composition root lives in app.cpp; this file only parses flags
// and dispatches to a subcommand. Every user error prints one line on stderr and exits 2.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "app/cli.h"

int main(int argc, char** argv) {
  herald::app::Cli cli(herald::app::ProcessEnvironment());
  CLI::App app{"herald: MCP-first social media publishing server", "herald"};
  cli.Configure(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return cli.Run();
}
