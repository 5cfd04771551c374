// PlatformRegistry: network id -> Platform. Filled once at start (composition root), then
// read-only and safe to share between threads.
#ifndef HERALD_PLATFORMS_PLATFORM_REGISTRY_H_
#define HERALD_PLATFORMS_PLATFORM_REGISTRY_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/platform.h"

namespace herald::platforms {

class PlatformRegistry {
 public:
  // Adds `platform` under Info().id, replacing any earlier one with that id.
  void Add(std::unique_ptr<Platform> platform);
  // The network with this id, or nullptr.
  Platform* Find(std::string_view id) const;
  // Every network, ordered by id.
  std::vector<Platform*> All() const;
  // "bluesky, discord, mastodon, ..." for error messages.
  std::string Names() const;

 private:
  std::map<std::string, std::unique_ptr<Platform>, std::less<>> platforms_;
};

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_PLATFORM_REGISTRY_H_
