#include "tools/upload_media.h"

#include "tools/media_views.h"
#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

UploadMediaTool::UploadMediaTool(core::MediaService& service) : media_(service) {
  spec_ = SpecFromSchemas("upload_media", base::Role::kEditor);
}

Task<Result<ToolOutput>> UploadMediaTool::Call(Json args, ToolContext& ctx) {
  core::UploadMediaRequest request;
  request.data_base64 = StringArg(args, "data_base64");
  request.url = StringArg(args, "url");
  request.path = StringArg(args, "path");
  request.mime_type = StringArg(args, "mime_type");
  request.file_name = StringArg(args, "file_name");
  request.alt_text = StringArg(args, "alt_text");
  request.keep = BoolArg(args, "keep", false);
  HERALD_CO_ASSIGN_OR_RETURN(store::Media media,
                             co_await media_.Upload(ctx.caller(), std::move(request)));
  co_return Structured(MediaView(media));
}

}  // namespace herald::tools
