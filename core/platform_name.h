// How a network is named to users. Pure; thread-safe.
#ifndef HERALD_CORE_PLATFORM_NAME_H_
#define HERALD_CORE_PLATFORM_NAME_H_

#include <string>
#include <string_view>

#include "platforms/platform_registry.h"

namespace herald::core {

// The display name of a network ("Mastodon"), or its id if not registered.
std::string PlatformName(const platforms::PlatformRegistry& platforms, std::string_view id);

}  // namespace herald::core

#endif  // HERALD_CORE_PLATFORM_NAME_H_
