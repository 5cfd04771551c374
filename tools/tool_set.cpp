#include "tools/tool_set.h"

// Post tools (core/ PostService, MediaService).
// (includes go here)

// Account tools (core/ AccountService, platforms/).
// (includes go here)

namespace herald::tools {

std::vector<std::unique_ptr<Tool>> MakeTools(const ToolDeps& deps) {
  std::vector<std::unique_ptr<Tool>> tools;
  // ---- post tools ----
  if (deps.posts != nullptr) {
  }
  // ---- account tools ----
  if (deps.accounts != nullptr) {
  }
  return tools;
}

}  // namespace herald::tools
