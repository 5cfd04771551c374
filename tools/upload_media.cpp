#include "tools/upload_media.h"

#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

UploadMediaTool::UploadMediaTool(core::MediaService& service) : media_(service) {
  spec_ = SpecFromSchemas("upload_media", store::Role::kEditor);
}

Task<Result<ToolOutput>> UploadMediaTool::Call(Json args, ToolContext& ctx) {
  core::UploadMediaRequest request;
  request.data_base64 = StringArg(args, "data_base64");
  request.mime_type = StringArg(args, "mime_type");
  request.file_name = StringArg(args, "file_name");
  request.alt_text = StringArg(args, "alt_text");
  HERALD_CO_ASSIGN_OR_RETURN(store::Media media,
                             co_await media_.Upload(ctx.caller(), std::move(request)));
  Json out = {{"media_id", media.id},
              {"mime_type", media.mime_type},
              {"size", media.size},
              {"sha256", media.sha256}};
  if (!media.file_name.empty()) out["file_name"] = media.file_name;
  if (!media.alt_text.empty()) out["alt_text"] = media.alt_text;
  co_return Structured(std::move(out));
}

}  // namespace herald::tools
