// The arguments connecting an account to a network takes, split by whether they must be
// given. Pure; thread-safe.
#ifndef HERALD_CORE_CONNECT_ARGUMENTS_H_
#define HERALD_CORE_CONNECT_ARGUMENTS_H_

#include <string>
#include <vector>

#include "platforms/platform.h"

namespace herald::core {

// PlatformInfo lists them in connect_fields; a name ending in '?' (or the known-optional
// "service_url") is optional. Bluesky's optional service_url is added even when its adapter
// does not list it.
struct ConnectArguments {
  std::vector<std::string> required;
  std::vector<std::string> optional;
};
ConnectArguments ConnectArgumentsOf(const platforms::PlatformInfo& info);

}  // namespace herald::core

#endif  // HERALD_CORE_CONNECT_ARGUMENTS_H_
