#include "tools/list_media.h"

#include "tools/media_views.h"
#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ListMediaTool::ListMediaTool(core::MediaService& service) : media_(service) {
  spec_ = SpecFromSchemas("list_media", base::Role::kViewer);
}

Task<Result<ToolOutput>> ListMediaTool::Call(Json args, ToolContext& ctx) {
  core::ListMediaRequest request;
  request.kind = StringArg(args, "kind");
  request.before_id = StringArg(args, "cursor");
  request.limit = IntArg(args, "limit", 20);
  HERALD_CO_ASSIGN_OR_RETURN(auto items, co_await media_.List(ctx.caller(), request));
  Json list = Json::array();
  for (const auto& m : items) list.push_back(MediaView(m));
  Json out = {{"media", std::move(list)}};
  if (static_cast<int>(items.size()) == request.limit && !items.empty()) {
    out["next_cursor"] = items.back().id;
  }
  co_return Structured(std::move(out));
}

}  // namespace herald::tools
