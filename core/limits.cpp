#include "core/limits.h"

#include "platforms/text/utf8.h"

namespace herald::core::limits {

std::size_t TextLength(std::string_view text) {
  return static_cast<std::size_t>(platforms::text::CountCodePoints(text));
}

}  // namespace herald::core::limits
