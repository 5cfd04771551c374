#include "tools/prepare_media.h"

#include <cmath>
#include <string>

#include "core/post_content.h"
#include "tools/media_views.h"
#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

PrepareMediaTool::PrepareMediaTool(core::MediaService& service) : media_(service) {
  spec_ = SpecFromSchemas("prepare_media", base::Role::kEditor);
}

Task<Result<ToolOutput>> PrepareMediaTool::Call(Json args, ToolContext& ctx) {
  core::PrepareMediaRequest request;
  request.media_id = StringArg(args, "media_id");
  request.platforms = StringListArg(args, "platforms").value_or(std::vector<std::string>{});
  HERALD_CO_ASSIGN_OR_RETURN(request.fit, core::ParseMediaFit(StringArg(args, "fit")));
  // Whole percents only: a notification per percent at most, and never the same value twice.
  auto progress = [&ctx](size_t index, size_t count, const std::string& network,
                         double fraction) {
    const double percent = std::floor(fraction * 100);
    ctx.Progress(static_cast<double>(index) + percent / 100, static_cast<double>(count),
                 network + ": " + std::to_string(static_cast<int>(percent)) + "%");
  };
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<core::PreparedForNetwork> done,
                             co_await media_.Prepare(ctx.caller(), request, progress));
  co_return Structured(PreparedMediaView(request.media_id, done));
}

}  // namespace herald::tools
