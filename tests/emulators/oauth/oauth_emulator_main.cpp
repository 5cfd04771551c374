// herald_oauth_emulator: the OAuth emulator as a process, for integration tests of the real
// binary (HERALD_OAUTH_TEST_PROVIDER=<url>). Prints "OAUTH_EMULATOR_URL=<base url>" on stdout
// and serves until stdin closes. The stdin line "fetched" prints "FETCHED <url>" for each media
// URL the network fetched for an accepted post, then "END".
//
//   herald_oauth_emulator [--client-id ID] [--client-secret S] [--client-auth basic|post|any]
//                         [--redirect-uri URI]... [--token-ttl SECONDS] [--no-refresh-tokens]
//                         [--page ID=NAME]...   (pages the user administers: GET /api/pages)
#include <cstdio>
#include <iostream>
#include <string>

#include "tests/emulators/oauth/oauth_emulator.h"

int main(int argc, char** argv) {
  herald::testing::OAuthEmulatorOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "herald_oauth_emulator: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--client-id") {
      options.client_id = next();
    } else if (arg == "--client-secret") {
      options.client_secret = next();
    } else if (arg == "--client-auth") {
      options.client_auth = next();
    } else if (arg == "--redirect-uri") {
      options.redirect_uris.push_back(next());
    } else if (arg == "--page") {
      std::string page = next();
      size_t eq = page.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "herald_oauth_emulator: --page needs ID=NAME\n");
        return 2;
      }
      options.pages.push_back({page.substr(0, eq), page.substr(eq + 1), ""});
    } else if (arg == "--no-refresh-tokens") {
      options.issue_refresh_tokens = false;
    } else if (arg == "--token-ttl") {
      options.access_token_ttl = std::chrono::seconds(std::stol(next()));
    } else {
      std::fprintf(stderr, "herald_oauth_emulator: unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  herald::testing::OAuthEmulator emulator(options);
  std::printf("OAUTH_EMULATOR_URL=%s\n", emulator.base_url().c_str());
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line != "fetched") continue;
    for (const std::string& url : emulator.fetched_media()) std::printf("FETCHED %s\n", url.c_str());
    std::printf("END\n");
    std::fflush(stdout);
  }
  return 0;
}
