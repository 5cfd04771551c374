#include "tools/get_media.h"

#include "tools/media_views.h"
#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

GetMediaTool::GetMediaTool(core::MediaService& service) : media_(service) {
  spec_ = SpecFromSchemas("get_media", base::Role::kViewer);
}

Task<Result<ToolOutput>> GetMediaTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::MediaDetails details,
                             co_await media_.Get(ctx.caller(), StringArg(args, "media_id")));
  co_return Structured(MediaDetailView(details));
}

}  // namespace herald::tools
