#include "tools/list_platforms.h"

#include "tools/account_views.h"
#include "tools/account_tool_output.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ListPlatformsTool::ListPlatformsTool(const platforms::PlatformRegistry& platforms)
    : platforms_(platforms) {
  spec_ = SpecFromSchemas("list_platforms", base::Role::kViewer);
}

Task<Result<ToolOutput>> ListPlatformsTool::Call(Json, ToolContext&) {
  Json list = Json::array();
  for (const platforms::Platform* p : platforms_.All()) {
    list.push_back(PlatformInfoView(p->Info()));
  }
  co_return AccountToolOutput(Json{{"platforms", std::move(list)}});
}

}  // namespace herald::tools
