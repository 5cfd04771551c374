// The web console's static files (transport/console/assets/: console.css, console.js, icons),
// embedded into the binary at build time by cmake/embed_files.cmake; no Node build, no CDN.
#ifndef HERALD_TRANSPORT_CONSOLE_CONSOLE_ASSETS_H_
#define HERALD_TRANSPORT_CONSOLE_CONSOLE_ASSETS_H_

#include <optional>
#include <string_view>

namespace herald::transport {

// The file named `path` ("console.css"), or nullopt.
std::optional<std::string_view> ConsoleAsset(std::string_view path);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_CONSOLE_CONSOLE_ASSETS_H_
