// Small helpers shared by the account tools (list_platforms, connect_account, list_accounts,
// get_account, disconnect_account).
#ifndef HERALD_TOOLS_ACCOUNT_TOOL_OUTPUT_H_
#define HERALD_TOOLS_ACCOUNT_TOOL_OUTPUT_H_

#include <utility>

#include "tools/tool.h"

namespace herald::tools {

// A result carrying only structured content (the MCP layer mirrors it as text).
inline ToolOutput AccountToolOutput(Json structured) {
  ToolOutput out;
  out.structured = std::move(structured);
  return out;
}

}  // namespace herald::tools

#endif  // HERALD_TOOLS_ACCOUNT_TOOL_OUTPUT_H_
