#include "tools/list_platforms.h"

#include "tools/account_views.h"
#include "tools/account_tool_output.h"

namespace herald::tools {

ListPlatformsTool::ListPlatformsTool(const platforms::PlatformRegistry& platforms)
    : platforms_(platforms) {
  spec_.name = "list_platforms";
  spec_.title = "List supported networks";
  spec_.description =
      "Lists every social network herald can publish to: its id (the `platform` argument of "
      "connect_account), how it connects (auth_kind and the connect_account arguments it "
      "needs), its text limits (maximum length, the unit it is counted in, how long a URL "
      "counts), media limits, and features (threads, deleting posts, metrics, and whether a "
      "retried post can ever appear twice: idempotency native | reconcile | none). Use it "
      "before connect_account, or to write a post that fits every target network.";
  spec_.annotations.read_only = true;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kViewer;
}

Task<Result<ToolOutput>> ListPlatformsTool::Call(Json, ToolContext&) {
  Json list = Json::array();
  for (const platforms::Platform* p : platforms_.All()) {
    list.push_back(PlatformInfoView(p->Info()));
  }
  co_return AccountToolOutput(Json{{"platforms", std::move(list)}});
}

}  // namespace herald::tools
