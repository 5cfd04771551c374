// list_platforms: every network herald supports, how to connect it, its limits and features.
// See spec() and schemas/tools/list_platforms.*.json. Stateless; thread-safe.
#ifndef HERALD_TOOLS_LIST_PLATFORMS_H_
#define HERALD_TOOLS_LIST_PLATFORMS_H_

#include "platforms/platform_registry.h"
#include "tools/tool.h"

namespace herald::tools {

class ListPlatformsTool final : public Tool {
 public:
  explicit ListPlatformsTool(const platforms::PlatformRegistry& platforms);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  const platforms::PlatformRegistry& platforms_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_LIST_PLATFORMS_H_
