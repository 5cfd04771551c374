#include "tools/delete_media.h"

#include "tools/media_views.h"
#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

DeleteMediaTool::DeleteMediaTool(core::MediaService& service) : media_(service) {
  spec_ = SpecFromSchemas("delete_media", base::Role::kEditor);
}

Task<Result<ToolOutput>> DeleteMediaTool::Call(Json args, ToolContext& ctx) {
  std::string id = StringArg(args, "media_id");
  HERALD_CO_RETURN_IF_ERROR(co_await media_.Delete(ctx.caller(), id));
  co_return Structured(Json{{"media_id", id}, {"deleted", true}});
}

}  // namespace herald::tools
