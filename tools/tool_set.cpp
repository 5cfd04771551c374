#include "tools/tool_set.h"

// Post tools (core/ PostService, MediaService).
// (includes go here)

// Account tools (core/ AccountService, platforms/).
#include "tools/connect_account.h"
#include "tools/disconnect_account.h"
#include "tools/get_account.h"
#include "tools/list_accounts.h"
#include "tools/list_platforms.h"

namespace herald::tools {

std::vector<std::unique_ptr<Tool>> MakeTools(const ToolDeps& deps) {
  std::vector<std::unique_ptr<Tool>> tools;
  // ---- post tools ----
  if (deps.posts != nullptr) {
  }
  // ---- account tools ----
  if (deps.platforms != nullptr) {
    tools.push_back(std::make_unique<ListPlatformsTool>(*deps.platforms));
  }
  if (deps.accounts != nullptr) {
    tools.push_back(std::make_unique<ConnectAccountTool>(*deps.accounts));
    tools.push_back(std::make_unique<ListAccountsTool>(*deps.accounts));
    tools.push_back(std::make_unique<GetAccountTool>(*deps.accounts));
    tools.push_back(std::make_unique<DisconnectAccountTool>(*deps.accounts));
  }
  return tools;
}

}  // namespace herald::tools
