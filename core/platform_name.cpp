#include "core/platform_name.h"

namespace herald::core {

std::string PlatformName(const platforms::PlatformRegistry& platforms, std::string_view id) {
  if (const auto* p = platforms.Find(id); p != nullptr && !p->Info().name.empty()) {
    return p->Info().name;
  }
  return std::string(id);
}

}  // namespace herald::core
